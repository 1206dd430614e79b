// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "harjson.h"

#include <QList>

namespace PatternScope::Har {

// The frames of the WebSocket whose upgrade request is `upgrade`, on `connection`, among the messages
// `seqs` (in send order): Chrome's {type, time, opcode, data}, "send" being the client's side; publish and
// deliver envelopes included; `_state` "lost" or "in-flight" on a frame that did not arrive.
void writeWebSocketMessages(HarJson& json, const Trace& trace, const QList<qint64>& seqs, const Message& upgrade,
    int connection, qint64 epochUs);
// The events the event stream answered with `response` dispatched: {time, eventName, eventId, data}; a
// block that dispatched none (a comment) as one item with empty fields and its text in `_text`; `_state`
// as for frames.
void writeEventSourceMessages(
    HarJson& json, const Trace& trace, const QList<qint64>& seqs, const Message& response, qint64 epochUs);

} // namespace PatternScope::Har
