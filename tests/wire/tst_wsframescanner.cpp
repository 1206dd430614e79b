// SPDX-License-Identifier: GPL-3.0-or-later
#include "httpsyntax.h"
#include "waituntil.h"
#include "wsframescanner.h"

#include <QPointer>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>
#include <QWebSocket>
#include <QWebSocketServer>

using namespace PatternScope;
using PatternScope::Test::waitUntil;
using Scanner = WebSocketFrameScanner;

namespace {

const QByteArray kRequestHead = "GET /feed HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                                "Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\n\r\n";
const QByteArray kAnswerHead = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n";

QByteArray frameHeader(int firstByte, qint64 length, bool masked)
{
    QByteArray header(1, char(firstByte));
    const char maskBit = masked ? char(0x80) : char(0);
    if (length < 126) {
        header.append(char(maskBit | char(length)));
    } else if (length <= 0xFFFF) {
        header.append(char(maskBit | 126));
        header.append(char(length >> 8)).append(char(length & 0xFF));
    } else {
        header.append(char(maskBit | 127));
        for (int shift = 56; shift >= 0; shift -= 8)
            header.append(char((length >> shift) & 0xFF));
    }
    return header;
}

// Bytes fed in pieces of `chunk` (0: all at once) give the frames of the whole.
QList<Scanner::Frame> scan(Scanner::Side side, const QByteArray& bytes, int chunk)
{
    Scanner scanner(side);
    QList<Scanner::Frame> frames;
    const qsizetype step = chunk > 0 ? chunk : bytes.size();
    for (qsizetype pos = 0; pos < bytes.size(); pos += step)
        frames += scanner.feed(bytes.mid(pos, step));
    return frames;
}

// A transparent TCP relay that lets both scanners watch real QtWebSockets traffic.
class Tap : public QObject {
public:
    explicit Tap(quint16 target)
    {
        m_listener.listen(QHostAddress::LocalHost, 0);
        connect(&m_listener, &QTcpServer::newConnection, this, [this, target] {
            m_client = m_listener.nextPendingConnection();
            m_server = new QTcpSocket(this);
            connect(m_server, &QTcpSocket::connected, this, [this] { m_server->write(m_pending); });
            m_server->connectToHost(QHostAddress::LocalHost, target);
            connect(m_client, &QTcpSocket::readyRead, this, [this] {
                const QByteArray bytes = m_client->readAll();
                up += upScanner.feed(bytes);
                if (m_server->state() == QAbstractSocket::ConnectedState)
                    m_server->write(bytes);
                else
                    m_pending += bytes;
            });
            connect(m_server, &QTcpSocket::readyRead, this, [this] {
                const QByteArray bytes = m_server->readAll();
                down += downScanner.feed(bytes);
                m_client->write(bytes);
            });
        });
    }
    quint16 port() const { return m_listener.serverPort(); }

    Scanner upScanner { Scanner::Side::ClientToServer };
    Scanner downScanner { Scanner::Side::ServerToClient };
    QList<Scanner::Frame> up;
    QList<Scanner::Frame> down;

private:
    QTcpServer m_listener;
    QPointer<QTcpSocket> m_client;
    QPointer<QTcpSocket> m_server;
    QByteArray m_pending;
};

bool hasFrame(const QList<Scanner::Frame>& frames, int opcode, const QByteArray& preview)
{
    return std::any_of(frames.begin(), frames.end(),
        [&](const Scanner::Frame& f) { return f.opcode == opcode && f.preview == preview; });
}

} // namespace

