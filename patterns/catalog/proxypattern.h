// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "httpproxy.h"
#include "pattern.h"

namespace PatternScope {

// A user's own client and server, through the link, as a run the window can show live like a
// pattern's (File > Proxy a server…): not one of the seven, so not in the registry; Run starts it
// with Run::startProxy(). Its knobs are the link's: latency, jitter and bandwidth.
class ProxyPattern : public Pattern {
    Q_OBJECT
public:
    ProxyPattern(const PatternContext& context, const ProxyEndpoints& endpoints, QObject* parent = nullptr);

    // What the window shows about a proxied run; id "proxy".
    static PatternInfo info(const ProxyEndpoints& endpoints);
    static QList<ParameterSpec> parameterSpecs();

    bool start(QString* error) override;
    void stop() override;
    quint16 port() const { return m_proxy.port(); }
    const ProxyEndpoints& endpoints() const { return m_proxy.endpoints(); }

private:
    HttpProxy m_proxy;
};

} // namespace PatternScope
