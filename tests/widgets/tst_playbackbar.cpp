// SPDX-License-Identifier: GPL-3.0-or-later
// The playback readout: every step shows a different time, with the decimals the step needs, down to
// milliseconds.
#include "playbackbar.h"
#include "playbackclock.h"
#include "waituntil.h"

#include <QComboBox>
#include <QRegularExpression>
#include <QLabel>
#include <QLayout>
#include <QSet>
#include <QSlider>
#include <QTest>
#include <QToolButton>
#include <climits>

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
    QToolButton* button(const QString& name) const
    {
        for (QToolButton* b : bar.findChildren<QToolButton*>()) {
            if (b->accessibleName() == name)
                return b;
        }
        return nullptr;
    }
    QToolButton* playButton() const { return bar.findChildren<QToolButton*>().at(1); }
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
        // Moments a millisecond or more apart read differently; the two 0.2 ms apart share "28.151 s".
        QCOMPARE(QSet<QString>(forward.begin(), forward.end()).size(), f.moments.size() - 1);
        QCOMPARE(forward.count(QStringLiteral("28.151 s")), 2);
        QStringList back { forward.constLast() };
        for (int i = 1; i < f.moments.size(); ++i) {
            f.clock.stepBack();
            back.prepend(f.position());
        }
        QCOMPARE(back, forward);
        // Never finer than milliseconds.
        for (const QString& reading : std::as_const(forward))
            QVERIFY2(!QRegularExpression(QStringLiteral("\\.\\d{4}")).match(reading).hasMatch(), qPrintable(reading));
    }

    void decimalsFollowWhatAStepMoves()
    {
        Fixture f;
        f.clock.seek(28'100'000); // the next moment is 50 ms on: hundredths
        QCOMPARE(f.position(), QStringLiteral("28.10 s"));
        f.clock.seek(28'151'000); // 1 ms since the last, 0.2 ms to the next: milliseconds, no finer
        QCOMPARE(f.bar.readoutStep(), TimeUs(1000));
        QCOMPARE(f.position(), QStringLiteral("28.151 s"));
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

    // A run that has ended is stopped: ▶ (which replays it), and Live neither lit nor pressable.
    void aStoppedRunShowsStopped()
    {
        Fixture f;
        f.clock.setRecording(true);
        QCOMPARE(f.clock.mode(), PlaybackClock::Mode::Live);
        QCOMPARE(f.playButton()->text(), QStringLiteral("▮▮"));
        QVERIFY(f.button(QStringLiteral("Live"))->isChecked());
        QVERIFY(f.button(QStringLiteral("Live"))->isEnabled());

        f.clock.setRecording(false);
        QCOMPARE(f.playButton()->text(), QStringLiteral("▶"));
        QCOMPARE(f.playButton()->accessibleName(), QStringLiteral("Play"));
        QVERIFY(!f.button(QStringLiteral("Live"))->isChecked());
        QVERIFY(!f.button(QStringLiteral("Live"))->isEnabled());
        // What ▶ says it does: play (from the start).
        f.playButton()->click();
        QCOMPARE(f.clock.mode(), PlaybackClock::Mode::Playing);
        QVERIFY(f.clock.position() < f.clock.head());
        QCOMPARE(f.playButton()->text(), QStringLiteral("▮▮"));
    }

    // The speed box shows the clock's speed however it was set, and choosing a speed always applies it.
    void theSpeedBoxTellsTheSpeed()
    {
        Fixture f;
        auto* box = f.bar.findChild<QComboBox*>();
        QVERIFY(box);
        QCOMPARE(box->currentText(), QStringLiteral("1×"));
        f.clock.setSpeed(PlaybackBar::fasterThan(f.clock.speed()));
        QCOMPARE(f.clock.speed(), 2.0);
        QCOMPARE(box->currentText(), QStringLiteral("2×"));
        f.clock.setSpeed(PlaybackBar::fasterThan(2.0));
        QCOMPARE(box->currentText(), QStringLiteral("5×"));
        QCOMPARE(PlaybackBar::fasterThan(10.0), 10.0);
        QCOMPARE(PlaybackBar::slowerThan(0.25), 0.1);
        QCOMPARE(PlaybackBar::slowerThan(0.1), 0.1);
        // A speed not in the list (set from code) is shown as it is.
        f.clock.setSpeed(3.0);
        QCOMPARE(box->currentText(), QStringLiteral("3×"));

        // Choosing the entry already shown applies it too.
        const int five = box->findData(5.0);
        f.clock.setSpeed(5.0);
        QCOMPARE(box->currentIndex(), five);
        f.clock.setSpeed(0.5);
        QCOMPARE(box->currentText(), QStringLiteral("0.5×"));
        Q_EMIT box->activated(box->findData(0.5));
        QCOMPARE(f.clock.speed(), 0.5);
        Q_EMIT box->activated(five);
        QCOMPARE(f.clock.speed(), 5.0);
        Q_EMIT box->activated(five); // again: still applied, nothing toggles
        QCOMPARE(f.clock.speed(), 5.0);
    }

    // Squeezed (640 px for the whole window at QT_SCALE_FACTOR 2), the bar drops the "Speed" word and the
    // readout's end rather than asking for more room; given room again, both come back. The minimum it asks for
    // is the same either way, and every control keeps the room it needs.
    void narrowTheBarIsCompact()
    {
        Fixture f;
        f.clock.seek(28'150'000);
        auto* speed = [&f]() -> QLabel* {
            for (QLabel* l : f.bar.findChildren<QLabel*>()) {
                if (l->text() == QStringLiteral("Speed"))
                    return l;
            }
            return nullptr;
        }();
        QVERIFY(speed);
        QLabel* readout = nullptr;
        for (QLabel* l : f.bar.findChildren<QLabel*>()) {
            if (l->accessibleName() == QStringLiteral("Playback time"))
                readout = l;
        }
        QVERIFY(readout);
        const QSize minimum = f.bar.minimumSizeHint();
        // 640 px at QT_SCALE_FACTOR 2 leave about 500 beside the textbook column of a presenter layout.
        QVERIFY2(minimum.width() <= 460, qPrintable(QString::number(minimum.width())));

        // Alone as a window its layout would hold it at the full minimum; in the main window the bar's own
        // minimumSizeHint is what its parent's layout asks.
        f.bar.layout()->setSizeConstraint(QLayout::SetNoConstraint);
        f.bar.resize(f.bar.sizeHint().expandedTo(QSize(900, 30)));
        f.bar.show();
        QVERIFY(QTest::qWaitForWindowExposed(&f.bar));
        QVERIFY(!f.bar.isCompact());
        QVERIFY(speed->isVisible());
        QCOMPARE(readout->text(), f.bar.timeText());
        QVERIFY(readout->text().contains(QStringLiteral(" / ")));

        f.bar.resize(minimum.width(), f.bar.height());
        QTRY_VERIFY(f.bar.isCompact());
        QVERIFY(!speed->isVisible());
        QCOMPARE(f.bar.minimumSizeHint(), minimum);
        QCOMPARE(readout->text(), f.position());
        QVERIFY(f.bar.timeText().contains(QStringLiteral(" / "))); // the whole readout is still there to read
        for (const QWidget* w : f.bar.findChildren<QWidget*>()) {
            if (!w->isVisible())
                continue;
            QVERIFY2(w->width()
                    >= std::min(w->minimumSizeHint().width(), w->minimumWidth() > 0 ? w->minimumWidth() : INT_MAX),
                qPrintable(QStringLiteral("%1 %2 px").arg(w->accessibleName()).arg(w->width())));
            QVERIFY2(f.bar.rect().contains(w->geometry()), qPrintable(w->accessibleName()));
        }
        QVERIFY(readout->width() >= readout->fontMetrics().horizontalAdvance(readout->text()));

        f.bar.resize(900, f.bar.height());
        QTRY_VERIFY(!f.bar.isCompact());
        QVERIFY(speed->isVisible());
        QCOMPARE(readout->text(), f.bar.timeText());
    }

    // Paused while a run records, the picture holds but the readout's head keeps counting (slowly).
    void pausedWhileRecordingTheHeadStillCounts()
    {
        Trace trace;
        trace.startClock();
        PlaybackClock clock;
        clock.setTrace(&trace);
        clock.setRecording(true);
        PlaybackBar bar;
        bar.setClock(&clock);
        clock.pause();
        const QString head = bar.timeText().section(QStringLiteral(" / "), 1);
        QVERIFY(PatternScope::Test::waitUntil(
            [&] { return bar.timeText().section(QStringLiteral(" / "), 1) != head; }, 3000));
        QCOMPARE(clock.mode(), PlaybackClock::Mode::Paused);
    }

    // A click on the scrub bar goes to where it was clicked, not a page towards it.
    void clickingTheScrubBarSeeksThere()
    {
        Fixture f;
        f.bar.resize(900, f.bar.sizeHint().height());
        f.bar.show();
        QVERIFY(QTest::qWaitForWindowExposed(&f.bar));
        auto* scrub = f.bar.findChild<QSlider*>();
        QVERIFY(scrub);
        f.clock.seek(0);
        for (const double at : { 0.75, 0.25, 0.5 }) {
            const QPoint click(int(scrub->width() * at), scrub->height() / 2);
            QTest::mouseClick(scrub, Qt::LeftButton, {}, click);
            const double got = double(f.clock.position()) / double(f.clock.head());
            // The handle's half width either side of the click, at most.
            QVERIFY2(
                std::abs(got - at) < 0.06, qPrintable(QStringLiteral("clicked at %1, went to %2").arg(at).arg(got)));
            QCOMPARE(f.clock.mode(), PlaybackClock::Mode::Paused);
        }
    }
};

QTEST_MAIN(TestPlaybackBar)
#include "tst_playbackbar.moc"
