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
// resumes after the last item it has (?since=N), so nothing is lost or repeated. A run ends with the
// close handshake, code 1000.
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

private:
    struct ClientState {
        qint64 lastItem = 0;
        int sent = 0;
    };
    // server side
    void peerConnected(QWebSocket* socket);
    void envelopeReceived(QWebSocket* socket, const QJsonObject& envelope);
    void push(const Item& item);
    void sendFrom(QWebSocket* socket, qint64 cursor);
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
    int m_server = -1;
    int m_pings = 0;
    int m_stoppedClients = 0;
    bool m_stopping = false;
};

} // namespace PatternScope
