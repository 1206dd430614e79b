// SPDX-License-Identifier: GPL-3.0-or-later
#include "sseclient.h"

#include "httpserver.h"
#include "labels.h"
#include "traceparent.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkReply>

namespace PatternScope {

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
    // An open stream is read to its end: the server ends it after what it sent, and streamEnded()
    // hangs up then. What is on its way arrives; the run's grace period bounds the wait.
    if (!m_reply)
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
    consume(m_reply->readAll());
}

void SseClient::consume(const QByteArray& bytes)
{
    m_parser.feed(bytes);
    const TimeUs now = m_trace->now();
    for (const QString& comment : m_parser.takeComments()) {
        // Heartbeats are numbered (": hb 3"), which is how this end finds the arrow the server recorded.
        m_trace->completeMessage(m_trace->findInFlight(QStringLiteral("sse-") + comment.trimmed(), m_participant), now);
    }
    bool any = false;
    for (const ServerSentEvent& event : m_parser.takeEvents()) {
        m_trace->completeMessage(m_trace->findInFlight(QStringLiteral("sse-") + event.lastEventId, m_participant), now);
        const QJsonObject data = QJsonDocument::fromJson(event.data.toUtf8()).object();
        if (event.type == QLatin1String("gap")) {
            skipGap(data.value(QLatin1String("from")).toInteger(), data.value(QLatin1String("to")).toInteger());
        } else {
            receive(data.value(QLatin1String("id")).toInteger(event.lastEventId.toLongLong()));
        }
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
        consume(reply->readAll());
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
