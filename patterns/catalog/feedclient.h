// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "link.h"
#include "trace.h"

#include <QNetworkAccessManager>
#include <QPointer>
#include <QRandomGenerator64>
#include <QTimer>
#include <functional>

class QNetworkReply;

namespace PatternScope {

// A client of the producer's feed: it keeps a cursor (the last item id it has) so that whatever
// happens to the connection, it asks for what comes after and nothing is lost or repeated.
// Each client has its own QNetworkAccessManager: Qt 6.4 allows only six connections per host and
// port, and every client also has its own link port.
class FeedClient : public QObject {
    Q_OBJECT
public:
    using ParameterLookup = std::function<qint64(const QString&)>;

    FeedClient(Trace* trace, int participant, int server, quint16 port, quint64 seed, ParameterLookup parameter,
        QObject* parent = nullptr);

    virtual void start() = 0;
    // Stops asking; stopped() follows once the client has hung up.
    virtual void stop() = 0;

    // The link this client's requests go through, which records each as it leaves (Link::announce).
    void setLink(Link* link) { m_link = link; }
    int participant() const { return m_participant; }
    qint64 cursor() const { return m_cursor; }
    // Item ids in the order this client got them; the no-loss guarantee is that this reads 1, 2, 3, ...
    const QList<qint64>& receivedItems() const { return m_received; }
    // Ranges of ids the server said it no longer had when this client asked for them, in order.
    const QList<QPair<qint64, qint64>>& gaps() const { return m_gaps; }

Q_SIGNALS:
    void stopped();
    void itemsReceived(int participant, qint64 cursor);

protected:
    QNetworkRequest request(const QString& target, const QByteArray& traceId);
    // Records the GET of `target` this client is about to send; returns the correlation id. `detail`
    // follows the request line in the label.
    QString recordRequest(
        const QString& target, const QString& detail, const QByteArray& traceId, const QNetworkRequest& request);
    // Completes the in-flight message with this correlation addressed to this client.
    void completeAnswer(QNetworkReply* reply, const QString& fallbackCorrelation);
    // A failure: whatever was on its way to or from this client will never arrive.
    void loseInFlight(const QString& why);
    void receive(qint64 itemId);
    // The server no longer holds items from..to: noted, and the cursor moves past them.
    void skipGap(qint64 from, qint64 to);
    void hangUp();
    qint64 parameter(const QString& name) const { return m_parameter(name); }

    Trace* m_trace;
    int m_participant;
    int m_server;
    quint16 m_port;
    QNetworkAccessManager m_nam;
    qint64 m_cursor = 0;
    bool m_stopping = false;
    QRandomGenerator64 m_random; // trace and span ids
    QPointer<Link> m_link;

private:
    ParameterLookup m_parameter;
    QList<qint64> m_received;
    QList<QPair<qint64, qint64>> m_gaps;
};

} // namespace PatternScope
