// SPDX-License-Identifier: GPL-3.0-or-later
#include "wiredrain.h"

#include <algorithm>

namespace PatternScope {

namespace {

// Quiet means quiet on this many checks in a row, this far apart: on loopback, in one event loop, an
// answer to what just arrived is on the wire well within that.
constexpr int kCheckMs = 10;
constexpr int kQuietChecks = 3;

} // namespace

WireDrain::WireDrain(
    Trace* trace, QSet<int> participants, qint64 maxWaitMs, std::function<void()> then, QObject* parent)
    : QObject(parent)
    , m_trace(trace)
    , m_participants(std::move(participants))
    , m_then(std::move(then))
{
    // A poll, not the trace's signals: while thousands of messages land, each check is one pass.
    m_poll.setInterval(kCheckMs);
    connect(&m_poll, &QTimer::timeout, this, &WireDrain::check);
    m_poll.start();
    m_deadline.setSingleShot(true);
    connect(&m_deadline, &QTimer::timeout, this, &WireDrain::finish);
    m_deadline.start(int(std::clamp<qint64>(maxWaitMs, 0, 3'600'000)));
}

bool WireDrain::busy() const
{
    for (qint64 seq : m_trace->inFlight()) {
        const Message& m = m_trace->message(seq);
        if (m.kind != Message::Kind::Connect && m.kind != Message::Kind::Close
            && (m_participants.contains(m.from) || m_participants.contains(m.to)))
            return true;
    }
    return false;
}

void WireDrain::check()
{
    m_quietChecks = busy() ? 0 : m_quietChecks + 1;
    if (m_quietChecks >= kQuietChecks)
        finish();
}

void WireDrain::finish()
{
    m_poll.stop();
    m_deadline.stop();
    if (!m_then)
        return;
    const std::function<void()> then = std::move(m_then);
    m_then = nullptr;
    deleteLater();
    then();
}

} // namespace PatternScope
