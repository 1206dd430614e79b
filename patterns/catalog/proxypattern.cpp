// SPDX-License-Identifier: GPL-3.0-or-later
#include "proxypattern.h"

#include "linkemulator.h"

namespace PatternScope {

ProxyPattern::ProxyPattern(const PatternContext& context, const ProxyEndpoints& endpoints, QObject* parent)
    : Pattern(context, parent)
    , m_proxy(context.trace, context.links, endpoints, context.seed)
{
}

QList<ParameterSpec> ProxyPattern::parameterSpecs()
{
    return { latencyParameter(), jitterParameter(),
        ParameterSpec::number(QStringLiteral("bandwidth"),
            QStringLiteral("bytes per second each way, like a slow line; 0 is no cap"), ParameterSpec::Unit::Bytes, 0,
            0, 1LL << 30, true) };
}

PatternInfo ProxyPattern::info(const ProxyEndpoints& endpoints)
{
    PatternInfo info;
    info.id = QStringLiteral("proxy");
    info.title = QStringLiteral("Proxy to %1").arg(endpoints.upstreamName);
    info.description = QStringLiteral("Your own clients and server through the link: HTTP exchanges, event streams "
                                      "and WebSocket frames, one lifeline per client connection.");
    info.participants = { QStringLiteral("your clients"), QStringLiteral("your server") };
    info.parameters = parameterSpecs();
    return info;
}

bool ProxyPattern::start(QString* error)
{
    return m_proxy.start(error);
}

void ProxyPattern::stop()
{
    // Nothing of ours to wind down: the run waits for the clients' connections, then cuts what is left.
    Q_EMIT stopped();
}

} // namespace PatternScope
