// SPDX-License-Identifier: GPL-3.0-or-later
#include "linkemulator.h"
#include "messages.h"
#include "waituntil.h"

#include <QElapsedTimer>
#include <QPointer>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>
#include <memory>

using namespace PatternScope;
using PatternScope::Test::isLinkDelay;
using PatternScope::Test::waitUntil;

namespace {

// A delay the link caused: never early (the link holds bytes at least that long), and late only by
// what a busy machine adds to waking up: 25 ms still tells 100 ms from the 20 ms before or 200 ms.
bool onTime(qint64 tookUs, qint64 latencyUs)
{
    return tookUs >= latencyUs - 2'000 && tookUs <= latencyUs + 25'000;
}

// A real server on loopback that keeps what it reads and notes when bytes arrived.
class Sink : public QObject {
public:
    Sink()
    {
        server.listen(QHostAddress::LocalHost, 0);
        connect(&server, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket* s = server.nextPendingConnection()) {
                socket = s;
                connect(s, &QTcpSocket::readyRead, this, [this] {
                    received += socket->readAll();
                    arrivals.append(clock.nsecsElapsed() / 1000);
                    if (echo) {
                        socket->write(received.right(received.size() - echoed));
                        echoed = received.size();
                    }
                });
            }
        });
        clock.start();
    }
    quint16 port() const { return server.serverPort(); }

    QTcpServer server;
    QPointer<QTcpSocket> socket;
    QByteArray received;
    QList<qint64> arrivals; // µs on clock
    QElapsedTimer clock;
    bool echo = false;
    qsizetype echoed = 0;
};

} // namespace

class TestLinkEmulator : public QObject {
    Q_OBJECT

private:
    struct Setup {
        Trace trace;
        Sink sink;
        std::unique_ptr<LinkEmulator> links;
        Link* link = nullptr;
        QTcpSocket client;
        int clientId = -1;
        int serverId = -1;
    };

