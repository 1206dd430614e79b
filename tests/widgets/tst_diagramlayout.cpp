// SPDX-License-Identifier: GPL-3.0-or-later
#include "bundletext.h"
#include "diagramlayout.h"
#include "exchanges.h"
#include "layoutchecks.h"
#include "sequencepainter.h"
#include "tracefiles.h"

#include <QDir>
#include <QHash>
#include <QTest>
#include <algorithm>
#include <memory>

using namespace PatternScope;
using namespace PatternScope::Test;

namespace {

// Dense runs of the patterns, recorded by the app (tests/data/README.md gives the commands).
QStringList fixtures()
{
    QStringList paths;
    const QDir dir(QStringLiteral(PATTERNSCOPE_TEST_DATA));
    for (const QString& name : dir.entryList({ QStringLiteral("*.pstrace.jsonl") }, QDir::Files, QDir::Name))
        paths.append(dir.filePath(name));
    return paths;
}

// A diagram of a recorded trace laid out the way the view (or a picture) lays it out.
struct Scene {
    Trace trace;
    SequenceGeometry geometry;
    Theme theme = Theme::fromPalette(QPalette());
    std::unique_ptr<SequencePainter> painter;

    bool load(const QString& path)
    {
        if (!readTrace(path, &trace).isEmpty() && trace.messages().empty())
            return false;
        geometry.setTrace(&trace);
        geometry.setColumns(68.0, 180.0);
        painter = std::make_unique<SequencePainter>(geometry, theme);
        painter->setAsOf(trace.endTime());
        return true;
    }
};

// What the layout did wrong over `visible`, one line each; empty when nothing.
QStringList problems(const Scene& scene, const DiagramLayout& layout, const QRectF& visible, bool picture)
{
    QStringList found;
    std::vector<LabelledRect> labels;
    QHash<qint64, int> drawn;
    for (const DiagramLayout::Item& item : layout.items()) {
        for (const DiagramLayout::Strand& strand : item.strands) {
            if (strand.seqs.size() != strand.lines.size())
                found.append(QStringLiteral("a strand with %1 messages and %2 lines")
                                 .arg(strand.seqs.size())
                                 .arg(strand.lines.size()));
            for (qint64 seq : strand.seqs)
                ++drawn[seq];
        }
        if (item.label.isNull()) {
            if (picture)
                found.append(QStringLiteral("no label in a picture: ") + item.text);
            continue;
        }
        labels.push_back({ item.label, item.shown });
        // Between the outer lifelines: the notes lanes beyond them are not the arrows'.
        const SequenceGeometry& g = scene.geometry;
        const double first = g.xOf(g.participantInColumn(0));
        const double last = g.xOf(g.participantInColumn(int(scene.trace.participants().size()) - 1));
        if (item.label.width() < last - first && (item.label.left() < first || item.label.right() > last))
            found.append(
                QStringLiteral("\"%1\" %2 reaches past the outer lifelines").arg(item.shown, describeRect(item.label)));
        for (const DiagramLayout::Strand& strand : item.strands) {
            for (size_t i = 0; i < strand.lines.size(); ++i) {
                if (segmentCrossesRect(strand.lines[i], item.label, 0.25))
                    found.append(QStringLiteral("\"%1\" %2 is crossed by its own arrow %3")
                                     .arg(item.shown, describeRect(item.label))
                                     .arg(strand.seqs[i]));
            }
        }
        if (picture && item.isElided())
            found.append(QStringLiteral("elided in a picture: ") + item.text);
        if (!item.isElided()) {
            // A bundle's label names every member's own label.
            for (const DiagramLayout::Strand& strand : item.strands) {
                for (qint64 seq : strand.seqs) {
                    const QString own = scene.painter->labelText(scene.trace.message(seq));
                    if (!BundleText::names(item.text, own))
                        found.append(QStringLiteral("\"%1\" does not name \"%2\"").arg(item.text, own));
                }
            }
        }
    }
    const auto pairs = overlappingPairs(labels, 0.0);
    if (!pairs.empty())
        found.append(describeOverlaps(labels, pairs, 4));
    // Every message with an arrow in the range is drawn once: alone or in exactly one bundle.
    const TimeUs asOf = scene.trace.endTime();
    for (qint64 seq : scene.geometry.messagesInBand(visible.top(), visible.bottom(), asOf)) {
        if (drawn.value(seq) != 1)
            found.append(QStringLiteral("message %1 drawn %2 times").arg(seq).arg(drawn.value(seq)));
    }
    for (auto it = drawn.cbegin(); it != drawn.cend(); ++it) {
        if (it.value() > 1)
            found.append(QStringLiteral("message %1 drawn %2 times").arg(it.key()).arg(it.value()));
    }
    return found;
}

} // namespace

