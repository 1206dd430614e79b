// SPDX-License-Identifier: GPL-3.0-or-later
#include "playbackclock.h"
#include "waituntil.h"

#include <QSignalSpy>
#include <QTest>

using namespace PatternScope;
using PatternScope::Test::waitUntil;
using Mode = PlaybackClock::Mode;

namespace {

// A finished trace: sends at 1, 2 and 4 s, arrivals at 1.5, 2.2 and (lost) 6 s.
struct Fixture {
    Trace trace;
    PlaybackClock clock;

    Fixture()
    {
        const int a = trace.addParticipant(QStringLiteral("A"), Participant::Role::Client);
        const int b = trace.addParticipant(QStringLiteral("B"), Participant::Role::Server);
        const auto send = [&](TimeUs at) {
            Message m;
            m.from = a;
            m.to = b;
            m.sentAt = at;
            return trace.addMessage(m);
        };
        trace.completeMessage(send(1'000'000), 1'500'000);
        trace.completeMessage(send(2'000'000), 2'200'000);
        trace.loseMessage(send(4'000'000), 6'000'000);
        clock.setTrace(&trace);
    }
};

} // namespace

class TestPlaybackClock : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void liveIsTheHead()
    {
        Fixture f;
        QCOMPARE(f.clock.mode(), Mode::Live);
        QCOMPARE(f.clock.head(), TimeUs(6'000'000));
        QCOMPARE(f.clock.position(), TimeUs(6'000'000));
    }

    void stepsVisitEverySendAndArrival()
    {
        Fixture f;
        f.clock.seek(0);
        QCOMPARE(f.clock.mode(), Mode::Paused);
        QList<TimeUs> forward;
        for (int i = 0; i < 6; ++i) {
            f.clock.stepForward();
            forward.append(f.clock.position());
        }
        QCOMPARE(forward, (QList<TimeUs> { 1'000'000, 1'500'000, 2'000'000, 2'200'000, 4'000'000, 6'000'000 }));
        f.clock.stepForward(); // at the end it stays
        QCOMPARE(f.clock.position(), TimeUs(6'000'000));
        QList<TimeUs> back;
        for (int i = 0; i < 6; ++i) {
            f.clock.stepBack();
            back.append(f.clock.position());
        }
        QCOMPARE(back, (QList<TimeUs> { 4'000'000, 2'200'000, 2'000'000, 1'500'000, 1'000'000, 0 }));
    }

    // Captions that start between messages (a cut, a hold retold) are stops too, both ways; none past the head.
    void stepsAlsoStopWhereCaptionsStart()
    {
        Fixture f;
        f.clock.setStops({ 500'000, 2'000'000, 3'000'000, 9'000'000 });
        f.clock.seek(0);
        QList<TimeUs> forward;
        for (int i = 0; i < 8; ++i) {
            f.clock.stepForward();
            forward.append(f.clock.position());
        }
        QCOMPARE(forward,
            (QList<TimeUs> { 500'000, 1'000'000, 1'500'000, 2'000'000, 2'200'000, 3'000'000, 4'000'000, 6'000'000 }));
        f.clock.stepForward();
        QCOMPARE(f.clock.position(), TimeUs(6'000'000));
        QCOMPARE(f.clock.previousEvent(4'000'000), TimeUs(3'000'000));
        QCOMPARE(f.clock.previousEvent(1'000'000), TimeUs(500'000));
        QCOMPARE(f.clock.previousEvent(500'000), NoTime);
    }

    void pauseFreezesAndPlayMoves()
    {
        Fixture f;
        f.clock.seek(1'000'000);
        QCOMPARE(f.clock.position(), TimeUs(1'000'000));
        f.clock.setSpeed(10.0);
        f.clock.play();
        QCOMPARE(f.clock.mode(), Mode::Playing);
        QVERIFY(waitUntil([&] { return f.clock.position() > 1'200'000; }));
        f.clock.pause();
        const TimeUs frozen = f.clock.position();
        QCoreApplication::processEvents();
        QCOMPARE(f.clock.position(), frozen);
        // Played to the end of a finished trace, it stops there.
        f.clock.seek(5'900'000);
        f.clock.play();
        QVERIFY(waitUntil([&] { return f.clock.position() == 6'000'000; }));
        QCOMPARE(f.clock.mode(), Mode::Playing);
        // Playing again from the end starts over.
        f.clock.pause();
        f.clock.play();
        QVERIFY(f.clock.position() < 1'000'000);
    }

    void speedIsClampedAndAnnounced()
    {
        Fixture f;
        QSignalSpy changed(&f.clock, &PlaybackClock::changed);
        f.clock.setSpeed(50.0);
        QCOMPARE(f.clock.speed(), PlaybackClock::MaxSpeed);
        f.clock.setSpeed(0.001);
        QCOMPARE(f.clock.speed(), PlaybackClock::MinSpeed);
        QCOMPARE(changed.count(), 2);
        f.clock.seek(-5);
        QCOMPARE(f.clock.position(), TimeUs(0));
        f.clock.goLive();
        QCOMPARE(f.clock.mode(), Mode::Live);
    }

    void aRecordingHeadMovesWithTheRunClock()
    {
        Trace trace;
        trace.startClock();
        PlaybackClock clock;
        clock.setTrace(&trace);
        clock.setRecording(true);
        const TimeUs start = clock.position();
        QVERIFY(waitUntil([&] { return clock.position() > start + 2000; }));
        clock.pause();
        const TimeUs paused = clock.position();
        QVERIFY(waitUntil([&] { return clock.head() > paused + 2000; }));
        QCOMPARE(clock.position(), paused); // the picture stops, the run goes on
        // Playing at 10x catches up with the head and is live again.
        clock.setSpeed(10.0);
        clock.play();
        QVERIFY(waitUntil([&] { return clock.mode() == Mode::Live; }));
    }
};

QTEST_GUILESS_MAIN(TestPlaybackClock)
#include "tst_playbackclock.moc"