    static std::unique_ptr<Setup> connectThrough(const LinkSettings& settings, quint64 seed = 7)
    {
        auto s = std::make_unique<Setup>();
        s->clientId = s->trace.addParticipant(QStringLiteral("Client"), Participant::Role::Client);
        s->serverId = s->trace.addParticipant(QStringLiteral("Server"), Participant::Role::Server);
        s->links = std::make_unique<LinkEmulator>(&s->trace, seed);
        s->links->setSettings(settings);
        s->link = s->links->addLink(s->clientId, s->serverId, s->sink.port());
        if (!s->link)
            return nullptr;
        s->client.connectToHost(QHostAddress::LocalHost, s->link->port());
        s->client.setSocketOption(QAbstractSocket::LowDelayOption, 1);
        if (!s->client.waitForConnected(5000))
            return nullptr;
        // The server sees the connection one latency later, like a SYN crossing the link.
        if (!waitUntil([&] { return !s->sink.socket.isNull(); }, 5000))
            return nullptr;
        return s;
    }

private Q_SLOTS:
    void latencyIsHonouredBothWays()
    {
        LinkSettings settings;
        settings.latencyUs = 100'000;
        auto s = connectThrough(settings);
        QVERIFY(s);
        s->sink.echo = true;

        QElapsedTimer clock;
        for (int i = 0; i < 5; ++i) {
            const qsizetype before = s->sink.received.size();
            QByteArray reply;
            qint64 roundTrip = -1;
            connect(&s->client, &QTcpSocket::readyRead, this, [&] {
                reply += s->client.readAll();
                roundTrip = clock.nsecsElapsed() / 1000;
            });
            clock.start();
            const qint64 sentOnSinkClock = s->sink.clock.nsecsElapsed() / 1000;
            s->client.write("ping");
            QVERIFY(waitUntil([&] { return s->sink.received.size() == before + 4; }, 5000));
            const qint64 up = s->sink.arrivals.last() - sentOnSinkClock;
            QVERIFY(waitUntil([&] { return reply == QByteArray("ping"); }, 5000));
            s->client.disconnect(this);
            QVERIFY2(onTime(up, 100'000), qPrintable(QStringLiteral("one way took %1 µs").arg(up)));
            const qint64 down = roundTrip - up;
            QVERIFY2(onTime(down, 100'000), qPrintable(QStringLiteral("way back took %1 µs").arg(down)));
        }
    }

    void latencyChangesWhileRunning()
    {
        LinkSettings settings;
        settings.latencyUs = 20'000;
        auto s = connectThrough(settings);
        QVERIFY(s);
        settings.latencyUs = 150'000;
        s->links->setSettings(settings);
        const qint64 sent = s->sink.clock.nsecsElapsed() / 1000;
        s->client.write("x");
        QVERIFY(waitUntil([&] { return s->sink.received.size() == 1; }, 5000));
        const qint64 took = s->sink.arrivals.last() - sent;
        QVERIFY2(onTime(took, 150'000), qPrintable(QString::number(took)));
    }

    void megabyteArrivesIntactUnderJitter()
    {
        LinkSettings settings;
        settings.latencyUs = 10'000;
        settings.jitterUs = 8'000;
        auto s = connectThrough(settings, 1234);
        QVERIFY(s);
        s->sink.echo = true;

        QByteArray payload(1 << 20, Qt::Uninitialized);
        QRandomGenerator random(42);
        random.fillRange(reinterpret_cast<quint32*>(payload.data()), payload.size() / 4);

        QByteArray back;
        connect(&s->client, &QTcpSocket::readyRead, this, [&] { back += s->client.readAll(); });
        // Many writes, so many chunks, each with its own jitter draw.
        for (qsizetype pos = 0; pos < payload.size(); pos += 16 * 1024) {
            s->client.write(payload.mid(pos, 16 * 1024));
            QCoreApplication::processEvents();
        }
        QVERIFY(waitUntil([&] { return s->sink.received.size() == payload.size(); }, 20000));
        QVERIFY(s->sink.received == payload);
        QVERIFY(waitUntil([&] { return back.size() == payload.size(); }, 20000));
        QVERIFY(back == payload);
        const int id = s->link->openConnections().value(0, -1);
        QCOMPARE(s->link->bytesUp(id), qint64(payload.size()));
        QCOMPARE(s->link->bytesDown(id), qint64(payload.size()));
    }

    void cutClosesBothSides()
    {
        LinkSettings settings;
        settings.latencyUs = 5'000;
        auto s = connectThrough(settings);
        QVERIFY(s);
        QSignalSpy closed(s->link, &Link::connectionClosed);
        QCOMPARE(s->link->openConnections().size(), 1);
        s->client.write("this never arrives, it is still on the wire when the link is cut");
        s->link->cut();
        QVERIFY(waitUntil([&] { return s->client.state() == QAbstractSocket::UnconnectedState; }, 5000));
        QVERIFY(waitUntil(
            [&] { return s->sink.socket.isNull() || s->sink.socket->state() == QAbstractSocket::UnconnectedState; },
            5000));
        QCOMPARE(closed.count(), 1);
        QCOMPARE(closed.at(0).at(1).toString(), QStringLiteral("cut"));
        QVERIFY(s->link->openConnections().isEmpty());
        QCOMPARE(s->sink.received.size(), 0);
        const Connection& c = s->trace.connections().at(0);
        QVERIFY(!c.isOpen());
        QCOMPARE(c.closeReason, QStringLiteral("cut"));
    }

    void stallHoldsBytesThenDeliversThem()
    {
        LinkSettings settings;
        settings.latencyUs = 10'000;
        auto s = connectThrough(settings);
        QVERIFY(s);
        const qint64 sent = s->sink.clock.nsecsElapsed() / 1000;
        s->link->stall(300'000);
        s->client.write("held");
        QVERIFY(waitUntil([&] { return s->sink.received == QByteArray("held"); }, 5000));
        QVERIFY2(
            s->sink.arrivals.last() - sent >= 295'000, qPrintable(QString::number(s->sink.arrivals.last() - sent)));
    }

    void bandwidthCapSlowsBulkTransfer()
    {
        LinkSettings settings;
        settings.latencyUs = 0;
        settings.bandwidthBytesPerSec = 200'000;
        auto s = connectThrough(settings);
        QVERIFY(s);
        const qint64 sent = s->sink.clock.nsecsElapsed() / 1000;
        s->client.write(QByteArray(100'000, 'b'));
        QVERIFY(waitUntil([&] { return s->sink.received.size() == 100'000; }, 10000));
        // 100 kB at 200 kB/s cannot arrive before half a second.
        QVERIFY2(
            s->sink.arrivals.last() - sent >= 480'000, qPrintable(QString::number(s->sink.arrivals.last() - sent)));
    }

    void traceRecordsConnectCloseAndBytes()
    {
        LinkSettings settings;
        settings.latencyUs = 20'000;
        auto s = connectThrough(settings);
        QVERIFY(s);
        s->client.write(QByteArray(1000, 'u'));
        QVERIFY(waitUntil([&] { return s->sink.received.size() == 1000; }, 5000));
        s->sink.socket->write(QByteArray(300, 'd'));
        QByteArray down;
        connect(&s->client, &QTcpSocket::readyRead, this, [&] { down += s->client.readAll(); });
        QVERIFY(waitUntil([&] { return down.size() == 300; }, 5000));
        s->client.disconnectFromHost();
        QVERIFY(waitUntil([&] { return !s->trace.connections().at(0).isOpen(); }, 5000));

        const Connection& c = s->trace.connections().at(0);
        QCOMPARE(c.client, s->clientId);
        QCOMPARE(c.server, s->serverId);
        QCOMPARE(c.bytesUp, 1000);
        QCOMPARE(c.bytesDown, 300);
        QCOMPARE(c.closeReason, QStringLiteral("client"));

        const auto& messages = s->trace.messages();
        QCOMPARE(messages.size(), size_t(2));
        QCOMPARE(messages[0].kind, Message::Kind::Connect);
        QCOMPARE(messages[0].state, Message::State::Delivered);
        QVERIFY2(
            isLinkDelay(messages[0].oneWayDelay(), 20'000), qPrintable(QString::number(messages[0].oneWayDelay())));
        QCOMPARE(messages[1].kind, Message::Kind::Close);
        QCOMPARE(messages[1].from, s->clientId);
        QCOMPARE(messages[1].state, Message::State::Delivered);
        QVERIFY2(
            isLinkDelay(messages[1].oneWayDelay(), 20'000), qPrintable(QString::number(messages[1].oneWayDelay())));
        QVERIFY(waitUntil(
            [&] { return s->sink.socket.isNull() || s->sink.socket->state() == QAbstractSocket::UnconnectedState; },
            5000));
    }

    void refusedUpstreamClosesClient()
    {
        Trace trace;
        quint16 deadPort = 0;
        {
            QTcpServer probe;
            QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
            deadPort = probe.serverPort();
        }
        LinkEmulator links(&trace);
        LinkSettings settings;
        settings.latencyUs = 1'000;
        links.setSettings(settings);
        Link* link = links.addLink(0, 1, deadPort);
        QVERIFY(link);
        QTcpSocket client;
        client.connectToHost(QHostAddress::LocalHost, link->port());
        QVERIFY(client.waitForConnected(5000));
        QVERIFY(waitUntil([&] { return client.state() == QAbstractSocket::UnconnectedState; }, 5000));
        QCOMPARE(trace.connections().at(0).closeReason, QStringLiteral("refused"));
        QCOMPARE(trace.messages().at(0).state, Message::State::Lost);
    }
};

QTEST_GUILESS_MAIN(TestLinkEmulator)
#include "tst_linkemulator.moc"
