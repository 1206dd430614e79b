// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "httpresponsetracker.h"

#include <QByteArray>
#include <deque>

namespace PatternScope {

// What the client is sent of the server's answers: the answers as they come, with a Connection field
// added where the server left it out and the client needs it (RFC 9112 9.3, 9.6), and the 100 Continue
// the gate owes (RFC 9110 10.1.1) slipped in between two answers, never inside one. A response head is
// held until complete; everything else passes at once.
class HttpResponseRelay {
public:
    using Request = HttpRequestFramer::Request;

    void expect(const Request& request) { m_tracker.expect(request); }

    struct Output {
        QByteArray toClient;
        // The answer to a request that ends the connection is complete: close, and drop what follows.
        bool closeNow = false;
    };
    Output relay(const char* data, qsizetype size);
    // A 100 Continue is owed once the answers to `answers` requests are out: sent now if due.
    Output addContinue(qint64 answers);

    bool idle() const { return m_tracker.idle() && m_held.isEmpty(); }
    bool tunnel() const { return m_tracker.tunnel(); }
    bool closed() const { return m_closed; }
    const HttpResponseTracker& tracker() const { return m_tracker; }

private:
    void sendDueContinues(Output* out);
    QByteArray withConnectionField(const QByteArray& head) const;

    HttpResponseTracker m_tracker;
    QByteArray m_held; // a response head not yet complete
    std::deque<qint64> m_continues; // answers to wait for, per 100 Continue owed
    bool m_closed = false;
};

} // namespace PatternScope
