// SPDX-License-Identifier: GPL-3.0-or-later
#include "websocketclient.h"

#include "httprecorder.h"
#include "linkemulator.h"
#include "websocketenvelope.h"
#include "wsframescanner.h"

#include <QJsonDocument>
#include <QUrlQuery>
#include <algorithm>

namespace PatternScope {

namespace {

constexpr qint64 kMaxBackoffMs = 30'000;
constexpr int kCloseGuardMs = 5'000; // a close handshake the server never answers ends here

} // namespace

WebSocketClient::WebSocketClient(Trace* trace, int participant, QObject* parent)
    : QObject(parent)
    , m_trace(trace)
    , m_participant(participant)
    , m_backoff([] { return qint64(1000); })
{
    m_retry.setSingleShot(true);
    m_retry.setTimerType(Qt::PreciseTimer);
    connect(&m_retry, &QTimer::timeout, this, &WebSocketClient::open);
    m_closeGuard.setSingleShot(true);
    connect(&m_closeGuard, &QTimer::timeout, this, [this] {
        if (m_socket)
            m_socket->abort();
        finishStop();
    });
}

void WebSocketClient::start()
{
    open();
}

void WebSocketClient::open()
{
    if (m_stopping)
        return;
    if (m_socket) {
        m_socket->disconnect(this);
        m_socket->deleteLater();
    }
    m_socket = new QWebSocket(QString(), QWebSocketProtocol::VersionLatest, this);
    QWebSocket* socket = m_socket;
    connect(socket, &QWebSocket::connected, this, [this] {
        m_attempt = 0;
        Q_EMIT connected();
    });
    connect(socket, &QWebSocket::textMessageReceived, this, [this](const QString& text) {
        const QJsonObject envelope = envelopeOf(text.toUtf8());
        if (!envelope.isEmpty())
            Q_EMIT envelopeReceived(envelope);
    });
    connect(socket, &QWebSocket::disconnected, this, [this, socket] {
        if (m_stopping)
            finishStop();
        else
            lost(socket->closeCode() == QWebSocketProtocol::CloseCodeNormal
                    ? QStringLiteral("connection lost")
                    : QStringLiteral("connection lost (%1)")
                          .arg(socket->closeReason().isEmpty() ? socket->errorString() : socket->closeReason()));
    });
    // Qt 6.4 does not give up on a failed handshake by itself: abort, and the retry follows.
    connect(socket, qOverload<QAbstractSocket::SocketError>(&QWebSocket::error), this, [this, socket] {
        if (m_stopping) {
            finishStop();
            return;
        }
        const QString why = socket->errorString();
        socket->disconnect(this);
        socket->abort();
        lost(QStringLiteral("cannot connect (%1)").arg(why));
    });
    socket->open(m_url());
}

void WebSocketClient::lost(const QString& why)
{
    if (m_retry.isActive() || m_stopping)
        return;
    const qint64 first = std::max<qint64>(1, m_backoff());
    const qint64 delay = std::min(kMaxBackoffMs, first << std::min(m_attempt, 15));
    ++m_attempt;
    ++m_reconnects;
    m_trace->addNote(m_participant, QStringLiteral("%1; reconnecting in %2 ms").arg(why).arg(delay));
    m_retry.start(int(delay));
}

void WebSocketClient::stop(const QString& reason)
{
    if (m_stopping)
        return;
    m_stopping = true;
    m_retry.stop();
    if (isConnected()) {
        m_socket->close(QWebSocketProtocol::CloseCodeNormal, reason);
        m_closeGuard.start(kCloseGuardMs);
        return;
    }
    if (m_socket)
        m_socket->abort();
    QMetaObject::invokeMethod(this, &WebSocketClient::finishStop, Qt::QueuedConnection);
}

void WebSocketClient::finishStop()
{
    if (m_stopped)
        return;
    m_stopped = true;
    m_closeGuard.stop();
    Q_EMIT stopped();
}

bool WebSocketClient::send(const QJsonObject& envelope)
{
    if (!isConnected())
        return false;
    m_socket->sendTextMessage(QString::fromUtf8(envelopeBytes(envelope)));
    return true;
}

void WebSocketClient::sendRaw(const QString& text)
{
    if (isConnected())
        m_socket->sendTextMessage(text);
}

} // namespace PatternScope
