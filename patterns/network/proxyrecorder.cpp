// SPDX-License-Identifier: GPL-3.0-or-later
#include "proxyrecorder.h"

#include "eventstreamparser.h"
#include "httpchunkdecoder.h"
#include "httprequestscanner.h"
#include "httprequesttap.h"
#include "httpsyntax.h"
#include "labels.h"
#include "link.h"
#include "linkconnection.h"
#include "traceparent.h"
#include "units.h"
#include "wsrecorder.h"

#include <QTimer>
#include <deque>
#include <limits>
#include <utility>

namespace PatternScope {

namespace {

constexpr qsizetype kMaxResponseHead = 64 * 1024; // past this, the answer is not followed further
constexpr int kMaxTrailer = 64 * 1024;
constexpr int kKeptPreview = 1024;

// When the bytes at each stream offset were read: what a message's send time is.
class ReadTimes {
public:
    void add(qint64 size, TimeUs at)
    {
        m_total += size;
        m_reads.push_back({ m_total, at });
    }
    TimeUs at(qint64 offset) const
    {
        for (const auto& read : m_reads) {
            if (read.first > offset)
                return read.second;
        }
        return m_reads.empty() ? NoTime : m_reads.back().second;
    }
    // Reads wholly before this offset are no longer asked about.
    void forgetBefore(qint64 offset)
    {
        while (m_reads.size() > 1 && m_reads.front().first <= offset)
            m_reads.pop_front();
    }
    qint64 total() const { return m_total; }

private:
    std::deque<std::pair<qint64, TimeUs>> m_reads; // (stream offset after the read, when it was read)
    qint64 m_total = 0;
};

// One request on a proxied connection and what became of it.
struct Exchange {
    qint64 number = 0; // on the connection, as the scanner counts
    qint64 request = -1; // its message
    QString correlation;
    bool head = false; // a HEAD request: its answer has no body
    qint64 end = -1; // stream offset past its last byte, once read
    qint64 bytes = -1;
    TimeUs arrivedAt = NoTime; // its last byte reached the upstream
    TimeUs answeredAt = NoTime; // the first byte of its answer was read
    qint64 activation = -1; // the upstream holding it
};

// What both directions of one connection share.
struct ConnectionState {
    std::deque<std::shared_ptr<Exchange>> unanswered; // in the order sent: HTTP/1.1 answers in order
    QString ownAnswer; // why the next answer is the proxy's own; empty: the upstream's
};

void endWait(Trace* trace, int server, Exchange& exchange, TimeUs at)
{
    if (exchange.arrivedAt == NoTime || at == NoTime)
        return;
    if (exchange.activation >= 0) {
        trace->endActivation(exchange.activation, at);
    } else if (at - exchange.arrivedAt >= ProxyRecording::ShortestProcessing) {
        // It answered before it counted as held: the upstream was working on it.
        const qint64 id = trace->beginActivation(server, Labels::processingActivation(), exchange.arrivedAt);
        trace->endActivation(id, at);
    }
    exchange.activation = -2; // done with
}

// The client's requests as they leave it.
class RequestTap final : public PipeTap {
public:
    RequestTap(
        LinkConnection* connection, std::shared_ptr<ProxyRecording> recording, std::shared_ptr<ConnectionState> state)
        : m_connection(connection)
        , m_recording(std::move(recording))
        , m_state(std::move(state))
    {
    }

    void read(QByteArrayView bytes, TimeUs at) override
    {
        m_times.add(bytes.size(), at);
        const HttpRequestScanner::Result result = m_scanner.feed(bytes);
        for (const auto& request : result.heads)
            record(request);
        for (const auto& request : result.ends) {
            for (const auto& exchange : m_sent) {
                if (exchange->number == request.number) {
                    exchange->end = request.offset + request.size;
                    exchange->bytes = request.size;
                }
            }
        }
        m_times.forgetBefore(m_scanner.current() ? m_scanner.current()->offset : m_times.total());
    }

    void delivered(qint64 total, TimeUs at) override
    {
        while (!m_sent.empty() && m_sent.front()->end >= 0 && m_sent.front()->end <= total) {
            const std::shared_ptr<Exchange> exchange = m_sent.front();
            m_sent.pop_front();
            Trace* trace = m_recording->trace();
            trace->completeMessage(exchange->request, at, m_connection->id(), exchange->bytes);
            exchange->arrivedAt = at;
            if (exchange->answeredAt != NoTime)
                continue;
            // Not answered within a while: the upstream holds it, as a long poll's server does.
            const std::shared_ptr<ProxyRecording> recording = m_recording;
            QTimer::singleShot(
                int(recording->holdAfter() / 1000), Qt::PreciseTimer, m_connection, [recording, exchange] {
                    if (exchange->answeredAt == NoTime && exchange->activation == -1)
                        exchange->activation = recording->trace()->beginActivation(
                            recording->server(), Labels::holdingPollActivation(), exchange->arrivedAt);
                });
        }
    }

