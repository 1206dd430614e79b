// SPDX-License-Identifier: GPL-3.0-or-later
#include "pattern.h"

#include "httpgate.h"
#include "joindoor.h"
#include "linkemulator.h"

#include <QNetworkInterface>
#include <QPointer>

namespace PatternScope {

Pattern::Pattern(const PatternContext& context, QObject* parent)
    : QObject(parent)
    , m_context(context)
{
}

Pattern::~Pattern() = default;

void Pattern::parameterChanged(const QString&, qint64) { }

bool Pattern::setParameter(const QString& name, qint64 value, QString* error)
{
    const ParameterSpec* spec = m_context.parameters.spec(name);
    if (spec && !spec->live) {
        if (error)
            *error = QStringLiteral("%1 cannot change while a run is going").arg(name);
        return false;
    }
    if (!m_context.parameters.set(name, value, error))
        return false;
    parameterChanged(name, value);
    return true;
}

quint16 Pattern::publicPort() const
{
    return m_outside ? m_outside->port() : 0;
}

QString Pattern::publicUrl() const
{
    if (m_door)
        return ServeDoor::baseUrl(m_door->addresses().value(0), m_door->port(), m_scheme);
    return QStringLiteral("%1://127.0.0.1:%2").arg(m_scheme).arg(publicPort());
}

QStringList Pattern::joinUrls() const
{
    QStringList urls;
    if (!m_door)
        return urls;
    for (const QHostAddress& address : m_door->addresses())
        urls.append(ServeDoor::baseUrl(address, m_door->port()) + QStringLiteral("/join?token=")
            + QString::fromLatin1(m_context.door.token));
    return urls;
}

int Pattern::doorConnections() const
{
    return m_door ? m_door->connectionCount() : 0;
}

bool Pattern::openOutsideLink(int server, quint16 serverPort, QString* error, const QString& scheme)
{
    m_scheme = scheme;
    const bool door = m_context.door.isOpen();
    // Behind a door the link listens on loopback at any port; the door takes the serve port.
    m_outside = m_context.links->addLink(-1, server, serverPort, door ? 0 : m_context.servePort);
    if (!m_outside) {
        *error = QStringLiteral("cannot listen on 127.0.0.1:%1: %2")
                     .arg(door ? 0 : m_context.servePort)
                     .arg(m_context.links->errorString());
        return false;
    }
    return !door || openDoor(m_outside->port(), error);
}

bool Pattern::openDoor(quint16 linkPort, QString* error)
{
    const ServeDoor& settings = m_context.door;
    m_door = new HttpGate(this);
    HttpLimits limits = m_door->limits();
    limits.maxConnections = settings.maxClients;
    limits.maxConnectionsPerAddress = settings.maxPerAddress;
    m_door->setLimits(limits);
    m_door->setDoor(std::make_shared<JoinDoor>(settings.token, settings.page));
    connect(m_door, &HttpGate::breach, this, [this](const HttpBreach& breach) { ++m_doorAnswers[breach.status]; });
    if (!m_door->listen(settings.addresses, m_context.servePort, linkPort)) {
        *error = m_door->errorString();
        delete std::exchange(m_door, nullptr);
        return false;
    }
    // The servers behind count connections per student, not per door.
    QPointer<HttpGate> gate(m_door);
    m_outside->setAddressBehind([gate](const QHostAddress& accepted, quint16 port) {
        const QHostAddress behind = gate ? gate->publicPeerAddress(port) : QHostAddress();
        return behind.isNull() ? accepted : behind;
    });
    return true;
}

QList<QHostAddress> ServeDoor::lanAddresses()
{
    QList<QHostAddress> addresses;
    const auto interfaces = QNetworkInterface::allInterfaces();
    for (const QNetworkInterface& interface : interfaces) {
        const auto flags = interface.flags();
        if (!flags.testFlag(QNetworkInterface::IsUp) || !flags.testFlag(QNetworkInterface::IsRunning)
            || flags.testFlag(QNetworkInterface::IsLoopBack))
            continue;
        for (const QNetworkAddressEntry& entry : interface.addressEntries()) {
            const QHostAddress address = entry.ip();
            if (address.isLoopback() || address.isLinkLocal() || address.isNull())
                continue;
            addresses.append(address);
        }
    }
    return addresses;
}

QString ServeDoor::baseUrl(const QHostAddress& address, quint16 port, const QString& scheme)
{
    const QString host = address.protocol() == QAbstractSocket::IPv6Protocol
        ? QStringLiteral("[%1]").arg(address.toString())
        : address.toString();
    return QStringLiteral("%1://%2:%3").arg(scheme, host).arg(port);
}

QList<int> Pattern::addLifelines(const QString& name, Participant::Role role, int count)
{
    QList<int> ids;
    for (int i = 1; i <= count; ++i)
        ids.append(trace()->addParticipant(count == 1 ? name : QStringLiteral("%1 %2").arg(name).arg(i), role));
    return ids;
}

Link* Pattern::addClientLink(int client, int server, quint16 serverPort, QString* error)
{
    Link* link = m_context.links->addLink(client, server, serverPort);
    if (!link)
        *error = m_context.links->errorString();
    return link;
}

ParameterSpec latencyParameter()
{
    return ParameterSpec::number(QStringLiteral("latency"), QStringLiteral("one-way delay of the link, each direction"),
        ParameterSpec::Unit::Milliseconds, 250, 0, 10'000, true);
}

ParameterSpec jitterParameter()
{
    return ParameterSpec::number(QStringLiteral("jitter"),
        QStringLiteral("random extra or lesser delay per chunk, up to this much"), ParameterSpec::Unit::Milliseconds, 0,
        0, 5'000, true);
}

} // namespace PatternScope
