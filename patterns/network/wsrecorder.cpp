// SPDX-License-Identifier: GPL-3.0-or-later
#include "wsrecorder.h"

#include "httpsyntax.h"
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
constexpr int kProtocolError = 1002; // RFC 6455, 7.4.1
// Fits a close frame (123 bytes after the code) and says which rule, for anyone reading the trace.
const char kNotMasked[] = "client frame not masked (RFC 6455, 5.1)";

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
        if (!hadHead && !m_scanner.head().isEmpty()) {
            recordHead();
            // A client waits for the answer before it sends frames (RFC 6455, 4.1). Frames that come
            // anyway wait at the server's door until it has answered: Qt 6.4 would read them before
            // anyone can hear them (the messages go nowhere) and answer them masked.
            if (!m_towardServer)
                m_connection->up()->release();
            else if (m_scanner.inFrames())
                m_connection->up()->holdFrom(m_scanner.head().size());
        }
        for (const Frame& frame : frames)
            recordFrame(frame);
        m_readTotal += bytes.size();
        // A server must fail the connection at an unmasked client frame (RFC 6455, 5.1), but Qt 6.4
        // reads it as if masked. So the server gets, in its place, a close frame naming the breach,
        // and answers it (1002 and the reason) after what came before, as if it had checked itself.
        const qint64 breach = m_scanner.maskViolationOffset();
        if (m_towardServer && breach >= 0 && m_breachOffset < 0 && m_recording->enforceMasking) {
            m_breachOffset = breach;
            m_connection->up()->replaceFrom(breach,
                WebSocketFrameScanner::closeFrame(
                    kProtocolError, QString::fromLatin1(kNotMasked), WebSocketFrameScanner::Side::ClientToServer),
                [this](TimeUs when) { breachReached(when); });
        }
        // Reads wholly before the end of the last complete frame can no longer start a frame.
        while (!m_reads.empty() && m_reads.front().first <= m_doneUpTo)
            m_reads.pop_front();
    }

    void delivered(qint64 total, TimeUs at) override
    {
        while (!m_pending.empty() && m_pending.front().end <= total) {
            const Pending pending = m_pending.front();
            m_pending.pop_front();
            m_trace->completeMessage(pending.seq, at);
            // The server answers a close with a close; a different code is its own verdict.
            if (pending.closeCode != NotAClose)
                m_connection->link()->reportPeerClosing(m_connection->serverSideLocalPort(), pending.closeCode);
        }
    }

    void dropped(TimeUs at) override
    {
        for (const Pending& pending : m_pending) {
            m_trace->loseMessage(pending.seq, at);
            const Message& message = m_trace->message(pending.seq);
            // Qt closes its TCP connection right after sending a close frame instead of waiting for
            // the answer (RFC 6455, 7.1.1), so the answering close finds nobody. Say so where it shows.
            if (message.kind == Message::Kind::WsClose)
                m_trace->addNote(
                    message.to, QStringLiteral("had closed its TCP connection before the answering close arrived"), at);
        }
        m_pending.clear();
    }

