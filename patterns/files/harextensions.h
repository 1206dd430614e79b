// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "harjson.h"

#include <QList>

namespace PatternScope::Har {

// The frames of the WebSocket whose upgrade request is `upgrade`, on `connection`, among the messages
// `seqs` (in send order): Chrome's {type, time, opcode, data}, "send" being the client's side.
void writeWebSocketMessages(HarJson& json, const Trace& trace, const QList<qint64>& seqs, const Message& upgrade,
    int connection, qint64 epochUs);
// The events the event stream answered with `response` dispatched: {time, eventName, eventId, data}.
void writeEventSourceMessages(
    HarJson& json, const Trace& trace, const QList<qint64>& seqs, const Message& response, qint64 epochUs);

} // namespace PatternScope::Har
