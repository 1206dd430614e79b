// SPDX-License-Identifier: GPL-3.0-or-later
#include "messages.h"
#include "sequencegeometry.h"
#include "tracefiles.h"

#include <QDir>
#include <QTest>

using namespace PatternScope;
using PatternScope::Test::makeMessage;

namespace {

constexpr TimeUs ms(double v)
{
    return TimeUs(v * 1000.0);
}

constexpr TimeUs kOpen = std::numeric_limits<TimeUs>::max();

// What a fold hides, compared with everything a fold must leave alone; empty when nothing is hidden.
QString foldsCutThrough(const SequenceGeometry& g)
{
    const Trace& trace = *g.trace();
    for (const SequenceGeometry::Fold& f : g.folds()) {
        const auto within = [&f](TimeUs from, TimeUs to) { return from <= f.end && f.start <= to; };
        const QString fold = QStringLiteral("the fold %1-%2 us").arg(f.start).arg(f.end);
        for (const Activation& a : trace.activations()) {
            if (within(a.start, a.end == NoTime ? kOpen : a.end))
                return fold + QStringLiteral(" cuts the activation \"%1\" at %2 us").arg(a.label).arg(a.start);
        }
        for (const SequenceGeometry::Stream& s : g.streams()) {
            if (within(s.openedAt, s.closedAt == NoTime ? kOpen : s.closedAt))
                return fold + QStringLiteral(" cuts the stream \"%1\" opened at %2 us").arg(s.label).arg(s.openedAt);
        }
        for (const Note& n : trace.notes()) {
            if (within(n.at, n.at))
                return fold + QStringLiteral(" hides the note \"%1\" at %2 us").arg(n.text).arg(n.at);
        }
        if (f.idle) {
            for (const Message& m : trace.messages()) {
                if (g.isShown(m) && within(m.sentAt, m.state == Message::State::InFlight ? kOpen : m.receivedAt))
                    return fold + QStringLiteral(" cuts the arrow \"%1\" (idle folds have none)").arg(m.label);
            }
        }
    }
    return {};
}

// Two lifelines, and messages and activations at known times.
struct Fixture {
    Trace trace;
    SequenceGeometry g;
    int client = trace.addParticipant(QStringLiteral("Client"), Participant::Role::Client);
    int server = trace.addParticipant(QStringLiteral("Server"), Participant::Role::Server);

    Fixture()
    {
        g.setTrace(&trace);
        g.setColumns(60, 200);
        g.setPixelsPerSecond(100);
    }

    qint64 exchange(TimeUs at, TimeUs flight = ms(10))
    {
        const qint64 seq
            = trace.addMessage(makeMessage(client, server, Message::Kind::HttpRequest, QStringLiteral("GET /"), at));
        trace.completeMessage(seq, at + flight);
        return seq;
    }
};

} // namespace

