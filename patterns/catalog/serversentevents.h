// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "feedpattern.h"

#include <QTimer>
#include <map>

namespace PatternScope {

// One GET /events whose answer never ends: each item is an id/event/data block on the same
// connection, heartbeat comments keep it alive, and a broken stream resumes from Last-Event-ID.
class ServerSentEvents : public FeedPattern {
    Q_OBJECT
public:
    explicit ServerSentEvents(const PatternContext& context, QObject* parent = nullptr);
    ~ServerSentEvents() override;
    static PatternInfo info();
    QStringList tryItOut() const override;

protected:
    void handle(
        const HttpRequest& request, const std::shared_ptr<HttpExchange>& exchange, const Arrival& arrival) override;
    FeedClient* createClient(int participant, quint16 port, quint64 seed) override;
    void itemProduced(const Item& item) override;
    void serverStopping() override;

private:
    struct Stream {
        std::shared_ptr<HttpExchange> exchange;
        Arrival arrival;
        QTimer* heartbeat = nullptr; // from keepOpen()
        int heartbeats = 0;
    };
    void send(
        qint64 key, const MessageFields& event, const QString& correlation, const QByteArray& chunk, qint64 item = -1);
    void sendItem(qint64 key, const Item& item);
    void forget(qint64 key);

    std::map<qint64, Stream> m_streams;
    qint64 m_nextKey = 0;
};

} // namespace PatternScope
