// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "httpproxy.h"
#include "pattern.h"

#include <QDateTime>
#include <QObject>
#include <QTimer>
#include <memory>

namespace PatternScope {

class LinkEmulator;
class Trace;

// One run of one pattern: its trace, its network and the pattern's servers and clients.
class Run : public QObject {
    Q_OBJECT
public:
    explicit Run(QObject* parent = nullptr);
    ~Run() override;

    // Serve mode for the next start(): only the server side, outside clients join on this port.
    void setServe(quint16 port)
    {
        m_serveOnly = true;
        m_servePort = port;
    }
    // serve --lan for the next start(): students join through a door (with setServe()'s port).
    void setServeDoor(const ServeDoor& door) { m_door = door; }
    // For the next start(): the producer makes items only for this long after it starts (0: until stop()).
    void setProduceFor(qint64 ms) { m_produceForMs = ms; }
    // Starts the pattern; false with a reason if it cannot (a server that cannot listen).
    bool start(const PatternInfo& info, const ParameterSet& parameters, quint64 seed, QString* error);
    // Starts a proxy to a user's own server instead of a pattern (see ProxyPattern); its parameters are
    // ProxyPattern::parameterSpecs()'.
    bool startProxy(const ProxyEndpoints& endpoints, const ParameterSet& parameters, quint64 seed, QString* error);
    // Asks clients to stop and lets in-flight exchanges and connection closes finish; finished()
    // follows, at the latest after the grace period (plus four trips over the link), when whatever
    // is still open is cut.
    void stop(int graceMs = 5000);
    bool isRunning() const { return m_running; }

    // Changes a live parameter; the link's latency and jitter apply to bytes sent from now on.
    bool setParameter(const QString& name, qint64 value, QString* error = nullptr);

    Trace* trace() const { return m_trace.get(); }
    LinkEmulator* links() const { return m_links.get(); }
    Pattern* pattern() const { return m_pattern.get(); }
    const PatternInfo& info() const { return m_info; }
    quint64 seed() const { return m_seed; }
    QDateTime startedAt() const { return m_startedAt; }

Q_SIGNALS:
    void finished();

private:
    void applyLinkSettings();
    void finishWhenQuiet();
    void finish();

    std::unique_ptr<Trace> m_trace;
    std::unique_ptr<LinkEmulator> m_links;
    std::unique_ptr<Pattern> m_pattern;
    std::function<std::unique_ptr<Pattern>(const PatternContext&)> m_makePattern; // else the registry's
    PatternInfo m_info;
    quint64 m_seed = 0;
    QDateTime m_startedAt;
    QTimer m_grace;
    QTimer m_clientsLeft; // single shot: a second after the last connection closed, freed memory is returned
    bool m_running = false;
    bool m_patternStopped = false;
    bool m_serveOnly = false;
    quint16 m_servePort = 0;
    ServeDoor m_door;
    qint64 m_produceForMs = 0;
};

} // namespace PatternScope
