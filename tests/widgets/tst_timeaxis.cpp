// SPDX-License-Identifier: GPL-3.0-or-later
#include "sequencepainter.h"
#include "units.h"

#include <QImage>
#include <QPainter>
#include <QSet>
#include <QTest>

using namespace PatternScope;

// The time ruler: every tick it labels reads differently from the others, at any zoom and any time.
class TestTimeAxis : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void ticksReadDistinctly_data()
    {
        QTest::addColumn<double>("pixelsPerSecond");
        for (const double zoom : { 1.0, 3.0, 12.0, 120.0, 500.0, 1'400.0, 5'000.0, 20'000.0, 100'000.0 })
            QTest::addRow("%g px/s", zoom) << zoom;
    }

    void ticksReadDistinctly()
    {
        QFETCH(double, pixelsPerSecond);
        Trace trace;
        SequenceGeometry geometry;
        geometry.setTrace(&trace);
        geometry.setPixelsPerSecond(pixelsPerSecond);
        Theme theme;
        SequencePainter painter(geometry, theme);
        const TimeUs step = painter.gridStep();
        QVERIFY(double(step) / 1e6 * pixelsPerSecond >= 70.0); // room for a two-line label
        // A screenful (and a few) around the start, 28 s (where "28.1 s" used to repeat), a minute and an hour.
        const TimeUs hour = 3'600'000'000;
        for (const TimeUs around :
            { TimeUs(0), TimeUs(28'100'000), TimeUs(60'000'000), hour, 2 * hour + 59 * TimeUs(60'000'000) }) {
            const double y = geometry.timeToY(around);
            const std::vector<TimeUs> ticks = painter.ticks(std::max(0.0, y - 1500), y + 1500);
            QVERIFY(ticks.size() >= 5);
            QSet<QString> seen;
            for (const TimeUs t : ticks) {
                const QString text = Units::clockAtStep(t, step);
                QVERIFY2(
                    !seen.contains(text), qPrintable(QStringLiteral("\"%1\" twice near %2 us").arg(text).arg(around)));
                seen.insert(text);
            }
        }
    }

    // The ruler's labels stay inside the ruler: none runs into the diagram or past the edge of the view.
    void labelsFitTheRuler_data() { ticksReadDistinctly_data(); }

    void labelsFitTheRuler()
    {
        QFETCH(double, pixelsPerSecond);
        Trace trace;
        SequenceGeometry geometry;
        geometry.setTrace(&trace);
        geometry.setColumns(68, 180);
        geometry.setPixelsPerSecond(pixelsPerSecond);
        Theme theme;
        SequencePainter painter(geometry, theme);
        const double stepPixels = double(painter.gridStep()) / 1e6 * pixelsPerSecond;
        for (const TimeUs at : { TimeUs(28'100'000), TimeUs(65'430'000), TimeUs(3'725'000'000) }) {
            // Bands whose edges fall everywhere between two ticks, so a label could be cut at either.
            for (double shift = 0; shift < stepPixels; shift += 3.0) {
                constexpr int top = 44;
                constexpr double height = 333.3;
                QImage image(200, 500, QImage::Format_ARGB32_Premultiplied);
                image.fill(Qt::transparent);
                QPainter p(&image);
                painter.paintRuler(p, geometry.timeToY(at) + shift, top, height);
                p.end();
                // Anything drawn outside the ruler's band is text that did not fit.
                QRect drawn;
                for (int y = 0; y < image.height(); ++y) {
                    for (int x = 0; x < image.width(); ++x) {
                        if (qAlpha(image.pixel(x, y)) > 0)
                            drawn |= QRect(x, y, 1, 1);
                    }
                }
                QVERIFY2(drawn.top() >= top && drawn.bottom() <= top + height && drawn.right() < 68,
                    qPrintable(QStringLiteral("drawn over %1,%2 %3x%4 near %5 us")
                                   .arg(drawn.x())
                                   .arg(drawn.y())
                                   .arg(drawn.width())
                                   .arg(drawn.height())
                                   .arg(at + TimeUs(shift / pixelsPerSecond * 1e6))));
            }
        }
    }

    // Ticks skip what a fold hides and go on, still distinct, after it.
    void ticksAroundAFold()
    {
        Trace trace;
        SequenceGeometry geometry;
        geometry.setTrace(&trace);
        geometry.setPixelsPerSecond(1'400); // 50 ms ticks
        QVERIFY(geometry.addFold(28'120'000, 61'030'000));
        Theme theme;
        SequencePainter painter(geometry, theme);
        QCOMPARE(painter.gridStep(), TimeUs(50'000));
        const std::vector<TimeUs> ticks = painter.ticks(geometry.timeToY(27'000'000), geometry.timeToY(62'000'000));
        QStringList labels;
        for (const TimeUs t : ticks) {
            QVERIFY(!geometry.foldAt(t));
            labels.append(Units::clockAtStep(t, painter.gridStep()));
        }
        QVERIFY(labels.contains(QStringLiteral("28.10 s")));
        QVERIFY(labels.contains(QStringLiteral("1 min 1.05 s")));
        QVERIFY(!labels.contains(QStringLiteral("28.15 s")));
        QCOMPARE(QSet<QString>(labels.begin(), labels.end()).size(), labels.size());
    }
};

QTEST_MAIN(TestTimeAxis)
#include "tst_timeaxis.moc"
