// SPDX-License-Identifier: GPL-3.0-or-later
#include "testrun.h"
#include "tracequeries.h"

#include <QTest>

using namespace PatternScope;
using namespace PatternScope::Test;

// Stop promises that exchanges in flight finish first: whatever is on the wire when Stop is pressed
// arrives and is recorded as delivered; only a cut (none here) may lose a message.
class TestStopDrain : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void nothingInFlightIsLostOnStop_data()
    {
        QTest::addColumn<QString>("pattern");
        QTest::addColumn<QStringList>("settings");
        const QString latency = QStringLiteral("latency=300ms");
        const QString fast = QStringLiteral("produce=20ms");
        const QString fixed = QStringLiteral("arrivals=fixed");
        QTest::addRow("request-response")
            << QStringLiteral("request-response")
            << QStringList { latency, QStringLiteral("interval=0ms"), QStringLiteral("processing=50ms") };
        QTest::addRow("short-polling") << QStringLiteral("short-polling")
                                       << QStringList { latency, fast, fixed, QStringLiteral("poll=50ms"),
                                              QStringLiteral("clients=2") };
        QTest::addRow("long-polling") << QStringLiteral("long-polling")
                                      << QStringList { latency, fast, fixed, QStringLiteral("clients=2") };
        QTest::addRow("websockets") << QStringLiteral("websockets")
                                    << QStringList { latency, fast, fixed, QStringLiteral("ping=100ms"),
                                           QStringLiteral("send=100ms"), QStringLiteral("clients=2") };
        QTest::addRow("server-sent-events")
            << QStringLiteral("server-sent-events")
            << QStringList { latency, fast, fixed, QStringLiteral("heartbeat=100ms"), QStringLiteral("clients=2") };
        QTest::addRow("publish-subscribe")
            << QStringLiteral("publish-subscribe") << QStringList { latency, fast, fixed };
        QTest::addRow("request-callback")
            << QStringLiteral("request-callback")
            << QStringList { latency, QStringLiteral("interval=100ms"), QStringLiteral("processing=0ms") };
    }

    void nothingInFlightIsLostOnStop()
    {
        QFETCH(QString, pattern);
        QFETCH(QStringList, settings);
        auto run = startRun(pattern, settings);
        QVERIFY(run);
        const Trace& trace = *run->trace();
        // Long enough for every kind of exchange to be going when Stop comes.
        QVERIFY(waitUntil([&] { return deliveredCount(trace) >= 15 && !trace.inFlight().empty(); }, 15000));
        QVERIFY(stopAndWait(*run, 20000));

        QStringList lost;
        qsizetype unansweredCloses = 0;
        for (const Message& m : trace.messages()) {
            if (m.state == Message::State::Delivered)
                continue;
            // Qt 6.4 closes TCP right after the close frame it starts the handshake with, so the
            // answering close finds nobody (README, "How WebSocket traffic is recorded"). That one
            // frame may be lost, and only with the note that says why.
            if (m.kind == Message::Kind::WsClose && m.state == Message::State::Lost) {
                ++unansweredCloses;
                continue;
            }
            lost.append(QStringLiteral("%1 → %2 %3").arg(m.from).arg(m.to).arg(m.label));
        }
        QVERIFY2(lost.isEmpty(),
            qPrintable(QString::number(lost.size()) + QStringLiteral(" not delivered: ")
                + lost.mid(0, 12).join(QStringLiteral("; "))));
        QCOMPARE(notesContaining(trace, QStringLiteral("before the answering close arrived")), unansweredCloses);
        QVERIFY(!hasNote(trace, QStringLiteral("cut")));
        for (const Connection& c : trace.connections())
            QVERIFY2(!c.isOpen() && c.closeReason != QStringLiteral("cut"), qPrintable(c.closeReason));
    }
};

QTEST_GUILESS_MAIN(TestStopDrain)
#include "tst_stopdrain.moc"