class TestDiagramLayout : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void fixturesAreThere() { QVERIFY2(fixtures().size() >= 5, PATTERNSCOPE_TEST_DATA); }

    void labelsKeepApart_data()
    {
        QTest::addColumn<QString>("path");
        QTest::addColumn<double>("pixelsPerSecond");
        QTest::addColumn<bool>("compact");
        QTest::addColumn<bool>("picture");
        for (const QString& path : fixtures()) {
            const QString name = QFileInfo(path).completeBaseName();
            for (double zoom : { 6.0, 30.0, 120.0, 600.0, 3000.0 }) {
                QTest::addRow("%s view %g px/s", qPrintable(name), zoom) << path << zoom << false << false;
                QTest::addRow("%s picture %g px/s", qPrintable(name), zoom) << path << zoom << false << true;
            }
            QTest::addRow("%s compact view", qPrintable(name)) << path << 120.0 << true << false;
            QTest::addRow("%s compact picture", qPrintable(name)) << path << 120.0 << true << true;
        }
    }

    // No two labels overlap, no arrow runs through its own label, and every message in the range is drawn
    // once, alone or in one bundle whose label names it: at the start, the middle and the end, at every zoom.
    void labelsKeepApart()
    {
        QFETCH(QString, path);
        QFETCH(double, pixelsPerSecond);
        QFETCH(bool, compact);
        QFETCH(bool, picture);
        Scene scene;
        QVERIFY(scene.load(path));
        scene.geometry.setPixelsPerSecond(pixelsPerSecond);
        scene.geometry.setAxis(compact ? SequenceGeometry::Axis::Compact : SequenceGeometry::Axis::Time);
        scene.geometry.foldIdleGaps();
        scene.painter->setElide(!picture);
        const double height = scene.geometry.contentHeight(scene.trace.endTime());
        const double width = scene.geometry.contentWidth();
        std::vector<QRectF> windows;
        if (picture) {
            windows.emplace_back(0, -24, width, height + 48);
        } else {
            for (double top : { -24.0, height / 2 - 500, height - 1000 })
                windows.emplace_back(0, std::max(-24.0, top), width, 1080);
        }
        for (const QRectF& visible : windows) {
            const DiagramLayout& layout = scene.painter->layOut(visible);
            const QStringList found = problems(scene, layout, visible, picture);
            QVERIFY2(found.isEmpty(), qPrintable(found.mid(0, 8).join(u'\n')));
        }
    }

    void labelsHoldStillWhileScrolling_data()
    {
        QTest::addColumn<QString>("path");
        for (const QString& path : fixtures())
            QTest::addRow("%s", qPrintable(QFileInfo(path).completeBaseName())) << path;
    }

    // What is in sight in two scroll positions is laid out the same in both: bundles and labels do not jump
    // as the view scrolls. The pass starts well above what is in sight, but a greedy layout of very dense
    // traffic can still pass a change down a long chain of labels: a few may move, never many.
    void labelsHoldStillWhileScrolling()
    {
        QFETCH(QString, path);
        Scene scene;
        QVERIFY(scene.load(path));
        scene.geometry.setPixelsPerSecond(300.0);
        scene.geometry.foldIdleGaps();
        const double width = scene.geometry.contentWidth();
        const double height = scene.geometry.contentHeight(scene.trace.endTime());
        const auto labelsIn = [&](double top, const QRectF& band) {
            QHash<qint64, QPair<QString, QRectF>> placed;
            for (const DiagramLayout::Item& item : scene.painter->layOut(QRectF(0, top, width, 1000)).items()) {
                if (!item.label.isNull() && band.contains(item.label))
                    placed.insert(item.firstSeq(), qMakePair(item.shown, item.label));
            }
            return placed;
        };
        qsizetype compared = 0;
        QStringList moved;
        for (double top = 0; top + 1400 < height; top += 700) {
            const QRectF band(0, top + 450, width, 450); // in sight from both scroll positions
            const auto before = labelsIn(top, band);
            compared += before.size();
            const auto after = labelsIn(top + 400, band);
            for (auto it = before.cbegin(); it != before.cend(); ++it) {
                const auto now = after.value(it.key());
                if (now != it.value())
                    moved.append(QStringLiteral("\"%1\" at %2 became \"%3\" at %4")
                                     .arg(it.value().first, describeRect(it.value().second), now.first,
                                         describeRect(now.second)));
            }
            for (auto it = after.cbegin(); it != after.cend(); ++it) {
                if (!before.contains(it.key()))
                    moved.append(
                        QStringLiteral("\"%1\" at %2 appeared").arg(it.value().first, describeRect(it.value().second)));
            }
        }
        QVERIFY(compared > 0);
        QVERIFY2(moved.size() * 20 <= compared,
            qPrintable(QStringLiteral("%1 of %2 labels moved:\n").arg(moved.size()).arg(compared) + moved.join(u'\n')));
    }

    // Dense traffic bundles when zoomed out, and opens into single arrows as one zooms in.
    void bundlesOpenAsOneZoomsIn()
    {
        Scene scene;
        QVERIFY(scene.load(QStringLiteral(PATTERNSCOPE_TEST_DATA "/sse-20-per-s.pstrace.jsonl")));
        const auto bundled = [&](double pixelsPerSecond) {
            scene.geometry.setPixelsPerSecond(pixelsPerSecond);
            const QRectF visible(0, 0, scene.geometry.contentWidth(), 1000);
            qsizetype inBundles = 0;
            for (const DiagramLayout::Item& item : scene.painter->layOut(visible).items()) {
                for (const DiagramLayout::Strand& s : item.strands)
                    inBundles += s.seqs.size() > 1 ? qsizetype(s.seqs.size()) : 0;
            }
            return inBundles;
        };
        QVERIFY(bundled(30.0) > 50);
        QCOMPARE(bundled(5000.0), 0);
    }

    // A bundle the user opened is drawn as single arrows, whatever the zoom.
    void openedBundleIsSingleArrows()
    {
        Scene scene;
        QVERIFY(scene.load(QStringLiteral(PATTERNSCOPE_TEST_DATA "/sse-20-per-s.pstrace.jsonl")));
        scene.geometry.setPixelsPerSecond(30.0);
        const QRectF visible(0, 0, scene.geometry.contentWidth(), 1000);
        QSet<qint64> opened;
        for (const DiagramLayout::Item& item : scene.painter->layOut(visible).items()) {
            if (item.isBundle()) {
                for (const DiagramLayout::Strand& s : item.strands)
                    opened.unite(QSet<qint64>(s.seqs.begin(), s.seqs.end()));
                break;
            }
        }
        QVERIFY(!opened.isEmpty());
        scene.painter->setExpanded(&opened);
        for (const DiagramLayout::Item& item : scene.painter->layOut(visible).items()) {
            if (opened.contains(item.firstSeq()))
                QCOMPARE(item.count, 1);
        }
    }

    // Clients polling at once share one label that names them.
    void parallelPollsShareALabel()
    {
        Trace trace;
        const int server = trace.addParticipant(QStringLiteral("Server"), Participant::Role::Server);
        for (int i = 1; i <= 3; ++i) {
            const int client = trace.addParticipant(QStringLiteral("Client %1").arg(i), Participant::Role::Client);
            Message m = makeMessage(client, server, Message::Kind::HttpRequest, QStringLiteral("GET /updates?since=0"),
                1'000 * i, -1, QString::number(i));
            trace.completeMessage(trace.addMessage(m), 250'000 + 1'000 * i);
        }
        SequenceGeometry geometry;
        geometry.setTrace(&trace);
        const Theme theme = Theme::fromPalette(QPalette());
        SequencePainter painter(geometry, theme);
        painter.setAsOf(trace.endTime());
        const auto& items = painter.layOut(QRectF(0, -24, geometry.contentWidth(), 600)).items();
        QCOMPARE(items.size(), size_t(1));
        QCOMPARE(items.front().text, QStringLiteral("3 × GET /updates?since=0 (Client 1–3)"));
        QCOMPARE(items.front().strands.size(), size_t(3));
    }
};

QTEST_MAIN(TestDiagramLayout)
#include "tst_diagramlayout.moc"
