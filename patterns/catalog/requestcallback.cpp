// SPDX-License-Identifier: GPL-3.0-or-later
#include "requestcallback.h"

#include "httprecorder.h"
#include "labels.h"
#include "linkemulator.h"
#include "traceparent.h"
#include "webhooksender.h"

#include <QHostAddress>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkReply>
#include <QRegularExpression>

namespace PatternScope {

namespace {

constexpr int kPreviewBytes = 256;

const HeaderList& jsonHeaders()
{
    static const HeaderList headers { { QByteArrayLiteral("Content-Type"), QByteArrayLiteral("application/json") } };
    return headers;
}

QByteArray compact(const QJsonObject& object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

// Callbacks to anywhere would let whoever submits a job make the server call any host it can reach
// (server-side request forgery), so only loopback is called unless the run says otherwise.
bool loopbackHost(const QString& host)
{
    if (host.compare(QLatin1String("localhost"), Qt::CaseInsensitive) == 0)
        return true;
    const QHostAddress address(host);
    return !address.isNull() && address.isLoopback();
}

} // namespace

PatternInfo RequestCallback::info()
{
    PatternInfo info;
    info.id = QStringLiteral("request-callback");
    info.title = QStringLiteral("Request-callback (webhook)");
    info.description = QStringLiteral(
        "The client sends a job carrying the URL of its own small HTTP receiver; the server answers 202 Accepted "
        "at once and works. When done it POSTs the signed result to that URL, retrying with exponential back-off "
        "until the receiver answers 2xx.");
    info.participants = { QStringLiteral("Client"), QStringLiteral("Server") };
    using Unit = ParameterSpec::Unit;
    info.parameters = {
        ParameterSpec::number(QStringLiteral("interval"), QStringLiteral("time from one job to the next"),
            Unit::Milliseconds, 2000, 100, 60'000, true),
        ParameterSpec::number(QStringLiteral("processing"),
            QStringLiteral("time the server works on each job before calling back"), Unit::Milliseconds, 1000, 0,
            60'000, true),
        latencyParameter(),
        jitterParameter(),
        ParameterSpec::number(QStringLiteral("retry-first"),
            QStringLiteral("wait before the first retry of a failed callback"), Unit::Milliseconds, 500, 10, 60'000,
            true),
        ParameterSpec::number(QStringLiteral("retry-factor"),
            QStringLiteral("each further retry waits this many times longer than the one before"), Unit::Count, 2, 1,
            10, true),
        ParameterSpec::number(QStringLiteral("retry-max"),
            QStringLiteral("attempts per callback, the first included, before the server gives up"), Unit::Count, 5, 1,
            20, true),
        ParameterSpec::number(QStringLiteral("callback-timeout"),
            QStringLiteral("a callback not answered within this has failed"), Unit::Milliseconds, 5000, 100, 120'000,
            true),
        ParameterSpec::number(QStringLiteral("receiver-down"),
            QStringLiteral("the client's receiver stops listening for this long whenever the client sends a job "
                           "(0: always up)"),
            Unit::Milliseconds, 0, 0, 60'000, true),
        ParameterSpec::choice(QStringLiteral("signature"),
            QStringLiteral("the server signs callbacks with the shared key (valid) or a wrong one (invalid: the "
                           "receiver answers 401)"),
            { QStringLiteral("valid"), QStringLiteral("invalid") }, 0, true),
        ParameterSpec::choice(QStringLiteral("callback-hosts"),
            QStringLiteral("callback URLs the server accepts: loopback hosts only, or any host"),
            { QStringLiteral("loopback"), QStringLiteral("any") }, 0, true),
    };
    return info;
}

RequestCallback::RequestCallback(const PatternContext& context, QObject* parent)
    : HttpPattern(context, parent)
    // The shared secret of this run, as a webhook provider hands it out when a receiver registers.
    , m_key(WebhookSender::newKey())
    , m_random(context.seed)
{
    m_nextJob.setSingleShot(true);
    m_nextJob.setTimerType(Qt::PreciseTimer);
    connect(&m_nextJob, &QTimer::timeout, this, &RequestCallback::sendJob);
    m_receiverBack.setSingleShot(true);
    m_receiverBack.setTimerType(Qt::PreciseTimer);
    connect(&m_receiverBack, &QTimer::timeout, this, [this] { setReceiverAvailable(true); });
    route(QStringLiteral("/jobs"), { "POST" });
}

RequestCallback::~RequestCallback()
{
    // Job requests still out die with the access manager; they must not report to a pattern half gone.
    const QList<QNetworkReply*> replies = m_nam.findChildren<QNetworkReply*>();
    for (QNetworkReply* reply : replies)
        reply->disconnect(this);
}

bool RequestCallback::start(QString* error)
{
    if (!serveOnly())
        m_client = trace()->addParticipant(QStringLiteral("Client"), Participant::Role::Client);
    if (!startServer(error))
        return false;
    m_sender = new WebhookSender(trace(), links(), m_server, seed(), this);
    m_sender->setKey(m_key);
    applyPolicy();
    connect(m_sender, &WebhookSender::finished, this, &RequestCallback::finishWhenIdle);
    if (serveOnly())
        return true;
    m_link = addClientLink(m_client, m_server, m_http.port(), error);
    if (!m_link)
        return false;
    // The receiver's recorder notes on the client's lifeline: there the callbacks arrive.
    m_receiverRecorder = std::make_unique<HttpRecorder>(trace(), m_client, links(), seed() ^ 0xC11E47ULL);
    if (!openReceiver(error))
        return false;
    // The callback travels the other way: the server connects, so it is the link's client. The URLs the
    // client hands out name this link's port, so the server calls whatever URL it is given, as a real
    // webhook provider does, and the callback crosses the emulated network like everything else.
    m_callbackLink = addClientLink(m_server, m_client, m_receiverPort, error);
    if (!m_callbackLink)
        return false;
    for (Link* link : { m_link, m_callbackLink }) {
        connect(link, &Link::connectionClosed, this, [this](int connection, const QString& reason) {
            if (reason == QLatin1String("cut"))
                loseInFlightOn(connection);
        });
    }
    sendJob();
    return true;
}

void RequestCallback::loseInFlightOn(int connection)
{
    // An answer on its way when its connection is cut never arrives. The question may well come again
    // (Qt's HTTP client silently re-sends it), and its new answer must not be taken for this one.
    const TimeUs now = trace()->now();
    const QList<qint64> inFlight = trace()->inFlight();
    for (qint64 seq : inFlight) {
        if (trace()->message(seq).connection == connection)
            trace()->loseMessage(seq, now);
    }
}

void RequestCallback::stop()
{
    m_stopping = true;
    m_nextJob.stop();
    m_sender->stop();
    QMetaObject::invokeMethod(this, &RequestCallback::finishWhenIdle, Qt::QueuedConnection);
}

void RequestCallback::finishWhenIdle()
{
    if (!m_stopping || m_stopped || m_jobsOut > 0 || m_working > 0 || m_sender->outstanding() > 0)
        return;
    m_stopped = true;
    // Kept-alive connections are hung up, so their closes show in the trace too.
    m_nam.clearConnectionCache();
    m_sender->hangUp();
    Q_EMIT stopped();
}

void RequestCallback::parameterChanged(const QString& name, qint64 value)
{
    if (name.startsWith(QLatin1String("retry-")) || name == QLatin1String("callback-timeout")
        || name == QLatin1String("signature"))
        applyPolicy();
    // A new rhythm applies from the last job sent, not only after the next one.
    if (name == QLatin1String("interval") && m_nextJob.isActive())
        m_nextJob.start(int(std::max<qint64>(0, value - m_lastJob.elapsed())));
    if (name == QLatin1String("receiver-down") && value == 0)
        setReceiverAvailable(true);
}

void RequestCallback::applyPolicy()
{
    if (!m_sender)
        return; // not started yet: start() applies them
    RetryPolicy policy;
    policy.firstMs = parameter(QStringLiteral("retry-first"));
    policy.factor = parameter(QStringLiteral("retry-factor"));
    policy.maxAttempts = parameter(QStringLiteral("retry-max"));
    policy.timeoutMs = parameter(QStringLiteral("callback-timeout"));
    m_sender->setPolicy(policy);
    m_sender->setSignWrongly(parameter(QStringLiteral("signature")) == 1);
}

quint16 RequestCallback::callbackPort() const
{
    return m_callbackLink ? m_callbackLink->port() : 0;
}

QStringList RequestCallback::tryItOut() const
{
    const QString jobs = publicUrl() + QStringLiteral("/jobs?client=alice");
    // python3's http.server has no POST handler of its own, and `nc -l` never answers (the server would
    // time out and retry): this one-line receiver prints each callback and answers 200.
    return { QStringLiteral("python3 -c 'import http.server as h; h.HTTPServer((\"127.0.0.1\", 9000), "
                            "type(\"R\", (h.BaseHTTPRequestHandler,), {\"do_POST\": lambda s: (print(s.headers, "
                            "s.rfile.read(int(s.headers[\"Content-Length\"])).decode(), flush=True), "
                            "s.send_response(200), s.end_headers())})).serve_forever()' &"),
        QStringLiteral("curl -i -H 'Content-Type: application/json' --data "
                       "'{\"callbackUrl\": \"http://127.0.0.1:9000/callbacks/1\", \"work\": \"hello\"}' %1")
            .arg(jobs),
        QStringLiteral("# X-Signature-256: sha256=<hex of HMAC-SHA256 of the body>, the key being the text %1")
            .arg(QString::fromLatin1(m_key)) };
}

// --- server ---

void RequestCallback::handleRequest(const HttpRequest& request, const std::shared_ptr<HttpExchange>& exchange)
{
    const Arrival arrival = m_recorder->arrive(request);
    if (request.url.path() != QLatin1String("/jobs")) {
        m_recorder->reject(
            exchange, arrival, 404, QStringLiteral("unknown path %1; POST a job to /jobs").arg(request.url.path()));
        return;
    }
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(request.body, &parseError);
    if (!document.isObject()) {
        m_recorder->reject(exchange, arrival, 400,
            parseError.error != QJsonParseError::NoError ? QStringLiteral("body is not JSON: %1 at offset %2")
                                                               .arg(parseError.errorString())
                                                               .arg(parseError.offset)
                                                         : QStringLiteral("body is not a JSON object"));
        return;
    }
    const QJsonObject job = document.object();
    const QString callbackUrl = job.value(QLatin1String("callbackUrl")).toString();
    if (callbackUrl.isEmpty()) {
        m_recorder->reject(exchange, arrival, 400, QStringLiteral("no callbackUrl in the job"));
        return;
    }
    const QUrl callback(callbackUrl, QUrl::StrictMode);
    if (!callback.isValid() || callback.scheme() != QLatin1String("http") || callback.host().isEmpty()) {
        m_recorder->reject(
            exchange, arrival, 400, QStringLiteral("callbackUrl %1 is not an http:// URL").arg(callbackUrl.left(80)));
        return;
    }
    if (parameter(QStringLiteral("callback-hosts")) == 0 && !loopbackHost(callback.host())) {
        m_recorder->reject(exchange, arrival, 400,
            QStringLiteral("callback host %1 is not allowed: only loopback").arg(callback.host().left(80)));
        return;
    }

    const QString id = QStringLiteral("j-%1").arg(++m_jobCount);
    HeaderList headers = jsonHeaders();
    headers.append({ QByteArrayLiteral("Location"), QByteArrayLiteral("/jobs/") + id.toUtf8() });
    m_recorder->respond(exchange, arrival, 202, QStringLiteral("job ") + id, headers,
        compact({ { QStringLiteral("job"), id } }), -1, -1, id);
    work(id, callback, arrival.client, job.value(QLatin1String("work")).toString().left(200));
}

void RequestCallback::work(const QString& jobId, const QUrl& callback, int receiver, const QString& what)
{
    ++m_working;
    const qint64 activation = trace()->beginActivation(m_server, Labels::processingActivation(jobId));
    const qint64 processing = parameter(QStringLiteral("processing"));
    QTimer::singleShot(
        int(processing), Qt::PreciseTimer, this, [this, jobId, callback, receiver, what, activation, processing] {
            trace()->endActivation(activation);
            --m_working;
            WebhookJob job;
            job.id = jobId;
            job.url = callback;
            job.receiver = receiver;
            job.body = compact({ { QStringLiteral("job"), jobId }, { QStringLiteral("status"), QStringLiteral("done") },
                { QStringLiteral("work"), what }, { QStringLiteral("processingMs"), processing } });
            m_sender->deliver(job);
        });
}

// --- client ---

void RequestCallback::sendJob()
{
    if (m_stopping)
        return;
    const int n = ++m_jobsSent;
    const TraceParent parent { TraceParent::randomId(m_random, 16), TraceParent::randomId(m_random, 8) };
    const QString correlation = QString::fromLatin1(parent.traceId);
    const QString callbackPath = QStringLiteral("/callbacks/%1").arg(n);
    const QString callbackUrl = QStringLiteral("http://127.0.0.1:%1").arg(callbackPort()) + callbackPath;
    const QByteArray body = compact({ { QStringLiteral("callbackUrl"), callbackUrl },
        { QStringLiteral("work"), QStringLiteral("job %1").arg(n) } });

    QNetworkRequest request(QUrl(QStringLiteral("http://127.0.0.1:%1/jobs").arg(m_link->port())));
    request.setRawHeader("traceparent", parent.toHeader());
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    request.setTransferTimeout(120'000); // the 202 comes at once; generous for any latency set live

    Message message;
    message.from = m_client;
    message.to = m_server;
    message.kind = Message::Kind::HttpRequest;
    message.fields.method = QStringLiteral("POST");
    message.fields.target = QStringLiteral("/jobs");
    message.fields.callback = callbackUrl;
    message.label = Labels::jobRequest(message.fields);
    message.correlation = correlation;
    message.setHeaders({ { QByteArrayLiteral("traceparent"), parent.toHeader() },
        { QByteArrayLiteral("Content-Type"), QByteArrayLiteral("application/json") } });
    message.setBodyPreview(body.left(kPreviewBytes));
    message.bytes = body.size(); // the server fills in the size on the wire when it arrives
    // Recorded by the link when it leaves: only then is its connection open and known.
    m_link->announce(message);
    ++m_jobsOut;
    m_lastJob.start();
    QNetworkReply* reply = m_nam.post(request, body);
    connect(reply, &QNetworkReply::finished, this, [this, reply, correlation] { jobAnswered(reply, correlation); });

    const qint64 down = parameter(QStringLiteral("receiver-down"));
    if (down > 0) {
        setReceiverAvailable(false);
        m_receiverBack.start(int(down));
    }
    // Asynchronous: the client does not wait for the result, only keeps the interval's rhythm.
    m_nextJob.start(int(parameter(QStringLiteral("interval"))));
}

void RequestCallback::jobAnswered(QNetworkReply* reply, const QString& correlation)
{
    reply->deleteLater();
    --m_jobsOut;
    // Any status is an answer that crossed; only no answer at all loses the exchange.
    const bool answered = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt() > 0;
    settleExchange(reply, answered, correlation, m_client, QStringLiteral("job request"));
    finishWhenIdle();
}

bool RequestCallback::openReceiver(QString* error)
{
    m_receiver = std::make_unique<HttpServer>();
    m_receiver->setHandler(
        [this](const HttpRequest& request, std::shared_ptr<HttpExchange> exchange) { receive(request, exchange); });
    connect(m_receiver.get(), &HttpServer::breach, this,
        [this](const HttpBreach& breach) { m_receiverRecorder->breach(breach); });
    if (!m_receiver->listenLocal(m_receiverPort)) {
        *error = m_receiver->errorString();
        m_receiver.reset();
        return false;
    }
    m_receiverPort = m_receiver->port();
    return true;
}

void RequestCallback::setReceiverAvailable(bool available)
{
    if (serveOnly() || available == receiverAvailable())
        return;
    if (!available) {
        // Not listening at all: the link's connections to it are refused, as with a receiver that crashed.
        m_receiver.reset();
        trace()->addNote(m_client, QStringLiteral("callback receiver down: not listening"));
        return;
    }
    m_receiverBack.stop();
    QString error;
    if (openReceiver(&error))
        trace()->addNote(m_client, QStringLiteral("callback receiver up again"));
    else
        trace()->addNote(m_client, QStringLiteral("callback receiver cannot listen again: %1").arg(error));
}

void RequestCallback::receive(const HttpRequest& request, const std::shared_ptr<HttpExchange>& exchange)
{
    const Arrival arrival = m_receiverRecorder->arrive(request);
    static const QRegularExpression callbackPath(QStringLiteral("^/callbacks/\\d{1,9}$"));
    if (!callbackPath.match(request.url.path()).hasMatch()) {
        m_receiverRecorder->reject(
            exchange, arrival, 404, QStringLiteral("no callback expected at %1").arg(request.url.path()));
        return;
    }
    if (m_receiverRecorder->answerMethod(exchange, arrival, request, { "POST" }))
        return; // callbacks are POSTed
    const QByteArray signature = request.header("X-Signature-256");
    if (signature.isEmpty()) {
        m_receiverRecorder->reject(exchange, arrival, 401, QStringLiteral("no X-Signature-256 header"));
        return;
    }
    if (!WebhookSender::verify(m_key, request.body, signature)) {
        m_receiverRecorder->reject(exchange, arrival, 401, QStringLiteral("X-Signature-256 does not match the body"));
        return;
    }
    const QString job = QString::fromUtf8(request.header("Idempotency-Key")).left(80);
    if (job.isEmpty()) {
        m_receiverRecorder->reject(exchange, arrival, 400, QStringLiteral("no Idempotency-Key header"));
        return;
    }
    // A delivery whose answer got lost comes again: acknowledge it, but act on each job once.
    const bool duplicate = m_processed.contains(job);
    if (duplicate) {
        trace()->addNote(m_client, QStringLiteral("duplicate job %1 ignored").arg(job), arrival.at);
    } else {
        m_processed.insert(job);
        trace()->addNote(m_client, QStringLiteral("result of job %1 processed").arg(job), arrival.at);
    }
    m_receiverRecorder->respond(exchange, arrival, 200,
        (duplicate ? QStringLiteral("duplicate ") : QStringLiteral("job ")) + job, jsonHeaders(),
        compact({ { QStringLiteral("job"), job }, { QStringLiteral("duplicate"), duplicate } }), -1, -1, job);
}

PATTERNSCOPE_REGISTER_PATTERN(RequestCallback, 70)

} // namespace PatternScope
