// SPDX-License-Identifier: GPL-3.0-or-later
#include "proxysettings.h"

#include "proxypattern.h"

#include <QHostInfo>

namespace PatternScope::ProxySettings {

namespace {

const char kPortRange[] = "a port from %2 to 65535";

// "HOST:PORT", "[V6]:PORT"; false if it is not of that form.
bool splitHostPort(const QString& text, QString* host, QString* port)
{
    if (text.startsWith(u'[')) {
        const qsizetype close = text.indexOf(QLatin1String("]:"));
        if (close < 0)
            return false;
        *host = text.mid(1, close - 1);
        *port = text.mid(close + 2);
        return true;
    }
    const qsizetype colon = text.lastIndexOf(u':');
    if (colon < 0 || text.indexOf(u':') != colon)
        return false; // a bare IPv6 address needs brackets
    *host = text.left(colon);
    *port = text.mid(colon + 1);
    return true;
}

bool parsePort(const QString& text, uint minimum, quint16* port)
{
    bool ok = false;
    const uint value = text.toUInt(&ok);
    if (!ok || value < minimum || value > 65535)
        return false;
    *port = quint16(value);
    return true;
}

} // namespace

QList<ParameterSpec> parameters()
{
    return ProxyPattern::parameterSpecs();
}

LinkSettings linkSettings(const ParameterSet& parameters)
{
    LinkSettings settings;
    settings.latencyUs = parameters.value(QStringLiteral("latency")) * 1000;
    settings.jitterUs = parameters.value(QStringLiteral("jitter")) * 1000;
    settings.bandwidthBytesPerSec = parameters.value(QStringLiteral("bandwidth"));
    return settings;
}

QString describe(const ParameterSet& parameters)
{
    const qint64 bandwidth = parameters.value(QStringLiteral("bandwidth"));
    const ParameterSpec* spec = parameters.spec(QStringLiteral("bandwidth"));
    return QStringLiteral("latency %1, jitter %2, bandwidth %3")
        .arg(formatDurationMs(parameters.value(QStringLiteral("latency"))),
            formatDurationMs(parameters.value(QStringLiteral("jitter"))),
            bandwidth == 0 || !spec ? QStringLiteral("no cap") : spec->format(bandwidth) + QStringLiteral("/s"));
}

bool parseUpstream(const QString& text, ProxyEndpoints* endpoints, QString* reason)
{
    QString host;
    QString port;
    const QString form = QString(QStringLiteral("'%1' is not HOST:PORT with ") + QLatin1String(kPortRange)
        + QStringLiteral(" (e.g. 127.0.0.1:3000)"));
    if (!splitHostPort(text.trimmed(), &host, &port) || host.isEmpty()
        || !parsePort(port, 1, &endpoints->upstreamPort)) {
        *reason = form.arg(text).arg(1);
        return false;
    }
    QHostAddress address;
    if (!address.setAddress(host)) {
        // A name: looked up once, now, so a typo is an error before anything listens.
        const QHostInfo info = QHostInfo::fromName(host);
        if (info.error() != QHostInfo::NoError || info.addresses().isEmpty()) {
            *reason = QStringLiteral("cannot find the host '%1': %2").arg(host, info.errorString());
            return false;
        }
        address = info.addresses().constFirst();
        for (const QHostAddress& candidate : info.addresses()) {
            if (candidate.protocol() == QAbstractSocket::IPv4Protocol) {
                address = candidate; // 127.0.0.1 before ::1, as the rest of PatternScope does
                break;
            }
        }
    }
    endpoints->upstreamAddress = address;
    endpoints->upstreamName = text.trimmed();
    return true;
}

bool parseListen(const QString& text, ProxyEndpoints* endpoints, QString* reason)
{
    QString host;
    QString port;
    const QString trimmed = text.trimmed();
    const bool portOnly = !trimmed.contains(u':');
    if (portOnly) {
        host = QStringLiteral("127.0.0.1");
        port = trimmed;
    }
    QHostAddress address;
    if ((!portOnly && !splitHostPort(trimmed, &host, &port)) || !parsePort(port, 0, &endpoints->listenPort)
        || !address.setAddress(host == QLatin1String("localhost") ? QStringLiteral("127.0.0.1") : host)) {
        *reason = QString(QStringLiteral("'%1' is not ADDRESS:PORT with an IP address and ") + QLatin1String(kPortRange)
            + QStringLiteral(" (e.g. 127.0.0.1:8080; 0 picks a free port)"))
                      .arg(text)
                      .arg(0);
        return false;
    }
    endpoints->listenAddress = address;
    return true;
}

QString hostText(const QHostAddress& address)
{
    if (address.protocol() == QAbstractSocket::IPv6Protocol)
        return u'[' + address.toString() + u']';
    return address.toString();
}

QString exposure(const QHostAddress& listen)
{
    if (listen.isLoopback())
        return QStringLiteral("listening on %1 only: programs on this machine can connect, no other machine")
            .arg(listen.toString());
    return QStringLiteral("listening on %1: OTHER MACHINES on your networks can connect too").arg(listen.toString());
}

} // namespace PatternScope::ProxySettings
