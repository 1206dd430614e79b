// SPDX-License-Identifier: GPL-3.0-or-later
#include "requestresponse.h"

#include "linkemulator.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkReply>
#include <QRegularExpression>

namespace PatternScope {

namespace {

constexpr int kPreviewBytes = 256;

ParameterSpec intervalParameter()
{
    return { QStringLiteral("interval"),
        QStringLiteral("time from one request to the next; never before the answer (0: ask again at once)"),
        ParameterSpec::Unit::Milliseconds, 1000, 0, 60'000, true };
}

ParameterSpec processingParameter()
{
    return { QStringLiteral("processing"), QStringLiteral("time the server works on each request"),
        ParameterSpec::Unit::Milliseconds, 300, 0, 60'000, true };
}

ParameterSpec bodyParameter()
{
    return { QStringLiteral("body"), QStringLiteral("request body size; 0 sends GET, more sends POST"),
        ParameterSpec::Unit::Bytes, 0, 0, 1 << 20, true };
}

QString sizeText(qint64 bytes)
{
    return QString::number(bytes) + QStringLiteral(" B");
}

} // namespace

PatternInfo RequestResponse::info()
{
    PatternInfo info;
    info.id = QStringLiteral("request-response");
    info.title = QStringLiteral("Request-response");
    info.description
        = QStringLiteral("The client sends an HTTP request and waits; the server works on it for the processing time "
                         "and answers. Only then does the client send its next request.");
    info.participants = { QStringLiteral("Client"), QStringLiteral("Server") };
    info.parameters
        = { intervalParameter(), processingParameter(), latencyParameter(), jitterParameter(), bodyParameter() };
    info.create = [](const PatternContext& context) { return std::make_unique<RequestResponse>(context); };
    return info;
}

RequestResponse::RequestResponse(const PatternContext& context, QObject* parent)
    : Pattern(context, parent)
    , m_random(context.seed)
{
    m_nextRequest.setSingleShot(true);
    m_nextRequest.setTimerType(Qt::PreciseTimer);
    connect(&m_nextRequest, &QTimer::timeout, this, &RequestResponse::sendNext);
    m_http.setHandler(
        [this](const HttpRequest& request, std::shared_ptr<HttpExchange> exchange) { handle(request, exchange); });
}

RequestResponse::~RequestResponse() = default;

bool RequestResponse::start(QString* error)
{
    m_client = trace()->addParticipant(QStringLiteral("Client"), Participant::Role::Client);
    m_server = trace()->addParticipant(QStringLiteral("Server"), Participant::Role::Server);
    if (!m_http.listenLocal()) {
        *error = m_http.errorString();
        return false;
    }
    m_link = links()->addLink(m_client, m_server, m_http.port());
    if (!m_link) {
        *error = links()->errorString();
        return false;
    }
    sendNext();
    return true;
}

void RequestResponse::stop()
{
    m_stopping = true;
    m_nextRequest.stop();
    if (!m_busy)
        QMetaObject::invokeMethod(this, &RequestResponse::finishStopping, Qt::QueuedConnection);
}

void RequestResponse::finishStopping()
{
    // The client hangs up its kept-alive connection, so the close shows in the trace too.
    m_nam.clearConnectionCache();
    Q_EMIT stopped();
}

QByteArray RequestResponse::randomHex(int bytes)
{
    QByteArray raw(bytes, Qt::Uninitialized);
    for (int i = 0; i < bytes; ++i)
        raw[i] = char(m_random.bounded(256));
    return raw.toHex();
}

void RequestResponse::sendNext()
{
    if (m_stopping || m_busy)
        return;
    m_busy = true;
    m_lastStart.start();
    const int job = ++m_jobs;
    const TraceParent parent { randomHex(16), randomHex(8) };
    const QString correlation = QString::fromLatin1(parent.traceId);
    const qint64 bodySize = parameter(QStringLiteral("body"));

    QNetworkRequest request(QUrl(QStringLiteral("http://127.0.0.1:%1/work/%2").arg(m_link->port()).arg(job)));
    request.setRawHeader("traceparent", parent.toHeader());
    // Generous: the answer takes two latencies and the processing time, all of which may change live.
    request.setTransferTimeout(120'000);

    Message message;
    message.from = m_client;
    message.to = m_server;
    message.kind = Message::Kind::HttpRequest;
    message.correlation = correlation;
    message.headers = { { QByteArrayLiteral("traceparent"), parent.toHeader() } };
    QByteArray body;
    if (bodySize > 0) {
        body.fill('x', bodySize);
        request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("text/plain"));
        message.headers.append({ QByteArrayLiteral("Content-Type"), QByteArrayLiteral("text/plain") });
        message.label = QStringLiteral("POST /work/%1 · %2").arg(job).arg(sizeText(bodySize));
        message.bodyPreview = body.left(kPreviewBytes);
    } else {
        message.label = QStringLiteral("GET /work/%1").arg(job);
    }
    message.bytes = body.size(); // the server fills in the size on the wire when it arrives
    trace()->addMessage(message);

    QNetworkReply* reply = bodySize > 0 ? m_nam.post(request, body) : m_nam.get(request);
    connect(reply, &QNetworkReply::finished, this, [this, reply, correlation] { replyFinished(reply, correlation); });
}

void RequestResponse::replyFinished(QNetworkReply* reply, const QString& correlation)
{
    reply->deleteLater();
    const TimeUs now = trace()->now();
    if (reply->error() == QNetworkReply::NoError) {
        TraceParent parent;
        const QString answerCorrelation = TraceParent::parse(reply->rawHeader("traceparent"), &parent)
            ? QString::fromLatin1(parent.traceId)
            : correlation;
        trace()->completeMessage(trace()->findInFlight(answerCorrelation, m_client), now);
    } else {
        // Whatever of this exchange was still on the wire never arrived.
        trace()->loseMessage(trace()->findInFlight(correlation, m_server), now);
        trace()->loseMessage(trace()->findInFlight(correlation, m_client), now);
        trace()->addNote(m_client, QStringLiteral("request failed: %1").arg(reply->errorString()), now);
    }
    m_busy = false;
    if (m_stopping) {
        finishStopping();
        return;
    }
    // Synchronous: the next request waits for this answer, and otherwise keeps the interval's rhythm.
    const qint64 wait = parameter(QStringLiteral("interval")) - m_lastStart.elapsed();
    m_nextRequest.start(int(std::max<qint64>(0, wait)));
}

void RequestResponse::handle(const HttpRequest& request, const std::shared_ptr<HttpExchange>& exchange)
{
    const TimeUs arrived = trace()->now();
    const int connection = m_link->connectionForServerPeerPort(request.peerPort);
    TraceParent parent;
    const bool traced = TraceParent::parse(request.header("traceparent"), &parent);
    QString correlation = traced ? QString::fromLatin1(parent.traceId) : QString();
    qint64 seq = traced ? trace()->findInFlight(correlation, m_server) : -1;
    if (seq < 0) {
        // Not announced by our client: sent by someone else, or sent again by Qt's HTTP client, which
        // silently re-sends an idempotent request once when its kept-alive connection breaks. It left
        // the client when the link started reading it.
        const bool resent = !correlation.isEmpty();
        if (correlation.isEmpty())
            correlation = QString::fromLatin1(randomHex(16));
        const TimeUs sent = m_link->upstreamBurstStart(connection);
        Message message;
        message.from = m_client;
        message.to = m_server;
        message.kind = Message::Kind::HttpRequest;
        message.label = QString::fromLatin1(request.method) + u' ' + request.target()
            + (resent ? QStringLiteral(" (sent again)") : QString());
        message.correlation = correlation;
        message.headers = request.headers;
        message.bodyPreview = request.body.left(kPreviewBytes);
        message.sentAt = sent == NoTime ? arrived : std::min(sent, arrived);
        seq = trace()->addMessage(message);
    }
    trace()->completeMessage(seq, arrived, connection, request.wireBytes);

    static const QRegularExpression workPath(QStringLiteral("^/work/(\\d{1,9})$"));
    const QRegularExpressionMatch match = workPath.match(request.url.path());
    if (!match.hasMatch()) {
        answer(exchange, correlation, connection, -1, -1);
        return;
    }
    const qint64 activation = trace()->beginActivation(m_server, QStringLiteral("processing"), arrived);
    const int job = match.captured(1).toInt();
    QTimer::singleShot(int(parameter(QStringLiteral("processing"))), Qt::PreciseTimer, this,
        [this, exchange, correlation, connection, job, activation] {
            answer(exchange, correlation, connection, job, activation);
        });
}

void RequestResponse::answer(const std::shared_ptr<HttpExchange>& exchange, const QString& correlation, int connection,
    int job, qint64 activation)
{
    if (activation >= 0)
        trace()->endActivation(activation);
    if (!exchange->isConnected()) {
        trace()->addNote(m_server, QStringLiteral("client went away before the answer"));
        return;
    }
    const int status = job >= 0 ? 200 : 404;
    QByteArray body;
    if (job >= 0) {
        QJsonObject result { { QStringLiteral("job"), job }, { QStringLiteral("result"), QStringLiteral("done") },
            { QStringLiteral("processingMs"), parameter(QStringLiteral("processing")) } };
        body = QJsonDocument(result).toJson(QJsonDocument::Compact);
    } else {
        body = QByteArrayLiteral("{\"error\":\"unknown path; try /work/1\"}");
    }
    const TraceParent reply { correlation.toLatin1(), randomHex(8) };
    const HeaderList headers { { QByteArrayLiteral("Content-Type"), QByteArrayLiteral("application/json") },
        { QByteArrayLiteral("traceparent"), reply.toHeader() } };
    Message message;
    message.from = m_server;
    message.to = m_client;
    message.kind = Message::Kind::HttpResponse;
    message.label = QStringLiteral("%1 %2 · %3")
                        .arg(status)
                        .arg(QString::fromLatin1(HttpExchange::reasonPhrase(status)), sizeText(body.size()));
    message.connection = connection;
    message.correlation = correlation;
    message.bytes = HttpExchange::wireSize(status, headers, body);
    message.headers = headers;
    message.bodyPreview = body.left(kPreviewBytes);
    trace()->addMessage(message);
    exchange->respond(status, headers, body);
}

} // namespace PatternScope