    void dropped(TimeUs at) override
    {
        // Never reached the upstream.
        for (const auto& exchange : m_sent)
            m_recording->trace()->loseMessage(exchange->request, at);
        m_sent.clear();
    }

private:
    void record(const HttpRequestScanner::Request& request)
    {
        Trace* trace = m_recording->trace();
        if (m_connection->id() < 0)
            m_connection->identify(trace->addParticipant(
                ProxyRecording::clientName(m_connection, request.head), Participant::Role::External));

        TraceParent parent;
        const bool traced = TraceParent::parse(HttpRequestScanner::headerValue(request.head, "traceparent"), &parent);
        Message message;
        message.kind = Message::Kind::HttpRequest;
        QByteArray method;
        QByteArray target;
        if (HttpRequestScanner::splitRequestLine(request.head, &method, &target)) {
            message.fields.method = QString::fromLatin1(method);
            message.fields.target = QString::fromLatin1(target);
        }
        message.fields.upgrade = !HttpRequestScanner::headerValue(request.head, "Upgrade").isEmpty();
        message.correlation = QString::fromLatin1(traced ? parent.traceId : m_recording->newTraceId());
        message.setHeaders(HttpSyntax::headFields(request.head));
        message.setBodyPreview(request.bodyPreview);
        QString detail;
        if (message.fields.upgrade)
            detail = QStringLiteral("Upgrade: ")
                + QString::fromLatin1(HttpRequestScanner::headerValue(request.head, "Upgrade"));
        else if (request.bodyLength > 0)
            detail = Units::exactBytes(request.bodyLength);
        message.label = message.fields.target.isEmpty()
            ? Labels::withDetail(QStringLiteral("not HTTP"), Units::exactBytes(request.size))
            : Labels::httpRequest(message.fields, detail);
        message.from = m_connection->participant();
        message.to = m_recording->server();
        message.connection = m_connection->id();
        message.sentAt = m_times.at(request.offset);
        message.bytes = request.bodyLength >= 0 ? request.headSize + request.bodyLength : request.size;

        auto exchange = std::make_shared<Exchange>();
        exchange->number = request.number;
        exchange->request = trace->addMessage(message);
        exchange->correlation = message.correlation;
        exchange->head = method == "HEAD";
        if (request.complete) {
            exchange->end = request.offset + request.size;
            exchange->bytes = request.size;
        }
        m_sent.push_back(exchange);
        m_state->unanswered.push_back(exchange);
    }

    LinkConnection* m_connection;
    std::shared_ptr<ProxyRecording> m_recording;
    std::shared_ptr<ConnectionState> m_state;
    HttpRequestScanner m_scanner;
    ReadTimes m_times;
    std::deque<std::shared_ptr<Exchange>> m_sent; // recorded, not yet delivered whole
};

// The upstream's answers as they leave it, and the events of an event stream among them.
class ResponseTap final : public PipeTap {
public:
    ResponseTap(
        LinkConnection* connection, std::shared_ptr<ProxyRecording> recording, std::shared_ptr<ConnectionState> state)
        : m_connection(connection)
        , m_recording(std::move(recording))
        , m_state(std::move(state))
    {
    }

    void read(QByteArrayView bytes, TimeUs at) override
    {
        m_times.add(bytes.size(), at);
        m_readAt = at;
        const char* data = bytes.data();
        const qsizetype size = bytes.size();
        qsizetype i = 0;
        while (i < size) {
            switch (m_mode) {
            case Mode::Head:
                i += takeHead(data + i, size - i, m_offset + i, at);
                break;
            case Mode::Body: {
                const auto take = qsizetype(std::min<qint64>(m_left, size - i));
                i += take;
                body(data + i - take, take, m_offset + i);
                m_left -= take;
                if (m_left == 0)
                    responseEnded(m_offset + i);
                break;
            }
            case Mode::Chunked: {
                QByteArray decoded;
                const qsizetype taken = m_chunks.feed(data + i, size - i, &decoded);
                i += taken;
                body(decoded.constData(), decoded.size(), m_offset + i);
                if (m_chunks.done())
                    responseEnded(m_offset + i);
                else if (m_chunks.failed())
                    m_mode = Mode::Opaque;
                break;
            }
            case Mode::UntilClose:
                body(data + i, size - i, m_offset + size);
                i = size;
                break;
            case Mode::Tunnel:
            case Mode::Opaque:
                i = size;
                break;
            }
        }
        m_offset += size;
        m_times.forgetBefore(m_mode == Mode::Head && !m_head.isEmpty() ? m_responseStart : m_offset);
    }

