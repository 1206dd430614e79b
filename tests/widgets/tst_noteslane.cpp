// SPDX-License-Identifier: GPL-3.0-or-later
#include "messages.h"
#include "noteslane.h"

#include <QFontMetricsF>
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
};

QTEST_MAIN(TestNotesLane)
#include "tst_noteslane.moc"
