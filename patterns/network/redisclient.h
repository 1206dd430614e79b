// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "brokerclient.h"

#include <QPointer>
#include <QSocketNotifier>

struct redisAsyncContext;

namespace PatternScope {

// A Redis pub/sub client through hiredis's asynchronous API, with a small Qt adapter: hiredis asks
// for read and write interest, and socket notifiers call its read and write steps. A subscriber
// SUBSCRIBEs on every connect; a publisher PUBLISHes. Redis pub/sub delivers at most once, whatever
// was asked: what is published while a subscriber is away is not kept for it.
class RedisClient final : public BrokerClient {
    Q_OBJECT
public:
    explicit RedisClient(const Options& options, QObject* parent = nullptr);
    ~RedisClient() override;

    void start() override;
    void stop() override;
    bool publish(const QString& topic, const QByteArray& payload) override;

private:
    // The adapter: hiredis's event hooks, with this client as their data.
    static void addRead(void* self);
    static void delRead(void* self);
    static void addWrite(void* self);
    static void delWrite(void* self);
    static void cleanup(void* self);
    static void onConnect(const redisAsyncContext* context, int status);
    static void onDisconnect(const redisAsyncContext* context, int status);
    static void onSubscribeReply(redisAsyncContext* context, void* reply, void* self);

    void reconnect() override;
    void watch(QPointer<QSocketNotifier>* notifier, bool on, bool write);
    void lost(const QString& reason);

    redisAsyncContext* m_context = nullptr;
    QPointer<QSocketNotifier> m_read;
    QPointer<QSocketNotifier> m_write;
    int m_confirmed = 0; // topics the broker confirmed since this connect
};

} // namespace PatternScope
