// SPDX-License-Identifier: GPL-3.0-or-later
#include "redisclient.h"

#include <hiredis/async.h>
#include <hiredis/hiredis.h>
#include <vector>

namespace PatternScope {

namespace {

RedisClient* clientOf(const redisAsyncContext* context)
{
    return static_cast<RedisClient*>(context->data);
}

} // namespace

RedisClient::RedisClient(const Options& options, QObject* parent)
    : BrokerClient(options, parent)
{
}

RedisClient::~RedisClient()
{
    if (m_context) {
        // Freeing calls back with the context's pending replies: nobody is listening any more.
        m_context->data = nullptr;
        redisAsyncFree(m_context);
    }
}

void RedisClient::start()
{
    reconnect();
}

void RedisClient::reconnect()
{
    m_confirmed = 0;
    m_context = redisAsyncConnect("127.0.0.1", options().port);
    if (!m_context || m_context->err) {
        const QString reason = m_context ? QString::fromUtf8(m_context->errstr) : QStringLiteral("out of memory");
        if (m_context)
            redisAsyncFree(m_context);
        m_context = nullptr;
        Q_EMIT disconnected(reason);
        scheduleReconnect();
        return;
    }
    m_context->data = this;
    m_context->ev.data = this;
    m_context->ev.addRead = &RedisClient::addRead;
    m_context->ev.delRead = &RedisClient::delRead;
    m_context->ev.addWrite = &RedisClient::addWrite;
    m_context->ev.delWrite = &RedisClient::delWrite;
    m_context->ev.cleanup = &RedisClient::cleanup;
    redisAsyncSetConnectCallback(m_context, &RedisClient::onConnect);
    redisAsyncSetDisconnectCallback(m_context, &RedisClient::onDisconnect);
    addWrite(this); // hiredis waits for the non-blocking connect to finish by wanting to write
}

void RedisClient::watch(QPointer<QSocketNotifier>* notifier, bool on, bool write)
{
    if (on && !*notifier && m_context) {
        *notifier = new QSocketNotifier(m_context->c.fd, write ? QSocketNotifier::Write : QSocketNotifier::Read, this);
        connect(notifier->data(), &QSocketNotifier::activated, this, [this, write] {
            if (!m_context)
                return;
            if (write)
                redisAsyncHandleWrite(m_context);
            else
                redisAsyncHandleRead(m_context);
        });
    } else if (!on && *notifier) {
        // Perhaps inside its own signal: off now, deleted once back in the event loop.
        (*notifier)->setEnabled(false);
        (*notifier)->deleteLater();
        notifier->clear();
    }
}

void RedisClient::addRead(void* self)
{
    auto* client = static_cast<RedisClient*>(self);
    client->watch(&client->m_read, true, false);
}

void RedisClient::delRead(void* self)
{
    auto* client = static_cast<RedisClient*>(self);
    client->watch(&client->m_read, false, false);
}

void RedisClient::addWrite(void* self)
{
    auto* client = static_cast<RedisClient*>(self);
    client->watch(&client->m_write, true, true);
}

void RedisClient::delWrite(void* self)
{
    auto* client = static_cast<RedisClient*>(self);
    client->watch(&client->m_write, false, true);
}

void RedisClient::cleanup(void* self)
{
    delRead(self);
    delWrite(self);
}

void RedisClient::onConnect(const redisAsyncContext* context, int status)
{
    RedisClient* client = clientOf(context);
    if (!client)
        return;
    if (status != REDIS_OK) {
        client->lost(QString::fromUtf8(context->errstr)); // hiredis frees the context after this call
        return;
    }
    client->setConnected(true);
    client->resetBackoff();
    const QStringList& topics = client->options().topics;
    if (!topics.isEmpty()) {
        QList<QByteArray> words { QByteArrayLiteral("SUBSCRIBE") };
        for (const QString& topic : topics)
            words.append(topic.toUtf8());
        std::vector<const char*> argv;
        std::vector<size_t> lengths;
        for (const QByteArray& word : words) {
            argv.push_back(word.constData());
            lengths.push_back(size_t(word.size()));
        }
        redisAsyncCommandArgv(
            client->m_context, &RedisClient::onSubscribeReply, client, int(argv.size()), argv.data(), lengths.data());
    }
    Q_EMIT client->connected();
}

void RedisClient::onDisconnect(const redisAsyncContext* context, int status)
{
    RedisClient* client = clientOf(context);
    if (!client)
        return;
    if (client->isStopping() && status == REDIS_OK) {
        client->m_context = nullptr;
        client->setConnected(false);
        QMetaObject::invokeMethod(client, &RedisClient::stopped, Qt::QueuedConnection);
        return;
    }
    client->lost(QString::fromUtf8(context->errstr));
}

void RedisClient::lost(const QString& reason)
{
    m_context = nullptr; // hiredis frees it once the callback returns
    const bool was = isConnected();
    setConnected(false);
    if (was || !isStopping())
        Q_EMIT disconnected(reason.isEmpty() ? QStringLiteral("connection closed") : reason);
    if (isStopping()) {
        QMetaObject::invokeMethod(this, &RedisClient::stopped, Qt::QueuedConnection);
        return;
    }
    scheduleReconnect();
}

void RedisClient::onSubscribeReply(redisAsyncContext*, void* r, void* self)
{
    auto* reply = static_cast<redisReply*>(r);
    auto* client = static_cast<RedisClient*>(self);
    if (!reply || !client || reply->type != REDIS_REPLY_ARRAY || reply->elements < 3)
        return;
    const redisReply* kind = reply->element[0];
    if (kind->type != REDIS_REPLY_STRING)
        return;
    const QByteArray what(kind->str, int(kind->len));
    if (what == "message") {
        const redisReply* channel = reply->element[1];
        const redisReply* payload = reply->element[2];
        Q_EMIT client->received(
            QString::fromUtf8(channel->str, int(channel->len)), QByteArray(payload->str, int(payload->len)));
    } else if (what == "subscribe" && ++client->m_confirmed == client->options().topics.size()) {
        Q_EMIT client->subscribed();
    }
}

void RedisClient::stop()
{
    if (isStopping())
        return;
    setStopping();
    if (!m_context || !isConnected()) {
        if (m_context) {
            m_context->data = nullptr;
            redisAsyncFree(m_context);
            m_context = nullptr;
        }
        QMetaObject::invokeMethod(this, &RedisClient::stopped, Qt::QueuedConnection);
        return;
    }
    redisAsyncDisconnect(m_context); // onDisconnect follows once what is queued has gone
}

bool RedisClient::publish(const QString& topic, const QByteArray& payload)
{
    if (!m_context || !isConnected())
        return false;
    const QByteArray channel = topic.toUtf8();
    const char* argv[] = { "PUBLISH", channel.constData(), payload.constData() };
    const size_t lengths[] = { 7, size_t(channel.size()), size_t(payload.size()) };
    return redisAsyncCommandArgv(m_context, nullptr, nullptr, 3, argv, lengths) == REDIS_OK;
}

} // namespace PatternScope
