// SPDX-License-Identifier: GPL-3.0-or-later
#include "testrun.h"
#include "tracequeries.h"
#include "wsframescanner.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTcpSocket>
#include <QTest>

using namespace PatternScope;
using namespace PatternScope::Test;

namespace {

// A frame as a client nobody here wrote may send it, right or wrong (RFC 6455, 5.2).
QByteArray frame(int opcode, const QByteArray& payload, bool fin = true, bool masked = true, int rsv = 0)
{
    QByteArray bytes(1, char((fin ? 0x80 : 0) | (rsv << 4) | opcode));
    const char maskBit = masked ? char(0x80) : char(0);
    if (payload.size() < 126) {
        bytes.append(char(maskBit | char(payload.size())));
    } else {
        bytes.append(char(maskBit | 126));
        bytes.append(char(payload.size() >> 8)).append(char(payload.size() & 0xFF));
    }
    if (!masked)
        return bytes + payload;
    const QByteArray key = QByteArray::fromHex("37fa213d");
    bytes += key;
    for (qsizetype i = 0; i < payload.size(); ++i)
        bytes.append(char(payload.at(i) ^ key.at(i % 4)));
    return bytes;
}

QByteArray closePayload(int code, const QByteArray& reason = {})
{
    return QByteArray(1, char(code >> 8)) + char(code & 0xFF) + reason;
}

struct ServerFrame {
    int opcode = 0;
    bool masked = false;
    QByteArray payload;
};

// A raw TCP client speaking WebSocket by hand: its upgrade request, then whatever bytes a test
// gives it; it reads the server's frames as they are on the wire.
class RawPeer : public QObject {
public:
    // The upgrade request for `path`; `extra` goes in the same write (a client that doesn't wait).
    void open(quint16 port, const QString& path, const QByteArray& extra = {})
    {
        connect(&m_socket, &QTcpSocket::readyRead, this, [this] { read(); });
        connect(&m_socket, &QTcpSocket::disconnected, this, [this] { m_closed = true; });
        m_socket.connectToHost(QHostAddress::LocalHost, port);
        m_socket.write("GET " + path.toUtf8()
            + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
              "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
            + extra);
    }
    void send(const QByteArray& bytes) { m_socket.write(bytes); }
    bool upgraded() const { return m_status.startsWith("HTTP/1.1 101"); }
    bool closed() const { return m_closed; }
    const QList<ServerFrame>& frames() const { return m_frames; }
    const ServerFrame* closeFrame() const
    {
        const auto it
            = std::find_if(m_frames.begin(), m_frames.end(), [](const ServerFrame& f) { return f.opcode == 0x8; });
        return it == m_frames.end() ? nullptr : &*it;
    }
    bool hasText(const QString& type) const
    {
        return std::any_of(m_frames.begin(), m_frames.end(), [&](const ServerFrame& f) {
            return f.opcode == 0x1
                && QJsonDocument::fromJson(f.payload).object().value(QStringLiteral("type")).toString() == type;
        });
    }

private:
    void read()
    {
        m_buffer += m_socket.readAll();
        if (m_status.isEmpty()) {
            const qsizetype end = m_buffer.indexOf("\r\n\r\n");
            if (end < 0)
                return;
            m_status = m_buffer.left(m_buffer.indexOf("\r\n"));
            m_buffer.remove(0, end + 4);
        }
        while (m_buffer.size() >= 2) {
            const auto byte = [this](qsizetype i) { return static_cast<unsigned char>(m_buffer.at(i)); };
            qsizetype pos = 2;
            qint64 length = byte(1) & 0x7F;
            if (length == 126) {
                if (m_buffer.size() < 4)
                    return;
                length = (byte(2) << 8) | byte(3);
                pos = 4;
            }
            const bool masked = byte(1) & 0x80;
            QByteArray key;
            if (masked) {
                key = m_buffer.mid(pos, 4);
                pos += 4;
            }
            if (m_buffer.size() < pos + length)
                return;
            ServerFrame f { byte(0) & 0x0F, masked, m_buffer.mid(pos, length) };
            for (qsizetype i = 0; masked && i < f.payload.size(); ++i)
                f.payload[i] = char(f.payload.at(i) ^ key.at(i % 4));
            m_frames.append(f);
            m_buffer.remove(0, pos + length);
        }
    }