    void delivered(qint64 total, TimeUs at) override
    {
        m_delivered = total;
        m_deliveredAt = at;
        while (!m_pending.empty() && m_pending.front().end <= total) {
            const Pending pending = m_pending.front();
            m_pending.pop_front();
            m_recording->trace()->completeMessage(pending.seq, at, m_connection->id(), pending.bytes);
        }
    }

    void dropped(TimeUs at) override
    {
        if (m_dropped)
            return;
        m_dropped = true;
        Trace* trace = m_recording->trace();
        const int server = m_recording->server();
        const bool serverClosed = m_connection->closedBy() == QLatin1String("server");
        // An answer that runs until the close is whole when everything read was delivered.
        if (m_open >= 0 && !m_eventStream && m_mode == Mode::UntilClose && serverClosed && m_delivered == m_offset)
            trace->completeMessage(m_open, m_deliveredAt, m_connection->id(), m_offset - m_responseStart);
        const bool midResponse = m_mode == Mode::Body || m_mode == Mode::Chunked || !m_head.isEmpty();
        if (serverClosed && midResponse)
            trace->addNote(
                server, QStringLiteral("closed connection %1 in the middle of an answer").arg(m_connection->id()), at);
        for (const Pending& pending : m_pending)
            trace->loseMessage(pending.seq, at);
        m_pending.clear();
        for (const auto& exchange : m_state->unanswered) {
            if (exchange->activation >= 0)
                trace->endActivation(exchange->activation, at);
            exchange->activation = -2;
            if (serverClosed && !midResponse && exchange->arrivedAt != NoTime)
                trace->addNote(server,
                    QStringLiteral("closed connection %1 without answering %2")
                        .arg(m_connection->id())
                        .arg(trace->message(exchange->request).label),
                    at);
        }
        m_state->unanswered.clear();
    }

private:
    enum class Mode { Head, Body, Chunked, UntilClose, Tunnel, Opaque };
    struct Pending {
        qint64 end; // stream offset its last byte is at
        qint64 seq;
        qint64 bytes;
    };

    // Takes bytes of a response head starting at stream offset `offset`; returns how many it took.
    qsizetype takeHead(const char* data, qsizetype size, qint64 offset, TimeUs at)
    {
        qsizetype i = 0;
        while (i < size) {
            const char c = data[i++];
            if (m_head.isEmpty() && (c == '\r' || c == '\n'))
                continue; // stray line ends between answers
            if (m_head.isEmpty()) {
                m_responseStart = offset + i - 1;
                answerStarted(at);
            }
            m_head.append(c);
            if (m_head.size() > kMaxResponseHead) {
                m_mode = Mode::Opaque;
                return size;
            }
            if (c == '\n' && (m_head.endsWith("\n\r\n") || m_head.endsWith("\n\n"))) {
                headComplete(offset + i);
                return i;
            }
        }
        return i;
    }

    // The first byte of an answer: the upstream is no longer holding the request.
    void answerStarted(TimeUs at)
    {
        if (m_state->unanswered.empty())
            return;
        Exchange& exchange = *m_state->unanswered.front();
        if (exchange.answeredAt == NoTime) {
            exchange.answeredAt = at;
            endWait(m_recording->trace(), m_recording->server(), exchange, at);
        }
    }

