// SPDX-License-Identifier: GPL-3.0-or-later
#include "wsrecorder.h"

#include "labels.h"
#include "linkconnection.h"
#include "linkemulator.h"

#include <deque>
#include <memory>

namespace PatternScope {

namespace {

using Frame = WebSocketFrameScanner::Frame;

constexpr int kPreviewBytes = 4096; // enough for any envelope a pattern sends; bigger payloads are cut
constexpr int kKeptPreview = 1024; // what a message keeps for the inspector

// One direction of a tapped connection: scans what the sender wrote, records each message when its
// first byte was read, and completes it when delivery passes its last byte.
class FrameRecorder final : public PipeTap {
public:
    FrameRecorder(LinkConnection* connection, bool towardServer, std::shared_ptr<const WebSocketRecording> recording)
        : m_connection(connection)
        , m_trace(connection->link()->trace())
        , m_towardServer(towardServer)
        , m_recording(std::move(recording))
        , m_scanner(
              towardServer ? WebSocketFrameScanner::Side::ClientToServer : WebSocketFrameScanner::Side::ServerToClient,
              kPreviewBytes)
    {
    }

    void read(QByteArrayView bytes, TimeUs at) override
    {
        if (m_scanner.failed())
            return;
        m_reads.push_back({ m_readTotal + bytes.size(), at });
        const bool hadHead = !m_scanner.head().isEmpty();
        const QList<Frame> frames = m_scanner.feed(bytes);
        if (!hadHead && !m_scanner.head().isEmpty())
            recordHead();
        for (const Frame& frame : frames)
            recordFrame(frame);
        m_readTotal += bytes.size();
        // Reads wholly before the end of the last complete frame can no longer start a frame.
        while (!m_reads.empty() && m_reads.front().first <= m_doneUpTo)
            m_reads.pop_front();
    }

    void delivered(qint64 total, TimeUs at) override
    {
        while (!m_pending.empty() && m_pending.front().first <= total) {
            m_trace->completeMessage(m_pending.front().second, at);
            m_pending.pop_front();
        }
    }

    void dropped(TimeUs at) override
    {
        for (const auto& pending : m_pending) {
            m_trace->loseMessage(pending.second, at);
            const Message& message = m_trace->message(pending.second);
            // Qt closes its TCP connection right after sending a close frame instead of waiting for
            // the answer (RFC 6455, 7.1.1), so the answering close finds nobody. Say so where it shows.
            if (message.kind == Message::Kind::WsClose)
                m_trace->addNote(
                    message.to, QStringLiteral("had closed its TCP connection before the answering close arrived"), at);
        }
        m_pending.clear();
    }

private:
    TimeUs readTimeOf(qint64 offset) const
    {
        for (const auto& read : m_reads) {
            if (read.first > offset)
                return read.second;
        }
        return m_reads.empty() ? m_trace->now() : m_reads.back().second;
    }

    Message base(qint64 offset)
    {
        m_connection->ensureRecorded();
        Message message;
        const int client = m_connection->participant();
        const int server = m_connection->link()->server();
        message.from = m_towardServer ? client : server;
        message.to = m_towardServer ? server : client;
        message.connection = m_connection->id();
        message.sentAt = readTimeOf(offset);
        return message;
    }

