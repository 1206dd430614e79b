// SPDX-License-Identifier: GPL-3.0-or-later
// The textbook panel: each pattern's reference drawn, the step a replay is at highlighted as the clock
// moves, idle while the clock stands still, and shown or hidden as View remembers.
#include "playbackclock.h"
#include "textbookpanel.h"
#include "tracefiles.h"

#include <QAction>
#include <QImage>
#include <QSettings>
#include <QTemporaryDir>
#include <QTest>

using namespace PatternScope;
using namespace PatternScope::Test;

namespace {

QWidget* canvasOf(const TextbookPanel& panel)
{
    for (QWidget* w : panel.findChildren<QWidget*>()) {
        if (w->accessibleName() == QLatin1String("Textbook reference diagram"))
            return w;
    }
    return nullptr;
}

// The rows where the band is: at the left edge, left of the marker, the only thing that differs from the
// diagram with no step highlighted.
QList<int> bandRows(QWidget* canvas, const QImage& unmarked)
{
    const QImage image = canvas->grab().toImage();
    QList<int> rows;
    for (int y = 0; y < std::min(image.height(), unmarked.height()); ++y) {
        if (image.pixel(1, y) != unmarked.pixel(1, y))
            rows << y;
    }
    return rows;
}

} // namespace

class TestTextbookPanel : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_settings.isValid());
        QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, m_settings.path());
    }

    // Every pattern's reference is drawn: participants and arrows, not the "no diagram" text; headed as the
    // textbook's, with the pattern's title.
    void everyPatternDrawn_data()
    {
        QTest::addColumn<QString>("id");
        for (const char* id : { "long-polling", "short-polling", "server-sent-events", "websockets",
                 "publish-subscribe", "request-callback", "request-response" })
            QTest::addRow("%s", id) << QString::fromLatin1(id);
    }
    void everyPatternDrawn()
    {
        QFETCH(QString, id);
        TextbookPanel panel;
        panel.resize(320, 480);
        panel.setPattern(id, QStringLiteral("Title of ") + id);
        QVERIFY(!panel.diagram().isEmpty());
        QWidget* canvas = canvasOf(panel);
        QVERIFY(canvas);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        // Drawn: many colours (kinds, headers, notes), where the empty panel has its background and grey text.
        const QImage drawn = canvas->grab().toImage();
        QSet<QRgb> colours;
        for (int y = 0; y < drawn.height(); y += 2) {
            for (int x = 0; x < drawn.width(); x += 2)
                colours.insert(drawn.pixel(x, y));
        }
        QVERIFY2(colours.size() > 30, qPrintable(QString::number(colours.size())));
        // It asks for the width its names need; squeezed below it (a small window), it is still drawn, smaller.
        QVERIFY(canvas->sizeHint().width() >= 200);
        panel.resize(canvas->minimumSizeHint().width() + 12, 480);
        QTRY_VERIFY(canvas->width() < canvas->sizeHint().width());
        QSet<QRgb> squeezed;
        const QImage small = canvas->grab().toImage();
        for (int y = 0; y < small.height(); y += 2) {
            for (int x = 0; x < small.width(); x += 2)
                squeezed.insert(small.pixel(x, y));
        }
        QVERIFY2(squeezed.size() > 30, qPrintable(QString::number(squeezed.size())));

        panel.setPattern(QString(), QString());
        QVERIFY(panel.diagram().isEmpty());
    }

    // A replay of the long-polling fixture: seeking moves the highlight to the step the run is at, down the
    // diagram; the line under it says which.
    void highlightFollowsTheClock()
    {
        Trace trace;
        TraceHeader header;
        QCOMPARE(readTrace(QStringLiteral(PATTERNSCOPE_TEST_DATA "/long-polling-holds.pstrace.jsonl"), &trace, &header),
            QString());
        PlaybackClock clock;
        clock.setTrace(&trace);
        TextbookPanel panel;
        panel.resize(320, 480);
        panel.setPattern(header.pattern, QStringLiteral("Long polling"));
        panel.setClock(&clock);
        panel.setTrace(&trace);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        QWidget* canvas = canvasOf(panel);

        clock.seek(0);
        QCOMPARE(panel.currentStep(), -1);
        const QImage unmarked = canvas->grab().toImage();

        const Activation* hold = nullptr;
        for (const Activation& a : trace.activations()) {
            if (a.end != NoTime && a.end - a.start > 1'000'000) {
                hold = &a;
                break;
            }
        }
        QVERIFY(hold);
        const Message* request = nullptr;
        const Message* answer = nullptr;
        for (const Message& m : trace.messages()) {
            if (m.kind == Message::Kind::HttpRequest && m.sentAt < hold->start)
                request = &m;
            if (!answer && m.kind == Message::Kind::HttpResponse && m.sentAt >= hold->end)
                answer = &m;
        }
        QVERIFY(request && answer);

        QList<int> tops;
        const std::pair<TimeUs, int> moments[]
            = { { request->sentAt + 1, 0 }, { (hold->start + hold->end) / 2, 1 }, { answer->sentAt, 2 } };
        for (const auto& [t, step] : moments) {
            clock.seek(t);
            QCOMPARE(panel.currentStep(), step);
            QVERIFY2(panel.nowText().contains(panel.diagram().steps[size_t(step)].text), qPrintable(panel.nowText()));
            const QList<int> rows = bandRows(canvas, unmarked);
            QVERIFY(!rows.isEmpty());
            tops << rows.first();
        }
        QVERIFY2(tops[0] < tops[1] && tops[1] < tops[2],
            qPrintable(QStringLiteral("%1 %2 %3").arg(tops[0]).arg(tops[1]).arg(tops[2])));
    }

    // Paused or at the end of a finished trace nothing moves, so nothing is asked; playing, it follows.
    void idleUnlessTheClockMoves()
    {
        Trace trace;
        QCOMPARE(readTrace(QStringLiteral(PATTERNSCOPE_TEST_DATA "/sse-20-per-s.pstrace.jsonl"), &trace), QString());
        PlaybackClock clock;
        clock.setTrace(&trace);
        TextbookPanel panel;
        panel.setPattern(QStringLiteral("server-sent-events"), QStringLiteral("SSE"));
        panel.setClock(&clock);
        panel.setTrace(&trace);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        QVERIFY(!panel.isFollowing()); // live on a finished trace: at its end for good
        clock.seek(0);
        QVERIFY(!panel.isFollowing());
        clock.setSpeed(PlaybackClock::MaxSpeed);
        clock.play();
        QVERIFY(panel.isFollowing());
        // The stream opens within the first second: played at 10x, the highlight gets past the request.
        QTRY_VERIFY_WITH_TIMEOUT(panel.currentStep() >= 1, 10'000);
        clock.pause();
        QVERIFY(!panel.isFollowing());
        panel.hide();
        clock.play();
        QVERIFY(!panel.isFollowing()); // hidden: nobody to show it to
    }

    // View → Textbook reference: shown by default, hidden and shown by the action, remembered.
    void toggleRemembered()
    {
        QSettings().remove(QStringLiteral("view/textbookPanel"));
        {
            TextbookPanel panel;
            QVERIFY(panel.toggleAction()->isChecked());
            QVERIFY(!panel.isHidden());
            panel.toggleAction()->trigger();
            QVERIFY(panel.isHidden());
        }
        TextbookPanel again;
        QVERIFY(!again.toggleAction()->isChecked());
        QVERIFY(again.isHidden());
        again.toggleAction()->trigger();
        QVERIFY(!again.isHidden());
        QVERIFY(QSettings().value(QStringLiteral("view/textbookPanel")).toBool());
    }

private:
    QTemporaryDir m_settings;
};

QTEST_MAIN(TestTextbookPanel)
#include "tst_textbookpanel.moc"