    void headComplete(qint64 headEnd)
    {
        Trace* trace = m_recording->trace();
        const QByteArray head = m_head;
        m_head.clear();
        const QByteArray statusLine = HttpSyntax::withoutLineEnd(head.left(head.indexOf('\n')));
        bool ok = false;
        const int status = statusLine.mid(9, 3).toInt(&ok);
        if (!statusLine.startsWith("HTTP/1.") || !ok) {
            trace->addNote(m_recording->server(),
                QStringLiteral("answered connection %1 with something that is not HTTP/1.x").arg(m_connection->id()));
            m_mode = Mode::Opaque;
            return;
        }
        const bool interim = status < 200 && status != 101;
        std::shared_ptr<Exchange> exchange;
        if (!m_state->unanswered.empty()) {
            exchange = m_state->unanswered.front();
            if (!interim)
                m_state->unanswered.pop_front();
        }
        const QByteArray contentType = HttpRequestScanner::headerValue(head, "Content-Type").toLower();
        const QByteArray transferEncoding = HttpRequestScanner::headerValue(head, "Transfer-Encoding").toLower();
        const QByteArray contentLength = HttpRequestScanner::headerValue(head, "Content-Length");
        const bool noBody = interim || status == 204 || status == 304 || (exchange && exchange->head);
        const bool chunked = !noBody && status != 101 && transferEncoding.contains("chunked");
        const qint64 length
            = noBody || chunked || contentLength.isEmpty() ? -1 : HttpSyntax::parseLength(contentLength);
        m_eventStream = !noBody && status == 200 && contentType.startsWith("text/event-stream");

        Message message;
        message.kind = Message::Kind::HttpResponse;
        message.from = m_recording->server();
        message.to = m_connection->participant();
        message.connection = m_connection->id();
        message.fields.status = qint16(status);
        message.fields.reason = QString::fromLatin1(statusLine.mid(13));
        message.setHeaders(HttpSyntax::headFields(head));
        message.correlation = exchange ? exchange->correlation : QString();
        message.sentAt = m_times.at(m_responseStart);
        QString detail;
        if (!m_state->ownAnswer.isEmpty())
            detail = QStringLiteral("by the proxy: ") + std::exchange(m_state->ownAnswer, {});
        else if (m_eventStream)
            detail = QStringLiteral("event stream");
        else if (status == 101)
            detail = QString::fromLatin1(HttpRequestScanner::headerValue(head, "Upgrade"));
        else if (chunked)
            detail = QStringLiteral("chunked");
        else if (length > 0)
            detail = Units::exactBytes(length);
        else if (!noBody && length < 0)
            detail = QStringLiteral("until close");
        message.label = Labels::httpResponse(message.fields, detail);
        const qint64 headSize = headEnd - m_responseStart;
        message.bytes = headSize + std::max<qint64>(0, length);
        const qint64 seq = trace->addMessage(message);

        if (status == 101) {
            m_mode = Mode::Tunnel; // the WebSocket recorder takes it from here
            m_pending.push_back({ headEnd, seq, headSize });
            return;
        }
        if (m_eventStream) {
            // The answer itself is through once its head is; what follows are events, each an arrow.
            m_pending.push_back({ headEnd, seq, headSize });
            m_events = EventStreamParser();
            m_eventsUpTo = headEnd;
        }
        if (noBody || length == 0) {
            responseEnded(headEnd, seq, headSize);
            return;
        }
        if (chunked) {
            m_chunks = HttpChunkDecoder(std::numeric_limits<qint64>::max(), kMaxTrailer);
            m_mode = Mode::Chunked;
        } else if (length > 0) {
            m_left = length;
            m_mode = Mode::Body;
        } else {
            m_mode = Mode::UntilClose;
        }
        m_open = seq;
    }

    // Body bytes (decoded, if chunked) that end at stream offset `end`.
    void body(const char* data, qsizetype size, qint64 end)
    {
        if (!m_eventStream || size == 0)
            return;
        m_events.feed(QByteArrayView(data, size));
        recordEvents(end, m_readAt);
    }

    void recordEvents(qint64 end, TimeUs at)
    {
        for (const ServerSentEvent& event : m_events.takeEvents()) {
            Message message;
            message.kind = Message::Kind::SseEvent;
            message.from = m_recording->server();
            message.to = m_connection->participant();
            message.connection = m_connection->id();
            message.fields.name = event.type == QLatin1String("message") ? QString() : event.type;
            message.fields.id = event.lastEventId;
            message.correlation = event.lastEventId;
            message.setBodyPreview(event.data.toUtf8().left(kKeptPreview));
            message.label = Labels::serverSentEvent(message.fields);
            message.sentAt = at;
            message.bytes = end - m_eventsUpTo;
            m_eventsUpTo = end;
            m_pending.push_back({ end, m_recording->trace()->addMessage(message), message.bytes });
        }
    }

