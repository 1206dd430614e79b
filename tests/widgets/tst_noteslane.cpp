// SPDX-License-Identifier: GPL-3.0-or-later
#include "layoutchecks.h"
#include "messages.h"
#include "noteslane.h"
#include "tracefiles.h"

#include <QFontMetricsF>
#include <QRegularExpression>
#include <QTest>

using namespace PatternScope;
using namespace PatternScope::Test;

namespace {

// A wall of notes on both sides, as request-callback makes with its receiver down: a refused connection
// every 50 ms on the client, a failed attempt after each on the server, both in the same moments as
// arrows between them.
struct Wall {
    Trace trace;
    SequenceGeometry g;
    int client = trace.addParticipant(QStringLiteral("Client"), Participant::Role::Client);
    int server = trace.addParticipant(QStringLiteral("Server"), Participant::Role::Server);

    explicit Wall(int count, TimeUs every = 50'000)
    {
        g.setTrace(&trace);
        g.setColumns(68, 300);
        g.setLanes(160, 160);
        g.setPixelsPerSecond(400);
        for (int i = 0; i < count; ++i) {
            const TimeUs at = 1'000'000 + i * every;
            const qint64 seq = trace.addMessage(
                makeMessage(server, client, Message::Kind::Callback, QStringLiteral("POST /callbacks/%1").arg(i), at));
            trace.loseMessage(seq, at + 20'000);
            trace.addNote(client, QStringLiteral("connection %1 refused: Connection refused").arg(i + 1), at + 20'000);
            trace.addNote(server,
                QStringLiteral("attempt %1 of job j-%2 failed; retry in %3 ms")
                    .arg(i % 4 + 1)
                    .arg(i / 4)
                    .arg(100 << (i % 4)),
                at + 21'000);
        }
    }
};

QString overlapping(const std::vector<NotesLane::Entry>& entries)
{
    for (size_t i = 0; i < entries.size(); ++i) {
        for (size_t j = i + 1; j < entries.size(); ++j) {
            if (entries[i].box.intersects(entries[j].box))
                return QStringLiteral("entries %1 and %2 overlap").arg(i).arg(j);
        }
    }
    return {};
}

// Every note is in exactly one entry.
QString accountedFor(const Trace& trace, const std::vector<NotesLane::Entry>& entries)
{
    std::vector<int> seen(trace.notes().size(), 0);
    for (const auto& e : entries) {
        for (qint64 id : e.notes)
            ++seen[size_t(id)];
    }
    for (size_t i = 0; i < seen.size(); ++i) {
        if (seen[i] != 1)
            return QStringLiteral("note %1 is in %2 entries").arg(i).arg(seen[i]);
    }
    return {};
}

// The lanes' rectangles, named by what they say.
std::vector<LabelledRect> laneRects(const NotesLane& lane, const SequenceGeometry& g)
{
    std::vector<LabelledRect> rects;
    const TimeUs end = g.trace()->endTime();
    for (const auto& e : lane.entries(g))
        rects.push_back({ e.box, lane.text(g, e, end) });
    return rects;
}

// An arrow that runs through a lane's box: "'POST /callbacks/3' through label '…' at (…)".
QString arrowsThrough(const NotesLane& lane, const SequenceGeometry& g)
{
    const Trace& trace = *g.trace();
    const auto rects = laneRects(lane, g);
    for (const Message& m : trace.messages()) {
        const QLineF line = g.arrow(m, trace.endTime(), 250'000).line;
        if (line.isNull())
            continue;
        for (const LabelledRect& r : rects) {
            if (segmentCrossesRect(line.p1(), line.p2(), r.rect))
                return QStringLiteral("'%1' through %2").arg(m.label, describeLabel(r));
        }
    }
    return {};
}

QString fixture(const char* name)
{
    return QStringLiteral(PATTERNSCOPE_TEST_DATA "/") + QLatin1String(name) + QStringLiteral(".pstrace.jsonl");
}

} // namespace

class TestNotesLane : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void repeatsCollapseWithCountAndTimes()
    {
        Wall wall(5);
        NotesLane lane;
        const auto& entries = lane.entries(wall.g);
        QCOMPARE(accountedFor(wall.trace, entries), QString());
        const auto client
            = std::find_if(entries.begin(), entries.end(), [&](const auto& e) { return e.participant == wall.client; });
        QVERIFY(client != entries.end());
        QVERIFY(client->collapsed());
        QCOMPARE(client->notes.size(), size_t(5));
        QCOMPARE(client->first, TimeUs(1'020'000));
        QCOMPARE(client->last, TimeUs(1'220'000));
        QCOMPARE(lane.text(wall.g, *client, wall.trace.endTime()),
            QStringLiteral("5 × connection 1–5 refused: Connection refused · 1.0–1.2 s"));
        // Played back to the third: three of them.
        QCOMPARE(lane.countAsOf(wall.g, *client, 1'130'000), 3);
        QVERIFY(lane.text(wall.g, *client, 1'130'000).startsWith(QStringLiteral("3 × connection 1–3 refused")));
    }

    void expandedRepeatsShowEveryNote()
    {
        Wall wall(5);
        NotesLane lane;
        const qint64 group = [&] {
            for (const auto& e : lane.entries(wall.g)) {
                if (e.participant == wall.client)
                    return e.group;
            }
            return qint64(-1);
        }();
        QVERIFY(group >= 0);
        lane.setExpanded({ group });
        const auto& entries = lane.entries(wall.g);
        QCOMPARE(accountedFor(wall.trace, entries), QString());
        const auto shown = std::count_if(entries.begin(), entries.end(),
            [&](const auto& e) { return e.participant == wall.client && e.expanded && e.notes.size() == 1; });
        QCOMPARE(shown, 5);
        QCOMPARE(overlapping(entries), QString());
    }

    void differentShapesStaySeparate()
    {
        QCOMPARE(NotesLane::shapeOf(QStringLiteral("connection 3 refused")),
            NotesLane::shapeOf(QStringLiteral("connection 12 refused")));
        QVERIFY(NotesLane::shapeOf(QStringLiteral("connection 3 refused"))
            != NotesLane::shapeOf(QStringLiteral("connection 3 closed")));
    }

    void denseWallStaysInTheLanes_data()
    {
        QTest::addColumn<bool>("wrap");
        QTest::addColumn<bool>("expanded");
        QTest::addRow("view") << false << false;
        QTest::addRow("picture") << true << false;
        QTest::addRow("view, expanded") << false << true;
    }

    void denseWallStaysInTheLanes()
    {
        QFETCH(bool, wrap);
        QFETCH(bool, expanded);
        Wall wall(200, 20'000);
        NotesLane lane;
        lane.setWrap(wrap);
        if (expanded) {
            QSet<qint64> all;
            for (const auto& e : lane.entries(wall.g))
                all.insert(e.group);
            lane.setExpanded(all);
        }
        const auto& entries = lane.entries(wall.g);
        QCOMPARE(accountedFor(wall.trace, entries), QString());
        QCOMPARE(overlapping(entries), QString());
        const double firstLifeline = wall.g.xOf(wall.client);
        const double lastLifeline = wall.g.xOf(wall.server);
        for (const auto& e : entries) {
            // Outside the span between the lifelines, where every arrow and arrow label is.
            QVERIFY2(e.box.right() < firstLifeline || e.box.left() > lastLifeline,
                qPrintable(QStringLiteral("box at x %1–%2").arg(e.box.left()).arg(e.box.right())));
            // Pushed down, never up: the leader line goes down or across to it.
            QVERIFY(e.box.bottom() >= e.y0);
        }
        // The view's entries are one line each, elided; a picture's are as wide as the lane allows.
        if (!wrap) {
            for (const auto& e : entries)
                QCOMPARE(e.lines.size(), 1);
        }
    }

    void pictureLanesFitTheirText()
    {
        Wall wall(3, 2'000'000); // far apart: no repeats, every note on its own
        NotesLane lane;
        lane.setWrap(true, 2000);
        const auto widths = lane.neededWidths(wall.g);
        wall.g.setLanes(widths.first, widths.second);
        const QFontMetricsF fm(lane.font());
        for (const auto& e : lane.entries(wall.g)) {
            QCOMPARE(e.lines.size(), 1);
            QVERIFY(e.box.width() >= fm.horizontalAdvance(e.lines.front()));
            QVERIFY(e.box.left() >= wall.g.laneLeft(e.lane) && e.box.right() <= wall.g.laneRight(e.lane));
        }
    }

    void producedItemsBundleWhenDense()
    {
        Trace trace;
        SequenceGeometry g;
        const int server = trace.addParticipant(QStringLiteral("Server"), Participant::Role::Server);
        trace.addParticipant(QStringLiteral("Client"), Participant::Role::Client);
        g.setTrace(&trace);
        g.setColumns(68, 200);
        g.setPixelsPerSecond(100); // 10 ms = 1 px: items 20 ms apart are far closer than a line
        for (int i = 0; i < 10; ++i)
            trace.addNote(server, QStringLiteral("produced"), 1'000'000 + i * 20'000, 17 + i);
        NotesLane lane;
        const auto& entries = lane.entries(g);
        QCOMPARE(accountedFor(trace, entries), QString());
        QVERIFY(entries.size() < 10);
        QCOMPARE(lane.text(g, entries.front(), trace.endTime()).left(9), QStringLiteral("items 17–"));
        QCOMPARE(overlapping(entries), QString());
        // Zoomed in, each its own.
        g.setPixelsPerSecond(10'000);
        QCOMPARE(lane.entries(g).size(), size_t(10));
        QCOMPARE(lane.text(g, lane.entries(g).front(), trace.endTime()), QStringLiteral("item 17"));
    }

    // The dense runs the diagram is checked on, laid out as the view at two window sizes and zooms, and
    // as a picture: lanes never overlap themselves, no arrow runs through them, every note is there.
    void denseFixtures_data()
    {
        QTest::addColumn<QString>("path");
        QTest::addColumn<double>("columnWidth");
        QTest::addColumn<double>("laneWidth"); // 0: a picture's, as wide as its text needs
        QTest::addColumn<double>("pixelsPerSecond");
        for (const char* name : { "callback-receiver-down", "sse-20-per-s", "websockets-cuts", "pubsub-fast",
                 "long-polling-holds", "short-polling-5-clients" }) {
            for (const double zoom : { 30.0, 120.0, 600.0 }) {
                QTest::addRow("%s, 1920 wide, %g px/s", name, zoom) << fixture(name) << 600.0 << 240.0 << zoom;
                QTest::addRow("%s, 1280 wide, %g px/s", name, zoom) << fixture(name) << 150.0 << 140.0 << zoom;
                QTest::addRow("%s, picture, %g px/s", name, zoom) << fixture(name) << 180.0 << 0.0 << zoom;
            }
        }
    }

    void denseFixtures()
    {
        QFETCH(QString, path);
        QFETCH(double, columnWidth);
        QFETCH(double, laneWidth);
        QFETCH(double, pixelsPerSecond);
        Trace trace;
        QCOMPARE(readTrace(path, &trace), QString());
        SequenceGeometry g;
        g.setTrace(&trace);
        g.setColumns(68, columnWidth);
        g.setPixelsPerSecond(pixelsPerSecond);
        g.foldIdleGaps();
        NotesLane lane;
        if (laneWidth > 0) {
            g.setLanes(laneWidth, laneWidth);
        } else {
            lane.setWrap(true);
            const auto widths = lane.neededWidths(g);
            g.setLanes(widths.first, widths.second);
        }
        const auto& entries = lane.entries(g);
        QCOMPARE(accountedFor(trace, entries), QString());
        const auto rects = laneRects(lane, g);
        const auto pairs = overlappingPairs(rects);
        QVERIFY2(pairs.empty(), qPrintable(describeOverlaps(rects, pairs)));
        QCOMPARE(arrowsThrough(lane, g), QString());
        // Outside the spans between lifelines, where the arrows' labels go.
        double first = 1e300;
        double last = -1e300;
        for (const Participant& p : trace.participants()) {
            first = std::min(first, g.xOf(p.id));
            last = std::max(last, g.xOf(p.id));
        }
        for (const LabelledRect& r : rects)
            QVERIFY2(r.rect.right() < first || r.rect.left() > last, qPrintable(describeLabel(r)));
        // A picture elides nothing: each line fits its box.
        if (laneWidth == 0) {
            const QFontMetricsF fm(lane.font());
            for (const auto& e : entries) {
                for (const QString& line : e.lines)
                    QVERIFY2(fm.horizontalAdvance(line) <= e.box.width(), qPrintable(line));
            }
        }
    }

    void wallOfRefusedConnectionsCollapses()
    {
        Trace trace;
        QCOMPARE(readTrace(fixture("callback-receiver-down"), &trace), QString());
        SequenceGeometry g;
        g.setTrace(&trace);
        g.setColumns(68, 600);
        g.setLanes(240, 240);
        g.setPixelsPerSecond(120);
        NotesLane lane;
        static const QRegularExpression shape(QStringLiteral("^connection \\d+ refused"));
        int refused = 0;
        for (const Note& n : trace.notes())
            refused += shape.match(n.text).hasMatch() ? 1 : 0;
        QVERIFY2(refused >= 5, "the fixture no longer has a wall of refused connections");
        int inEntries = 0;
        int collapsed = 0;
        for (const auto& e : lane.entries(g)) {
            if (e.kind != NotesLane::Entry::Kind::Note
                || !shape.match(trace.notes()[size_t(e.notes.front())].text).hasMatch())
                continue;
            inEntries += int(e.notes.size());
            if (!e.collapsed())
                continue;
            ++collapsed;
            // "N × connection a–b refused: … · t0–t1 s" with N, t0 and t1 its own.
            const QString text = lane.text(g, e, trace.endTime());
            QVERIFY2(text.startsWith(QStringLiteral("%1 × connection ").arg(e.notes.size())), qPrintable(text));
            const QString range = QStringLiteral("%1–%2 s").arg(
                QString::number(double(e.first) / 1e6, 'f', 1), QString::number(double(e.last) / 1e6, 'f', 1));
            QVERIFY2(text.endsWith(range) || e.first / 100'000 == e.last / 100'000,
                qPrintable(text + QStringLiteral(" vs ") + range));
            for (qint64 id : e.notes) {
                QVERIFY(trace.notes()[size_t(id)].at >= e.first && trace.notes()[size_t(id)].at <= e.last);
                QCOMPARE(trace.notes()[size_t(id)].participant, e.participant);
            }
        }
        QCOMPARE(inEntries, refused);
        QVERIFY(collapsed > 0);
        QVERIFY(lane.entries(g).size() < trace.notes().size());
    }

    void streamsAreLabelledHowTheyOpened_data()
    {
        QTest::addColumn<QString>("path");
        QTest::addColumn<QString>("label");
        QTest::addRow("sse") << fixture("sse-20-per-s") << QStringLiteral("GET /events → 200 OK");
        QTest::addRow("websockets") << fixture("websockets-cuts") << QStringLiteral("101 Switching Protocols");
    }

    void streamsAreLabelledHowTheyOpened()
    {
        QFETCH(QString, path);
        QFETCH(QString, label);
        Trace trace;
        QCOMPARE(readTrace(path, &trace), QString());
        SequenceGeometry g;
        g.setTrace(&trace);
        g.setColumns(68, 300);
        g.setLanes(200, 200);
        NotesLane lane;
        const auto& streams = g.streams();
        QVERIFY(!streams.empty());
        const auto& indexes = lane.streamEntries(g);
        QCOMPARE(indexes.size(), streams.size());
        for (size_t i = 0; i < streams.size(); ++i) {
            const auto& e = lane.entries(g)[indexes[i]];
            QCOMPARE(e.kind, NotesLane::Entry::Kind::Stream);
            QCOMPARE(e.stream, int(i));
            QCOMPARE(e.first, streams[i].openedAt);
            QVERIFY2(
                NotesLane::streamLabel(g, int(i)).startsWith(label), qPrintable(NotesLane::streamLabel(g, int(i))));
        }
    }
};

QTEST_MAIN(TestNotesLane)
#include "tst_noteslane.moc"
