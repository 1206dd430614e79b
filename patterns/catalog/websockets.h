// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "pattern.h"
#include "producer.h"
#include "websocketclient.h"
#include "websockethub.h"

#include <QHash>
#include <QTimer>
#include <memory>

namespace PatternScope {

class Link;

// One HTTP Upgrade, then a persistent two-way channel. The server pushes each item as it is
// produced ({"type":"item","id":17,"text":"…"}) and pings every client; each client sends its own
// messages at an interval ({"type":"chat",…}). A client that is cut off reconnects with back-off and
// resumes after the last item it has (?since=N), so nothing is lost or repeated; ids the bounded
// history no longer holds are named in a {"type":"gap","from":A,"to":B} message instead. A run ends,
// once what is on the wire has arrived, with the close handshake, code 1000.
class WebSockets : public Pattern {
    Q_OBJECT
public:
    explicit WebSockets(const PatternContext& context, QObject* parent = nullptr);
    ~WebSockets() override;

    static PatternInfo info();

    bool start(QString* error) override;
    void stop() override;
    void parameterChanged(const QString& name, qint64 value) override;
    QStringList tryItOut() const override;

    int serverId() const { return m_server; }
    const QList<WebSocketClient*>& clients() const { return m_clients; }
    Producer* producer() const { return m_producer.get(); }
    WebSocketHub* hub() const { return m_hub.get(); }
    // The last item a client has received.
    qint64 lastItem(WebSocketClient* client) const { return m_state.value(client).lastItem; }
    // Ranges of ids the server said a client could no longer get, in order.
    QList<QPair<qint64, qint64>> gaps(WebSocketClient* client) const { return m_state.value(client).gaps; }

private:
    struct ClientState {
        qint64 lastItem = 0;
        int sent = 0;
        QList<QPair<qint64, qint64>> gaps;
    };
    // server side
    void peerConnected(QWebSocket* socket);
    void envelopeReceived(QWebSocket* socket, const QJsonObject& envelope);
    // Sends a peer what it does not have yet, in order: a gap message for ids the history no longer
    // holds, then items. A peer far behind gets one batch now and the rest in later turns of the
    // event loop (or once its socket has drained), so the link and every other peer keep being served.
    void catchUp(QWebSocket* socket);
    void catchUpAll();
    void pingAll();
    // client side
    void itemReceived(WebSocketClient* client, const QJsonObject& envelope);
    void clientStopped();

    std::unique_ptr<WebSocketHub> m_hub;
    std::unique_ptr<Producer> m_producer;
    QHash<QWebSocket*, qint64> m_cursors; // the last item sent to each peer
    QList<WebSocketClient*> m_clients;
    QHash<WebSocketClient*, ClientState> m_state;
    QTimer m_ping;
    QTimer m_chat;
    QTimer m_catchUp;
    int m_server = -1;
    int m_pings = 0;
    int m_stoppedClients = 0;
    bool m_stopping = false;
};

} // namespace PatternScope