private:
    static constexpr int NotAClose = -2;
    struct Pending {
        qint64 start; // where the message starts in the stream
        qint64 end; // and where it ends
        qint64 seq;
        int closeCode = NotAClose; // a close frame's code (-1: none)
    };

    void breachReached(TimeUs at)
    {
        // The bad frame arrived: the server read its header and fails the connection there.
        m_breachAt = at;
        if (!m_pending.empty() && m_pending.front().start == m_breachOffset) {
            m_trace->completeMessage(m_pending.front().seq, at);
            m_pending.pop_front();
        }
    }

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
        if (!m_recording->recordHandshake) {
            m_doneUpTo = head.size();
            return;
        }
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
        message.setHeaders(HttpSyntax::headFields(head));
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
        message.setBodyPreview(frame.preview.left(kKeptPreview));
        message.fields.opcode = qint16(frame.opcode);
        Frame described = frame;
        switch (frame.opcode) {
        case WebSocketFrameScanner::Text:
        case WebSocketFrameScanner::Binary:
            message.kind
                = frame.opcode == WebSocketFrameScanner::Text ? Message::Kind::WsText : Message::Kind::WsBinary;
            message.label = Labels::webSocketFrame(message.fields, frame.payloadLength, frame.fin);
            // A fragmented message (RFC 6455, 5.4): what follows continues it.
            m_messageOpcode = frame.fin ? -1 : frame.opcode;
            m_messagePreview = frame.fin ? QByteArray() : frame.preview;
            break;
        case WebSocketFrameScanner::Continuation:
            // A fragment is of the kind of the message it continues; the last one completes the
            // message, and the pattern reads what it says from all of it.
            message.kind
                = m_messageOpcode == WebSocketFrameScanner::Text ? Message::Kind::WsText : Message::Kind::WsBinary;
            message.label = (m_messageOpcode == WebSocketFrameScanner::Text
                    ? QStringLiteral("text ")
                    : m_messageOpcode == WebSocketFrameScanner::Binary ? QStringLiteral("binary ") : QString())
                + Labels::webSocketFrame(message.fields, frame.payloadLength, frame.fin);
            m_messagePreview += frame.preview.left(kPreviewBytes - m_messagePreview.size());
            if (frame.fin && m_messageOpcode >= 0) {
                described.opcode = m_messageOpcode;
                described.preview = m_messagePreview;
                m_messageOpcode = -1;
                m_messagePreview.clear();
            }
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
        default: // reserved opcodes
            message.kind = Message::Kind::WsBinary;
            message.label = Labels::webSocketFrame(message.fields, frame.payloadLength, frame.fin);
            break;
        }
        // What the receiver must refuse shows on the arrow, whatever the pattern calls it.
        QString breaches;
        for (int bit = 0; bit < 3; ++bit) {
            if (frame.rsv & (4 >> bit))
                breaches += QStringLiteral(" · RSV%1").arg(bit + 1);
        }
        if (frame.masked != m_towardServer)
            breaches += m_towardServer ? QStringLiteral(" · not masked") : QStringLiteral(" · masked");
        finishRecord(message, described, breaches);
    }

    void finishRecord(Message& message, const Frame& frame, const QString& breaches = {})
    {
        if (m_recording->describe)
            m_recording->describe(message, frame);
        message.label = message.label + breaches;
        const qint64 end = frame.offset + frame.wireBytes;
        m_doneUpTo = end;
        const qint64 seq = m_trace->addMessage(message);
        if (frame.offset == m_breachOffset && m_breachAt != NoTime) {
            m_trace->completeMessage(seq, m_breachAt); // the server saw its header already
            return;
        }
        const bool close = m_towardServer && message.kind == Message::Kind::WsClose;
        m_pending.push_back({ frame.offset, end, seq, close ? message.fields.closeCode : NotAClose });
    }

    LinkConnection* m_connection;
    Trace* m_trace;
    bool m_towardServer;
    std::shared_ptr<const WebSocketRecording> m_recording;
    WebSocketFrameScanner m_scanner;
    std::deque<std::pair<qint64, TimeUs>> m_reads; // (stream offset after the read, when it was read)
    qint64 m_readTotal = 0;
    qint64 m_doneUpTo = 0;
    std::deque<Pending> m_pending;
    int m_messageOpcode = -1; // of the fragmented message under way, or -1
    QByteArray m_messagePreview; // its fragments' previews so far
    qint64 m_breachOffset = -1; // where the first frame the server must not read starts
    TimeUs m_breachAt = NoTime; // when the server saw it
};

} // namespace

std::unique_ptr<PipeTap> webSocketTap(
    LinkConnection* connection, bool towardServer, std::shared_ptr<const WebSocketRecording> recording)
{
    return std::make_unique<FrameRecorder>(connection, towardServer, std::move(recording));
}

void recordWebSockets(Link* link, WebSocketRecording recording)
{
    auto shared = std::make_shared<const WebSocketRecording>(std::move(recording));
    link->setConnectionTap([shared](LinkConnection* connection) {
        connection->up()->setTap(std::make_unique<FrameRecorder>(connection, true, shared));
        connection->down()->setTap(std::make_unique<FrameRecorder>(connection, false, shared));
    });
}

} // namespace PatternScope
