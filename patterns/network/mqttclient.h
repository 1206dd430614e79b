// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "brokerclient.h"

#include <QPointer>
#include <QSocketNotifier>
#include <QTimer>

struct mosquitto;
struct mosquitto_message;

namespace PatternScope {

// An MQTT 3.1.1 client through libmosquitto. At least once: QoS 1 both ways and a persistent session
// (clean session off), so the broker keeps a cut-off subscriber's subscriptions and queues what it
// misses, and the library sends again what the broker did not acknowledge. At most once: QoS 0 and a
// clean session. libmosquitto's own loop is not used: Qt's notifiers call its read and write steps.
class MqttClient final : public BrokerClient {
    Q_OBJECT
public:
    explicit MqttClient(const Options& options, QObject* parent = nullptr);
    ~MqttClient() override;

    void start() override;
    void stop() override;
    bool publish(const QString& topic, const QByteArray& payload) override;

private:
    static void onConnect(mosquitto* mosq, void* self, int rc);
    static void onDisconnect(mosquitto* mosq, void* self, int rc);
    static void onMessage(mosquitto* mosq, void* self, const mosquitto_message* message);
    static void onSubscribe(mosquitto* mosq, void* self, int mid, int count, const int* granted);

    void reconnect() override;
    void began(int rc); // after a connect call: watch the new socket, or retry
    void watchSocket();
    void dropSocket();
    void updateWrite(); // the write notifier is on while libmosquitto has bytes to send
    void connectionLost(int rc);

    mosquitto* m_mosq = nullptr;
    QPointer<QSocketNotifier> m_read;
    QPointer<QSocketNotifier> m_write;
    QTimer m_misc; // keep-alive pings and libmosquitto's housekeeping
    bool m_everConnected = false;
};

} // namespace PatternScope
