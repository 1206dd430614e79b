// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "link.h"
#include "trace.h"

#include <QObject>
#include <vector>

namespace PatternScope {

// Owns the links of one run and the settings they share.
class LinkEmulator : public QObject {
    Q_OBJECT
public:
    explicit LinkEmulator(Trace* trace, quint64 seed = 0, QObject* parent = nullptr);
    ~LinkEmulator() override;

    // A new link from client to the server listening on serverPort, itself listening on listenPort
    // (0: any free port); nullptr with errorString() set if it cannot listen. client -1 makes a link
    // for outside clients, each connection named by the server when its first request arrives.
    Link* addLink(int client, int server, quint16 serverPort, quint16 listenPort = 0);
    // The same toward a server at serverAddress, listening on listenAddress (the proxy's --to and --listen).
    Link* addLink(int client, int server, const QHostAddress& serverAddress, quint16 serverPort,
        const QHostAddress& listenAddress, quint16 listenPort);
    QString errorString() const { return m_error; }
    const std::vector<Link*>& links() const { return m_links; }

    LinkSettings settings() const { return m_settings; }
    void setSettings(const LinkSettings& settings); // applies to every link, now and later
    void cutAll();
    void stallAll(TimeUs duration);
    int openConnectionCount() const;

Q_SIGNALS:
    // Before the link's first connection: a recorder can put its taps on it.
    void linkAdded(PatternScope::Link* link);
    void connectionClosed(int connectionId, const QString& reason);
    // Every link's Link::peerClosing, for the servers behind them.
    void peerClosing(quint16 serverPort, quint16 peerPort, int code);

private:
    Trace* m_trace;
    quint64 m_seed;
    LinkSettings m_settings;
    std::vector<Link*> m_links;
    QString m_error;
};

} // namespace PatternScope
