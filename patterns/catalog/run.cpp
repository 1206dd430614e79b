// SPDX-License-Identifier: GPL-3.0-or-later
#include "run.h"

#include "joindoor.h"
#include "joinpage.h"
#include "linkemulator.h"
#include "proxypattern.h"
#include "trace.h"

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace PatternScope {

Run::Run(QObject* parent)
    : QObject(parent)
    , m_trace(std::make_unique<Trace>())
{
    m_grace.setSingleShot(true);
    connect(&m_grace, &QTimer::timeout, this, [this] {
        // Whatever has not finished by now is cut, so the run ends in bounded time.
        m_trace->addNote(-1, QStringLiteral("run stopped: open connections cut"));
        m_links->cutAll();
        finish();
    });
    // Once clients have left, what their connections used goes back to the system. glibc keeps the pages of
    // freed buffers that lie among what the recording keeps, so a server that outside clients join and leave
    // in rounds grew by what each round had used (bench/sse_rounds.py: 28 -> 45 -> 52 MB for two rounds of
    // 200 streams, 11 MB of it freed pages each time). Trimming took 0.2 ms after a 200k-message flood.
    m_clientsLeft.setSingleShot(true);
    m_clientsLeft.setInterval(1000);
#if defined(__GLIBC__)
    connect(&m_clientsLeft, &QTimer::timeout, this, [] { malloc_trim(0); });
#endif
}

Run::~Run()
{
    // The pattern's clients and servers go before the links they talk through, and both before the trace.
    m_pattern.reset();
    m_links.reset();
}

bool Run::start(const PatternInfo& info, const ParameterSet& parameters, quint64 seed, QString* error)
{
    m_info = info;
    m_seed = seed;
    m_links = std::make_unique<LinkEmulator>(m_trace.get(), seed);
    PatternContext context;
    context.trace = m_trace.get();
    context.links = m_links.get();
    context.parameters = parameters;
    context.seed = seed;
    context.serveOnly = m_serveOnly;
    context.servePort = m_servePort;
    context.door = m_door;
    if (context.door.isOpen() && context.door.page.isEmpty())
        context.door.page = JoinPage::build(info);
    if (context.door.isOpen() && context.door.token.isEmpty())
        context.door.token = JoinDoor::newToken();
    context.produceForMs = m_produceForMs;
    m_pattern = m_makePattern ? m_makePattern(context) : PatternRegistry::create(info.id, context);
    if (!m_pattern) {
        *error = QStringLiteral("no pattern called %1").arg(info.id);
        return false;
    }
    applyLinkSettings();
    connect(m_pattern.get(), &Pattern::stopped, this, [this] {
        m_patternStopped = true;
        finishWhenQuiet();
    });
    connect(m_links.get(), &LinkEmulator::connectionClosed, this, &Run::finishWhenQuiet);
    connect(m_links.get(), &LinkEmulator::connectionClosed, &m_clientsLeft, qOverload<>(&QTimer::start));
    m_startedAt = QDateTime::currentDateTimeUtc();
    m_trace->startClock();
    m_running = true;
    if (!m_pattern->start(error)) {
        m_running = false;
        return false;
    }
    return true;
}

bool Run::startProxy(const ProxyEndpoints& endpoints, const ParameterSet& parameters, quint64 seed, QString* error)
{
    m_makePattern = [endpoints](const PatternContext& context) -> std::unique_ptr<Pattern> {
        return std::make_unique<ProxyPattern>(context, endpoints);
    };
    return start(ProxyPattern::info(endpoints), parameters, seed, error);
}

void Run::stop(int graceMs)
{
    if (!m_running || m_grace.isActive())
        return;
    // Draining takes a few trips over the link (the last answers, the close handshake): the grace
    // period grows with the link's delay.
    const LinkSettings link = m_links->settings();
    m_grace.start(int(graceMs + 4 * (link.latencyUs + link.jitterUs) / 1000));
    m_pattern->stop();
}

bool Run::setParameter(const QString& name, qint64 value, QString* error)
{
    if (!m_pattern) {
        if (error)
            *error = QStringLiteral("no run");
        return false;
    }
    if (!m_pattern->setParameter(name, value, error))
        return false;
    applyLinkSettings();
    return true;
}

void Run::applyLinkSettings()
{
    const ParameterSet& p = m_pattern->parameters();
    LinkSettings settings = m_links->settings();
    if (p.contains(QStringLiteral("latency")))
        settings.latencyUs = p.value(QStringLiteral("latency")) * 1000;
    if (p.contains(QStringLiteral("jitter")))
        settings.jitterUs = p.value(QStringLiteral("jitter")) * 1000;
    if (p.contains(QStringLiteral("bandwidth")))
        settings.bandwidthBytesPerSec = p.value(QStringLiteral("bandwidth"));
    m_links->setSettings(settings);
}

void Run::finishWhenQuiet()
{
    // The trace is complete once the clients have stopped and their connections have closed.
    if (m_patternStopped && m_links->openConnectionCount() == 0)
        finish();
}

void Run::finish()
{
    if (!m_running)
        return;
    m_running = false;
    m_grace.stop();
    // The run is over: whatever is still on its way will never arrive.
    const TimeUs now = m_trace->now();
    for (qint64 seq : m_trace->inFlight())
        m_trace->loseMessage(seq, now);
    Q_EMIT finished();
}

} // namespace PatternScope
