// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "httpchunkdecoder.h"
#include "message.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QList>

namespace PatternScope {

// Finds the requests in the bytes a client sends, for recording them as they leave it: where each
// starts, its head, the first bytes of its body and where it ends, following Content-Length and chunked
// framing. It judges nothing and has no limits (the gate behind the link does that); it keeps only a
// bounded part of each request, and stops following a stream it cannot frame (an upgrade, a body
// without a length, or no HTTP at all).
class HttpRequestScanner {
public:
    static constexpr qsizetype KeptHead = 8 * 1024; // head bytes kept; the rest is only counted
    static constexpr qsizetype KeptBody = 256;

    struct Request {
        qint64 number = 0; // 0 for the first request on the stream, then 1, 2, ...
        qint64 offset = 0; // where its first byte is in the stream
        QByteArray head; // request line and header lines, at most KeptHead bytes of them
        bool headComplete = false;
        qint64 headSize = 0; // all of the head, once complete
        QByteArray bodyPreview; // the first KeptBody bytes of the body (chunked: of its data)
        qint64 bodyLength = -1; // from Content-Length once the head is complete; -1 if chunked or unknown
        qint64 size = 0; // bytes of it seen so far, framing included
        bool complete = false; // its last byte has been seen
    };

    struct Result {
        // Requests whose head was completed by these bytes, as they stand after all of them (so a body
        // that came along is in the preview).
        QList<Request> heads;
        // Requests that ended in these bytes, with their whole size.
        QList<Request> ends;
    };
    Result feed(QByteArrayView bytes);

    // The request under way, if one has begun and not ended (its head may be incomplete).
    const Request* current() const { return m_inRequest ? &m_current : nullptr; }
    // After an upgrade, a body whose end cannot be known, or bytes that are no HTTP: the rest is not followed.
    bool stopped() const { return m_state == State::Stopped; }

    // "GET /poll?since=3 HTTP/1.1" split into method and target; empty when the line is not one.
    static bool splitRequestLine(const QByteArray& head, QByteArray* method, QByteArray* target);
    // The first header of that name, compared without case.
    static QByteArray headerValue(const QByteArray& head, const QByteArray& name);

private:
    enum class State { Idle, Head, Body, Chunked, Stopped };
    void startRequest(qint64 offset);
    void finishHead(Result* result);
    void endRequest(Result* result);
    // Body data for the preview; wireSize counts the bytes that carried it (chunked framing included).
    void takeBody(const char* data, qsizetype size, qsizetype wireSize);

    State m_state = State::Idle;
    Request m_current;
    bool m_inRequest = false;
    qint64 m_offset = 0; // stream offset of the next byte fed
    qint64 m_nextNumber = 0;
    qint64 m_bodyLeft = 0; // of a Content-Length body
    HttpChunkDecoder m_chunks { 0, 0 }; // follows a chunked body; the scanner sets no limit of its own
    QByteArray m_line; // the head line being read
    bool m_upgrade = false;
    QList<Request>* m_heads = nullptr; // while feeding: snapshots to keep in step with m_current
};

} // namespace PatternScope
