// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "parameters.h"
#include "patterninfo.h"
#include "patternregistry.h"
#include "trace.h"

#include <QHash>
#include <QHostAddress>
#include <QObject>
#include <QStringList>
#include <functional>
#include <memory>

namespace PatternScope {

class HttpGate;
class Link;
class LinkEmulator;

// serve --lan: students' browsers join a served run through a door on the machine's LAN addresses.
// The door lets a request in only with the join token (taken out before the run sees it), answers the
// join page itself, and holds connections to the limits (see JoinDoor and HttpGate::setDoor).
struct ServeDoor {
    static constexpr int kDefaultMaxClients = 100;
    static constexpr int kMaxMaxClients = 250; // below the servers' own limits behind the door
    static constexpr int kDefaultMaxPerAddress = 8;
    static constexpr int kMaxMaxPerAddress = 64;

    QList<QHostAddress> addresses; // where the door listens; empty: no door (127.0.0.1, as before)
    QByteArray token;
    int maxClients = kDefaultMaxClients; // open connections in total; beyond: 503
    int maxPerAddress = kDefaultMaxPerAddress; // open connections from one address; beyond: 429
    QByteArray page; // the pattern's join page (Run::start fills it in)

    bool isOpen() const { return !addresses.isEmpty(); }
    // The machine's own addresses on the networks it is on: IPv4 and IPv6 ones of interfaces that are up,
    // except loopback and link-local.
    static QList<QHostAddress> lanAddresses();
    // "http://ADDRESS:PORT", brackets around IPv6.
    static QString baseUrl(const QHostAddress& address, quint16 port, const QString& scheme = QStringLiteral("http"));
};

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
    ServeDoor door; // serve --lan
    // Producers make items only for this long after they start (0: until the run stops).
    qint64 produceForMs = 0;
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
    quint16 publicPort() const;
    virtual QStringList tryItOut() const { return {}; }
    // Where outside clients connect in serve mode: http://… or, for WebSocket patterns, ws://….
    QString publicUrl() const;
    // serve --lan: the join page's address on each address the door listens on, token included.
    QStringList joinUrls() const;
    const ServeDoor& door() const { return m_context.door; }
    // serve --lan: the door's own connections now, and its answers so far by status (page 200, 403, 429, 503).
    int doorConnections() const;
    QHash<int, int> doorAnswers() const { return m_doorAnswers; }
    bool setParameter(const QString& name, qint64 value, QString* error = nullptr);

Q_SIGNALS:
    void stopped();

protected:
    Trace* trace() const { return m_context.trace; }
    LinkEmulator* links() const { return m_context.links; }
    quint64 seed() const { return m_context.seed; }
    bool serveOnly() const { return m_context.serveOnly; }
    qint64 produceForMs() const { return m_context.produceForMs; }
    // How every pattern's server side meets its clients, once the server listens on serverPort.
    // Serve mode: the one link outside clients come through, listening on the serve port; publicUrl()
    // names it with `scheme`. False with a reason if it cannot listen.
    bool openOutsideLink(
        int server, quint16 serverPort, QString* error, const QString& scheme = QStringLiteral("http"));
    Link* outsideLink() const { return m_outside; }
    // Lifelines for `count` of our own clients: `name` alone when there is one, else "name 1".."name N".
    QList<int> addLifelines(const QString& name, Participant::Role role, int count);
    // The link `client` talks to the server through; nullptr with a reason if it cannot listen.
    Link* addClientLink(int client, int server, quint16 serverPort, QString* error);
    qint64 parameter(const QString& name) const { return m_context.parameters.value(name); }
    // How long a stopping pattern waits for the wire to fall quiet before it closes anyway: within the
    // run's grace period (5 s and four link delays), leaving room for the close handshake.
    qint64 drainWaitMs() const
    {
        return 2000 + 2 * (parameter(QStringLiteral("latency")) + parameter(QStringLiteral("jitter")));
    }

private:
    PatternContext m_context;
    bool openDoor(quint16 linkPort, QString* error);

    Link* m_outside = nullptr; // serve mode; owned by the link emulator
    HttpGate* m_door = nullptr; // serve --lan
    QHash<int, int> m_doorAnswers;
    QString m_scheme = QStringLiteral("http");
};

// Parameters shared by every pattern's network: the link's one-way latency and jitter.
ParameterSpec latencyParameter();
ParameterSpec jitterParameter();

} // namespace PatternScope
