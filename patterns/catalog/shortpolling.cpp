// SPDX-License-Identifier: GPL-3.0-or-later
#include "shortpolling.h"

#include "labels.h"
#include "pollingclient.h"

#include <QTimer>

namespace PatternScope {

PatternInfo ShortPolling::info()
{
    PatternInfo info;
    info.id = QStringLiteral("short-polling");
    info.title = QStringLiteral("Short polling");
    info.description = QStringLiteral(
        "Every poll interval the client asks GET /updates?since=N. The server answers at once: 204 when "
        "nothing is newer than N, or 200 with the new items (a page at most; \"more\": true says to ask again "
        "at once). Most answers are empty; an item waits on average half a poll interval before anyone asks for it.");
    info.participants = { QStringLiteral("Client 1..N"), QStringLiteral("Server") };
    info.parameters = { ParameterSpec::number(QStringLiteral("poll"), QStringLiteral("time from one poll to the next"),
                            ParameterSpec::Unit::Milliseconds, 2000, 50, 600'000, true),
        ParameterSpec::number(QStringLiteral("processing"), QStringLiteral("time the server works on each poll"),
            ParameterSpec::Unit::Milliseconds, 0, 0, 60'000, true) };
    info.parameters.append(sharedParameters());
    return info;
}

QStringList ShortPolling::tryItOut() const
{
    const QString base = publicUrl();
    return { QStringLiteral("curl -i '%1/updates?since=0&client=alice'").arg(base) };
}

ShortPolling::ShortPolling(const PatternContext& context, QObject* parent)
    : FeedPattern(context, parent)
{
    route(QStringLiteral("/updates"), { "GET" });
}

FeedClient* ShortPolling::createClient(int participant, quint16 port, quint64 seed)
{
    return new PollingClient(PollingClient::Mode::Short, trace(), participant, m_server, port, seed, parameterLookup());
}

void ShortPolling::handle(
    const HttpRequest& request, const std::shared_ptr<HttpExchange>& exchange, const Arrival& arrival)
{
    if (request.url.path() != QLatin1String("/updates")) {
        m_recorder->reject(exchange, arrival, 404,
            QStringLiteral("unknown path %1; ask GET /updates?since=N").arg(request.url.path()));
        return;
    }
    qint64 since = 0;
    if (!parseSince(request, arrival, exchange, &since))
        return;
    const qint64 processing = parameter(QStringLiteral("processing"));
    if (processing <= 0) {
        answerPage(exchange, arrival, m_producer->after(since, kPageItems), QStringLiteral("empty"));
        return;
    }
    const qint64 activation = trace()->beginActivation(m_server, Labels::processingActivation(), arrival.at);
    QTimer::singleShot(int(processing), Qt::PreciseTimer, this, [this, exchange, arrival, since, activation] {
        trace()->endActivation(activation);
        answerPage(exchange, arrival, m_producer->after(since, kPageItems), QStringLiteral("empty"));
    });
}

PATTERNSCOPE_REGISTER_PATTERN(ShortPolling, 20)

} // namespace PatternScope
