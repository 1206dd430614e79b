// SPDX-License-Identifier: GPL-3.0-or-later
// libFuzzer target for EventStreamParser. The first byte of an input picks how the rest is chunked; the rest is
// the body of a text/event-stream response. Whatever the bytes and the chunking, the parser must not crash or
// leak, and must give what it gives for the body in one piece.
#include "eventstreamparser.h"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

using namespace PatternScope;

namespace {

struct Outcome {
    QList<ServerSentEvent> events;
    QStringList comments;
    QString lastEventId;
    qint64 retryMs = -1;
};

void check(bool condition, const char* what)
{
    if (!condition) {
        std::fprintf(stderr, "fuzz_eventstreamparser: %s\n", what);
        std::abort();
    }
}

void take(EventStreamParser& parser, Outcome* outcome)
{
    outcome->events += parser.takeEvents();
    outcome->comments += parser.takeComments();
    outcome->lastEventId = parser.lastEventId();
    outcome->retryMs = parser.retryMs();
}

// Feeds the body in chunks of at most `chunk` bytes, taking what was parsed after each one.
Outcome parseInChunks(EventStreamParser& parser, QByteArrayView body, qsizetype chunk)
{
    Outcome outcome;
    for (qsizetype pos = 0; pos < body.size(); pos += chunk) {
        parser.feed(body.sliced(pos, qMin(chunk, body.size() - pos)));
        take(parser, &outcome);
    }
    parser.endOfStream();
    take(parser, &outcome);
    return outcome;
}

bool sameEvents(const QList<ServerSentEvent>& a, const QList<ServerSentEvent>& b, bool compareIds)
{
    if (a.size() != b.size())
        return false;
    for (qsizetype i = 0; i < a.size(); ++i) {
        if (a[i].type != b[i].type || a[i].data != b[i].data || (compareIds && a[i].lastEventId != b[i].lastEventId))
            return false;
    }
    return true;
}

bool holdsLineEnd(const QString& text)
{
    return text.contains(u'\r') || text.contains(u'\n');
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    if (size == 0)
        return 0;
    const uint8_t selector = data[0];
    const QByteArrayView body(data + 1, qsizetype(size - 1));

    EventStreamParser whole;
    const Outcome expected = parseInChunks(whole, body, qMax<qsizetype>(body.size(), 1));

    for (const ServerSentEvent& event : expected.events) {
        check(!event.type.isEmpty(), "an event without a type");
        check(!holdsLineEnd(event.type), "a line end in an event type");
        check(!event.data.contains(u'\r'), "a CR in event data");
        check(!holdsLineEnd(event.lastEventId) && !event.lastEventId.contains(QChar(u'\0')),
            "a line end or NUL in an event ID");
    }
    check(expected.retryMs >= -1, "a negative retry time");

    // Split in two at a point the first byte picks, anywhere from the start to the end.
    EventStreamParser split;
    Outcome twoPieces;
    const qsizetype at = body.size() * selector / 255;
    split.feed(body.first(at));
    take(split, &twoPieces);
    split.feed(body.sliced(at));
    split.endOfStream();
    take(split, &twoPieces);
    check(sameEvents(twoPieces.events, expected.events, true), "split in two: different events");
    check(twoPieces.comments == expected.comments, "split in two: different comments");
    check(twoPieces.lastEventId == expected.lastEventId, "split in two: different last event ID");
    check(twoPieces.retryMs == expected.retryMs, "split in two: different retry");

    // Small chunks put a boundary inside most UTF-8 sequences and CRLF pairs.
    EventStreamParser chunked;
    const Outcome small = parseInChunks(chunked, body, 1 + selector % 4);
    check(sameEvents(small.events, expected.events, true), "small chunks: different events");
    check(small.comments == expected.comments, "small chunks: different comments");
    check(small.lastEventId == expected.lastEventId, "small chunks: different last event ID");

    // A reconnection starts clean: the same body again gives the same events, only the IDs may carry over.
    const Outcome again = parseInChunks(whole, body, qMax<qsizetype>(body.size(), 1));
    check(sameEvents(again.events, expected.events, false), "reconnection: different events");
    check(again.comments == expected.comments, "reconnection: different comments");
    check(again.retryMs == expected.retryMs, "reconnection: different retry");
    check(!whole.retryChanged() || expected.retryMs >= 0, "retry changed without a retry field");
    return 0;
}
