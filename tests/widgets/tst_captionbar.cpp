// SPDX-License-Identifier: GPL-3.0-or-later
// The caption line follows the playback clock: a live run's new caption shows as the message is
// recorded, and a replay's captions show when they are due, not at the next poll of the clock.
#include "captionbar.h"
#include "playbackclock.h"
#include "waituntil.h"

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTest>
#include <algorithm>

using namespace PatternScope;
using PatternScope::Test::waitUntil;

namespace {

struct Fixture {
    Trace trace;
    PlaybackClock clock;
    CaptionBar bar;
    int client = -1;
    int server = -1;

    Fixture()
    {
        client = trace.addParticipant(QStringLiteral("Client"), Participant::Role::Client);
        server = trace.addParticipant(QStringLiteral("Server"), Participant::Role::Server);
    }
    void connectAll()
    {
        clock.setTrace(&trace);
        bar.setClock(&clock);
        bar.setTrace(&trace);
    }
    // A request of its own caption ("The client sends GET /work/N …"); sent now when `at` is unset.
    qint64 ask(int n, TimeUs at = NoTime)
    {
        Message m;
        m.from = client;
        m.to = server;
        m.kind = Message::Kind::HttpRequest;
        m.fields.method = QStringLiteral("GET");
        m.fields.target = QStringLiteral("/work/%1").arg(n);
        m.label = m.fields.method + u' ' + m.fields.target;
        m.sentAt = at;
        return trace.addMessage(m);
    }
};

qint64 median(QList<qint64> values)
{
    std::sort(values.begin(), values.end());
    return values.value(values.size() / 2);
}

} // namespace

class TestCaptionBar : public QObject {
    Q_OBJECT

private Q_SLOTS:
    // An opened trace comes with its captions, made on the thread that read it: the bar shows those and does not
    // narrate the trace again on the window's thread (seconds for a million messages). Captions unlike what
    // narrating would say prove which ones it uses; a step goes to their times too.
    void givenCaptionsAreUsedAsTheyAre()
    {
        Fixture f;
        f.ask(1, 1'000'000);
        f.ask(2, 2'000'000);
        // The second is about the first message, but starts after it left: a stop of its own.
        QList<Caption> given { { 1'000'000, QStringLiteral("Given one"), 0 },
            { 1'250'000, QStringLiteral("Given later, about one"), 0 },
            { 1'500'000, QStringLiteral("Given between"), -1 }, { 2'000'000, QStringLiteral("Given two"), 1 } };
        f.clock.setTrace(&f.trace);
        f.bar.setClock(&f.clock);
        f.bar.setTrace(&f.trace, given);
        QCOMPARE(f.bar.captions(), given);
        QCOMPARE(f.bar.text(), QStringLiteral("Given two")); // live: at the end
        f.clock.seek(1'200'000);
        f.bar.refresh();
        QCOMPARE(f.bar.text(), QStringLiteral("Given one"));
        f.clock.stepForward();
        f.bar.refresh();
        QCOMPARE(f.clock.position(), TimeUs(1'250'000));
        QCOMPARE(f.bar.text(), QStringLiteral("Given later, about one"));
        f.clock.stepForward();
        f.bar.refresh();
        QCOMPARE(f.clock.position(), TimeUs(1'500'000)); // a stop of the given captions, not of any message
        QCOMPARE(f.bar.text(), QStringLiteral("Given between"));

        // Without captions given, or once the trace changes, it narrates as ever.
        f.bar.setTrace(&f.trace);
        QVERIFY(!f.bar.captions().isEmpty());
        QVERIFY(f.bar.captions().constFirst().text != QStringLiteral("Given one"));
    }

    // Live: each request's caption shows about as soon as it is recorded, not up to half a second later.
    void aLiveCaptionShowsWhenTheMessageIsRecorded()
    {
        Fixture f;
        f.trace.startClock();
        f.clock.setRecording(true);
        f.connectAll();
        QList<qint64> lagsMs;
        for (int n = 1; n <= 7; ++n) {
            QElapsedTimer since;
            since.start();
            f.ask(n);
            QVERIFY2(waitUntil([&] { return f.bar.text().contains(QStringLiteral("/work/%1 ").arg(n)); }, 3000),
                qPrintable(f.bar.text()));
            lagsMs << since.elapsed();
        }
        // The old line narrated a growing trace at most twice a second: these came ~500 ms late.
        QStringList shown;
        for (qint64 lag : lagsMs)
            shown << QString::number(lag);
        QVERIFY2(median(lagsMs) < 150, qPrintable(QStringLiteral("lags (ms): ") + shown.join(u' ')));
        for (qint64 lag : lagsMs)
            QVERIFY2(lag < 450, qPrintable(QString::number(lag)));
    }

    // A replay: each caption shows at the moment it is due on the clock, not at the next tenth of a second.
    void aReplayedCaptionShowsWhenDue()
    {
        Fixture f;
        constexpr TimeUs first = 1'000'000;
        constexpr TimeUs apart = 130'000;
        for (int n = 0; n < 8; ++n)
            f.ask(n + 1, first + n * apart);
        f.connectAll();
        f.clock.seek(first);
        QCOMPARE(f.bar.text().contains(QStringLiteral("/work/1 ")), true);
        QList<qint64> lagsUs;
        connect(&f.bar, &CaptionBar::captionChanged, this, [&](int index) {
            if (index >= 0)
                lagsUs << f.clock.position() - f.bar.captions().at(index).at;
        });
        f.clock.play();
        QVERIFY(f.bar.isTicking());
        QVERIFY(waitUntil([&] { return lagsUs.size() >= 7; }, 5000));
        f.clock.pause();
        QVERIFY(!f.bar.isTicking());
        for (qint64 lag : lagsUs)
            QVERIFY2(lag >= 0, "a caption showed before it was due");
        // Read every 100 ms, captions showed 50 ms late on average; read when due, a few ms.
        QVERIFY2(median(lagsUs) < 30'000, qPrintable(QStringLiteral("median lag %1 us").arg(median(lagsUs))));
    }
};

QTEST_MAIN(TestCaptionBar)
#include "tst_captionbar.moc"