    void recordHead()
    {
        const QByteArray& head = m_scanner.head();
        if (m_towardServer && m_connection->id() < 0 && m_recording->identify)
            m_connection->identify(m_recording->identify(head));
        Message message = base(0);
        QByteArray firstLine = head.left(head.indexOf("\r\n"));
        if (m_towardServer) {
            // "GET /feed?since=3 HTTP/1.1"; what follows the method is kept whole when it is not that.
            message.kind = Message::Kind::HttpRequest;
            firstLine.chop(firstLine.endsWith(" HTTP/1.1") ? 9 : 0);
            const qsizetype space = firstLine.indexOf(' ');
            message.fields.method = space < 0 ? QString() : QString::fromLatin1(firstLine.left(space));
            message.fields.target = QString::fromLatin1(space < 0 ? firstLine : firstLine.mid(space + 1));
            message.fields.upgrade = !m_scanner.failed();
            message.label = Labels::httpRequest(
                message.fields, message.fields.upgrade ? QStringLiteral("Upgrade: websocket") : QString());
        } else {
            // "HTTP/1.1 101 Switching Protocols"; without a three-digit status, the rest is all reason.
            message.kind = Message::Kind::HttpResponse;
            const QString status = QString::fromLatin1(firstLine.mid(firstLine.indexOf(' ') + 1));
            bool ok = false;
            const int code = status.left(3).toInt(&ok);
            const bool numbered = ok && code >= 100 && code <= 999 && (status.size() == 3 || status.at(3) == u' ');
            message.fields.status = numbered ? qint16(code) : 0;
            message.fields.reason = numbered ? status.mid(4) : status;
            message.label = Labels::httpResponse(message.fields);
        }
        message.headers = WebSocketFrameScanner::headFields(head);
        message.bytes = head.size();
        message.correlation = QStringLiteral("upgrade %1").arg(message.connection);
        Frame frame;
        frame.opcode = WebSocketFrameScanner::Handshake;
        frame.wireBytes = head.size();
        frame.preview = head;
        finishRecord(message, frame);
    }

    void recordFrame(const Frame& frame)
    {
        Message message = base(frame.offset);
        message.bytes = frame.wireBytes;
        message.bodyPreview = frame.preview.left(kKeptPreview);
        message.fields.opcode = qint16(frame.opcode);
        switch (frame.opcode) {
        case WebSocketFrameScanner::Text:
            message.kind = Message::Kind::WsText;
            message.label = Labels::webSocketFrame(message.fields, frame.payloadLength, frame.fin);
            break;
        case WebSocketFrameScanner::Ping:
        case WebSocketFrameScanner::Pong: {
            message.kind = frame.opcode == WebSocketFrameScanner::Ping ? Message::Kind::WsPing : Message::Kind::WsPong;
            const QString payload = QString::fromUtf8(frame.preview);
            message.label = Labels::webSocketPingPong(message.fields, payload);
            // A pong echoes its ping's payload: that is what pairs them.
            message.correlation = QStringLiteral("ping %1 %2").arg(message.connection).arg(payload);
            break;
        }
        case WebSocketFrameScanner::Close: {
            message.kind = Message::Kind::WsClose;
            const auto close = WebSocketFrameScanner::closeStatus(frame.preview);
            message.fields.closeCode = close.code;
            message.fields.reason = close.reason;
            message.label = Labels::webSocketClose(message.fields);
            message.correlation = QStringLiteral("close %1").arg(message.connection);
            break;
        }
        default: // binary, continuation, reserved opcodes
            message.kind = Message::Kind::WsBinary;
            message.label = Labels::webSocketFrame(message.fields, frame.payloadLength, frame.fin);
            break;
        }
        finishRecord(message, frame);
    }

    void finishRecord(Message& message, const Frame& frame)
    {
        if (m_recording->describe)
            m_recording->describe(message, frame);
        const qint64 end = frame.offset + frame.wireBytes;
        m_pending.push_back({ end, m_trace->addMessage(message) });
        m_doneUpTo = end;
    }

    LinkConnection* m_connection;
    Trace* m_trace;
    bool m_towardServer;
    std::shared_ptr<const WebSocketRecording> m_recording;
    WebSocketFrameScanner m_scanner;
    std::deque<std::pair<qint64, TimeUs>> m_reads; // (stream offset after the read, when it was read)
    qint64 m_readTotal = 0;
    qint64 m_doneUpTo = 0;
    std::deque<std::pair<qint64, qint64>> m_pending; // (stream offset after the message, its seq)
};

} // namespace

void recordWebSockets(Link* link, WebSocketRecording recording)
{
    auto shared = std::make_shared<const WebSocketRecording>(std::move(recording));
    link->setConnectionTap([shared](LinkConnection* connection) {
        connection->up()->setTap(std::make_unique<FrameRecorder>(connection, true, shared));
        connection->down()->setTap(std::make_unique<FrameRecorder>(connection, false, shared));
    });
}

} // namespace PatternScope
