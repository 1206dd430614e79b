// SPDX-License-Identifier: GPL-3.0-or-later
#include "serversentevents.h"

#include "labels.h"
#include "sseclient.h"
#include "traceparent.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace PatternScope {

PatternInfo ServerSentEvents::info()
{
    PatternInfo info;
    info.id = QStringLiteral("server-sent-events");
    info.title = QStringLiteral("Server-Sent Events");
    info.description = QStringLiteral(
        "The client sends one GET /events; the answer (text/event-stream) never ends. Each item is its own "
        "id/event/data block on that connection, comments keep it alive, and after a cut the client waits "
        "'retry' and reconnects with Last-Event-ID, so the server resumes right after the last item it got.");
    info.participants = { QStringLiteral("Client 1..N"), QStringLiteral("Server") };
    info.parameters = { ParameterSpec::number(QStringLiteral("heartbeat"),
                            QStringLiteral("time between the server's keep-alive comments"),
                            ParameterSpec::Unit::Milliseconds, 5000, 100, 600'000, true),
        ParameterSpec::number(QStringLiteral("retry"),
            QStringLiteral("reconnection time the server announces (retry: field)"), ParameterSpec::Unit::Milliseconds,
            1000, 0, 60'000, true) };
    info.parameters.append(sharedParameters());
    return info;
}

QStringList ServerSentEvents::tryItOut() const
{
    const QString base = publicUrl();
    return { QStringLiteral("curl -N '%1/events?client=alice'").arg(base),
        QStringLiteral("curl -N -H 'Last-Event-ID: 3' %1/events").arg(base),
        QStringLiteral("in a browser console: new EventSource('%1/events').onmessage = e => console.log(e.data)")
            .arg(base) };
}

ServerSentEvents::ServerSentEvents(const PatternContext& context, QObject* parent)
    : FeedPattern(context, parent)
{
    route(QStringLiteral("/events"), { "GET" });
}

ServerSentEvents::~ServerSentEvents() = default;

FeedClient* ServerSentEvents::createClient(int participant, quint16 port, quint64 seed)
{
    return new SseClient(trace(), participant, m_server, port, seed, parameterLookup());
}

void ServerSentEvents::handle(
    const HttpRequest& request, const std::shared_ptr<HttpExchange>& exchange, const Arrival& arrival)
{
    if (request.url.path() != QLatin1String("/events")) {
        m_recorder->reject(
            exchange, arrival, 404, QStringLiteral("unknown path %1; open GET /events").arg(request.url.path()));
        return;
    }
    qint64 since = 0;
    const QByteArray lastEventId = request.header("Last-Event-ID").trimmed();
    if (!lastEventId.isEmpty()) {
        bool ok = false;
        since = lastEventId.toLongLong(&ok);
        if (!ok || since < 0) {
            m_recorder->reject(exchange, arrival, 400,
                QStringLiteral("Last-Event-ID must be the id of an event this server sent, not '%1'")
                    .arg(QString::fromUtf8(lastEventId)));
            return;
        }
    }

    // The first body bytes end the header block, so the client sees the answer at once; they carry
    // the reconnection time.
    const QByteArray first = QByteArrayLiteral("retry: ") + QByteArray::number(parameter(QStringLiteral("retry")))
        + QByteArrayLiteral("\n\n");
    const HeaderList headers { { QByteArrayLiteral("Content-Type"), QByteArrayLiteral("text/event-stream") },
        { QByteArrayLiteral("Cache-Control"), QByteArrayLiteral("no-cache") },
        // so a browser's EventSource on any page can join a served run
        { QByteArrayLiteral("Access-Control-Allow-Origin"), QByteArrayLiteral("*") },
        { QByteArrayLiteral("traceparent"), m_recorder->answerTraceParent(arrival) } };
    Message answer;
    answer.from = m_server;
    answer.to = arrival.client;
    answer.kind = Message::Kind::HttpResponse;
    answer.fields = HttpRecorder::responseFields(200);
    answer.label = Labels::httpResponse(answer.fields,
        QStringLiteral("event stream, retry ") + QString::number(parameter(QStringLiteral("retry")))
            + QStringLiteral(" ms"));
    answer.connection = arrival.connection;
    answer.correlation = arrival.correlation;
    answer.headers = headers;
    answer.bodyPreview = first;
    answer.bytes = HttpExchange::streamHeadSize(200, headers, first);
    const qint64 seq = m_recorder->record(answer, arrival);
    const qint64 bytes = exchange->beginStream(200, headers, first);
    if (bytes < 0) {
        trace()->loseMessage(seq);
        return;
    }

    const qint64 key = m_nextKey++;
    Stream& stream = m_streams[key];
    stream.exchange = exchange;
    stream.arrival = arrival;
    stream.heartbeat = keepOpen(
        exchange, int(parameter(QStringLiteral("heartbeat"))), false,
        [this, key] {
            auto it = m_streams.find(key);
            if (it == m_streams.end())
                return;
            const int n = ++it->second.heartbeats;
            send(key, {}, QStringLiteral("sse-hb %1").arg(n),
                QByteArrayLiteral(": hb ") + QByteArray::number(n) + QByteArrayLiteral("\n\n"));
        },
        [this, key] {
            if (m_streams.count(key) == 0)
                return;
            trace()->addNote(m_server, QStringLiteral("event stream closed by the client"));
            forget(key);
        });
    // Resume: whatever the client missed, from the history, before anything new.
    for (const Item& item : m_producer->itemsAfter(since, 10'000))
        sendItem(key, item);
}

void ServerSentEvents::send(
    qint64 key, const MessageFields& event, const QString& correlation, const QByteArray& chunk, qint64 item)
{
    auto it = m_streams.find(key);
    if (it == m_streams.end())
        return;
    Stream& stream = it->second;
    if (!stream.exchange->isConnected()) {
        forget(key);
        return;
    }
    Message message;
    message.from = m_server;
    message.to = stream.arrival.client;
    message.kind = Message::Kind::SseEvent;
    // A block without an event is a comment: the heartbeat that keeps the stream open.
    message.fields = event;
    message.label = event.name.isEmpty() ? QStringLiteral(": heartbeat") : Labels::serverSentEvent(event);
    message.connection = stream.arrival.connection;
    message.correlation = correlation;
    message.bytes = chunk.size();
    message.bodyPreview = chunk.left(256);
    message.firstItem = item;
    message.lastItem = item;
    m_recorder->record(message, stream.arrival);
    stream.exchange->writeChunk(chunk);
}

void ServerSentEvents::sendItem(qint64 key, const Item& item)
{
    const QByteArray data
        = QJsonDocument(QJsonObject { { QStringLiteral("id"), item.id }, { QStringLiteral("data"), item.text } })
              .toJson(QJsonDocument::Compact);
    const QByteArray chunk = QByteArrayLiteral("id: ") + QByteArray::number(item.id)
        + QByteArrayLiteral("\nevent: price\ndata: ") + data + QByteArrayLiteral("\n\n");
    MessageFields event;
    event.name = QStringLiteral("price");
    event.id = QString::number(item.id);
    send(key, event, QStringLiteral("sse-%1").arg(item.id), chunk, item.id);
}

void ServerSentEvents::itemProduced(const Item& item)
{
    QList<qint64> keys;
    for (const auto& entry : m_streams)
        keys.append(entry.first);
    for (qint64 key : std::as_const(keys))
        sendItem(key, item);
}

void ServerSentEvents::forget(qint64 key)
{
    auto it = m_streams.find(key);
    if (it == m_streams.end())
        return;
    letGo(it->second.heartbeat);
    m_streams.erase(it);
}

void ServerSentEvents::serverStopping()
{
    while (!m_streams.empty()) {
        const std::shared_ptr<HttpExchange> exchange = m_streams.begin()->second.exchange;
        forget(m_streams.begin()->first); // first, so closing is not taken for the client leaving
        exchange->closeStream();
    }
}

PATTERNSCOPE_REGISTER_PATTERN(ServerSentEvents, 50)

} // namespace PatternScope
