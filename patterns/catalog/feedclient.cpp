// SPDX-License-Identifier: GPL-3.0-or-later
#include "feedclient.h"

#include "httpserver.h"
#include "labels.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkReply>

namespace PatternScope {

FeedClient::FeedClient(
    Trace* trace, int participant, int server, quint16 port, quint64 seed, ParameterLookup parameter, QObject* parent)
    : QObject(parent)
    , m_trace(trace)
    , m_participant(participant)
    , m_server(server)
    , m_port(port)
    , m_random(seed)
    , m_parameter(std::move(parameter))
{
}

QNetworkRequest FeedClient::request(const QString& target, const QByteArray& traceId)
{
    QNetworkRequest request(QUrl(QStringLiteral("http://127.0.0.1:%1%2").arg(m_port).arg(target)));
    request.setRawHeader("traceparent", TraceParent { traceId, TraceParent::randomId(m_random, 8) }.toHeader());
    // An inactivity timer: above any hold or heartbeat interval a run can have.
    request.setTransferTimeout(15 * 60 * 1000);
    return request;
}

QString FeedClient::recordRequest(
    const QString& target, const QString& detail, const QByteArray& traceId, const QNetworkRequest& request)
{
    Message message;
    message.from = m_participant;
    message.to = m_server;
    message.kind = Message::Kind::HttpRequest;
    message.fields.method = QStringLiteral("GET");
    message.fields.target = target;
    message.label = Labels::httpRequest(message.fields, detail);
    message.correlation = QString::fromLatin1(traceId);
    for (const QByteArray& name : request.rawHeaderList())
        message.headers.append({ name, request.rawHeader(name) });
    m_trace->addMessage(message);
    return message.correlation;
}

void FeedClient::completeAnswer(QNetworkReply* reply, const QString& fallbackCorrelation)
{
    TraceParent parent;
    const QString correlation = TraceParent::parse(reply->rawHeader("traceparent"), &parent)
        ? QString::fromLatin1(parent.traceId)
        : fallbackCorrelation;
    m_trace->completeMessage(m_trace->findInFlight(correlation, m_participant));
}

void FeedClient::loseInFlight(const QString& why)
{
    const TimeUs now = m_trace->now();
    for (qint64 seq : m_trace->inFlight()) {
        const Message& m = m_trace->message(seq);
        // What was on its way to this client will not reach it. What it sent may still arrive when it
        // hung up itself (the link delivers bytes before the close), but not after a failure.
        const bool toMe = m.to == m_participant;
        const bool fromMe = m.from == m_participant && m.to == m_server && !m_stopping;
        // The link accounts for its own connect and close arrows.
        if ((toMe || fromMe) && m.kind != Message::Kind::Connect && m.kind != Message::Kind::Close)
            m_trace->loseMessage(seq, now);
    }
    if (!why.isEmpty())
        m_trace->addNote(m_participant, why, now);
}

void FeedClient::receive(qint64 itemId)
{
    // The cursor carries over cuts, so an item arrives once; anything else would be a bug worth seeing.
    if (itemId <= m_cursor) {
        m_trace->addNote(m_participant, QStringLiteral("item %1 received again").arg(itemId));
        return;
    }
    if (itemId != m_cursor + 1)
        m_trace->addNote(m_participant, QStringLiteral("items %1 to %2 missed").arg(m_cursor + 1).arg(itemId - 1));
    m_cursor = itemId;
    m_received.append(itemId);
}

void FeedClient::hangUp()
{
    // Closing kept-alive connections makes the close show in the trace.
    m_nam.clearConnectionCache();
    Q_EMIT stopped();
}

PollingClient::PollingClient(Mode mode, Trace* trace, int participant, int server, quint16 port, quint64 seed,
    ParameterLookup parameter, QObject* parent)
    : FeedClient(trace, participant, server, port, seed, std::move(parameter), parent)
    , m_mode(mode)
{
    m_next.setSingleShot(true);
    m_next.setTimerType(Qt::PreciseTimer);
    connect(&m_next, &QTimer::timeout, this, &PollingClient::poll);
}

void PollingClient::start()
{
    poll();
}

void PollingClient::stop()
{
    m_stopping = true;
    m_next.stop();
    if (m_reply && m_mode == Mode::Long) {
        // A held poll may wait for the whole hold timeout: leaving means hanging up on it.
        m_reply->abort();
        return;
    }
    if (!m_reply)
        QMetaObject::invokeMethod(
            this, [this] { hangUp(); }, Qt::QueuedConnection);
}

void PollingClient::poll()
{
    if (m_stopping || m_reply)
        return;
    m_lastStart.start();
    const QByteArray traceId = TraceParent::randomId(m_random, 16);
    const QString target
        = (m_mode == Mode::Short ? QStringLiteral("/updates?since=%1") : QStringLiteral("/poll?since=%1"))
              .arg(m_cursor);
    const QNetworkRequest req = request(target, traceId);
    const QString correlation = recordRequest(target, QString(), traceId, req);
    m_reply = m_nam.get(req);
    QNetworkReply* reply = m_reply;
    connect(reply, &QNetworkReply::finished, this, [this, reply, correlation] { finished(reply, correlation); });
}

void PollingClient::finished(QNetworkReply* reply, const QString& correlation)
{
    reply->deleteLater();
    m_reply = nullptr;
    const bool ok = reply->error() == QNetworkReply::NoError;
    if (ok) {
        completeAnswer(reply, correlation);
        const QJsonObject answer = QJsonDocument::fromJson(reply->readAll()).object();
        for (const QJsonValue& item : answer.value(QLatin1String("items")).toArray())
            receive(item.toObject().value(QLatin1String("id")).toInteger());
        Q_EMIT itemsReceived(m_participant, m_cursor);
    } else {
        loseInFlight(m_stopping ? QStringLiteral("hung up on the poll")
                                : QStringLiteral("poll failed: %1").arg(reply->errorString()));
    }
    if (m_stopping) {
        hangUp();
        return;
    }
    scheduleNext(!ok);
}

void PollingClient::scheduleNext(bool failed)
{
    qint64 wait = 0;
    if (m_mode == Mode::Short) {
        // Keep the rhythm of the poll interval, but never ask before the last answer came.
        wait = parameter(QStringLiteral("poll")) - m_lastStart.elapsed();
    } else if (failed) {
        // A long poll asks again at once, but a server that is down should not be hammered.
        wait = parameter(QStringLiteral("retry"));
    }
    m_next.start(int(std::max<qint64>(0, wait)));
}

SseClient::SseClient(
    Trace* trace, int participant, int server, quint16 port, quint64 seed, ParameterLookup parameter, QObject* parent)
    : FeedClient(trace, participant, server, port, seed, std::move(parameter), parent)
{
    m_reconnect.setSingleShot(true);
    m_reconnect.setTimerType(Qt::PreciseTimer);
    connect(&m_reconnect, &QTimer::timeout, this, &SseClient::connectStream);
}

void SseClient::start()
{
    connectStream();
}

void SseClient::stop()
{
    m_stopping = true;
    m_reconnect.stop();
    if (m_reply)
        m_reply->abort(); // streamEnded() hangs up
    else
        QMetaObject::invokeMethod(
            this, [this] { hangUp(); }, Qt::QueuedConnection);
}

void SseClient::connectStream()
{
    if (m_stopping || m_reply)
        return;
    const QByteArray traceId = TraceParent::randomId(m_random, 16);
    QNetworkRequest req = request(QStringLiteral("/events"), traceId);
    req.setRawHeader("Accept", "text/event-stream");
    req.setRawHeader("Cache-Control", "no-cache");
    QString detail;
    if (!m_parser.lastEventId().isEmpty()) {
        req.setRawHeader("Last-Event-ID", m_parser.lastEventId().toUtf8());
        detail = QStringLiteral("Last-Event-ID: ") + m_parser.lastEventId();
    }
    m_correlation = recordRequest(QStringLiteral("/events"), detail, traceId, req);
    m_headersSeen = false;
    m_reply = m_nam.get(req);
    connect(m_reply, &QNetworkReply::metaDataChanged, this, &SseClient::headersArrived);
    connect(m_reply, &QNetworkReply::readyRead, this, &SseClient::readStream);
    connect(m_reply, &QNetworkReply::finished, this, &SseClient::streamEnded);
}

void SseClient::headersArrived()
{
    if (m_headersSeen || !m_reply)
        return;
    m_headersSeen = true;
    completeAnswer(m_reply, m_correlation);
}

void SseClient::readStream()
{
    headersArrived();
    m_parser.feed(m_reply->readAll());
    const TimeUs now = m_trace->now();
    for (const QString& comment : m_parser.takeComments()) {
        // Heartbeats are numbered (": hb 3"), which is how this end finds the arrow the server recorded.
        m_trace->completeMessage(m_trace->findInFlight(QStringLiteral("sse-") + comment.trimmed(), m_participant), now);
    }
    bool any = false;
    for (const ServerSentEvent& event : m_parser.takeEvents()) {
        m_trace->completeMessage(m_trace->findInFlight(QStringLiteral("sse-") + event.lastEventId, m_participant), now);
        const QJsonObject item = QJsonDocument::fromJson(event.data.toUtf8()).object();
        receive(item.value(QLatin1String("id")).toInteger(event.lastEventId.toLongLong()));
        any = true;
    }
    if (any)
        Q_EMIT itemsReceived(m_participant, m_cursor);
}

void SseClient::streamEnded()
{
    QNetworkReply* reply = m_reply;
    m_reply = nullptr;
    reply->deleteLater();
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (reply->error() == QNetworkReply::NoError) {
        headersArrived();
        m_parser.feed(reply->readAll());
    }
    m_parser.endOfStream();
    loseInFlight(m_stopping ? QString() : QStringLiteral("stream ended: %1").arg(reply->errorString()));
    if (m_stopping) {
        hangUp();
        return;
    }
    if (status == 204) {
        // The standard's way for a server to say: do not reconnect.
        m_trace->addNote(m_participant, QStringLiteral("server answered 204: not reconnecting"));
        m_stopping = true;
        hangUp();
        return;
    }
    const qint64 retry = m_parser.retryMs() >= 0 ? m_parser.retryMs() : parameter(QStringLiteral("retry"));
    m_trace->addNote(m_participant, QStringLiteral("reconnecting in %1 ms").arg(retry));
    m_reconnect.start(int(retry));
}

} // namespace PatternScope
