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
    // The producer's pace and arrivals are live: they apply at once.
    void parameterChanged(const QString& name, qint64 value) override;

    Producer* producer() const { return m_producer.get(); }
    const QList<FeedClient*>& clients() const { return m_clients; }

    // Parameters every feed pattern has: clients, the link, the producer.
    static QList<ParameterSpec> sharedParameters();
    // The most items one poll answer carries; an answer that could not carry all says "more": true.
    static constexpr int kPageItems = 1000;

protected:
    void handleRequest(const HttpRequest& request, const std::shared_ptr<HttpExchange>& exchange) final;
    virtual void handle(
        const HttpRequest& request, const std::shared_ptr<HttpExchange>& exchange, const Arrival& arrival)
        = 0;
    virtual FeedClient* createClient(int participant, quint16 port, quint64 seed) = 0;
    virtual void itemProduced(const Item& item);
    // Stop: the producer has stopped. Answer held requests and end open streams, after what was
    // already sent, so that everything on the wire still arrives; from now on answer at once.
    virtual void serverStopping();
    bool stopping() const { return m_stopping; }

    // Reads ?since=N; answers 400 itself and returns false when it is not a cursor.
    bool parseSince(const HttpRequest& request, const Arrival& arrival, const std::shared_ptr<HttpExchange>& exchange,
        qint64* since);
    // Answers a poll with a page from the history (200), or 204 when it has nothing for the cursor.
    // The JSON answer names a gap the history no longer holds and says whether more items wait:
    // {"items":[{"id":…,"data":…}…],"next":N,"more":false[,"gap":{"from":A,"to":B}]}.
    void answerPage(const std::shared_ptr<HttpExchange>& exchange, const Arrival& arrival, const Backlog& page,
        const QString& emptyWord);
    // A trace note on the server when a client asked for items the history no longer holds.
    void noteGap(int client, qint64 from, qint64 to);
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
