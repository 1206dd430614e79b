// SPDX-License-Identifier: GPL-3.0-or-later
#include "feedclient.h"

#include "httpserver.h"
#include "labels.h"
#include "traceparent.h"

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
        message.appendHeader(name, request.rawHeader(name));
    // Recorded by the link when it leaves: only then is its connection open and known.
    if (m_link)
        m_link->announce(message);
    else
        m_trace->addMessage(message);
    return message.correlation;
}

void FeedClient::completeAnswer(QNetworkReply* reply, const QString& fallbackCorrelation)
{
    const QString correlation = TraceParent::correlationOf(reply->rawHeader("traceparent"), fallbackCorrelation);
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

void FeedClient::skipGap(qint64 from, qint64 to)
{
    if (to <= m_cursor)
        return;
    m_gaps.append({ from, to });
    m_trace->addNote(
        m_participant, QStringLiteral("items %1–%2 are gone from the server's history: skipped").arg(from).arg(to));
    m_cursor = to;
}

void FeedClient::hangUp()
{
    // Closing kept-alive connections makes the close show in the trace.
    m_nam.clearConnectionCache();
    Q_EMIT stopped();
}

} // namespace PatternScope
