// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "httprequestframer.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <deque>

namespace PatternScope {

// Follows the server's responses as they pass on to the client: to know when none is outstanding (a
// connection whose client waits for an answer, a long poll or an event stream, is not idle), where
// each head and each response ends, and which request each answers. Bytes are observed, never held.
class HttpResponseTracker {
public:
    using Request = HttpRequestFramer::Request;

    void expect(const Request& request) { m_expected.push_back(request); }

    // What a final response's head said, for the one relaying it.
    struct Head {
        int status = 0;
        bool connectionField = false; // it has a Connection field of its own
        bool closes = false; // Connection: close
        bool delimited = false; // its end is known without a close: a length, chunks, or no body
        Request request; // what it answers
    };
    struct Step {
        qsizetype taken = 0;
        bool headEnded = false; // the taken bytes end a response's head (maybe an interim one): see lastHead()
        bool responseEnded = false; // ... end a response: see lastHead() for what it answered
    };
    // Follows data up to the first boundary in it (a head's or a response's end), or all of it.
    Step step(const char* data, qsizetype size);
    void observe(const char* data, qsizetype size); // all of it

    Head lastHead() const { return m_head; }
    // No response expected or under way.
    bool idle() const { return m_expected.empty() && atBoundary(); }
    // Between responses: nothing of a next one read yet.
    bool atBoundary() const { return m_state == State::Head && m_line.isEmpty(); }
    bool inHead() const { return m_state == State::Head; }
    bool tunnel() const { return m_state == State::Tunnel; }
    bool untilClose() const { return m_state == State::UntilClose; }
    qint64 completed() const { return m_completed; } // responses ended so far

private:
    enum class State { Head, Body, ChunkSize, ChunkData, ChunkEnd, Trailer, UntilClose, Tunnel };
    enum class Byte { Inside, LineEnd, EmptyLineEnd };
    Byte takeByte(char c); // adds to m_line
    void headComplete(Step* step);
    void responseComplete(Step* step);

    State m_state = State::Head;
    QByteArray m_line; // the head, or the chunk line, being read
    qsizetype m_lineLength = 0; // bytes on the current line, without CR
    qint64 m_left = 0;
    qint64 m_completed = 0;
    Head m_head;
    std::deque<Request> m_expected;
};

} // namespace PatternScope
