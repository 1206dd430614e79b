// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "feedclient.h"
#include "httppattern.h"
#include "producer.h"

#include <QTimer>
#include <functional>
#include <memory>

namespace PatternScope {

// What short polling, long polling and Server-Sent Events share: an HTTP server handing out the
// producer's items, and 1 to 50 clients, each with its own lifeline and its own link.
class FeedPattern : public HttpPattern {
    Q_OBJECT
public:
    explicit FeedPattern(const PatternContext& context, QObject* parent = nullptr);
    ~FeedPattern() override;

    bool start(QString* error) override;
    void stop() override;

    Producer* producer() const { return m_producer.get(); }
    const QList<FeedClient*>& clients() const { return m_clients; }

    // Parameters every feed pattern has: clients, the link, the producer.
    static QList<ParameterSpec> sharedParameters();

protected:
    void handleRequest(const HttpRequest& request, const std::shared_ptr<HttpExchange>& exchange) final;
    virtual void handle(
        const HttpRequest& request, const std::shared_ptr<HttpExchange>& exchange, const Arrival& arrival)
        = 0;
    virtual FeedClient* createClient(int participant, quint16 port, quint64 seed) = 0;
    virtual void itemProduced(const Item& item);
    // The clients are gone: let go of held requests and open streams.
    virtual void serverStopping();

    // Reads ?since=N; answers 400 itself and returns false when it is not a cursor.
    bool parseSince(const HttpRequest& request, const Arrival& arrival, const std::shared_ptr<HttpExchange>& exchange,
        qint64* since);
    // Answers with the items (200) or none (204), labelled for the diagram.
    void answerItems(const std::shared_ptr<HttpExchange>& exchange, const Arrival& arrival, const QList<Item>& items,
        const QString& emptyWord);
    FeedClient::ParameterLookup parameterLookup() const;

    // For requests the server keeps open (a held poll, an event stream): a timer that calls `tick`
    // every `intervalMs` (once if `singleShot`), and a watch that calls `gone` if the client leaves.
    // Both stop with letGo(timer). Writing to a gone client would crash Qt 6.4.
    QTimer* keepOpen(const std::shared_ptr<HttpExchange>& exchange, int intervalMs, bool singleShot,
        std::function<void()> tick, std::function<void()> gone);
    void letGo(QTimer* timer);

    std::unique_ptr<Producer> m_producer;

private:
    void clientStopped();

    QList<FeedClient*> m_clients;
    // Parent of keepOpen()'s timers and context of its watches; declared after m_http so it goes
    // first, before the server's sockets report their last disconnects to a half-destroyed pattern.
    QObject m_openExchanges;
    int m_stoppedClients = 0;
    bool m_stopping = false;
};

} // namespace PatternScope