class TestFolding : public QObject {
    Q_OBJECT

private Q_SLOTS:
    // Each setting of the View menu: gaps longer than it fold, shorter ones stay; 0 folds none.
    void thresholdIsASetting_data()
    {
        QTest::addColumn<TimeUs>("after");
        QTest::addColumn<int>("folds");
        QTest::addRow("2 s") << ms(2000) << 3;
        QTest::addRow("4 s") << ms(4000) << 2;
        QTest::addRow("10 s") << ms(10'000) << 1;
        QTest::addRow("30 s") << ms(30'000) << 0;
        QTest::addRow("don't fold") << TimeUs(0) << 0;
    }

    void thresholdIsASetting()
    {
        QFETCH(TimeUs, after);
        QFETCH(int, folds);
        Fixture f;
        QCOMPARE(f.g.foldAfter(), SequenceGeometry::FoldAfter);
        // Gaps of 3 s, 5 s and 12 s between arrows that take 10 ms.
        for (const TimeUs at : { ms(0), ms(3010), ms(8020), ms(20'030) })
            f.exchange(at);
        f.g.setFoldAfter(after);
        f.g.foldIdleGaps();
        QCOMPARE(int(f.g.folds().size()), folds);
        for (const SequenceGeometry::Fold& fold : f.g.folds()) {
            QVERIFY(fold.end - fold.start > after - 2 * SequenceGeometry::FoldMargin);
            QVERIFY(fold.idle);
        }
        // A picture folds no more than that, however tall.
        f.g.foldQuietStretches(1);
        QCOMPARE(int(f.g.folds().size()), folds);
    }

    // A held request (an activation with no arrow in it) keeps its length; the gaps around it fold.
    void heldRequestsAreNotFolded()
    {
        Fixture f;
        f.exchange(ms(0));
        f.exchange(ms(10'000)); // the poll, arriving at 10.01 s
        const qint64 hold = f.trace.beginActivation(f.server, QStringLiteral("holding the poll"), ms(10'010));
        QVERIFY(f.trace.endActivation(hold, ms(15'010)));
        f.exchange(ms(15'010)); // the answer after a 5 s hold
        f.exchange(ms(30'000));
        f.g.setFoldAfter(ms(2000));
        f.g.foldIdleGaps();
        QCOMPARE(f.g.folds().size(), size_t(2)); // before the poll and after the answer
        QCOMPARE(foldsCutThrough(f.g), QString());
        QCOMPARE(f.g.timeToY(ms(15'010)) - f.g.timeToY(ms(10'010)), 500.0); // 5 s at 100 px/s
        // Pictures fold quiet stretches even through arrows, but not through the hold either.
        f.g.foldQuietStretches(10);
        QCOMPARE(foldsCutThrough(f.g), QString());
        QCOMPARE(f.g.timeToY(ms(15'010)) - f.g.timeToY(ms(10'010)), 500.0);

        // Still held (no end yet): nothing after its start folds.
        Fixture g;
        g.exchange(ms(0));
        g.trace.beginActivation(g.server, QStringLiteral("processing"), ms(100));
        g.exchange(ms(20'000));
        g.g.foldIdleGaps();
        QVERIFY(g.g.folds().empty());
    }

    // A note ("link cut") in a long gap stays in view: the gap folds on either side of it.
    void notesAreNotFolded()
    {
        Fixture f;
        f.exchange(ms(0));
        f.trace.addNote(f.client, QStringLiteral("link cut"), ms(10'000));
        f.exchange(ms(20'000));
        f.g.foldIdleGaps();
        QCOMPARE(f.g.folds().size(), size_t(2));
        QCOMPARE(foldsCutThrough(f.g), QString());
        QVERIFY(f.g.folds().front().end <= ms(10'000) - SequenceGeometry::FoldMargin);
        QVERIFY(f.g.folds().back().start >= ms(10'000) + SequenceGeometry::FoldMargin);
    }

    // An open stream (an SSE response, a WebSocket) is never folded while open, whatever its quiet.
    void openStreamsAreNotFolded()
    {
        Fixture f;
        const int connection = f.trace.openConnection(f.client, f.server, ms(0));
        Message answer = makeMessage(f.server, f.client, Message::Kind::HttpResponse,
            QStringLiteral("101 Switching Protocols"), ms(100), connection);
        answer.fields.status = 101;
        f.trace.completeMessage(f.trace.addMessage(answer), ms(110));
        f.exchange(ms(20'000));
        f.g.foldIdleGaps();
        QVERIFY(f.g.folds().empty());
        f.g.foldQuietStretches(1);
        QVERIFY(f.g.folds().empty());
        // Cut: what comes after may fold.
        QVERIFY(f.trace.closeConnection(connection, 0, 0, QStringLiteral("cut"), ms(30'000)));
        f.exchange(ms(50'000));
        f.g.foldIdleGaps();
        QCOMPARE(f.g.folds().size(), size_t(1));
        QCOMPARE(f.g.folds().front().start, ms(30'000) + SequenceGeometry::FoldMargin);
        QCOMPARE(foldsCutThrough(f.g), QString());
    }

    // Only what the diagram shows counts as activity: a hidden kind's arrows leave their gap foldable.
    void hiddenArrowsDoNotKeepAGapOpen()
    {
        Fixture f;
        f.exchange(ms(0));
        const qint64 ping = f.trace.addMessage(
            makeMessage(f.server, f.client, Message::Kind::WsPing, QStringLiteral("ping"), ms(5000)));
        f.trace.completeMessage(ping, ms(5010));
        f.exchange(ms(10'000));
        f.g.foldIdleGaps();
        QCOMPARE(f.g.folds().size(), size_t(2));
        f.g.setMessageFilter([](const Message& m) { return m.kind != Message::Kind::WsPing; });
        f.g.foldIdleGaps();
        QCOMPARE(f.g.folds().size(), size_t(1));
    }

    // Real runs, dense and sparse: no fold, idle or quiet, at any setting or zoom, cuts a hold, a stream or a note.
    void fixturesAreFoldedHonestly_data()
    {
        QTest::addColumn<QString>("path");
        const QDir data(QStringLiteral(PATTERNSCOPE_TEST_DATA));
        const QStringList files = data.entryList({ QStringLiteral("*.pstrace.jsonl") }, QDir::Files, QDir::Name);
        QVERIFY(files.size() >= 7);
        for (const QString& file : files)
            QTest::addRow("%s", qPrintable(file)) << data.filePath(file);
    }

    void fixturesAreFoldedHonestly()
    {
        QFETCH(QString, path);
        Trace trace;
        QCOMPARE(Test::readTrace(path, &trace), QString());
        SequenceGeometry g;
        g.setTrace(&trace);
        g.setColumns(68, 180);
        int folds = 0;
        for (const TimeUs after : { ms(2000), ms(4000), ms(10'000) }) {
            g.setFoldAfter(after);
            for (const double pixelsPerSecond : { 12.0, 120.0, 1200.0 }) {
                g.setPixelsPerSecond(pixelsPerSecond);
                g.foldIdleGaps();
                QCOMPARE(foldsCutThrough(g), QString());
                g.foldQuietStretches(300);
                QCOMPARE(foldsCutThrough(g), QString());
                folds += int(g.folds().size());
            }
        }
        qInfo("%d folds in all", folds);
    }

    // The long-polling fixture: polls held 5 s with nothing on the wire. The holds keep their length.
    void longPollHoldsKeepTheirLength()
    {
        Trace trace;
        QCOMPARE(Test::readTrace(QStringLiteral(PATTERNSCOPE_TEST_DATA "/long-polling-holds.pstrace.jsonl"), &trace),
            QString());
        SequenceGeometry g;
        g.setTrace(&trace);
        g.setPixelsPerSecond(120);
        g.setFoldAfter(ms(2000));
        g.foldIdleGaps();
        g.foldQuietStretches(100);
        int held = 0;
        for (const Activation& a : trace.activations()) {
            if (a.end == NoTime || a.end - a.start < ms(4000))
                continue;
            ++held;
            const double drawn = g.timeToY(a.end) - g.timeToY(a.start);
            QVERIFY2(std::abs(drawn - double(a.end - a.start) * 120 / 1e6) < 0.5,
                qPrintable(QStringLiteral("a %1 us hold drawn %2 px high").arg(a.end - a.start).arg(drawn)));
        }
        QVERIFY(held >= 2);
        // Folding by arrows alone (as it once did) would have folded those holds: gaps with no arrow on its way.
        int arrowGaps = 0;
        TimeUs arrowsEnd = NoTime;
        for (const qint64 seq : trace.sentOrder()) {
            const Message& m = trace.message(seq);
            if (arrowsEnd != NoTime && m.sentAt - arrowsEnd > SequenceGeometry::FoldAfter)
                ++arrowGaps;
            arrowsEnd = std::max(arrowsEnd, m.receivedAt == NoTime ? trace.endTime() : m.receivedAt);
        }
        QVERIFY(arrowGaps >= 2);
    }
};

QTEST_GUILESS_MAIN(TestFolding)
#include "tst_folding.moc"