    void responseEnded(qint64 end)
    {
        if (m_open >= 0 && !m_eventStream)
            m_pending.push_back({ end, m_open, end - m_responseStart });
        m_open = -1;
        m_eventStream = false;
        m_mode = Mode::Head;
    }
    void responseEnded(qint64 end, qint64 seq, qint64 bytes)
    {
        if (!m_eventStream)
            m_pending.push_back({ end, seq, bytes });
        m_open = -1;
        m_eventStream = false;
        m_mode = Mode::Head;
    }

    LinkConnection* m_connection;
    std::shared_ptr<ProxyRecording> m_recording;
    std::shared_ptr<ConnectionState> m_state;
    ReadTimes m_times;
    TimeUs m_readAt = NoTime; // of the read under way
    Mode m_mode = Mode::Head;
    QByteArray m_head;
    qint64 m_offset = 0; // stream offset of the first byte of the read under way
    qint64 m_responseStart = 0;
    qint64 m_left = 0;
    HttpChunkDecoder m_chunks { 0, 0 };
    bool m_eventStream = false;
    EventStreamParser m_events;
    qint64 m_eventsUpTo = 0;
    qint64 m_open = -1; // the answer whose body is under way
    std::deque<Pending> m_pending; // recorded, waiting for their last byte to be delivered
    qint64 m_delivered = 0;
    TimeUs m_deliveredAt = NoTime;
    bool m_dropped = false;
};

// Both protocols a connection may speak, in turn: HTTP, then after a 101 WebSocket frames.
class ProxyTap final : public PipeTap {
public:
    ProxyTap(std::unique_ptr<PipeTap> http, std::unique_ptr<PipeTap> webSocket, std::shared_ptr<ConnectionState> state)
        : m_http(std::move(http))
        , m_webSocket(std::move(webSocket))
        , m_state(std::move(state))
    {
    }
    void read(QByteArrayView bytes, TimeUs at) override
    {
        m_http->read(bytes, at);
        m_webSocket->read(bytes, at);
    }
    void delivered(qint64 total, TimeUs at) override
    {
        m_http->delivered(total, at);
        m_webSocket->delivered(total, at);
    }
    void dropped(TimeUs at) override
    {
        m_http->dropped(at);
        m_webSocket->dropped(at);
    }
    ConnectionState& state() { return *m_state; }

private:
    std::unique_ptr<PipeTap> m_http;
    std::unique_ptr<PipeTap> m_webSocket;
    std::shared_ptr<ConnectionState> m_state;
};

} // namespace

ProxyRecording::ProxyRecording(Trace* trace, int server, quint64 seed)
    : m_trace(trace)
    , m_server(server)
    , m_random(seed ^ 0x9A0C5EEDULL)
{
}

QByteArray ProxyRecording::newTraceId()
{
    return TraceParent::randomId(m_random, 16);
}

QString ProxyRecording::clientName(LinkConnection* connection, const QByteArray& requestHead)
{
    QByteArray method;
    QByteArray target;
    HttpRequestScanner::splitRequestLine(requestHead, &method, &target);
    const QString software
        = HttpRecording::outsideName(target, HttpRequestScanner::headerValue(requestHead, "User-Agent"));
    QHostAddress address = connection->clientAddress();
    bool mapped = false;
    const quint32 v4 = address.toIPv4Address(&mapped);
    if (mapped)
        address = QHostAddress(v4);
    const QString host = address.protocol() == QAbstractSocket::IPv6Protocol ? QString(u'[' + address.toString() + u']')
                                                                             : address.toString();
    return QStringLiteral("%1 %2:%3").arg(software, host).arg(connection->clientPort());
}

void tapProxyConnection(LinkConnection* connection, const std::shared_ptr<ProxyRecording>& recording)
{
    auto state = std::make_shared<ConnectionState>();
    // The WebSocket recorder reads from the connection's first byte; HTTP records the upgrade itself.
    WebSocketRecording webSocket;
    webSocket.recordHandshake = false;
    webSocket.enforceMasking = false;
    auto shared = std::make_shared<const WebSocketRecording>(std::move(webSocket));
    connection->up()->setTap(std::make_unique<ProxyTap>(
        std::make_unique<RequestTap>(connection, recording, state), webSocketTap(connection, true, shared), state));
    connection->down()->setTap(std::make_unique<ProxyTap>(
        std::make_unique<ResponseTap>(connection, recording, state), webSocketTap(connection, false, shared), state));
}

void markOwnAnswer(LinkConnection* connection, const QString& why)
{
    if (auto* tap = dynamic_cast<ProxyTap*>(connection->down()->tap()))
        tap->state().ownAnswer = why;
}

} // namespace PatternScope
