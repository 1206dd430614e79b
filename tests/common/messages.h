// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "trace.h"

#include <tuple>

namespace PatternScope::Test {

// A message as the tests write one: who sends it to whom, what it is and when it leaves; the rest
// keeps the defaults a recorder starts from unless given.
inline Message makeMessage(int from, int to, Message::Kind kind, const QString& label, TimeUs sentAt,
    int connection = -1, const QString& correlation = {}, qint64 bytes = 0)
{
    Message m;
    std::tie(m.from, m.to, m.kind, m.label, m.sentAt) = std::tie(from, to, kind, label, sentAt);
    std::tie(m.connection, m.correlation, m.bytes) = std::tie(connection, correlation, bytes);
    return m;
}

// Whether a recorded one-way delay is the link's emulated latency. The link never delivers early, so
// the floor is tight (timers may round by a millisecond or two); above it sit the relay, the gate and
// Qt's own parsing, which a busy 2-core machine or ASan stretches by tens of milliseconds.
inline bool isLinkDelay(TimeUs measured, TimeUs latency)
{
    return measured >= latency - 2'000 && measured <= latency + 50'000;
}

} // namespace PatternScope::Test
