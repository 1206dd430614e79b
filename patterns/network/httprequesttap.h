// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "httprequestscanner.h"
#include "pipetap.h"
#include "trace.h"

#include <QHash>
#include <QRandomGenerator64>
#include <deque>
#include <memory>

namespace PatternScope {

class Link;
class LinkConnection;

// What the request taps of one HTTP server share with its recorder: the lifelines of clients nobody
// here wrote, by name, and ids for requests that carry no traceparent.
class HttpRecording {
public:
    HttpRecording(Trace* trace, quint64 seed);

    Trace* trace() const { return m_trace; }
    // The lifeline of the outside client of this name, added the first time it is named.
    int outsideParticipant(const QString& name);
    // A W3C trace id for a request that came without one.
    QByteArray newTraceId();
    QRandomGenerator64& random() { return m_random; }

    // The lifeline name for a client nobody here wrote: ?client=NAME in its target, else its
    // User-Agent (the browser's name, or the first word).
    static QString outsideName(const QByteArray& target, const QByteArray& userAgent);

private:
    Trace* m_trace;
    QRandomGenerator64 m_random;
    QHash<QString, int> m_outside;
};

// Records the HTTP requests a client sends through a link as they leave it: on the connection they
// travel on, at the time the link read their first byte, so never before that connection opened. A
// request one of our clients announced (Link::announce) is recorded as announced; any other is
// recorded from its bytes, and on a link for outside clients it names the connection's lifeline.
// The server takes each recorded request when it arrives (HttpRecorder::arrive), in the order sent.
class HttpRequestTap final : public PipeTap {
public:
    HttpRequestTap(LinkConnection* connection, std::shared_ptr<HttpRecording> recording);

    // Puts a request tap on every connection `link` accepts from now on.
    static void tapLink(Link* link, const std::shared_ptr<HttpRecording>& recording);
    // The tap on this connection's way to the server, if it has one.
    static HttpRequestTap* of(LinkConnection* connection);

    struct Waiting {
        qint64 seq = -1;
        qint64 bytes = -1; // on the wire, once its end was read
    };
    // The oldest request recorded here that its server has not taken yet; seq -1 if there is none.
    Waiting takeNext();
    // The server's door refused this connection: takes the request refused (found by its traceparent,
    // else its request line, else the oldest waiting), recording it now if its head never came whole,
    // and completes its arrow at `at`. Returns its seq, or -1 when nothing had been sent. What was sent
    // after it will not be served.
    qint64 refuse(const QByteArray& traceparent, const QByteArray& requestLine, TimeUs at);

    void read(QByteArrayView bytes, TimeUs at) override;
    void delivered(qint64, TimeUs) override { }
    void dropped(TimeUs at) override;

private:
    struct Recorded {
        qint64 number; // on this connection, as the scanner counts
        Waiting waiting;
    };
    qint64 record(const HttpRequestScanner::Request& request);
    void identifyConnection(const QByteArray& head);
    TimeUs readTimeOf(qint64 offset) const;

    LinkConnection* m_connection;
    std::shared_ptr<HttpRecording> m_recording;
    HttpRequestScanner m_scanner;
    std::deque<std::pair<qint64, TimeUs>> m_reads; // (stream offset after the read, when it was read)
    qint64 m_readTotal = 0;
    std::deque<Recorded> m_waiting; // recorded, not yet taken by the server
};

} // namespace PatternScope
