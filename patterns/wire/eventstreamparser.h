// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArrayView>
#include <QList>
#include <QString>
#include <QStringList>

namespace PatternScope {

// One event of a text/event-stream, as an EventSource would dispatch it.
struct ServerSentEvent {
    QString type; // "message" when the event had no event field
    QString data;
    QString lastEventId;

    friend bool operator==(const ServerSentEvent& a, const ServerSentEvent& b)
    {
        return a.type == b.type && a.data == b.data && a.lastEventId == b.lastEventId;
    }
    friend bool operator!=(const ServerSentEvent& a, const ServerSentEvent& b) { return !(a == b); }
};

// The client side of Server-Sent Events: turns the bytes of a text/event-stream body, in whatever chunks
// they arrive, into events, following the "event stream interpretation" rules of the WHATWG HTML standard.
// Work per byte is constant: text already scanned for a line end is never scanned again.
class EventStreamParser {
public:
    // Bytes as they arrive; a chunk may end anywhere, even inside a UTF-8 sequence or between CR and LF.
    void feed(QByteArrayView bytes);
    // The connection closed: an event without its closing empty line is dropped, and the next feed()
    // starts a new stream (BOM, line ends, UTF-8 state). The last event ID and the retry time stay.
    void endOfStream();

    // Events dispatched since the last call, in order.
    QList<ServerSentEvent> takeEvents();
    // Comment lines since the last call, without their leading ':' (servers send them as heartbeats).
    QStringList takeComments();

    // What a reconnection sends as Last-Event-ID: the ID as of the last dispatched event.
    QString lastEventId() const { return m_lastEventId; }
    // Reconnection time in milliseconds from the last valid retry field, -1 if there was none.
    qint64 retryMs() const { return m_retryMs; }
    // True once after a retry field changed retryMs().
    bool retryChanged();

private:
    void processLine(QStringView line);
    void processField(QStringView name, QStringView value);
    void dispatch();

    // UTF-8 decoding by the WHATWG Encoding standard: one U+FFFD per maximal invalid subsequence, whatever
    // the chunking. Qt 6.4's stateful QStringDecoder differs: it can drop the character after a sequence
    // cut short at the end of a chunk, even a line end.
    struct Utf8Decoder {
        void decode(QByteArrayView bytes, QString* out);

        char32_t codePoint = 0;
        int needed = 0; // continuation bytes the current sequence still needs
        uchar lower = 0x80; // the range the next continuation byte must be in
        uchar upper = 0xBF;
    };

    Utf8Decoder m_decoder;
    QString m_partialLine; // decoded text after the last line end; holds no CR or LF
    bool m_atStreamStart = true; // nothing decoded yet on this connection: a BOM may come
    bool m_skipLineFeed = false; // the last character was a CR: an LF right after it ends no further line

    QString m_data;
    QString m_eventType;
    QString m_lastEventIdBuffer;
    QString m_lastEventId;
    qint64 m_retryMs = -1;
    bool m_retryChanged = false;

    QList<ServerSentEvent> m_events;
    QStringList m_comments;
};

} // namespace PatternScope
