// SPDX-License-Identifier: GPL-3.0-or-later
#include "mqttclient.h"

#include <mosquitto.h>
#include <mutex>
#include <vector>

namespace PatternScope {

namespace {
constexpr int kKeepAliveSeconds = 30;
}

MqttClient::MqttClient(const Options& options, QObject* parent)
    : BrokerClient(options, parent)
{
    static std::once_flag initialized;
    std::call_once(initialized, [] { mosquitto_lib_init(); });
    m_mosq = mosquitto_new(options.clientId.toUtf8().constData(), !options.atLeastOnce, this);
    if (m_mosq) {
        mosquitto_int_option(m_mosq, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V311);
        mosquitto_connect_callback_set(m_mosq, &MqttClient::onConnect);
        mosquitto_disconnect_callback_set(m_mosq, &MqttClient::onDisconnect);
        mosquitto_message_callback_set(m_mosq, &MqttClient::onMessage);
        mosquitto_subscribe_callback_set(m_mosq, &MqttClient::onSubscribe);
    }
    m_misc.setInterval(1000);
    connect(&m_misc, &QTimer::timeout, this, [this] {
        if (m_mosq && mosquitto_socket(m_mosq) >= 0) {
            mosquitto_loop_misc(m_mosq);
            updateWrite();
        }
    });
}

MqttClient::~MqttClient()
{
    dropSocket();
    if (m_mosq)
        mosquitto_destroy(m_mosq);
}

void MqttClient::start()
{
    if (!m_mosq) {
        Q_EMIT refused(QStringLiteral("libmosquitto could not make a client"));
        return;
    }
    m_misc.start();
    began(mosquitto_connect_async(m_mosq, "127.0.0.1", options().port, kKeepAliveSeconds));
}

void MqttClient::reconnect()
{
    began(mosquitto_reconnect_async(m_mosq));
}

void MqttClient::began(int rc)
{
    // A connect still under way is fine: the CONNECT packet waits for the socket to be writable.
    if ((rc != MOSQ_ERR_SUCCESS && rc != MOSQ_ERR_CONN_PENDING) || mosquitto_socket(m_mosq) < 0) {
        Q_EMIT disconnected(QString::fromUtf8(mosquitto_strerror(rc)));
        scheduleReconnect();
        return;
    }
    watchSocket();
}

void MqttClient::watchSocket()
{
    dropSocket();
    const int fd = mosquitto_socket(m_mosq);
    m_read = new QSocketNotifier(fd, QSocketNotifier::Read, this);
    connect(m_read, &QSocketNotifier::activated, this, [this] {
        const int rc = mosquitto_loop_read(m_mosq, 1);
        if (rc != MOSQ_ERR_SUCCESS)
            connectionLost(rc);
        else
            updateWrite();
    });
    m_write = new QSocketNotifier(fd, QSocketNotifier::Write, this);
    connect(m_write, &QSocketNotifier::activated, this, [this] {
        const int rc = mosquitto_loop_write(m_mosq, 1);
        if (rc != MOSQ_ERR_SUCCESS)
            connectionLost(rc);
        else
            updateWrite();
    });
    updateWrite();
}

void MqttClient::dropSocket()
{
    // Inside one of their own signals: turned off now, deleted once back in the event loop.
    for (QSocketNotifier* notifier : { m_read.data(), m_write.data() }) {
        if (notifier) {
            notifier->setEnabled(false);
            notifier->deleteLater();
        }
    }
    m_read.clear();
    m_write.clear();
}

void MqttClient::updateWrite()
{
    if (!m_mosq || mosquitto_socket(m_mosq) < 0) {
        dropSocket();
        return;
    }
    if (m_write)
        m_write->setEnabled(mosquitto_want_write(m_mosq));
}

void MqttClient::connectionLost(int rc)
{
    // libmosquitto has closed the socket and told onDisconnect (a reconnect closes it if not).
    dropSocket();
    if (isConnected()) {
        setConnected(false);
        Q_EMIT disconnected(QString::fromUtf8(mosquitto_strerror(rc)));
    }
    if (isStopping()) {
        m_misc.stop();
        Q_EMIT stopped();
        return;
    }
    scheduleReconnect();
}

void MqttClient::stop()
{
    if (isStopping())
        return;
    setStopping();
    if (!isConnected() || mosquitto_disconnect(m_mosq) != MOSQ_ERR_SUCCESS) {
        dropSocket();
        m_misc.stop();
        QMetaObject::invokeMethod(this, &MqttClient::stopped, Qt::QueuedConnection);
        return;
    }
    updateWrite(); // DISCONNECT goes out; onDisconnect follows once it has
}

bool MqttClient::publish(const QString& topic, const QByteArray& payload)
{
    const int qos = options().atLeastOnce ? 1 : 0;
    const int rc = mosquitto_publish(
        m_mosq, nullptr, topic.toUtf8().constData(), int(payload.size()), payload.constData(), qos, false);
    updateWrite();
    // QoS 1 is kept until the broker acknowledges it, sent again after a reconnect if need be.
    return rc == MOSQ_ERR_SUCCESS || (qos == 1 && rc == MOSQ_ERR_NO_CONN);
}

void MqttClient::onConnect(mosquitto*, void* self, int rc)
{
    auto* client = static_cast<MqttClient*>(self);
    if (rc != 0) {
        client->setStopping();
        Q_EMIT client->refused(QString::fromUtf8(mosquitto_connack_string(rc)));
        return;
    }
    client->setConnected(true);
    client->resetBackoff();
    const QStringList& topics = client->options().topics;
    if (!topics.isEmpty()) {
        QList<QByteArray> utf8;
        for (const QString& topic : topics)
            utf8.append(topic.toUtf8());
        std::vector<char*> names;
        for (QByteArray& topic : utf8)
            names.push_back(topic.data());
        mosquitto_subscribe_multiple(client->m_mosq, nullptr, int(names.size()), names.data(),
            client->options().atLeastOnce ? 1 : 0, 0, nullptr);
    }
    Q_EMIT client->connected();
}

void MqttClient::onDisconnect(mosquitto*, void* self, int rc)
{
    auto* client = static_cast<MqttClient*>(self);
    const bool was = client->isConnected();
    client->setConnected(false);
    if (client->isStopping() && rc == 0) {
        client->dropSocket();
        client->m_misc.stop();
        // Later: libmosquitto is still inside its own call.
        QMetaObject::invokeMethod(client, &MqttClient::stopped, Qt::QueuedConnection);
        return;
    }
    if (was)
        Q_EMIT client->disconnected(QString::fromUtf8(mosquitto_strerror(rc)));
    // The read or write step that saw the loss goes on in connectionLost().
}

void MqttClient::onMessage(mosquitto*, void* self, const mosquitto_message* message)
{
    auto* client = static_cast<MqttClient*>(self);
    Q_EMIT client->received(
        QString::fromUtf8(message->topic), QByteArray(static_cast<const char*>(message->payload), message->payloadlen));
}

void MqttClient::onSubscribe(mosquitto*, void* self, int, int, const int*)
{
    Q_EMIT static_cast<MqttClient*>(self)->subscribed();
}

} // namespace PatternScope
