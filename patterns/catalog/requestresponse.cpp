// SPDX-License-Identifier: GPL-3.0-or-later
#include "requestresponse.h"

#include "httprecorder.h"
#include "labels.h"
#include "linkemulator.h"
#include "traceparent.h"
#include "units.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkReply>
#include <QRegularExpression>

namespace PatternScope {

namespace {

constexpr int kPreviewBytes = 256; // the body bytes a message keeps for the inspector

ParameterSpec intervalParameter()
{
    return ParameterSpec::number(QStringLiteral("interval"),
        QStringLiteral("time from one request to the next; never before the answer (0: ask again at once)"),
        ParameterSpec::Unit::Milliseconds, 1000, 0, 60'000, true);
}

ParameterSpec processingParameter()
{
    return ParameterSpec::number(QStringLiteral("processing"), QStringLiteral("time the server works on each request"),
        ParameterSpec::Unit::Milliseconds, 300, 0, 60'000, true);
}

ParameterSpec bodyParameter()
{
    return ParameterSpec::number(QStringLiteral("body"),
        QStringLiteral("request body size; 0 sends GET, more sends POST"), ParameterSpec::Unit::Bytes, 0, 0, 1 << 20,
        true);
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
    return info;
}

RequestResponse::RequestResponse(const PatternContext& context, QObject* parent)
    : HttpPattern(context, parent)
    , m_random(context.seed)
{
    m_nextRequest.setSingleShot(true);
    m_nextRequest.setTimerType(Qt::PreciseTimer);
    connect(&m_nextRequest, &QTimer::timeout, this, &RequestResponse::sendNext);
    route(QStringLiteral("/work/\\d{1,9}"), { "GET", "POST" });
}

RequestResponse::~RequestResponse() = default;

bool RequestResponse::start(QString* error)
{
    if (!serveOnly())
        m_client = trace()->addParticipant(QStringLiteral("Client"), Participant::Role::Client);
    if (!startServer(error))
        return false;
    if (serveOnly())
        return true;
    m_link = addClientLink(m_client, m_server, m_http.port(), error);
    if (!m_link)
        return false;
    sendNext();
    return true;
}

void RequestResponse::stop()
{
    m_stopping = true;
    m_nextRequest.stop();
    if (!m_busy || serveOnly())
        QMetaObject::invokeMethod(this, &RequestResponse::finishStopping, Qt::QueuedConnection);
}

QStringList RequestResponse::tryItOut() const
{
    const QString base = publicUrl();
    return { QStringLiteral("curl -i %1/work/1?client=alice").arg(base),
        QStringLiteral("curl -i -X POST --data 'some work' %1/work/2").arg(base) };
}

void RequestResponse::finishStopping()
{
    // The client hangs up its kept-alive connection, so the close shows in the trace too.
    m_nam.clearConnectionCache();
    Q_EMIT stopped();
}

void RequestResponse::sendNext()
{
    if (m_stopping || m_busy)
        return;
    m_busy = true;
    m_lastStart.start();
    const int job = ++m_jobs;
    const TraceParent parent { TraceParent::randomId(m_random, 16), TraceParent::randomId(m_random, 8) };
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
    message.setHeaders({ { QByteArrayLiteral("traceparent"), parent.toHeader() } });
    message.fields.target = QStringLiteral("/work/%1").arg(job);
    QByteArray body;
    if (bodySize > 0) {
        body.fill('x', bodySize);
        request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("text/plain"));
        message.appendHeader(QByteArrayLiteral("Content-Type"), QByteArrayLiteral("text/plain"));
        message.fields.method = QStringLiteral("POST");
        message.label = Labels::httpRequest(message.fields, Units::exactBytes(bodySize));
        message.setBodyPreview(body.left(kPreviewBytes));
    } else {
        message.fields.method = QStringLiteral("GET");
        message.label = Labels::httpRequest(message.fields);
    }
    message.bytes = body.size(); // the server fills in the size on the wire when it arrives
    // Recorded by the link when it leaves: only then is its connection open and known.
    m_link->announce(message);

    QNetworkReply* reply = bodySize > 0 ? m_nam.post(request, body) : m_nam.get(request);
    connect(reply, &QNetworkReply::finished, this, [this, reply, correlation] { replyFinished(reply, correlation); });
}

void RequestResponse::replyFinished(QNetworkReply* reply, const QString& correlation)
{
    reply->deleteLater();
    settleExchange(reply, reply->error() == QNetworkReply::NoError, correlation, m_client, QStringLiteral("request"));
    m_busy = false;
    if (m_stopping) {
        finishStopping();
        return;
    }
    // Synchronous: the next request waits for this answer, and otherwise keeps the interval's rhythm.
    const qint64 wait = parameter(QStringLiteral("interval")) - m_lastStart.elapsed();
    m_nextRequest.start(int(std::max<qint64>(0, wait)));
}

void RequestResponse::handleRequest(const HttpRequest& request, const std::shared_ptr<HttpExchange>& exchange)
{
    const Arrival arrival = m_recorder->arrive(request);
    static const QRegularExpression workPath(QStringLiteral("^/work/(\\d{1,9})$"));
    const QRegularExpressionMatch match = workPath.match(request.url.path());
    if (!match.hasMatch()) {
        m_recorder->reject(
            exchange, arrival, 404, QStringLiteral("unknown path %1; try /work/1").arg(request.url.path()));
        return;
    }
    const qint64 activation = trace()->beginActivation(m_server, Labels::processingActivation(), arrival.at);
    const int job = match.captured(1).toInt();
    QTimer::singleShot(int(parameter(QStringLiteral("processing"))), Qt::PreciseTimer, this,
        [this, exchange, arrival, job, activation] {
            trace()->endActivation(activation);
            const QJsonObject result { { QStringLiteral("job"), job },
                { QStringLiteral("result"), QStringLiteral("done") },
                { QStringLiteral("processingMs"), parameter(QStringLiteral("processing")) } };
            const QByteArray body = QJsonDocument(result).toJson(QJsonDocument::Compact);
            m_recorder->respond(exchange, arrival, 200, Units::exactBytes(body.size()),
                { { QByteArrayLiteral("Content-Type"), QByteArrayLiteral("application/json") } }, body);
        });
}

PATTERNSCOPE_REGISTER_PATTERN(RequestResponse, 10)

} // namespace PatternScope
