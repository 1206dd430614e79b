// SPDX-License-Identifier: GPL-3.0-or-later
#include "httpproxy.h"

#include "hostrewriter.h"
#include "link.h"
#include "linkconnection.h"
#include "linkemulator.h"
#include "proxyrecorder.h"

namespace PatternScope {

HttpProxy::HttpProxy(Trace* trace, LinkEmulator* links, const ProxyEndpoints& endpoints, quint64 seed, QObject* parent)
    : QObject(parent)
    , m_trace(trace)
    , m_links(links)
    , m_endpoints(endpoints)
    , m_seed(seed)
{
}

HttpProxy::~HttpProxy() = default;

bool HttpProxy::start(QString* error)
{
    const QString name = m_endpoints.upstreamName.isEmpty()
        ? QStringLiteral("%1:%2").arg(m_endpoints.upstreamAddress.toString()).arg(m_endpoints.upstreamPort)
        : m_endpoints.upstreamName;
    m_server = m_trace->addParticipant(QStringLiteral("server ") + name, Participant::Role::Server);
    m_link = m_links->addLink(-1, m_server, m_endpoints.upstreamAddress, m_endpoints.upstreamPort,
        m_endpoints.listenAddress, m_endpoints.listenPort);
    if (!m_link) {
        *error = QStringLiteral("cannot listen on %1:%2: %3")
                     .arg(m_endpoints.listenAddress.toString())
                     .arg(m_endpoints.listenPort)
                     .arg(m_links->errorString());
        return false;
    }
    m_recording = std::make_shared<ProxyRecording>(m_trace, m_server, m_seed);
    const std::shared_ptr<ProxyRecording> recording = m_recording;
    m_link->setConnectionTap([recording](LinkConnection* connection) { tapProxyConnection(connection, recording); });
    if (m_endpoints.rewriteHost) {
        m_link->setUpstreamRewrite([host = name.toLatin1()](LinkConnection*) {
            auto rewriter = std::make_shared<HostRewriter>(host);
            return Link::Rewrite([rewriter](QByteArray bytes) { return rewriter->rewrite(bytes); });
        });
    }
    m_link->setRefusalAnswer([name](LinkConnection* connection, const QString& reason) {
        markOwnAnswer(connection, QStringLiteral("upstream refused"));
        return badGateway(name, reason);
    });
    return true;
}

quint16 HttpProxy::port() const
{
    return m_link ? m_link->port() : 0;
}

void HttpProxy::setHoldAfter(TimeUs holdAfter)
{
    if (m_recording)
        m_recording->setHoldAfter(holdAfter);
}

QByteArray HttpProxy::badGateway(const QString& upstream, const QString& error)
{
    const QByteArray body = QStringLiteral("patternscope proxy: the upstream server %1 could not be reached (%2)\n")
                                .arg(upstream, error)
                                .toUtf8();
    return QByteArrayLiteral("HTTP/1.1 502 Bad Gateway\r\n"
                             "Content-Type: text/plain; charset=utf-8\r\n"
                             "Via: 1.1 patternscope-proxy\r\n"
                             "Connection: close\r\n"
                             "Content-Length: ")
        + QByteArray::number(body.size()) + QByteArrayLiteral("\r\n\r\n") + body;
}

} // namespace PatternScope