    QTcpSocket m_socket;
    QByteArray m_buffer;
    QByteArray m_status;
    QList<ServerFrame> m_frames;
    bool m_closed = false;
};

std::unique_ptr<Run> serve(const QString& pattern)
{
    const PatternInfo* info = PatternRegistry::find(pattern);
    if (!info)
        return nullptr;
    ParameterSet parameters(info->parameters);
    QString error;
    if (!parameters.assign(QStringLiteral("latency=10ms"), &error)
        || !parameters.assign(QStringLiteral("produce=100ms"), &error))
        return nullptr;
    auto run = std::make_unique<Run>();
    run->setServe(0);
    if (!run->start(*info, parameters, 3, &error)) {
        qWarning() << error;
        return nullptr;
    }
    return run;
}

const Note* noteOf(const Trace& trace, const QString& part)
{
    const auto it = std::find_if(
        trace.notes().begin(), trace.notes().end(), [&](const Note& n) { return n.text.contains(part); });
    return it == trace.notes().end() ? nullptr : &*it;
}

QList<const Message*> framesFrom(const Trace& trace, const QString& name)
{
    QList<const Message*> frames;
    for (const Message& m : trace.messages()) {
        const Participant* from = trace.participant(m.from);
        if (from && from->name == name && m.fields.opcode >= 0 && m.kind != Message::Kind::HttpRequest)
            frames.append(&m);
    }
    return frames;
}

const QByteArray kBadType = "{\"type\":\"shutdown\"}";

} // namespace