class TestWsFrameScanner : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void frames_data()
    {
        QTest::addColumn<int>("side");
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<int>("opcode");
        QTest::addColumn<qint64>("payloadLength");
        QTest::addColumn<qint64>("wireBytes");
        QTest::addColumn<QByteArray>("preview");

        const int up = int(Scanner::Side::ClientToServer);
        const int down = int(Scanner::Side::ServerToClient);
        // The examples of RFC 6455, section 5.7.
        QTest::addRow("unmasked text") << down << kAnswerHead + QByteArray::fromHex("810548656c6c6f") << 1 << qint64(5)
                                       << qint64(7) << QByteArray("Hello");
        QTest::addRow("masked text") << up << kRequestHead + QByteArray::fromHex("818537fa213d7f9f4d5158") << 1
                                     << qint64(5) << qint64(11) << QByteArray("Hello");
        QTest::addRow("unmasked ping") << down << kAnswerHead + QByteArray::fromHex("890548656c6c6f") << 9 << qint64(5)
                                       << qint64(7) << QByteArray("Hello");
        QTest::addRow("masked pong") << up << kRequestHead + QByteArray::fromHex("8a8537fa213d7f9f4d5158") << 10
                                     << qint64(5) << qint64(11) << QByteArray("Hello");
        QTest::addRow("256 bytes, 16-bit length")
            << down << kAnswerHead + frameHeader(0x82, 256, false) + QByteArray(256, 'b') << 2 << qint64(256)
            << qint64(260) << QByteArray(Scanner::PreviewBytes, 'b');
        QTest::addRow("64 KiB, 64-bit length")
            << down << kAnswerHead + frameHeader(0x82, 65536, false) + QByteArray(65536, 'c') << 2 << qint64(65536)
            << qint64(65546) << QByteArray(Scanner::PreviewBytes, 'c');
        QTest::addRow("empty close") << up << kRequestHead + QByteArray::fromHex("8880aabbccdd") << 8 << qint64(0)
                                     << qint64(6) << QByteArray();
        QTest::addRow("close with code 1000") << down << kAnswerHead + QByteArray::fromHex("880203e8") << 8 << qint64(2)
                                              << qint64(4) << QByteArray::fromHex("03e8");
    }

    void frames()
    {
        QFETCH(int, side);
        QFETCH(QByteArray, bytes);
        QFETCH(int, opcode);
        QFETCH(qint64, payloadLength);
        QFETCH(qint64, wireBytes);
        QFETCH(QByteArray, preview);
        for (int chunk : { 0, 1, 3, 1000 }) {
            const QList<Scanner::Frame> frames = scan(Scanner::Side(side), bytes, chunk);
            QCOMPARE(frames.size(), 1);
            const Scanner::Frame& f = frames.constFirst();
            QCOMPARE(f.opcode, opcode);
            QVERIFY(f.fin);
            QCOMPARE(f.payloadLength, payloadLength);
            QCOMPARE(f.wireBytes, wireBytes);
            QCOMPARE(f.preview, preview);
        }
    }

    void fragmentsAndSeveralFramesInOneRead()
    {
        // "Hel" then "lo" as two fragments, then a ping: three frames from one read.
        const QByteArray bytes = kAnswerHead + QByteArray::fromHex("010348656c80026c6f8900");
        Scanner scanner(Scanner::Side::ServerToClient);
        const auto frames = scanner.feed(bytes);
        QCOMPARE(frames.size(), 3);
        QCOMPARE(frames.at(0).fin, false);
        QCOMPARE(frames.at(0).preview, QByteArray("Hel"));
        QCOMPARE(frames.at(1).opcode, int(Scanner::Continuation));
        QCOMPARE(frames.at(1).preview, QByteArray("lo"));
        QCOMPARE(frames.at(2).opcode, int(Scanner::Ping));
        QVERIFY(scanner.inFrames());
    }

    void headAndFrameOffsetsInTheStream()
    {
        // Offsets let a recorder find when each frame's first byte crossed, whatever the reads were.
        const QByteArray first = QByteArray::fromHex("810548656c6c6f");
        const QByteArray second = frameHeader(0x82, 300, false) + QByteArray(300, 'd');
        const QByteArray stream = kAnswerHead + first + second;
        for (int chunk : { 0, 1, 5, 64 }) {
            Scanner scanner(Scanner::Side::ServerToClient, 1000);
            QList<Scanner::Frame> frames;
            const qsizetype step = chunk > 0 ? chunk : stream.size();
            for (qsizetype pos = 0; pos < stream.size(); pos += step)
                frames += scanner.feed(stream.mid(pos, step));
            QCOMPARE(scanner.head(), kAnswerHead);
            QCOMPARE(frames.size(), 2);
            QCOMPARE(frames.at(0).offset, qint64(kAnswerHead.size()));
            QCOMPARE(frames.at(1).offset, qint64(kAnswerHead.size() + first.size()));
            QCOMPARE(frames.at(1).preview, QByteArray(300, 'd')); // a longer preview when asked
        }
        const auto fields = HttpSyntax::headFields(kRequestHead);
        QVERIFY(fields.contains(qMakePair(QByteArray("Upgrade"), QByteArray("websocket"))));
        QCOMPARE(fields.size(), 4);
    }

    void maskingRuleOfEachSide_data()
    {
        QTest::addColumn<int>("side");
        QTest::addColumn<QByteArray>("frames");
        QTest::addColumn<qint64>("violation"); // offset after the head, or -1
        const int up = int(Scanner::Side::ClientToServer);
        const int down = int(Scanner::Side::ServerToClient);
        const QByteArray maskedHello = QByteArray::fromHex("818537fa213d7f9f4d5158");
        const QByteArray plainHello = QByteArray::fromHex("810548656c6c6f");
        QTest::addRow("client masks") << up << maskedHello + maskedHello << qint64(-1);
        QTest::addRow("client frame not masked") << up << plainHello << qint64(0);
        QTest::addRow("the first unmasked one counts")
            << up << maskedHello + plainHello + plainHello << qint64(maskedHello.size());
        QTest::addRow("server does not mask") << down << plainHello << qint64(-1);
        QTest::addRow("server frame masked") << down << plainHello + maskedHello << qint64(plainHello.size());
    }

    // RFC 6455, 5.1: a server must fail the connection at an unmasked client frame (Qt 6.4 does not).
    void maskingRuleOfEachSide()
    {
        QFETCH(int, side);
        QFETCH(QByteArray, frames);
        QFETCH(qint64, violation);
        const QByteArray head = Scanner::Side(side) == Scanner::Side::ClientToServer ? kRequestHead : kAnswerHead;
        for (int chunk : { 0, 1, 4 }) {
            Scanner scanner { Scanner::Side(side) };
            const qsizetype step = chunk > 0 ? chunk : frames.size();
            scanner.feed(head);
            for (qsizetype pos = 0; pos < frames.size(); pos += step)
                scanner.feed(frames.mid(pos, step));
            QCOMPARE(scanner.maskViolationOffset(), violation < 0 ? -1 : head.size() + violation);
        }
    }

    void breachIsKnownFromTheHeaderAlone()
    {
        // A server must not wait for the payload of a frame it will refuse.
        Scanner scanner(Scanner::Side::ClientToServer);
        QVERIFY(scanner.feed(QByteArray(kRequestHead + frameHeader(0x81, 1000, false) + "abc")).isEmpty());
        QCOMPARE(scanner.maskViolationOffset(), qint64(kRequestHead.size()));
    }

    void reservedBits()
    {
        // RSV1 and RSV3 set on a text frame; Qt closes such a peer with 1002, the recorder shows why.
        Scanner scanner(Scanner::Side::ServerToClient);
        const auto frames = scanner.feed(QByteArray(kAnswerHead + QByteArray::fromHex("d10548656c6c6f")));
        QCOMPARE(frames.size(), 1);
        QCOMPARE(frames.first().rsv, 0b101);
        QCOMPARE(frames.first().opcode, int(Scanner::Text));
        QCOMPARE(frames.first().preview, QByteArray("Hello"));
    }

    void closeFramesScanBack_data()
    {
        QTest::addColumn<int>("side");
        QTest::addColumn<QString>("reason");
        QTest::addColumn<QString>("sent");
        const int up = int(Scanner::Side::ClientToServer);
        const int down = int(Scanner::Side::ServerToClient);
        QTest::addRow("client") << up << QStringLiteral("not masked") << QStringLiteral("not masked");
        QTest::addRow("server") << down << QStringLiteral("bye") << QStringLiteral("bye");
        QTest::addRow("no reason") << up << QString() << QString();
        // 123 bytes of reason at most, cut between characters: 61 two-byte ones fit, not 62.
        QTest::addRow("cut to fit") << down << QString(70, QChar(0xe9)) << QString(61, QChar(0xe9));
        QTest::addRow("no half surrogate pair")
            << up << QStringLiteral("a") + QString::fromUtf8("\U0001F600").repeated(40)
            << QStringLiteral("a") + QString::fromUtf8("\U0001F600").repeated(30);
    }

    void closeFramesScanBack()
    {
        QFETCH(int, side);
        QFETCH(QString, reason);
        QFETCH(QString, sent);
        const QByteArray frame = Scanner::closeFrame(1002, reason, Scanner::Side(side));
        const bool client = Scanner::Side(side) == Scanner::Side::ClientToServer;
        Scanner scanner { Scanner::Side(side) };
        const auto frames = scanner.feed(QByteArray((client ? kRequestHead : kAnswerHead) + frame));
        QCOMPARE(frames.size(), 1);
        QCOMPARE(frames.first().opcode, int(Scanner::Close));
        QVERIFY(frames.first().payloadLength <= 125);
        QCOMPARE(frames.first().masked, client);
        QCOMPARE(scanner.maskViolationOffset(), qint64(-1));
        const auto status = Scanner::closeStatus(frames.first().preview);
        QCOMPARE(status.code, 1002);
        QCOMPARE(status.reason, sent);
    }

    void impossibleLengthsStopTheScan_data()
    {
        QTest::addColumn<QByteArray>("length"); // the 8 bytes of a 64-bit length
        QTest::addRow("top bit set") << QByteArray::fromHex("8000000000000000");
        QTest::addRow("largest positive") << QByteArray::fromHex("7fffffffffffffff"); // found by the fuzzer
        QTest::addRow("size would overflow") << QByteArray::fromHex("7ffffffffffffff8");
    }

    // A peer that announces a frame of (nearly) 2^63 bytes is not a WebSocket peer: the scanner gives
    // up instead of computing a size on the wire that does not fit in a number.
    void impossibleLengthsStopTheScan()
    {
        QFETCH(QByteArray, length);
        Scanner scanner(Scanner::Side::ServerToClient);
        const QByteArray stream = kAnswerHead + QByteArray::fromHex("827f") + length + QByteArray("abc");
        const QList<Scanner::Frame> frames = scanner.feed(stream);
        QVERIFY(frames.isEmpty());
        QVERIFY(scanner.failed());
        QVERIFY(scanner.feed(QByteArray::fromHex("810548656c6c6f")).isEmpty()); // and stays stopped
    }

    void plainHttpIsNotScanned_data()
    {
        QTest::addColumn<int>("side");
        QTest::addColumn<QByteArray>("bytes");
        QTest::addRow("a GET without upgrade")
            << int(Scanner::Side::ClientToServer) << QByteArray("GET /poll HTTP/1.1\r\nHost: x\r\n\r\n\x81\x05hello");
        QTest::addRow("an answer that is not 101")
            << int(Scanner::Side::ServerToClient) << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
        QTest::addRow("a head that never ends")
            << int(Scanner::Side::ClientToServer) << QByteArray("GET / HTTP/1.1\r\n") + QByteArray(70'000, 'x');
    }

    void plainHttpIsNotScanned()
    {
        QFETCH(int, side);
        QFETCH(QByteArray, bytes);
        Scanner scanner { Scanner::Side(side) };
        QVERIFY(scanner.feed(bytes).isEmpty());
        QVERIFY(scanner.failed());
        QVERIFY(!scanner.inFrames());
    }

    void realQtWebSocketTraffic()
    {
        QWebSocketServer server(QStringLiteral("scanner test"), QWebSocketServer::NonSecureMode);
        QVERIFY(server.listen(QHostAddress::LocalHost, 0));
        QPointer<QWebSocket> serverSide;
        connect(&server, &QWebSocketServer::newConnection, this, [&] {
            serverSide = server.nextPendingConnection();
            connect(serverSide, &QWebSocket::textMessageReceived, serverSide,
                [&](const QString& text) { serverSide->sendTextMessage(text.toUpper()); });
        });
        Tap tap(server.serverPort());
        QWebSocket client;
        QString echoed;
        bool ponged = false;
        connect(&client, &QWebSocket::textMessageReceived, this, [&](const QString& text) { echoed = text; });
        connect(&client, &QWebSocket::pong, this, [&](quint64, const QByteArray&) { ponged = true; });
        client.open(QUrl(QStringLiteral("ws://127.0.0.1:%1/feed").arg(tap.port())));
        QVERIFY(waitUntil([&] { return client.state() == QAbstractSocket::ConnectedState; }));
        client.sendTextMessage(QStringLiteral("hi"));
        client.ping("p1");
        QVERIFY(waitUntil([&] { return echoed == QStringLiteral("HI") && ponged; }));
        client.close(QWebSocketProtocol::CloseCodeNormal, QStringLiteral("done"));
        QVERIFY(waitUntil([&] { return client.state() == QAbstractSocket::UnconnectedState; }));
        // The server answers the close handshake with a close frame of its own.
        QVERIFY(waitUntil([&] {
            return std::any_of(
                tap.down.begin(), tap.down.end(), [](const Scanner::Frame& f) { return f.opcode == Scanner::Close; });
        }));

        QVERIFY(tap.upScanner.inFrames());
        QVERIFY(tap.downScanner.inFrames());
        QVERIFY(hasFrame(tap.up, Scanner::Text, "hi")); // unmasked from the client's masked frame
        QVERIFY(hasFrame(tap.up, Scanner::Ping, "p1"));
        QVERIFY(hasFrame(tap.down, Scanner::Pong, "p1")); // the answer Qt sends with no signal of its own
        QVERIFY(hasFrame(tap.down, Scanner::Text, "HI"));
        QVERIFY(hasFrame(tap.up, Scanner::Close, QByteArray::fromHex("03e8") + "done"));
        for (const Scanner::Frame& f : std::as_const(tap.up))
            QVERIFY(f.masked); // clients always mask (RFC 6455, 5.3)
    }
};

QTEST_GUILESS_MAIN(TestWsFrameScanner)
#include "tst_wsframescanner.moc"
