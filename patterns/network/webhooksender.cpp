// SPDX-License-Identifier: GPL-3.0-or-later
#include "webhooksender.h"

#include "httprecorder.h"
#include "httpserver.h"
#include "labels.h"
#include "linkemulator.h"
#include "traceparent.h"

#include <QMessageAuthenticationCode>
#include <QNetworkReply>
#include <QRandomGenerator>
#include <QTimer>
#include <array>

namespace PatternScope {

namespace {

constexpr int kPreviewBytes = 256;
constexpr qint64 kLongestWaitMs = 600'000; // back-off stops growing here

} // namespace

qint64 RetryPolicy::delayAfter(int attempt) const
{
    qint64 delay = firstMs;
    for (int i = 1; i < attempt && delay < kLongestWaitMs; ++i)
        delay *= factor;
    return std::min(delay, kLongestWaitMs);
}

WebhookSender::WebhookSender(Trace* trace, LinkEmulator* links, int server, quint64 seed, QObject* parent)
    : QObject(parent)
    , m_trace(trace)
    , m_links(links)
    , m_server(server)
    , m_random(seed ^ 0xCA11BAC4ULL)
{
}

WebhookSender::~WebhookSender()
{
    // The access manager takes its replies with it; none may call back into a sender half gone.
    for (const std::shared_ptr<Delivery>& delivery : std::as_const(m_deliveries)) {
        if (delivery->reply)
            delivery->reply->disconnect(this);
    }
}

QByteArray WebhookSender::signature(const QByteArray& key, const QByteArray& body)
{
    return QByteArrayLiteral("sha256=")
        + QMessageAuthenticationCode::hash(body, key, QCryptographicHash::Sha256).toHex();
}

bool constantTimeEquals(QByteArrayView expected, QByteArrayView given)
{
    // Every byte of `expected` is looked at, whatever came before; a length mismatch is folded in
    // rather than returned early. Volatile keeps the compiler from stopping at the first difference.
    volatile unsigned char difference = expected.size() == given.size() ? 0 : 1;
    for (qsizetype i = 0; i < expected.size(); ++i) {
        const unsigned char other = i < given.size() ? static_cast<unsigned char>(given[i]) : 0;
        difference = difference | (static_cast<unsigned char>(expected[i]) ^ other);
    }
    return difference == 0;
}

bool WebhookSender::verify(const QByteArray& key, const QByteArray& body, const QByteArray& header)
{
    return constantTimeEquals(signature(key, body), header);
}

QByteArray WebhookSender::newKey()
{
    // Not from the run's seed: two runs with the same seed repeat their schedule, never their secret.
    std::array<quint32, 8> words;
    QRandomGenerator::system()->fillRange(words.data(), words.size());
    return QByteArray(reinterpret_cast<const char*>(words.data()), qsizetype(sizeof(words))).toHex();
}

void WebhookSender::deliver(const WebhookJob& job)
{
    auto delivery = std::make_shared<Delivery>();
    delivery->job = job;
    delivery->to = job.receiver;
    // A URL into one of the run's links from this server reaches a receiver of ours, which records the
    // arrival itself; the arrow ends at the link's far side.
    const int port = job.url.port(80);
    for (Link* link : m_links->links()) {
        if (link->client() == m_server && link->port() == port) {
            delivery->throughLink = true;
            delivery->link = link;
            delivery->to = link->server();
            break;
        }
    }
    m_deliveries.insert(job.id, delivery);
    attempt(delivery);
}

void WebhookSender::stop()
{
    m_stopping = true;
    const auto deliveries = m_deliveries.values();
    for (const std::shared_ptr<Delivery>& delivery : deliveries) {
        if (delivery->retry) {
            m_trace->addNote(m_server, QStringLiteral("retry of job %1 abandoned: run stopping").arg(delivery->job.id));
            finish(delivery, false);
        }
    }
}

void WebhookSender::attempt(const std::shared_ptr<Delivery>& delivery)
{
    if (delivery->retry) {
        delivery->retry->deleteLater();
        delivery->retry = nullptr;
    }
    const int attempt = ++delivery->attempts;
    const WebhookJob& job = delivery->job;
    const TraceParent parent { TraceParent::randomId(m_random, 16), TraceParent::randomId(m_random, 8) };
    delivery->correlation = QString::fromLatin1(parent.traceId);
    QByteArray key = m_key;
    if (m_signWrongly && !key.isEmpty())
        key[0] = char(key.at(0) ^ 0x5A);
    const HeaderList headers { { QByteArrayLiteral("traceparent"), parent.toHeader() },
        { QByteArrayLiteral("Content-Type"), QByteArrayLiteral("application/json") },
        { QByteArrayLiteral("Idempotency-Key"), job.id.toUtf8() },
        { QByteArrayLiteral("X-Signature-256"), signature(key, job.body) } };

    QNetworkRequest request(job.url);
    for (const auto& header : headers)
        request.setRawHeader(header.first, header.second);
    request.setTransferTimeout(int(m_policy.timeoutMs));

    Message message;
    message.from = m_server;
    message.to = delivery->to;
    message.kind = Message::Kind::Callback;
    message.fields.method = QStringLiteral("POST");
    message.fields.target = job.url.path(QUrl::FullyEncoded);
    message.fields.id = job.id;
    message.label = Labels::callback(message.fields, attempt);
    message.correlation = delivery->correlation;
    message.setHeaders(headers);
    message.setBodyPreview(job.body.left(kPreviewBytes));
    message.bytes = job.body.size(); // the receiver fills in the size on the wire when it arrives
    // Through a link, the link records the attempt when it leaves, on the connection it takes.
    if (delivery->link)
        delivery->link->announce(message);
    else
        delivery->seq = m_trace->addMessage(message);

    QNetworkReply* reply = m_nam.post(request, job.body);
    delivery->reply = reply;
    connect(reply, &QNetworkReply::finished, this, [this, delivery, reply] { attemptFinished(delivery, reply); });
}

void WebhookSender::attemptFinished(const std::shared_ptr<Delivery>& delivery, QNetworkReply* reply)
{
    reply->deleteLater();
    delivery->reply = nullptr;
    const TimeUs now = m_trace->now();
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const QByteArray answer = reply->readAll();
    if (status > 0 && delivery->throughLink) {
        // The receiver recorded its answer when it sent it; it has arrived now.
        const QString correlation = TraceParent::correlationOf(reply->rawHeader("traceparent"), delivery->correlation);
        m_trace->completeMessage(m_trace->findInFlight(correlation, m_server), now);
    } else if (status > 0) {
        // A receiver nobody here wrote: its answer being back is all the sender knows of the arrival.
        m_trace->completeMessage(delivery->seq, now);
        Message message;
        message.from = delivery->to;
        message.to = m_server;
        message.kind = Message::Kind::HttpResponse;
        message.fields = HttpRecorder::responseFields(status);
        message.fields.id = delivery->job.id;
        message.label = Labels::httpResponse(message.fields);
        message.correlation = delivery->correlation;
        message.setHeaders(reply->rawHeaderPairs());
        message.setBodyPreview(answer.left(kPreviewBytes));
        message.bytes = answer.size();
        message.sentAt = now;
        m_trace->completeMessage(m_trace->addMessage(message), now);
    } else {
        // No answer: whatever of this attempt was still on the wire never arrived.
        m_trace->loseMessage(m_trace->findInFlight(delivery->correlation, delivery->to), now);
        m_trace->loseMessage(m_trace->findInFlight(delivery->correlation, m_server), now);
    }

    if (status >= 200 && status < 300) {
        finish(delivery, true);
        return;
    }
    QString reason;
    if (status > 0) {
        reason = HttpRecorder::statusText(status);
        const QString said = QString::fromUtf8(answer.left(120)).simplified();
        if (!said.isEmpty())
            reason += QStringLiteral(" (%1)").arg(said);
    } else if (reply->error() == QNetworkReply::OperationCanceledError
        || reply->error() == QNetworkReply::TimeoutError) {
        // Qt 6.4 reports its transfer timeout as a cancellation.
        reason = QStringLiteral("no answer within %1 ms").arg(m_policy.timeoutMs);
    } else {
        reason = reply->errorString();
    }
    failed(delivery, reason);
}

void WebhookSender::failed(const std::shared_ptr<Delivery>& delivery, const QString& reason)
{
    const QString& id = delivery->job.id;
    const QString what = QStringLiteral("attempt %1 of job %2 failed: %3").arg(delivery->attempts).arg(id, reason);
    if (m_stopping) {
        m_trace->addNote(m_server, what + QStringLiteral("; not retried: run stopping"));
        finish(delivery, false);
        return;
    }
    if (delivery->attempts >= m_policy.maxAttempts) {
        m_trace->addNote(m_server, what);
        m_trace->addNote(
            m_server, QStringLiteral("giving up on job %1 after %2 attempts").arg(id).arg(delivery->attempts));
        finish(delivery, false);
        return;
    }
    const qint64 wait = m_policy.delayAfter(delivery->attempts);
    m_trace->addNote(m_server, what + QStringLiteral("; retry in %1 ms").arg(wait));
    delivery->retry = new QTimer(this);
    delivery->retry->setSingleShot(true);
    delivery->retry->setTimerType(Qt::PreciseTimer);
    connect(delivery->retry, &QTimer::timeout, this, [this, delivery] { attempt(delivery); });
    delivery->retry->start(int(wait));
}

void WebhookSender::finish(const std::shared_ptr<Delivery>& delivery, bool delivered)
{
    if (delivery->retry) {
        delivery->retry->stop();
        delivery->retry->deleteLater();
        delivery->retry = nullptr;
    }
    m_deliveries.remove(delivery->job.id);
    Q_EMIT finished(delivery->job.id, delivered);
}

} // namespace PatternScope
