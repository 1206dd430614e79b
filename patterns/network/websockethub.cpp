// SPDX-License-Identifier: GPL-3.0-or-later
#include "websockethub.h"

#include "httprecorder.h"
#include "linkemulator.h"
#include "wsframescanner.h"

#include <QJsonDocument>
#include <QUrlQuery>
#include <algorithm>

namespace PatternScope {

namespace {

constexpr qint64 kMaxBackoffMs = 30'000;
constexpr int kCloseGuardMs = 5'000; // a close handshake the server never answers ends here

QByteArray compact(const QJsonObject& envelope)
{
    return QJsonDocument(envelope).toJson(QJsonDocument::Compact);
}

} // namespace

QJsonObject envelopeOf(const QByteArray& payload)
{
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(payload, &error);
    return error.error == QJsonParseError::NoError && document.isObject() ? document.object() : QJsonObject();
}

WebSocketHub::WebSocketHub(Trace* trace, int server, LinkEmulator* links, QObject* parent)
    : QObject(parent)
    , m_trace(trace)
    , m_participant(server)
    , m_links(links)
    , m_server(QStringLiteral("PatternScope"), QWebSocketServer::NonSecureMode)
{
    connect(&m_server, &QWebSocketServer::newConnection, this, &WebSocketHub::accept);
}

WebSocketHub::~WebSocketHub()
{
    // The sockets are ours (children); they must not report to a half-destroyed hub.
    for (QWebSocket* socket : m_peers.keys())
        socket->disconnect(this);
}

bool WebSocketHub::listen(QString* error)
{
    if (m_server.listen(QHostAddress::LocalHost, 0))
        return true;
    *error = QStringLiteral("cannot listen on 127.0.0.1: %1").arg(m_server.errorString());
    return false;
}

void WebSocketHub::setMaxMessageSize(qint64 bytes)
{
    m_maxMessage = bytes; // for peers accepted from now on
}

int WebSocketHub::participantOf(QWebSocket* socket) const
{
    const auto it = m_peers.constFind(socket);
    if (it != m_peers.constEnd() && *it >= 0)
        return *it;
    for (Link* link : m_links->links()) {
        const int connection = link->connectionForServerPeerPort(socket->peerPort());
        if (connection >= 0)
            return link->clientOf(connection);
    }
    return -1;
}

int WebSocketHub::outsideParticipant(const QByteArray& head, Participant::Role role)
{
    HttpRequest request;
    const QList<QByteArray> first = head.left(head.indexOf("\r\n")).split(' ');
    if (first.size() >= 2)
        request.url = QUrl(QString::fromLatin1(first.at(1)));
    request.headers = WebSocketFrameScanner::headFields(head);
    const QString name = HttpRecorder::outsideName(request);
    auto it = m_outside.constFind(name);
    if (it != m_outside.constEnd())
        return *it;
    const int id = m_trace->addParticipant(name, role);
    m_outside.insert(name, id);
    return id;
}

void WebSocketHub::accept()
{
    while (QWebSocket* socket = m_server.nextPendingConnection()) {
        socket->setParent(this);
        // Frames too: Qt checks the two separately, and a frame can never be bigger than its message.
        socket->setMaxAllowedIncomingFrameSize(quint64(m_maxMessage));
        socket->setMaxAllowedIncomingMessageSize(quint64(m_maxMessage));
        if (m_closingAll) {
            socket->close(QWebSocketProtocol::CloseCodeGoingAway, QStringLiteral("server stopping"));
            continue;
        }
        m_peers.insert(socket, -1);
        m_peers[socket] = participantOf(socket);
        connect(socket, &QWebSocket::textMessageReceived, this,
            [this, socket](const QString& text) { textReceived(socket, text); });
        connect(socket, &QWebSocket::binaryMessageReceived, this, [this, socket](const QByteArray&) {
            refuse(socket, QWebSocketProtocol::CloseCodeDatatypeNotSupported,
                QStringLiteral("binary messages are not accepted"));
        });
        connect(socket, &QWebSocket::disconnected, this, [this, socket] { gone(socket); });
        Q_EMIT peerConnected(socket);
    }
}

void WebSocketHub::textReceived(QWebSocket* socket, const QString& text)
{
    if (!m_peers.contains(socket))
        return; // refused already; what follows the refusal is not read
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(text.toUtf8(), &error);
    QString problem;
    if (error.error != QJsonParseError::NoError)
        problem = QStringLiteral("not JSON (%1 at offset %2)").arg(error.errorString()).arg(error.offset);
    else if (!document.isObject())
        problem = QStringLiteral("not a JSON object");
    else if (!document.object().value(QStringLiteral("type")).isString())
        problem = QStringLiteral("no \"type\"");
    if (!problem.isEmpty()) {
        refuse(socket, QWebSocketProtocol::CloseCodeWrongDatatype, QStringLiteral("malformed envelope: ") + problem);
        return;
    }
    Q_EMIT envelopeReceived(socket, document.object());
}

bool WebSocketHub::send(QWebSocket* socket, const QJsonObject& envelope)
{
    if (!m_peers.contains(socket) || socket->state() != QAbstractSocket::ConnectedState)
        return false;
    socket->sendTextMessage(QString::fromUtf8(compact(envelope)));
    return true;
}

void WebSocketHub::refuse(QWebSocket* socket, QWebSocketProtocol::CloseCode code, const QString& reason)
{
    if (!m_peers.contains(socket))
        return;
    const int peer = m_peers.value(socket);
    const Participant* who = m_trace->participant(peer);
    m_trace->addNote(m_participant,
        QStringLiteral("closing %1: %2 (%3)").arg(who ? who->name : QStringLiteral("a client"), reason).arg(int(code)));
    // The close frame's reason must fit a control frame: 123 bytes after the code.
    socket->close(code, reason.left(100));
}

void WebSocketHub::closeAll(QWebSocketProtocol::CloseCode code, const QString& reason)
{
    m_closingAll = true;
    // The peers first: each gets its close frame before the listener goes.
    const QList<QWebSocket*> peers = m_peers.keys();
    for (QWebSocket* socket : peers)
        socket->close(code, reason);
    m_server.close();
    if (peers.isEmpty())
        QMetaObject::invokeMethod(this, &WebSocketHub::allClosed, Qt::QueuedConnection);
}

void WebSocketHub::gone(QWebSocket* socket)
{
    if (!m_peers.contains(socket))
        return;
    // Qt closes a peer whose message is over the limit by itself; say so where it happened.
    if (socket->closeCode() == QWebSocketProtocol::CloseCodeTooMuchData) {
        const Participant* who = m_trace->participant(m_peers.value(socket));
        m_trace->addNote(m_participant,
            QStringLiteral("closed %1: message over the %2-byte limit (1009)")
                .arg(who ? who->name : QStringLiteral("a client"))
                .arg(m_maxMessage));
    }
    Q_EMIT peerDisconnected(socket);
    m_peers.remove(socket);
    socket->deleteLater();
    if (m_closingAll && m_peers.isEmpty())
        Q_EMIT allClosed();
}

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
    m_socket->sendTextMessage(QString::fromUtf8(compact(envelope)));
    return true;
}

void WebSocketClient::sendRaw(const QString& text)
{
    if (isConnected())
        m_socket->sendTextMessage(text);
}

} // namespace PatternScope
