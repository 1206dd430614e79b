// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QObject>
#include <QString>
#include <QStringList>
#include <QTimer>
#include <functional>

namespace PatternScope {

// A client of a real message broker (Mosquitto over MQTT, Redis pub/sub), driven by Qt's event loop:
// socket notifiers on the client library's socket, never a blocking call or a thread. It connects to
// 127.0.0.1:port (the link toward the broker), subscribes to its topics on every connect, and after
// a lost connection tries again after the backoff, doubling up to 30 s, until stopped.
class BrokerClient : public QObject {
    Q_OBJECT
public:
    struct Options {
        quint16 port = 0; // where to connect on 127.0.0.1: the link toward the broker
        int participant = -1; // its lifeline
        QString clientId; // unique per run: a persistent MQTT session is found by it
        bool atLeastOnce = false; // MQTT: QoS 1 and a persistent session (clean session off)
        QStringList topics; // a subscriber's, subscribed to on every connect
    };

    explicit BrokerClient(const Options& options, QObject* parent = nullptr);
    ~BrokerClient() override;

    void setBackoff(std::function<qint64()> firstWaitMs) { m_backoff = std::move(firstWaitMs); }
    virtual void start() = 0;
    // Says goodbye to the broker; stopped() follows (at once if not connected).
    virtual void stop() = 0;
    // False if it is not on its way: not connected (and, for QoS 0, gone).
    virtual bool publish(const QString& topic, const QByteArray& payload) = 0;
    bool isConnected() const { return m_connected; }
    const Options& options() const { return m_options; }

Q_SIGNALS:
    void connected();
    void subscribed(); // the broker confirmed every topic of this connect's subscription
    void received(const QString& topic, const QByteArray& payload);
    void disconnected(const QString& reason);
    // The broker refused us (an MQTT CONNACK's code, a Redis error): it will not get better by retrying.
    void refused(const QString& reason);
    void stopped();

protected:
    void setConnected(bool on) { m_connected = on; }
    // After a lost connection: tries again later, unless stopping.
    void scheduleReconnect();
    virtual void reconnect() = 0;
    bool isStopping() const { return m_stopping; }
    void setStopping() { m_stopping = true; }
    void resetBackoff() { m_nextWaitMs = 0; }

private:
    Options m_options;
    std::function<qint64()> m_backoff;
    QTimer m_retry;
    qint64 m_nextWaitMs = 0;
    bool m_connected = false;
    bool m_stopping = false;
};

} // namespace PatternScope
