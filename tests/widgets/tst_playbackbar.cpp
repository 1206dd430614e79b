// SPDX-License-Identifier: GPL-3.0-or-later
// The playback readout: every step shows a different time, with the decimals the step needs.
#include "playbackbar.h"
#include "playbackclock.h"

#include <QSet>
#include <QTest>

using namespace PatternScope;

namespace {

// A finished trace whose moments are 50 ms, 1 ms and 0.2 ms apart, and past a minute.
struct Fixture {
    Trace trace;
    PlaybackClock clock;
    PlaybackBar bar;
    QList<TimeUs> moments; // every send and arrival, in order

    Fixture()
    {
        const int a = trace.addParticipant(QStringLiteral("A"), Participant::Role::Client);
        const int b = trace.addParticipant(QStringLiteral("B"), Participant::Role::Server);
        const auto exchange = [&](TimeUs sent, TimeUs received) {
            Message m;
            m.from = a;
            m.to = b;
            m.sentAt = sent;
            trace.completeMessage(trace.addMessage(m), received);
            moments << sent << received;
        };
        exchange(28'100'000, 28'150'000); // 50 ms
        exchange(28'151'000, 28'151'200); // 1 ms, then 0.2 ms
        exchange(110'250'000, 110'300'000); // past a minute
        std::sort(moments.begin(), moments.end());
        clock.setTrace(&trace);
        bar.setClock(&clock);
    }

    QString position() const { return bar.timeText().section(QStringLiteral(" / "), 0, 0); }
};

} // namespace

class TestPlaybackBar : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void everyStepReadsDifferently()
    {
        Fixture f;
        f.clock.seek(0);
        QStringList forward;
        for (int i = 0; i < f.moments.size(); ++i) {
            f.clock.stepForward();
            QCOMPARE(f.clock.position(), f.moments[i]);
            forward << f.position();
        }
        QCOMPARE(QSet<QString>(forward.begin(), forward.end()).size(), f.moments.size());
        QStringList back { forward.constLast() };
        for (int i = 1; i < f.moments.size(); ++i) {
            f.clock.stepBack();
            back.prepend(f.position());
        }
        QCOMPARE(QSet<QString>(back.begin(), back.end()).size(), f.moments.size());
    }

    void decimalsFollowWhatAStepMoves()
    {
        Fixture f;
        f.clock.seek(28'100'000); // the next moment is 50 ms on: hundredths
        QCOMPARE(f.position(), QStringLiteral("28.10 s"));
        f.clock.seek(28'151'000); // 1 ms since the last, 0.2 ms to the next: ten-thousandths
        QCOMPARE(f.bar.readoutStep(), TimeUs(200));
        QCOMPARE(f.position(), QStringLiteral("28.1510 s"));
        f.clock.seek(110'250'000);
        QCOMPARE(f.bar.timeText(), QStringLiteral("1 min 50.25 s / 1 min 50.30 s"));
    }

    // Moving, the readout keeps hundredths, not the precision of whichever moment is nearest.
    void playingKeepsItsPrecision()
    {
        Fixture f;
        f.clock.seek(28'151'000);
        f.clock.play();
        QCOMPARE(f.bar.readoutStep(), TimeUs(10'000));
        f.clock.goLive();
        QCOMPARE(f.bar.timeText(), QStringLiteral("1 min 50.30 s / 1 min 50.30 s"));
    }
};

QTEST_MAIN(TestPlaybackBar)
#include "tst_playbackbar.moc"
