// SPDX-License-Identifier: GPL-3.0-or-later
#include "pollingclient.h"

#include "httpserver.h"
#include "labels.h"
#include "traceparent.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkReply>

namespace PatternScope {

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
    // A poll on its way is answered first (a stopping server holds none): finished() hangs up then.
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
    bool more = false;
    if (ok) {
        completeAnswer(reply, correlation);
        const QJsonObject answer = QJsonDocument::fromJson(reply->readAll()).object();
        const QJsonObject gap = answer.value(QLatin1String("gap")).toObject();
        if (!gap.isEmpty())
            skipGap(gap.value(QLatin1String("from")).toInteger(), gap.value(QLatin1String("to")).toInteger());
        for (const QJsonValue& item : answer.value(QLatin1String("items")).toArray())
            receive(item.toObject().value(QLatin1String("id")).toInteger());
        more = answer.value(QLatin1String("more")).toBool();
        Q_EMIT itemsReceived(m_participant, m_cursor);
    } else {
        loseInFlight(m_stopping ? QStringLiteral("hung up on the poll")
                                : QStringLiteral("poll failed: %1").arg(reply->errorString()));
    }
    if (m_stopping) {
        hangUp();
        return;
    }
    scheduleNext(!ok, more);
}

void PollingClient::scheduleNext(bool failed, bool more)
{
    qint64 wait = 0;
    if (more) {
        // The answer was one page of several: the rest waits, so ask for it at once.
        wait = 0;
    } else if (m_mode == Mode::Short) {
        // Keep the rhythm of the poll interval, but never ask before the last answer came.
        wait = parameter(QStringLiteral("poll")) - m_lastStart.elapsed();
    } else if (failed) {
        // A long poll asks again at once, but a server that is down should not be hammered.
        wait = parameter(QStringLiteral("retry"));
    }
    m_next.start(int(std::max<qint64>(0, wait)));
}

} // namespace PatternScope
