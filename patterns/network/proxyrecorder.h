// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "trace.h"

#include <QRandomGenerator64>
#include <memory>

namespace PatternScope {

class LinkConnection;

// What the taps of one proxy share: the trace, the upstream server's lifeline, and when a request
// counts as held (a long poll) rather than worked on.
class ProxyRecording {
public:
    ProxyRecording(Trace* trace, int server, quint64 seed);

    Trace* trace() const { return m_trace; }
    int server() const { return m_server; }
    // A W3C trace id for a request that came without a traceparent: what pairs it with its answer.
    QByteArray newTraceId();
    // A request the upstream has not begun to answer after this long is drawn as held (a long poll).
    TimeUs holdAfter() const { return m_holdAfter; }
    void setHoldAfter(TimeUs holdAfter) { m_holdAfter = holdAfter; }
    // Waits shorter than this are not drawn at all: the upstream answered at once.
    static constexpr TimeUs ShortestProcessing = 20'000;

    // The lifeline name of a proxied connection: its client's software (?client=NAME, else its
    // User-Agent) and address, "curl 127.0.0.1:53422".
    static QString clientName(LinkConnection* connection, const QByteArray& requestHead);

private:
    Trace* m_trace;
    int m_server;
    QRandomGenerator64 m_random;
    TimeUs m_holdAfter = 1'000'000;
};

// Records everything that crosses a proxied connection, both ways, from the bytes alone: each HTTP/1.1
// request and response (keep-alive, pipelined, chunked, until close), the events of a text/event-stream
// answer, and after a 101 the WebSocket frames. Requests and answers are paired in order; a request the
// upstream holds is an activation on its lifeline. Nothing is changed on the way.
void tapProxyConnection(LinkConnection* connection, const std::shared_ptr<ProxyRecording>& recording);

// The next answer on this connection is the proxy's own, not the upstream's: its arrow says so, and why.
void markOwnAnswer(LinkConnection* connection, const QString& why);

} // namespace PatternScope
