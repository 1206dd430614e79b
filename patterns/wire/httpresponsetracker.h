// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QList>
#include <QString>
#include <deque>

namespace PatternScope {

// Follows the server's responses as they pass on to the client, only to know when none is
// outstanding: a connection whose client waits for an answer (a long poll, an event stream) is not
// idle. Bytes are observed, never held.
class HttpResponseTracker {
public:
    void expect(bool headRequest) { m_expected.push_back(headRequest); }
    void observe(const char* data, qsizetype size);
    // No response expected or under way.
    bool idle() const { return m_expected.empty() && m_state == State::Head && m_line.isEmpty(); }
    bool tunnel() const { return m_state == State::Tunnel; }

private:
    enum class State { Head, Body, ChunkSize, ChunkData, ChunkEnd, Trailer, UntilClose, Tunnel };
    enum class Byte { Inside, LineEnd, EmptyLineEnd };
    Byte takeByte(char c); // adds to m_line
    void headComplete();
    void responseComplete();

    State m_state = State::Head;
    QByteArray m_line; // the head, or the chunk line, being read
    qsizetype m_lineLength = 0; // bytes on the current line, without CR
    qint64 m_left = 0;
    std::deque<bool> m_expected;
};

} // namespace PatternScope
