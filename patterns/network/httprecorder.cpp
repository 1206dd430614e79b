// SPDX-License-Identifier: GPL-3.0-or-later
#include "httprecorder.h"

#include "labels.h"
#include "linkconnection.h"
#include "linkemulator.h"

#include <QRegularExpression>

namespace PatternScope {

namespace {

constexpr int kPreviewBytes = 256;
// How long a browser may reuse a preflight's answer; Chromium takes at most two hours.
constexpr int kPreflightMaxAgeSeconds = 7200;

// RFC 9110 field names, comma-separated: what may be echoed back in Access-Control-Allow-Headers.
bool isFieldNameList(const QByteArray& value)
{
    static const QRegularExpression list(
        QStringLiteral("^[!#$%&'*+.^_`|~0-9A-Za-z-]+( *, *[!#$%&'*+.^_`|~0-9A-Za-z-]+)*$"));
    return value.size() <= 1024 && list.match(QString::fromLatin1(value)).hasMatch();
}

} // namespace

HttpRecorder::HttpRecorder(Trace* trace, int server, LinkEmulator* links, quint64 seed)
    : m_trace(trace)
    , m_server(server)
    , m_links(links)
    , m_recording(std::make_shared<HttpRecording>(trace, seed))
{
    // Every link to this server, now and later: requests are recorded as they leave their clients.
    for (Link* link : m_links->links())
        tapLink(link);
    m_linkAdded = QObject::connect(m_links, &LinkEmulator::linkAdded, [this](Link* link) { tapLink(link); });
}

HttpRecorder::~HttpRecorder()
{
    QObject::disconnect(m_linkAdded);
}

void HttpRecorder::tapLink(Link* link)
{
    if (link->server() == m_server)
        HttpRequestTap::tapLink(link, m_recording);
}

MessageFields HttpRecorder::responseFields(int status)
{
    MessageFields fields;
    fields.status = qint16(status);
    fields.reason = reasonPhrase(status);
    return fields;
}

QString HttpRecorder::statusText(int status)
{
    return Labels::httpStatus(status, reasonPhrase(status));
}

QString HttpRecorder::reasonPhrase(int status)
{
    return QString::fromLatin1(HttpExchange::reasonPhrase(status));
}

Arrival HttpRecorder::arrive(const HttpRequest& request)
{
    Arrival arrival;
    arrival.at = m_trace->now();
    HttpRequestTap::Waiting sent;
    for (Link* link : m_links->links()) {
        LinkConnection* connection = link->connectionAtServerPeerPort(request.peerPort);
        if (!connection)
            continue;
        // Its arrow was recorded when it left the client; requests arrive in the order they were sent.
        if (HttpRequestTap* tap = HttpRequestTap::of(connection))
            sent = tap->takeNext();
        if (connection->id() < 0)
            connection->identify(outsideParticipant(request));
        arrival.link = link;
        arrival.connection = connection->id();
        arrival.client = connection->participant();
        break;
    }
    if (arrival.client < 0)
        arrival.client = outsideParticipant(request); // came around the links
    if (sent.seq >= 0) {
        arrival.seq = sent.seq;
        arrival.correlation = m_trace->message(sent.seq).correlation;
        m_trace->completeMessage(
            arrival.seq, arrival.at, arrival.connection, sent.bytes >= 0 ? sent.bytes : request.wireBytes);
        return arrival;
    }
    TraceParent parent;
    const bool traced = TraceParent::parse(request.header("traceparent"), &parent);
    arrival.correlation = traced ? QString::fromLatin1(parent.traceId) : QString();
    arrival.seq = traced ? m_trace->findInFlight(arrival.correlation, m_server) : -1;
    if (arrival.seq < 0) {
        // Not announced by one of our clients: sent by someone else, or sent again by Qt's HTTP client,
        // which silently re-sends an idempotent request once when its kept-alive connection breaks.
        // It left the client when the link started reading it.
        const bool resent = traced;
        if (!traced)
            arrival.correlation = QString::fromLatin1(m_recording->newTraceId());
        const TimeUs sentAt = arrival.link ? arrival.link->upstreamBurstStart(arrival.connection) : NoTime;
        Message message;
        message.from = arrival.client;
        message.to = m_server;
        message.kind = Message::Kind::HttpRequest;
        message.fields.method = QString::fromLatin1(request.method);
        message.fields.target = request.target();
        message.label = Labels::httpRequest(message.fields) + (resent ? QStringLiteral(" (sent again)") : QString());
        message.correlation = arrival.correlation;
        message.connection = arrival.connection;
        message.setHeaders(request.headers);
        message.setBodyPreview(request.body.left(kPreviewBytes));
        message.sentAt = sentAt == NoTime ? arrival.at : std::min(sentAt, arrival.at);
        arrival.seq = m_trace->addMessage(message);
    }
    m_trace->completeMessage(arrival.seq, arrival.at, arrival.connection, request.wireBytes);
    return arrival;
}

QString HttpRecorder::outsideName(const HttpRequest& request)
{
    return HttpRecording::outsideName(request.target().toLatin1(), request.header("User-Agent"));
}

int HttpRecorder::outsideParticipant(const HttpRequest& request)
{
    return m_recording->outsideParticipant(outsideName(request));
}

QByteArray HttpRecorder::answerTraceParent(const Arrival& arrival)
{
    return TraceParent { arrival.correlation.toLatin1(), TraceParent::randomId(m_recording->random(), 8) }.toHeader();
}

bool HttpRecorder::respond(const std::shared_ptr<HttpExchange>& exchange, const Arrival& arrival, int status,
    const QString& detail, const HeaderList& headers, const QByteArray& body, qint64 firstItem, qint64 lastItem,
    const QString& job)
{
    if (!exchange->isConnected()) {
        m_trace->addNote(m_server, QStringLiteral("client went away before the answer"));
        return false;
    }
    HeaderList all = headers;
    all.append({ QByteArrayLiteral("traceparent"), answerTraceParent(arrival) });
    Message message;
    message.from = m_server;
    message.to = arrival.client;
    message.kind = Message::Kind::HttpResponse;
    message.fields = responseFields(status);
    message.fields.id = job;
    message.label = Labels::httpResponse(message.fields, detail);
    message.connection = arrival.connection;
    message.correlation = arrival.correlation;
    message.bytes = exchange->responseSize(status, all, body);
    message.setHeaders(HttpExchange::withCors(all));
    message.setBodyPreview(body.left(kPreviewBytes));
    message.firstItem = firstItem;
    message.lastItem = lastItem;
    record(message, arrival);
    exchange->respond(status, all, body);
    return true;
}

qint64 HttpRecorder::record(const Message& message, const Arrival& arrival)
{
    const qint64 seq = m_trace->addMessage(message);
    // It arrives when the link has put its last byte into the client's socket: what crossed the wire, the same
    // for an outside client and the app's own (whose HTTP library hands the reply over from its own thread, a
    // few hundred microseconds later; what it then reports finds the message settled).
    if (arrival.link && m_trace->participant(message.to)) {
        Trace* trace = m_trace;
        arrival.link->whenDelivered(arrival.connection, message.bytes, [trace, seq](TimeUs at) {
            if (at == NoTime)
                trace->loseMessage(seq);
            else
                trace->completeMessage(seq, at);
        });
    }
    return seq;
}

void HttpRecorder::breach(const HttpBreach& breach)
{
    Arrival arrival;
    arrival.at = m_trace->now();
    qint64 refused = -1;
    for (Link* link : m_links->links()) {
        LinkConnection* connection = link->connectionAtServerPeerPort(breach.peerPort);
        if (!connection)
            continue;
        // The door answered a request: it reached the server, from the client that sent it, named by
        // the request itself when it got that far.
        HttpRequestTap* tap = HttpRequestTap::of(connection);
        if (tap && breach.status > 0)
            refused = tap->refuse(breach.traceparent, breach.requestLine, arrival.at);
        connection->ensureRecorded();
        arrival.link = link;
        arrival.connection = connection->id();
        arrival.client = connection->participant();
        break;
    }
    const QString request = breach.requestLine.isEmpty()
        ? QString()
        : QStringLiteral(" (%1)").arg(QString::fromLatin1(breach.requestLine.left(80)));
    const QString what = breach.status > 0 ? statusText(breach.status) : QStringLiteral("connection closed");
    m_trace->addNote(m_server, what + QStringLiteral(": ") + breach.reason + request, arrival.at);

    TraceParent parent;
    if (refused >= 0) {
        arrival.correlation = m_trace->message(refused).correlation;
    } else if (TraceParent::parse(breach.traceparent, &parent)) {
        // Around the links nothing recorded it leaving; whatever said it was coming never arrives.
        arrival.correlation = QString::fromLatin1(parent.traceId);
        m_trace->loseMessage(m_trace->findInFlight(arrival.correlation, m_server), arrival.at);
    }
    if (breach.status <= 0 || arrival.client < 0)
        return;
    Message message;
    message.from = m_server;
    message.to = arrival.client;
    message.kind = Message::Kind::HttpResponse;
    message.fields = responseFields(breach.status);
    message.label = Labels::httpResponse(message.fields);
    message.connection = arrival.connection;
    message.correlation = arrival.correlation;
    message.bytes = breach.responseBytes;
    message.setBodyPreview(breach.reason.toUtf8());
    record(message, arrival);
}

void HttpRecorder::reject(const std::shared_ptr<HttpExchange>& exchange, const Arrival& arrival, int status,
    const QString& reason, const HeaderList& headers)
{
    m_trace->addNote(m_server, statusText(status) + QStringLiteral(": ") + reason, arrival.at);
    HeaderList all { { QByteArrayLiteral("Content-Type"), QByteArrayLiteral("text/plain; charset=utf-8") } };
    all.append(headers);
    respond(exchange, arrival, status, QString(), all, reason.toUtf8() + '\n');
}

QByteArrayList HttpRecorder::allowedMethods(QByteArrayList methods)
{
    if (methods.contains("GET") && !methods.contains("HEAD"))
        methods.insert(methods.indexOf("GET") + 1, "HEAD");
    if (!methods.contains("OPTIONS"))
        methods.append("OPTIONS");
    return methods;
}

bool HttpRecorder::answerMethod(const std::shared_ptr<HttpExchange>& exchange, const Arrival& arrival,
    const HttpRequest& request, QByteArrayList methods)
{
    methods = allowedMethods(methods);
    if (request.method != "OPTIONS" && methods.contains(request.method))
        return false;
    const QByteArray allow = methods.join(", ");
    if (request.method != "OPTIONS") {
        reject(exchange, arrival, 405,
            QStringLiteral("%1 is not served at %2; use %3")
                .arg(QString::fromLatin1(request.method.left(20)), request.url.path().left(80),
                    QString::fromLatin1(allow)),
            { { QByteArrayLiteral("Allow"), allow } });
        return true;
    }
    // A browser asks before a request that is not "simple" (a JSON body, a header of its own): it may
    // send the methods and headers named here, and need not ask again for a while.
    const QByteArray asked = request.header("Access-Control-Request-Headers").trimmed();
    const bool preflight = !request.header("Access-Control-Request-Method").isEmpty();
    HeaderList headers { { QByteArrayLiteral("Allow"), allow },
        { QByteArrayLiteral("Access-Control-Allow-Methods"), allow },
        { QByteArrayLiteral("Access-Control-Allow-Headers"),
            isFieldNameList(asked) ? asked : QByteArrayLiteral("Content-Type, traceparent, Last-Event-ID") },
        { QByteArrayLiteral("Access-Control-Max-Age"), QByteArray::number(kPreflightMaxAgeSeconds) } };
    respond(exchange, arrival, 204,
        preflight ? QStringLiteral("CORS preflight") : QStringLiteral("Allow: ") + QString::fromLatin1(allow), headers,
        {});
    return true;
}

} // namespace PatternScope
