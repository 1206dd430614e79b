// SPDX-License-Identifier: GPL-3.0-or-later
#include "feedpattern.h"

#include "linkemulator.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QUrlQuery>

namespace PatternScope {

FeedPattern::FeedPattern(const PatternContext& context, QObject* parent)
    : HttpPattern(context, parent)
{
}

void FeedPattern::handleRequest(const HttpRequest& request, const std::shared_ptr<HttpExchange>& exchange)
{
    handle(request, exchange, m_recorder->arrive(request));
}

FeedPattern::~FeedPattern() = default;

QList<ParameterSpec> FeedPattern::sharedParameters()
{
    QList<ParameterSpec> specs {
        ParameterSpec::number(QStringLiteral("clients"), QStringLiteral("clients, each with its own lifeline and link"),
            ParameterSpec::Unit::Count, 1, 1, 50, false),
        latencyParameter(),
        jitterParameter(),
    };
    specs.append(Producer::parameters());
    return specs;
}

FeedClient::ParameterLookup FeedPattern::parameterLookup() const
{
    // Clients read parameters when they need them, so live changes reach them.
    return [this](const QString& name) { return parameter(name); };
}

bool FeedPattern::start(QString* error)
{
    if (!startServer(error))
        return false;
    m_producer = std::make_unique<Producer>(trace(), m_server, seed());
    m_producer->configure(parameters());
    m_producer->setProduceForMs(produceForMs());
    connect(m_producer.get(), &Producer::produced, this, &FeedPattern::itemProduced);
    if (serveOnly()) {
        m_producer->start();
        return true;
    }
    const QList<int> participants
        = addLifelines(QStringLiteral("Client"), Participant::Role::Client, int(parameter(QStringLiteral("clients"))));
    for (qsizetype i = 0; i < participants.size(); ++i) {
        Link* link = addClientLink(participants.at(i), m_server, m_http.port(), error);
        if (!link)
            return false;
        FeedClient* client = createClient(participants.at(i), link->port(), seed() * 1000 + quint64(i + 1));
        client->setParent(this);
        client->setLink(link);
        connect(client, &FeedClient::stopped, this, &FeedPattern::clientStopped);
        m_clients.append(client);
    }
    m_producer->start();
    for (FeedClient* client : std::as_const(m_clients))
        client->start();
    return true;
}

void FeedPattern::stop()
{
    if (m_stopping)
        return;
    m_stopping = true;
    m_producer->stop();
    // Clients start nothing new but wait for what they asked; the server answers or ends it all now,
    // after what it already sent. Everything on the wire arrives before the clients hang up.
    for (FeedClient* client : std::as_const(m_clients))
        client->stop();
    serverStopping();
    if (m_clients.isEmpty())
        QMetaObject::invokeMethod(this, &FeedPattern::stopped, Qt::QueuedConnection);
}

void FeedPattern::parameterChanged(const QString& name, qint64)
{
    if (m_producer && (name == QLatin1String("produce") || name == QLatin1String("arrivals")))
        m_producer->configure(parameters());
}

void FeedPattern::clientStopped()
{
    if (++m_stoppedClients == m_clients.size())
        Q_EMIT stopped();
}

QTimer* FeedPattern::keepOpen(const std::shared_ptr<HttpExchange>& exchange, int intervalMs, bool singleShot,
    std::function<void()> tick, std::function<void()> gone)
{
    auto* timer = new QTimer(&m_openExchanges);
    timer->setSingleShot(singleShot);
    timer->setTimerType(Qt::PreciseTimer);
    connect(timer, &QTimer::timeout, this, std::move(tick));
    timer->start(intervalMs);
    exchange->onDisconnected(timer, std::move(gone));
    return timer;
}

void FeedPattern::letGo(QTimer* timer)
{
    // Later: the timer may be the one calling. Until then its watch is harmless, because the
    // callers forget the exchange first and their callbacks find nothing.
    timer->stop();
    timer->deleteLater();
}

void FeedPattern::itemProduced(const Item&) { }

void FeedPattern::serverStopping() { }

bool FeedPattern::parseSince(
    const HttpRequest& request, const Arrival& arrival, const std::shared_ptr<HttpExchange>& exchange, qint64* since)
{
    const QUrlQuery query(request.url);
    const QString text = query.queryItemValue(QStringLiteral("since"));
    bool ok = !text.isEmpty() || !query.hasQueryItem(QStringLiteral("since"));
    qint64 value = 0;
    if (!text.isEmpty())
        value = text.toLongLong(&ok);
    if (!ok || value < 0) {
        m_recorder->reject(exchange, arrival, 400,
            QStringLiteral("since must be the id of the last item you have (0 for none), not '%1'").arg(text));
        return false;
    }
    *since = value;
    return true;
}

void FeedPattern::noteGap(int client, qint64 from, qint64 to)
{
    const Participant* who = trace()->participant(client);
    trace()->addNote(m_server,
        QStringLiteral("items %1–%2 are no longer kept: %3 is told (gap)")
            .arg(from)
            .arg(to)
            .arg(who ? who->name : QStringLiteral("a client")));
}

void FeedPattern::answerPage(const std::shared_ptr<HttpExchange>& exchange, const Arrival& arrival, const Backlog& page,
    const QString& emptyWord)
{
    if (page.items.isEmpty() && !page.hasGap()) {
        m_recorder->respond(exchange, arrival, 204, emptyWord, {}, {});
        return;
    }
    QJsonArray array;
    for (const Item& item : page.items)
        array.append(QJsonObject { { QStringLiteral("id"), item.id }, { QStringLiteral("data"), item.text } });
    QJsonObject answer { { QStringLiteral("items"), array }, { QStringLiteral("next"), page.next },
        { QStringLiteral("more"), page.more } };
    QStringList detail;
    if (page.hasGap()) {
        answer.insert(QStringLiteral("gap"),
            QJsonObject { { QStringLiteral("from"), page.gapFrom }, { QStringLiteral("to"), page.gapTo } });
        detail.append(QStringLiteral("gap %1–%2").arg(page.gapFrom).arg(page.gapTo));
        noteGap(arrival.client, page.gapFrom, page.gapTo);
    }
    detail.append(
        page.items.size() == 1 ? QStringLiteral("1 item") : QStringLiteral("%1 items").arg(page.items.size()));
    if (page.more)
        detail.append(QStringLiteral("more waiting"));
    const QByteArray body = QJsonDocument(answer).toJson(QJsonDocument::Compact);
    m_recorder->respond(exchange, arrival, 200, detail.join(QStringLiteral(" · ")),
        { { QByteArrayLiteral("Content-Type"), QByteArrayLiteral("application/json") },
            { QByteArrayLiteral("Access-Control-Allow-Origin"), QByteArrayLiteral("*") } },
        body, page.items.isEmpty() ? -1 : page.items.constFirst().id,
        page.items.isEmpty() ? -1 : page.items.constLast().id);
}

} // namespace PatternScope
