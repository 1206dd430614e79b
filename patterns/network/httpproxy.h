// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "trace.h"

#include <QHostAddress>
#include <QObject>
#include <memory>

namespace PatternScope {

class Link;
class LinkEmulator;
class ProxyRecording;

// Where a proxy listens and what it relays to.
struct ProxyEndpoints {
    QHostAddress listenAddress { QHostAddress::LocalHost }; // anything else only when a user asks
    quint16 listenPort = 0; // 0: any free port
    QHostAddress upstreamAddress { QHostAddress::LocalHost };
    quint16 upstreamPort = 0;
    QString upstreamName; // as the user wrote it, "127.0.0.1:3000"
    bool rewriteHost = false; // requests get the upstream's name as their Host; otherwise bytes pass as they are
};

// Puts a user's own client and server on either side of the link emulator: clients connect to the
// proxy, each connection is relayed to the upstream server through a link (latency, jitter,
// bandwidth, cut, stall) and recorded from its bytes (see tapProxyConnection). A connection the
// upstream refuses gets a 502 Bad Gateway the proxy makes itself, marked as such on its arrow.
class HttpProxy : public QObject {
    Q_OBJECT
public:
    HttpProxy(
        Trace* trace, LinkEmulator* links, const ProxyEndpoints& endpoints, quint64 seed, QObject* parent = nullptr);
    ~HttpProxy() override;

    // Adds the upstream's lifeline and starts listening; false with *error set when it cannot listen.
    bool start(QString* error);
    quint16 port() const;
    QHostAddress listenAddress() const { return m_endpoints.listenAddress; }
    const ProxyEndpoints& endpoints() const { return m_endpoints; }
    int server() const { return m_server; }
    Link* link() const { return m_link; }
    // A request the upstream has not begun to answer after this long is drawn as held (a long poll).
    void setHoldAfter(TimeUs holdAfter);

    // The 502 the proxy answers with when the upstream cannot be reached.
    static QByteArray badGateway(const QString& upstream, const QString& error);

private:
    Trace* m_trace;
    LinkEmulator* m_links;
    ProxyEndpoints m_endpoints;
    quint64 m_seed;
    int m_server = -1;
    Link* m_link = nullptr;
    std::shared_ptr<ProxyRecording> m_recording;
};

} // namespace PatternScope
