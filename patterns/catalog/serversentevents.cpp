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
        "id/data block on that connection, comments keep it alive, and after a cut the client waits "
        "'retry' and reconnects with Last-Event-ID, so the server resumes right after the last item it got.");
    info.participants = { QStringLiteral("Client 1..N"), QStringLiteral("Server") };
    info.parameters = { ParameterSpec::number(QStringLiteral("heartbeat"),
                            QStringLiteral("time between the server's keep-alive comments"),
                            ParameterSpec::Unit::Milliseconds, 5000, 100, 600'000, true),
        ParameterSpec::number(QStringLiteral("retry"),
            QStringLiteral("reconnection time the server announces (retry: field)"), ParameterSpec::Unit::Milliseconds,
            1000, 0, 60'000, true),
        ParameterSpec::choice(QStringLiteral("event-name"),
            QStringLiteral("the event type of each item: message (no event field, what EventSource.onmessage gets) "
                           "or price (a named event: addEventListener('price', …))"),
            { QStringLiteral("message"), QStringLiteral("price") }, 0, true) };
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

namespace {

constexpr int kCatchUpBatch = 500; // events one stream is sent per turn of the event loop while behind
constexpr qint64 kHighWater = 256 * 1024; // bytes waiting in a stream's socket before it is left to drain

} // namespace

ServerSentEvents::ServerSentEvents(const PatternContext& context, QObject* parent)
    : FeedPattern(context, parent)
{
    route(QStringLiteral("/events"), { "GET" });
    m_catchUp.setSingleShot(true);
    connect(&m_catchUp, &QTimer::timeout, this, &ServerSentEvents::catchUpAll);
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
    // A reconnecting EventSource says where it was with Last-Event-ID; a first connection may with ?since=N.
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
    } else if (!parseSince(request, arrival, exchange, &since)) {
        return;
    }
    if (stopping()) {
        // The standard's way to tell an EventSource not to come back.
        m_recorder->respond(exchange, arrival, 204, QStringLiteral("server stopping"), {}, {});
        return;
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
    answer.setHeaders(headers);
    answer.setBodyPreview(first);
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
    // A cursor ahead of every id (from another run, say) gets what comes from now on.
    stream.cursor = std::min(since, m_producer->lastId());
    stream.heartbeat = keepOpen(
        exchange, int(parameter(QStringLiteral("heartbeat"))), false,
        [this, key] {
            auto it = m_streams.find(key);
            if (it == m_streams.end())
                return;
            const int n = ++it->second.heartbeats;
            send(key, {}, QStringLiteral(": heartbeat"), QStringLiteral("sse-hb %1").arg(n),
                QByteArrayLiteral(": hb ") + QByteArray::number(n) + QByteArrayLiteral("\n\n"));
        },
        [this, key] {
            if (m_streams.count(key) == 0)
                return;
            trace()->addNote(m_server, QStringLiteral("event stream closed by the client"));
            forget(key);
        });
    // Resume: whatever the client missed, from the history, before anything new.
    catchUp(key);
}

bool ServerSentEvents::send(qint64 key, const MessageFields& event, const QString& label, const QString& correlation,
    const QByteArray& chunk, qint64 item)
{
    auto it = m_streams.find(key);
    if (it == m_streams.end())
        return false;
    Stream& stream = it->second;
    if (!stream.exchange->isConnected()) {
        forget(key);
        return false;
    }
    Message message;
    message.from = m_server;
    message.to = stream.arrival.client;
    message.kind = Message::Kind::SseEvent;
    message.fields = event;
    message.label = label;
    message.connection = stream.arrival.connection;
    message.correlation = correlation;
    message.bytes = chunk.size();
    message.setBodyPreview(chunk.left(256));
    message.firstItem = item;
    message.lastItem = item;
    m_recorder->record(message, stream.arrival);
    stream.exchange->writeChunk(chunk);
    return true;
}

bool ServerSentEvents::sendItem(qint64 key, const Item& item)
{
    const QByteArray data
        = QJsonDocument(QJsonObject { { QStringLiteral("id"), item.id }, { QStringLiteral("data"), item.text } })
              .toJson(QJsonDocument::Compact);
    // Unnamed by default: an unnamed event is a "message", which is what EventSource.onmessage hears.
    MessageFields event;
    event.name = parameter(QStringLiteral("event-name")) == 1 ? QStringLiteral("price") : QString();
    event.id = QString::number(item.id);
    const QByteArray eventLine
        = event.name.isEmpty() ? QByteArray() : QByteArrayLiteral("event: ") + event.name.toUtf8() + '\n';
    const QByteArray chunk = QByteArrayLiteral("id: ") + QByteArray::number(item.id) + '\n' + eventLine
        + QByteArrayLiteral("data: ") + data + QByteArrayLiteral("\n\n");
    return send(key, event, Labels::serverSentEvent(event), QStringLiteral("sse-%1").arg(item.id), chunk, item.id);
}

bool ServerSentEvents::sendGap(qint64 key, qint64 from, qint64 to)
{
    // Named, so that it never passes for an item; its id moves the client's Last-Event-ID past the gap.
    const QByteArray data
        = QJsonDocument(QJsonObject { { QStringLiteral("from"), from }, { QStringLiteral("to"), to } })
              .toJson(QJsonDocument::Compact);
    const QByteArray chunk = QByteArrayLiteral("id: ") + QByteArray::number(to)
        + QByteArrayLiteral("\nevent: gap\ndata: ") + data + QByteArrayLiteral("\n\n");
    MessageFields event;
    event.name = QStringLiteral("gap");
    event.id = QString::number(to);
    noteGap(m_streams.at(key).arrival.client, from, to);
    return send(key, event, QStringLiteral("event: gap · items %1–%2 no longer kept").arg(from).arg(to),
        QStringLiteral("sse-%1").arg(to), chunk);
}

void ServerSentEvents::catchUp(qint64 key)
{
    for (int sent = 0;; ++sent) {
        const auto it = m_streams.find(key);
        if (it == m_streams.end() || stopping())
            return;
        Stream& stream = it->second;
        if (stream.cursor >= m_producer->lastId())
            return;
        if (sent == kCatchUpBatch || stream.exchange->bytesToWrite() > kHighWater) {
            m_catchUp.start(sent == kCatchUpBatch ? 0 : 5);
            return;
        }
        const qint64 next = stream.cursor + 1;
        if (next < m_producer->oldestId()) {
            const qint64 to = m_producer->oldestId() - 1;
            stream.cursor = to;
            if (!sendGap(key, next, to))
                return;
            continue;
        }
        stream.cursor = next;
        if (!sendItem(key, *m_producer->find(next)))
            return;
    }
}

void ServerSentEvents::catchUpAll()
{
    QList<qint64> keys;
    for (const auto& entry : m_streams)
        keys.append(entry.first);
    for (qint64 key : std::as_const(keys))
        catchUp(key);
}

void ServerSentEvents::itemProduced(const Item&)
{
    // A stream that is up to date gets the item now; one still catching up gets it in its turn.
    catchUpAll();
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
    // Each stream ends after what was written to it: the client reads every event, then the end.
    m_catchUp.stop();
    while (!m_streams.empty()) {
        const std::shared_ptr<HttpExchange> exchange = m_streams.begin()->second.exchange;
        forget(m_streams.begin()->first); // first, so closing is not taken for the client leaving
        exchange->closeStream();
    }
}

PATTERNSCOPE_REGISTER_PATTERN(ServerSentEvents, 50)

void ServerSentEvents::parameterChanged(const QString& name, qint64 value)
{
    FeedPattern::parameterChanged(name, value);
    if (name != QLatin1String("heartbeat"))
        return;
    for (auto& [key, stream] : m_streams) {
        if (stream.heartbeat)
            stream.heartbeat->setInterval(int(value)); // restarts it: the next heartbeat is one interval away
    }
}

} // namespace PatternScope
