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
    // The heartbeat is live: open streams take a new interval at once, not only streams opened later.
    void parameterChanged(const QString& name, qint64 value) override;
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
        qint64 cursor = 0; // the last item (or gap) sent on this stream
    };
    // Sends one block; false (and the stream forgotten) if the client is gone.
    bool send(qint64 key, const MessageFields& event, const QString& label, const QString& correlation,
        const QByteArray& chunk, qint64 item = -1);
    bool sendItem(qint64 key, const Item& item);
    bool sendGap(qint64 key, qint64 from, qint64 to);
    // Sends what the stream's client does not have yet, in order: a gap event for ids the history
    // no longer holds, then items. A stream far behind gets one batch now and the rest in later turns
    // of the event loop, so that the link and every other client keep being served meanwhile.
    void catchUp(qint64 key);
    void catchUpAll();
    void forget(qint64 key);

    std::map<qint64, Stream> m_streams;
    QTimer m_catchUp;
    qint64 m_nextKey = 0;
};

} // namespace PatternScope
