// SPDX-License-Identifier: GPL-3.0-or-later
#include "websockethub.h"

#include "httprecorder.h"
#include "httpsyntax.h"
#include "linkemulator.h"
#include "websocketenvelope.h"
#include "wsframescanner.h"

#include <QJsonDocument>
#include <QUrlQuery>
#include <algorithm>

namespace PatternScope {

WebSocketHub::WebSocketHub(Trace* trace, int server, LinkEmulator* links, QObject* parent)
    : QObject(parent)
    , m_trace(trace)
    , m_participant(server)
    , m_links(links)
    , m_server(QStringLiteral("PatternScope"), QWebSocketServer::NonSecureMode)
{
    connect(&m_server, &QWebSocketServer::newConnection, this, &WebSocketHub::accept);
    // The links' recorders see a peer's close frame reach us; Qt 6.4 doesn't tell.
    if (m_links)
        connect(m_links, &LinkEmulator::peerClosing, this, &WebSocketHub::peerClosing);
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
    if (it != m_peers.constEnd() && it->participant >= 0)
        return it->participant;
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
    request.headers = HttpSyntax::headFields(head);
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
        Peer peer;
        peer.port = socket->peerPort();
        peer.participant = participantOf(socket);
        // The link may have seen this peer's close reach us while Qt was still at the handshake.
        const Early early = m_early.take(peer.port);
        if (early.at != NoTime && m_trace->now() - early.at <= TimeUs(m_server.handshakeTimeoutMS()) * 1000)
            peer.peerCloseCode = early.peerCloseCode;
        m_peers.insert(socket, peer);
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
    socket->sendTextMessage(QString::fromUtf8(envelopeBytes(envelope)));
    return true;
}

QString WebSocketHub::nameOf(const Peer& peer) const
{
    const Participant* who = m_trace->participant(peer.participant);
    return who ? who->name : QStringLiteral("a client");
}

QWebSocket* WebSocketHub::socketOn(quint16 peerPort) const
{
    for (auto it = m_peers.cbegin(); it != m_peers.cend(); ++it) {
        if (it->port == peerPort)
            return it.key();
    }
    return nullptr;
}

WebSocketHub::Early* WebSocketHub::earlyFor(quint16 peerPort)
{
    // Qt drops a connection whose handshake takes longer than its timeout: older ones are gone.
    const TimeUs now = m_trace->now();
    const TimeUs timeout = TimeUs(m_server.handshakeTimeoutMS()) * 1000;
    m_early.removeIf([&](const auto& entry) { return now - entry.value().at > timeout; });
    Early& early = m_early[peerPort];
    if (early.at == NoTime)
        early.at = now;
    return &early;
}

void WebSocketHub::peerClosing(quint16 serverPort, quint16 peerPort, int code)
{
    if (serverPort != m_server.serverPort())
        return;
    QWebSocket* socket = socketOn(peerPort);
    int& closeCode = socket ? m_peers[socket].peerCloseCode : earlyFor(peerPort)->peerCloseCode;
    if (closeCode == NotClosing)
        closeCode = code;
}

void WebSocketHub::refuse(QWebSocket* socket, QWebSocketProtocol::CloseCode code, const QString& reason)
{
    const auto it = m_peers.find(socket);
    if (it == m_peers.end() || it->closedHere)
        return;
    it->closedHere = true;
    m_trace->addNote(m_participant, QStringLiteral("closing %1: %2 (%3)").arg(nameOf(*it), reason).arg(int(code)));
    // The close frame's reason must fit a control frame: 123 bytes after the code.
    socket->close(code, reason.left(100));
}

void WebSocketHub::closeAll(QWebSocketProtocol::CloseCode code, const QString& reason)
{
    m_closingAll = true;
    // The peers first: each gets its close frame before the listener goes.
    const QList<QWebSocket*> peers = m_peers.keys();
    for (QWebSocket* socket : peers) {
        m_peers[socket].closedHere = true;
        socket->close(code, reason);
    }
    m_server.close();
    if (peers.isEmpty())
        QMetaObject::invokeMethod(this, &WebSocketHub::allClosed, Qt::QueuedConnection);
}

void WebSocketHub::gone(QWebSocket* socket)
{
    const auto it = m_peers.constFind(socket);
    if (it == m_peers.constEnd())
        return;
    // Qt closes a peer that breaks the protocol or the size limit by itself, and answers a peer's
    // close with the same code. Any other code it sent is its own verdict: say why, as refuse() does.
    const int code = socket->closeCode();
    const bool failure = code != QWebSocketProtocol::CloseCodeNormal && code != QWebSocketProtocol::CloseCodeGoingAway
        && code != QWebSocketProtocol::CloseCodeMissingStatusCode
        && code != QWebSocketProtocol::CloseCodeAbnormalDisconnection;
    if (!it->closedHere && failure && code != it->peerCloseCode) {
        QString why = socket->closeReason();
        if (code == QWebSocketProtocol::CloseCodeTooMuchData)
            why = QStringLiteral("message over the %1-byte limit").arg(m_maxMessage);
        else if (why.endsWith(u'.'))
            why.chop(1);
        m_trace->addNote(m_participant, QStringLiteral("closing %1: %2 (%3)").arg(nameOf(*it), why).arg(code));
    }
    Q_EMIT peerDisconnected(socket);
    m_peers.remove(socket);
    socket->deleteLater();
    if (m_closingAll && m_peers.isEmpty())
        Q_EMIT allClosed();
}

} // namespace PatternScope
