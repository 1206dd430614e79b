// SPDX-License-Identifier: GPL-3.0-or-later
// The HAR entries' extensions for streams, as Chrome names them: _webSocketMessages on a WebSocket's
// upgrade entry, _eventSourceMessages on an event stream's entry (see harexport.cpp for the mapping).
// Every message of the stream is listed, delivered or not: a HAR of a trace loses nothing silently.
#include "harextensions.h"

#include "eventstreamparser.h"

namespace PatternScope::Har {

namespace {

// Publish and deliver arrows are the broker's envelopes, carried in WebSocket frames: the opcode recorded
// with them (none when they travelled some other way).
int frameOpcode(const Message& m)
{
    const int opcode = webSocketOpcode(m);
    if (opcode >= 0)
        return opcode;
    return m.kind == Message::Kind::Publish || m.kind == Message::Kind::Deliver ? m.fields.opcode : -1;
}

// A message that never arrived keeps its place in the HAR: its time is where its arrow ends in the trace
// (the loss), or where it started when the trace ended first; writeState says why, after Chrome's fields.
void writeTime(HarJson& json, const Message& m, bool sent, qint64 epochUs)
{
    const bool delivered = m.state == Message::State::Delivered;
    const TimeUs at = sent || (!delivered && m.receivedAt == NoTime) ? m.sentAt : m.receivedAt;
    json.raw("time", epochSecondsText(epochUs + at));
}

void writeState(HarJson& json, const Message& m)
{
    if (m.state != Message::State::Delivered)
        json.string("_state", m.state == Message::State::Lost ? QStringLiteral("lost") : QStringLiteral("in-flight"));
}

} // namespace

void writeWebSocketMessages(HarJson& json, const Trace& trace, const QList<qint64>& seqs, const Message& upgrade,
    int connection, qint64 epochUs)
{
    json.beginArray("_webSocketMessages");
    for (const qint64 seq : seqs) {
        const Message& m = trace.message(seq);
        if (connection < 0 || m.connection != connection)
            continue;
        const int opcode = frameOpcode(m);
        if (opcode < 0)
            continue;
        const bool sent = m.from == upgrade.from;
        json.beginObject();
        json.string("type", sent ? QStringLiteral("send") : QStringLiteral("receive"));
        writeTime(json, m, sent, epochUs);
        json.number("opcode", opcode);
        const bool text = opcode == 1 || opcode == 9 || opcode == 10;
        json.string("data", text ? QString::fromUtf8(m.bodyPreview()) : QString::fromLatin1(m.bodyPreview().toBase64()));
        writeState(json, m);
        json.endObject();
    }
    json.endArray();
}

void writeEventSourceMessages(
    HarJson& json, const Trace& trace, const QList<qint64>& seqs, const Message& response, qint64 epochUs)
{
    json.beginArray("_eventSourceMessages");
    for (const qint64 seq : seqs) {
        const Message& m = trace.message(seq);
        if (m.kind != Message::Kind::SseEvent || m.sentAt < response.sentAt || m.from != response.from
            || m.to != response.to || (response.connection >= 0 && m.connection != response.connection))
            continue;
        // The events as the client's EventSource dispatched them, from the bytes that crossed.
        EventStreamParser parser;
        parser.feed(m.bodyPreview());
        const QList<ServerSentEvent> events = parser.takeEvents();
        for (const ServerSentEvent& event : events) {
            json.beginObject();
            writeTime(json, m, false, epochUs);
            json.string("eventName", event.type);
            json.string("eventId", event.lastEventId);
            json.string("data", event.data);
            writeState(json, m);
            json.endObject();
        }
        if (events.isEmpty()) {
            // A block that dispatches nothing (a heartbeat comment, a retry field) crossed all the same.
            json.beginObject();
            writeTime(json, m, false, epochUs);
            json.string("eventName", QString());
            json.string("eventId", QString());
            json.string("data", QString());
            json.string("_text", QString::fromUtf8(m.bodyPreview()));
            writeState(json, m);
            json.endObject();
        }
    }
    json.endArray();
}

} // namespace PatternScope::Har
