// SPDX-License-Identifier: GPL-3.0-or-later
// The HAR entries' extensions for streams, as Chrome names them: _webSocketMessages on a WebSocket's
// upgrade entry, _eventSourceMessages on an event stream's entry (see harexport.cpp for the mapping).
#include "harextensions.h"

#include "eventstreamparser.h"

namespace PatternScope::Har {

void writeWebSocketMessages(HarJson& json, const Trace& trace, const QList<qint64>& seqs, const Message& upgrade,
    int connection, qint64 epochUs)
{
    json.beginArray("_webSocketMessages");
    for (const qint64 seq : seqs) {
        const Message& m = trace.message(seq);
        if (connection < 0 || m.connection != connection)
            continue;
        const int opcode = webSocketOpcode(m);
        if (opcode < 0)
            continue;
        const bool sent = m.from == upgrade.from;
        if (!sent && m.state != Message::State::Delivered)
            continue; // the client never had it
        json.beginObject();
        json.string("type", sent ? QStringLiteral("send") : QStringLiteral("receive"));
        json.raw("time", epochSecondsText(epochUs + (sent ? m.sentAt : m.receivedAt)));
        json.number("opcode", opcode);
        const bool text = opcode == 1 || opcode == 9 || opcode == 10;
        json.string("data", text ? QString::fromUtf8(m.bodyPreview) : QString::fromLatin1(m.bodyPreview.toBase64()));
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
        if (m.kind != Message::Kind::SseEvent || m.state != Message::State::Delivered || m.sentAt < response.sentAt
            || m.from != response.from || m.to != response.to
            || (response.connection >= 0 && m.connection != response.connection))
            continue;
        // The events as the client's EventSource dispatched them, from the bytes that crossed.
        EventStreamParser parser;
        parser.feed(m.bodyPreview);
        for (const ServerSentEvent& event : parser.takeEvents()) {
            json.beginObject();
            json.raw("time", epochSecondsText(epochUs + m.receivedAt));
            json.string("eventName", event.type);
            json.string("eventId", event.lastEventId);
            json.string("data", event.data);
            json.endObject();
        }
    }
    json.endArray();
}

} // namespace PatternScope::Har
