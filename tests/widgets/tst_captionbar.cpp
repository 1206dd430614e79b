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
