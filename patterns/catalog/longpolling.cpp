// SPDX-License-Identifier: GPL-3.0-or-later
#include "longpolling.h"

#include "labels.h"
#include "pollingclient.h"

namespace PatternScope {

PatternInfo LongPolling::info()
{
    PatternInfo info;
    info.id = QStringLiteral("long-polling");
    info.title = QStringLiteral("Long polling");
    info.description = QStringLiteral(
        "The client asks GET /poll?since=N and the server holds the request until an item newer than N "
        "exists, or answers 204 when the hold timeout passes. Either way the client asks again at once, so "
        "an item reaches it about one link latency after it is produced.");
    info.participants = { QStringLiteral("Client 1..N"), QStringLiteral("Server") };
    info.parameters = { ParameterSpec::number(QStringLiteral("hold"),
                            QStringLiteral("longest time the server holds a poll before 204"),
                            ParameterSpec::Unit::Milliseconds, 5000, 100, 600'000, true),
        ParameterSpec::number(QStringLiteral("retry"), QStringLiteral("pause before polling again after a failed poll"),
            ParameterSpec::Unit::Milliseconds, 1000, 0, 60'000, true) };
    info.parameters.append(sharedParameters());
    return info;
}

QStringList LongPolling::tryItOut() const
{
    const QString base = publicUrl();
    return { QStringLiteral("curl -i '%1/poll?since=0&client=alice'").arg(base) };
}

LongPolling::LongPolling(const PatternContext& context, QObject* parent)
    : FeedPattern(context, parent)
{
    route(QStringLiteral("/poll"), { "GET" });
}

LongPolling::~LongPolling() = default;

FeedClient* LongPolling::createClient(int participant, quint16 port, quint64 seed)
{
    return new PollingClient(PollingClient::Mode::Long, trace(), participant, m_server, port, seed, parameterLookup());
}

void LongPolling::handle(
    const HttpRequest& request, const std::shared_ptr<HttpExchange>& exchange, const Arrival& arrival)
{
    if (request.url.path() != QLatin1String("/poll")) {
        m_recorder->reject(
            exchange, arrival, 404, QStringLiteral("unknown path %1; ask GET /poll?since=N").arg(request.url.path()));
        return;
    }
    qint64 since = 0;
    if (!parseSince(request, arrival, exchange, &since))
        return;
    const Backlog ready = m_producer->after(since, kPageItems);
    if (!ready.items.isEmpty() || ready.hasGap() || stopping()) {
        // A stopping server holds nothing: the client is leaving and waits for this answer.
        answerPage(exchange, arrival, ready, QStringLiteral("server stopping"));
        return;
    }
    // Nothing newer yet: hold the request. The hold shows as an activation on the server.
    const qint64 key = m_nextKey++;
    Held& held = m_held[key];
    held.exchange = exchange;
    held.arrival = arrival;
    held.since = since;
    held.activation = trace()->beginActivation(m_server, Labels::holdingPollActivation(), arrival.at);
    held.timeout = keepOpen(
        exchange, int(parameter(QStringLiteral("hold"))), true,
        [this, key] { release(key, {}, QStringLiteral("timeout")); },
        [this, key] {
            if (m_held.count(key) == 0)
                return;
            trace()->endActivation(m_held[key].activation);
            trace()->addNote(m_server, QStringLiteral("client left while its poll was held"));
            forget(key);
        });
}

std::map<qint64, LongPolling::Held>::iterator LongPolling::forget(qint64 key)
{
    auto it = m_held.find(key);
    letGo(it->second.timeout);
    return m_held.erase(it);
}

void LongPolling::release(qint64 key, const Backlog& page, const QString& emptyWord)
{
    const auto it = m_held.find(key);
    if (it == m_held.end())
        return;
    trace()->endActivation(it->second.activation);
    const std::shared_ptr<HttpExchange> exchange = it->second.exchange;
    const Arrival arrival = it->second.arrival;
    forget(key);
    answerPage(exchange, arrival, page, emptyWord);
}

void LongPolling::itemProduced(const Item&)
{
    QList<qint64> keys;
    for (const auto& [key, held] : m_held)
        keys.append(key);
    for (qint64 key : std::as_const(keys)) {
        const auto it = m_held.find(key);
        if (it == m_held.end())
            continue;
        // A cursor ahead of every id (from another run, say) waits on until ids pass it.
        const Backlog page = m_producer->after(it->second.since, kPageItems);
        if (!page.items.isEmpty() || page.hasGap())
            release(key, page, QString());
    }
}

void LongPolling::serverStopping()
{
    // Every held poll is answered now, so that its client gets the answer and can leave.
    while (!m_held.empty())
        release(m_held.begin()->first, {}, QStringLiteral("server stopping"));
}

PATTERNSCOPE_REGISTER_PATTERN(LongPolling, 30)

} // namespace PatternScope