class TestWsConformance : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void outsideClientsAreAnsweredPerRfc_data()
    {
        QTest::addColumn<QString>("pattern");
        QTest::addColumn<bool>("withUpgrade"); // sent in the same write as the upgrade request
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<int>("code");
        QTest::addColumn<QString>("reason");
        QTest::addColumn<QString>("note"); // on the server's lifeline; empty: none about this peer
        QTest::addColumn<QString>("label"); // of a frame the peer sent

        const QByteArray hello = "{\"type\":\"chat\",\"text\":\"hi\"}";
        const QString notMasked = QStringLiteral("client frame not masked (RFC 6455, 5.1)");
        for (const QString& pattern : { QStringLiteral("websockets"), QStringLiteral("publish-subscribe") }) {
            const auto row
                = [&](const char* name) -> QTestData& { return QTest::addRow("%s: %s", qPrintable(pattern), name); };
            // RFC 6455, 5.1: a server must close the connection at a frame that is not masked.
            row("unmasked text") << pattern << false << frame(1, hello, true, false) << 1002 << notMasked
                                 << QStringLiteral("closing peer: %1 (1002)").arg(notMasked)
                                 << QStringLiteral(" · not masked");
            row("unmasked ping") << pattern << false << frame(9, "p1", true, false) << 1002 << notMasked << notMasked
                                 << QStringLiteral("ping p1 · not masked");
            row("unmasked close") << pattern << false << frame(8, closePayload(1000), true, false) << 1002 << notMasked
                                  << notMasked << QStringLiteral("close 1000 (normal) · not masked");
            row("unmasked, with the upgrade") << pattern << true << frame(1, hello, true, false) << 1002 << notMasked
                                              << notMasked << QStringLiteral(" · not masked");
            // What came before the breach is read first: here it earns a close of its own.
            row("masked, then unmasked") << pattern << false
                                         << frame(1, kBadType) + frame(1, hello, true, false) + frame(1, hello) << 1003
                                         << QStringLiteral("unknown message type \"shutdown\"")
                                         << QStringLiteral("closing peer: unknown message type") << QString();
            // A client should wait for the 101 (RFC 6455, 4.1); a frame that comes with the request is
            // still heard, by the pattern, after the answer.
            row("masked, with the upgrade")
                << pattern << true << frame(1, kBadType) << 1003 << QStringLiteral("unknown message type \"shutdown\"")
                << QStringLiteral("closing peer: unknown message type") << QString();
            // Closes Qt sends by itself get a note saying why.
            row("invalid UTF-8") << pattern << false << frame(1, "{\"type\":\"chat\",\"text\":\"\xff\xfe\"}") << 1007
                                 << QStringLiteral("Invalid UTF-8")
                                 << QStringLiteral("closing peer: Invalid UTF-8 code encountered (1007)") << QString();
            row("reserved opcode") << pattern << false << frame(3, "x") << 1002 << QStringLiteral("reserved opcode")
                                   << QStringLiteral("closing peer: Used reserved opcode (1002)")
                                   << QStringLiteral("opcode 3 · 1 B");
            row("ping over 125 bytes") << pattern << false << frame(9, QByteArray(126, 'p')) << 1002
                                       << QStringLiteral("larger than 125")
                                       << QStringLiteral("closing peer: Control frame is larger than 125 bytes (1002)")
                                       << QString();
            row("fragmented ping") << pattern << false << frame(9, "p1", false) << 1002
                                   << QStringLiteral("cannot be fragmented")
                                   << QStringLiteral("closing peer: Control frames cannot be fragmented (1002)")
                                   << QString();
            row("reserved bit") << pattern << false << frame(1, hello, true, true, 4) << 1002
                                << QStringLiteral("Rsv field") << QStringLiteral("closing peer: Rsv field is non-zero")
                                << QStringLiteral(" · RSV1");
            row("close code out of range")
                << pattern << false << frame(8, closePayload(999)) << 1002 << QStringLiteral("Invalid close code")
                << QStringLiteral("closing peer: Invalid close code") << QStringLiteral("close 999");
            // The client closes: the server answers with its code and closes TCP, no note needed.
            row("client closes") << pattern << false << frame(8, closePayload(1000, "bye")) << 1000
                                 << QStringLiteral("bye") << QString() << QStringLiteral("close 1000 (normal) · bye");
        }
    }

    void outsideClientsAreAnsweredPerRfc()
    {
        QFETCH(QString, pattern);
        QFETCH(bool, withUpgrade);
        QFETCH(QByteArray, bytes);
        QFETCH(int, code);
        QFETCH(QString, reason);
        QFETCH(QString, note);
        QFETCH(QString, label);
        auto run = serve(pattern);
        QVERIFY(run);
        const Trace& trace = *run->trace();

        RawPeer peer;
        peer.open(
            run->pattern()->publicPort(), QStringLiteral("/feed?client=peer"), withUpgrade ? bytes : QByteArray());
        QVERIFY(waitUntil([&] { return peer.upgraded(); }));
        if (!withUpgrade)
            peer.send(bytes);
        QVERIFY(waitUntil([&] { return peer.closeFrame() && peer.closed(); }));

        const ServerFrame* close = peer.closeFrame();
        const auto status = WebSocketFrameScanner::closeStatus(close->payload);
        QCOMPARE(status.code, code);
        QVERIFY2(status.reason.contains(reason), qPrintable(status.reason));
        // A server never masks (RFC 6455, 5.1), not even when the client's frame came with its request.
        for (const ServerFrame& f : peer.frames())
            QVERIFY(!f.masked);

        // The trace shows the server's close, and why it closed, on its lifeline.
        QVERIFY(waitUntil([&] {
            return std::any_of(trace.messages().begin(), trace.messages().end(), [&](const Message& m) {
                return m.kind == Message::Kind::WsClose && m.fields.closeCode == code && m.from != m.to
                    && trace.participant(m.to) && trace.participant(m.to)->name == QStringLiteral("peer")
                    && m.state == Message::State::Delivered;
            });
        }));
        if (note.isEmpty()) {
            QVERIFY(!hasNote(trace, QStringLiteral("closing peer")));
        } else {
            const Note* found = noteOf(trace, note);
            QVERIFY2(found, qPrintable(note));
            const Participant* server = trace.participant(found->participant);
            QVERIFY(server->role == Participant::Role::Server || server->role == Participant::Role::Broker);
            QCOMPARE(notesContaining(trace, QStringLiteral("closing peer")), qsizetype(1));
        }
        if (!label.isEmpty()) {
            const auto frames = framesFrom(trace, QStringLiteral("peer"));
            QVERIFY(
                std::any_of(frames.begin(), frames.end(), [&](const Message* m) { return m->label.contains(label); }));
        }
        QVERIFY(stopAndWait(*run));
    }

    void fragmentedTextIsRecordedAsText()
    {
        auto run = serve(QStringLiteral("websockets"));
        QVERIFY(run);
        const Trace& trace = *run->trace();
        RawPeer peer;
        peer.open(run->pattern()->publicPort(), QStringLiteral("/feed?client=peer"));
        QVERIFY(waitUntil([&] { return peer.upgraded(); }));
        // One text message in three fragments, a ping between two of them (RFC 6455, 5.4).
        const QByteArray message = "{\"type\":\"chat\",\"id\":7,\"text\":\"in pieces\"}";
        peer.send(frame(1, message.left(10), false) + frame(0, message.mid(10, 10), false) + frame(9, "p1")
            + frame(0, message.mid(20)));
        QVERIFY(waitUntil([&] {
            const auto frames = framesFrom(trace, QStringLiteral("peer"));
            return deliveredCount(frames) == 4 && peer.frames().size() >= 2;
        }));
        const auto frames = framesFrom(trace, QStringLiteral("peer"));
        QCOMPARE(frames.size(), 4);
        QCOMPARE(frames.at(0)->kind, Message::Kind::WsText);
        QCOMPARE(frames.at(0)->label, QStringLiteral("text · 10 B (continues)"));
        QCOMPARE(frames.at(1)->kind, Message::Kind::WsText);
        QCOMPARE(frames.at(1)->label, QStringLiteral("text continuation · 10 B (continues)"));
        QCOMPARE(frames.at(2)->kind, Message::Kind::WsPing);
        // The last fragment completes the message: the pattern names it from all of it.
        QCOMPARE(frames.at(3)->kind, Message::Kind::WsText);
        QCOMPARE(frames.at(3)->label, QStringLiteral("chat 7 · in pieces"));
        QCOMPARE(frames.at(3)->fields.opcode, qint16(0));
        // Taken, not refused: the server answers the ping and goes on pushing items.
        QVERIFY(waitUntil([&] { return peer.hasText(QStringLiteral("item")); }));
        QVERIFY(std::any_of(peer.frames().begin(), peer.frames().end(),
            [](const ServerFrame& f) { return f.opcode == 0xA && f.payload == "p1"; }));
        QVERIFY(!peer.closeFrame());
        QVERIFY(!hasNote(trace, QStringLiteral("closing peer")));
        QVERIFY(stopAndWait(*run));
    }

    void fragmentedPublishIsAPublish()
    {
        auto run = serve(QStringLiteral("publish-subscribe"));
        QVERIFY(run);
        const Trace& trace = *run->trace();
        const quint16 port = run->pattern()->publicPort();
        RawPeer subscriber;
        subscriber.open(port, QStringLiteral("/?client=sub"));
        QVERIFY(waitUntil([&] { return subscriber.upgraded(); }));
        subscriber.send(frame(1, "{\"type\":\"subscribe\",\"topics\":[\"frag\"]}"));
        QVERIFY(waitUntil([&] {
            const auto frames = framesFrom(trace, QStringLiteral("sub"));
            return deliveredCount(frames) == 1;
        }));

        RawPeer publisher;
        publisher.open(port, QStringLiteral("/?client=pub"));
        QVERIFY(waitUntil([&] { return publisher.upgraded(); }));
        const QByteArray publish = "{\"type\":\"publish\",\"topic\":\"frag\",\"id\":\"f1\",\"payload\":\"in pieces\"}";
        publisher.send(
            frame(1, publish.left(20), false) + frame(0, publish.mid(20, 20), false) + frame(0, publish.mid(40)));
        QVERIFY(waitUntil([&] { return subscriber.hasText(QStringLiteral("deliver")); }));

        const auto frames = framesFrom(trace, QStringLiteral("pub"));
        QCOMPARE(frames.size(), 3);
        QCOMPARE(frames.at(0)->kind, Message::Kind::WsText);
        QCOMPARE(frames.at(1)->kind, Message::Kind::WsText);
        QCOMPARE(frames.at(1)->label, QStringLiteral("text continuation · 20 B (continues)"));
        QCOMPARE(frames.at(2)->kind, Message::Kind::Publish);
        QCOMPARE(frames.at(2)->correlation, QStringLiteral("msg f1"));
        // ... so its delivery pairs with it as any publish's does.
        QVERIFY(waitUntil([&] {
            return std::any_of(trace.messages().begin(), trace.messages().end(), [](const Message& m) {
                return m.kind == Message::Kind::Deliver && m.correlation == QStringLiteral("msg f1")
                    && m.state == Message::State::Delivered;
            });
        }));
        QVERIFY(stopAndWait(*run));
    }
};

QTEST_GUILESS_MAIN(TestWsConformance)
#include "tst_wsconformance.moc"
