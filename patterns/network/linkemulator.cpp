// SPDX-License-Identifier: GPL-3.0-or-later
#include "linkemulator.h"

#include <algorithm>

namespace PatternScope {

LinkEmulator::LinkEmulator(Trace* trace, quint64 seed, QObject* parent)
    : QObject(parent)
    , m_trace(trace)
    , m_seed(seed)
{
}

LinkEmulator::~LinkEmulator() = default;

Link* LinkEmulator::addLink(int client, int server, quint16 serverPort, quint16 listenPort)
{
    return addLink(client, server, QHostAddress(QHostAddress::LocalHost), serverPort,
        QHostAddress(QHostAddress::LocalHost), listenPort);
}

Link* LinkEmulator::addLink(int client, int server, const QHostAddress& serverAddress, quint16 serverPort,
    const QHostAddress& listenAddress, quint16 listenPort)
{
    // Each link draws its own jitter from the run's seed, so runs with the same seed match.
    const quint64 linkSeed = m_seed * 0x9E3779B97F4A7C15ULL + m_links.size() + 1;
    auto* link = new Link(m_trace, client, server, serverPort, linkSeed, this);
    link->setSettings(m_settings);
    link->setServerAddress(serverAddress);
    if (!link->listen(listenAddress, listenPort)) {
        m_error = link->errorString();
        delete link;
        return nullptr;
    }
    connect(link, &Link::connectionClosed, this, &LinkEmulator::connectionClosed);
    connect(link, &Link::peerClosing, this, &LinkEmulator::peerClosing);
    m_links.push_back(link);
    Q_EMIT linkAdded(link);
    return link;
}

void LinkEmulator::setSettings(const LinkSettings& settings)
{
    m_settings = settings;
    for (Link* link : m_links)
        link->setSettings(settings);
}

void LinkEmulator::cutAll()
{
    for (Link* link : m_links)
        link->cut();
}

int LinkEmulator::openConnectionCount() const
{
    int n = 0;
    for (const Link* link : m_links)
        n += static_cast<int>(link->openConnections().size());
    return n;
}

void LinkEmulator::stallAll(TimeUs duration)
{
    for (Link* link : m_links)
        link->stall(duration);
}

} // namespace PatternScope
