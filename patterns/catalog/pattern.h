// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "parameters.h"
#include "patterninfo.h"
#include "patternregistry.h"
#include "trace.h"

#include <QObject>
#include <QStringList>
#include <functional>
#include <memory>

namespace PatternScope {

class Link;
class LinkEmulator;

// What a pattern gets to run with: where to record, the network to go through, its knobs.
struct PatternContext {
    Trace* trace = nullptr;
    LinkEmulator* links = nullptr;
    ParameterSet parameters;
    quint64 seed = 0;
    // Serve mode: only the server side runs; clients nobody here wrote connect to servePort
    // (0: any free port) through a link of their own and appear as their own lifelines.
    bool serveOnly = false;
    quint16 servePort = 0;
};

// A communication pattern played for real: it starts its servers and clients, which talk over
// loopback sockets through the link emulator and record what crosses into the trace.
class Pattern : public QObject {
    Q_OBJECT
public:
    explicit Pattern(const PatternContext& context, QObject* parent = nullptr);
    ~Pattern() override;

    // Starts servers and clients; false with a reason if a server cannot listen.
    virtual bool start(QString* error) = 0;
    // Clients stop starting new exchanges; stopped() follows once what is in flight has finished.
    virtual void stop() = 0;
    // A live parameter changed while running (the value is already range-checked).
    virtual void parameterChanged(const QString& name, qint64 value);

    const ParameterSet& parameters() const { return m_context.parameters; }
    // In serve mode, the port outside clients connect to (0 otherwise), and how to try it out.
    virtual quint16 publicPort() const { return 0; }
    virtual QStringList tryItOut() const { return {}; }
    // Where outside clients connect in serve mode: http://… or, for WebSocket patterns, ws://….
    virtual QString publicUrl() const;
    bool setParameter(const QString& name, qint64 value, QString* error = nullptr);

Q_SIGNALS:
    void stopped();

protected:
    Trace* trace() const { return m_context.trace; }
    LinkEmulator* links() const { return m_context.links; }
    quint64 seed() const { return m_context.seed; }
    bool serveOnly() const { return m_context.serveOnly; }
    // For serve mode: the link outside clients come through, listening on the serve port.
    Link* addOutsideLink(int server, quint16 serverPort, QString* error);
    qint64 parameter(const QString& name) const { return m_context.parameters.value(name); }

private:
    PatternContext m_context;
};

// Parameters shared by every pattern's network: the link's one-way latency and jitter.
ParameterSpec latencyParameter();
ParameterSpec jitterParameter();

} // namespace PatternScope
