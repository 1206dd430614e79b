// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "message.h"
#include "trace.h"

#include <QString>
#include <QStringList>
#include <QStringView>

namespace PatternScope {

// How much of a run a diagram shows. Wire: every frame, connect and ping, labelled as it went over
// the wire ("GET /poll?since=3", "204 No Content · timeout"). Textbook: the steps a textbook draws,
// in its words ("Request", "Response (no data)", "Wait until data is ready"); the plumbing beneath
// them (TCP connect and close, pings and pongs, SSE heartbeats) is left out.
enum class DetailLevel { Wire, Textbook };

// The Textbook level: what a run looks like in the seed's diagrams. Pure functions of the structured
// fields of the trace (kind, MessageFields, the items carried, the protocol's headers), never of a
// display label, so every pattern, a recorded file and a HAR import read alike.
namespace Textbook {

// "wire", "textbook": what --detail takes and the settings keep.
QString detailName(DetailLevel level);
// Case-insensitive; false (and `level` untouched) for anything else.
bool detailFromName(QStringView name, DetailLevel* level);
QStringList detailNames();

// Whether a message is drawn at the Textbook level: false for the plumbing beneath the pattern (TCP
// connect and close, WebSocket pings and pongs, SSE comments such as heartbeats).
bool shown(const Message& message);

// The message in the textbook's words: "Request", "Response (no data)", "Response (data ready)",
// "Establish connection", "Connection established", "Send update", "Subscribe (prices)",
// "Publish (prices)", "Deliver (prices)", "Request (with callback info)", "Accepted",
// "Invoke the callback", "Acknowledge". Never empty.
QString label(const Message& message);

// What a participant is busy with: "Wait until data is ready" for a held long poll, "Process the
// request" for any other work.
QString activationLabel(const Activation& activation);

// A note: "New data" for an item the producer made (Note::item), the note's own text otherwise
// (faults and recoveries matter at every level).
QString noteText(const Note& note);

} // namespace Textbook

} // namespace PatternScope
