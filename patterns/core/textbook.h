// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "message.h"
#include "participant.h"
#include "trace.h"

#include <QString>
#include <QStringList>
#include <QStringView>
#include <vector>

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

// The seed's reference sequence diagram of a pattern: the canonical few steps, in the textbook's words,
// between the textbook's participants (long polling: "Client → Server: Request", "Note right of Server:
// Wait until data is ready", "Server → Client: Response (delayed)"). Shown beside the live diagram, with
// the step a run is at highlighted.
struct ReferenceStep {
    enum class Kind { Message, Note };
    Kind kind = Kind::Message;
    int from = -1; // index into ReferenceDiagram::participants; a note's participant
    int to = -1; // a message's receiver
    Message::Kind drawnAs = Message::Kind::HttpRequest; // its colour, and dashed when an answer
    QString text;
};

struct ReferenceDiagram {
    QString patternId;
    std::vector<Participant> participants; // ids are their indexes
    std::vector<ReferenceStep> steps;

    bool isEmpty() const { return steps.empty(); }
};

// Empty for an id that is none of the seven patterns.
ReferenceDiagram referenceDiagram(QStringView patternId);

// The reference step a recorded message is an instance of, or -1 when it is none (plumbing, pings, a
// WebSocket handshake under publish-subscribe, closes). Reads the message's kind and fields, its
// participants' roles, and for short polling and SSE the messages recorded before it on its client's
// exchanges (a poll after "no data" is the second request; the first updates of a stream its first sends).
int stepOf(QStringView patternId, const Trace& trace, qint64 seq);

// The step a run is at by time `t`: that of the latest message sent at or before `t` that has one, or the
// wait between a request and its answer ("Wait until data is ready", "Process the request") once the
// request has arrived. -1 before the first.
int stepAt(QStringView patternId, const Trace& trace, TimeUs t);

// Records the reference diagram into an empty trace, one step a second, for the sequence painter to draw
// as it draws a run: each message's label is its step's text, a note comes with an activation from the
// step before to the step after. Returns the seq of each step's message (-1 for a note).
std::vector<qint64> recordReference(const ReferenceDiagram& diagram, Trace* trace);
constexpr TimeUs ReferenceStepSpacing = 1'000'000;

} // namespace Textbook

} // namespace PatternScope
