// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "httpproxy.h"
#include "link.h"
#include "parameters.h"

#include <QHostAddress>
#include <QString>

// What the proxy command (and the window's proxy) take from a user: where to listen, where the server
// is, and the link between them.
namespace PatternScope::ProxySettings {

// latency, jitter and bandwidth, the link's knobs (all may change while the proxy runs).
QList<ParameterSpec> parameters();
LinkSettings linkSettings(const ParameterSet& parameters);
// "latency 250ms, jitter 0ms, bandwidth no cap"
QString describe(const ParameterSet& parameters);

// "127.0.0.1:3000", "[::1]:3000", "localhost:3000": sets the upstream address, port and name; a
// host name is looked up now. On failure returns false with a reason naming the form and the range.
bool parseUpstream(const QString& text, ProxyEndpoints* endpoints, QString* reason);
// "127.0.0.1:8080", "0.0.0.0:8080", "[::1]:0", "8080" (on 127.0.0.1): an address, not a name.
bool parseListen(const QString& text, ProxyEndpoints* endpoints, QString* reason);

// An address as it goes into a URL: "[::1]" for IPv6.
QString hostText(const QHostAddress& address);
// The banner's line on who can connect: loopback only, or other machines too.
QString exposure(const QHostAddress& listen);

} // namespace PatternScope::ProxySettings
