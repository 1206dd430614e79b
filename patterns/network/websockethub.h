// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "trace.h"
#include "websocketenvelope.h"

#include <QHash>
#include <QJsonObject>
#include <QObject>
#include <QPointer>
#include <QTimer>
#include <QUrl>
#include <QWebSocket>
#include <QWebSocketServer>
#include <functional>

namespace PatternScope {

class Link;
class LinkEmulator;
struct WebSocketRecording;

// The server half the WebSocket patterns share: a QWebSocketServer on 127.0.0.1 that clients reach
// through links, its size limit, and the envelope rule: every text message is one JSON object with
// a string "type". A peer that breaks the rule is closed (1007 malformed, 1003 binary or unknown)
// with a note on the server's lifeline; everyone else is served on. So is a peer that breaks RFC 6455
// where Qt 6.4 doesn't look (an unmasked frame, which the link's recorder sees: 1002), and one that
// Qt closes by itself (1002 protocol errors, 1007 invalid UTF-8, 1009 too big): the note says why.
class WebSocketHub : public QObject {
    Q_OBJECT
public:
    WebSocketHub(Trace* trace, int server, LinkEmulator* links, QObject* parent = nullptr);
    ~WebSocketHub() override;

    bool listen(QString* error);
    quint16 port() const { return m_server.serverPort(); }
    void setMaxMessageSize(qint64 bytes);
    qint64 maxMessageSize() const { return m_maxMessage; }

    // The lifeline of a peer, found through the link it came by; -1 if unknown.
    int participantOf(QWebSocket* socket) const;
    QList<QWebSocket*> peers() const { return m_peers.keys(); }
    int peerCount() const { return int(m_peers.size()); }
    // Sends one envelope; false if the peer is no longer connected.
    bool send(QWebSocket* socket, const QJsonObject& envelope);
    // Closes a peer with a code and a reason, noted on the server's lifeline.
    void refuse(QWebSocket* socket, QWebSocketProtocol::CloseCode code, const QString& reason);
    // Stop: closes every peer with this code; allClosed() follows when none is left.
    void closeAll(QWebSocketProtocol::CloseCode code, const QString& reason);

    // For outside links: names the lifeline of an upgrade request the way HTTP patterns do.
    int outsideParticipant(const QByteArray& head, Participant::Role role);

Q_SIGNALS:
    void peerConnected(QWebSocket* socket);
    void envelopeReceived(QWebSocket* socket, const QJsonObject& envelope);
    void peerDisconnected(QWebSocket* socket);
    void allClosed();

private:
    static constexpr int NotClosing = -2;
    struct Peer {
        int participant = -1;
        quint16 port = 0; // as the socket saw it when accepted: it forgets once disconnected
        bool closedHere = false; // by the pattern or this hub, with its own note
        int peerCloseCode = NotClosing; // the close frame the peer sent, once it reached us (-1: no code)
    };
    // A peer's close frame that reached us before Qt handed its connection over.
    struct Early {
        TimeUs at = NoTime;
        int peerCloseCode = NotClosing;
    };

    void accept();
    void textReceived(QWebSocket* socket, const QString& text);
    void gone(QWebSocket* socket);
    QString nameOf(const Peer& peer) const;
    QWebSocket* socketOn(quint16 peerPort) const;
    Early* earlyFor(quint16 peerPort);
    void peerClosing(quint16 serverPort, quint16 peerPort, int code);

    Trace* m_trace;
    int m_participant;
    LinkEmulator* m_links;
    QWebSocketServer m_server;
    qint64 m_maxMessage = 64 * 1024;
    QHash<QWebSocket*, Peer> m_peers;
    QHash<quint16, Early> m_early; // by peer port
    QHash<QString, int> m_outside; // outside lifelines by name
    bool m_closingAll = false;
};

} // namespace PatternScope
