// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "trace.h"

#include <QJsonObject>
#include <QObject>
#include <QPointer>
#include <QTimer>
#include <QUrl>
#include <QWebSocket>
#include <functional>

namespace PatternScope {

class Link;
class LinkEmulator;
struct WebSocketRecording;

// The client half: one lifeline's WebSocket that stays up. It connects through its link, and after a
// cut or a refusal reconnects with exponential back-off (first delay from `backoffMs`, doubling up
// to 30 s, reset once connected), asking `url` each time so it can resume from what it has.
class WebSocketClient : public QObject {
    Q_OBJECT
public:
    WebSocketClient(Trace* trace, int participant, QObject* parent = nullptr);

    void setUrl(std::function<QUrl()> url) { m_url = std::move(url); }
    void setBackoff(std::function<qint64()> firstMs) { m_backoff = std::move(firstMs); }
    int participant() const { return m_participant; }
    bool isConnected() const { return m_socket && m_socket->state() == QAbstractSocket::ConnectedState; }
    int reconnects() const { return m_reconnects; }

    void start();
    // Closes with 1000 and the reason; stopped() follows when the connection is down.
    void stop(const QString& reason);
    bool send(const QJsonObject& envelope);
    // Sends text exactly as given (for tests of what the server does with bad input).
    void sendRaw(const QString& text);

Q_SIGNALS:
    void connected();
    void envelopeReceived(const QJsonObject& envelope);
    void stopped();

private:
    void open();
    void lost(const QString& why);
    void finishStop();

    Trace* m_trace;
    int m_participant;
    std::function<QUrl()> m_url;
    std::function<qint64()> m_backoff;
    QPointer<QWebSocket> m_socket;
    QTimer m_retry;
    QTimer m_closeGuard;
    int m_attempt = 0;
    int m_reconnects = 0;
    bool m_stopping = false;
    bool m_stopped = false;
};

} // namespace PatternScope
