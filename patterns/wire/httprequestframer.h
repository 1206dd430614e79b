// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "httpchunkdecoder.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <functional>
#include <optional>

namespace PatternScope {

// Follows HTTP/1.1 requests as their bytes arrive from a client: holds each request head until it is
// complete and checked against the limits (RFC 9112), then lets it and its body pass. A chunked body
// is decoded and passed on whole, with a Content-Length, once its last chunk is in. Every byte is
// looked at once; a growing head is never rescanned.
class HttpRequestFramer {
public:
    HttpRequestFramer(int maxHeaderBytes, qint64 maxBodyBytes);

    // What the one relaying answers needs to know of a request passed on.
    struct Request {
        bool head = false; // a HEAD request: its answer has no body
        // Connection: close, or HTTP/1.0 without keep-alive: the connection ends after its answer
        // (RFC 9112 9.3, 9.6), and nothing after it is passed on.
        bool closeAfter = false;
        bool keepAlive10 = false; // HTTP/1.0 asking for keep-alive: its answer must say so
    };

    struct Result {
        QByteArray forward; // may go on to the server now
        QList<Request> requests; // one per head passed on, in order
        bool headStarted = false; // a request head began in these bytes: its clock starts now
        // A request head asked for 100 Continue (RFC 9110 10.1.1) and may send its body: the answer is
        // due once the answers to this many requests (counted from the connection's start) are out.
        std::optional<qint64> continueAfter;
        bool failed = false; // see failure(); from now on everything is dropped
    };
    Result feed(const char* data, qsizetype size);

    struct Failure {
        int status = 0;
        QString reason;
        QByteArray response; // a whole answer to send instead of a plain error (a door's page), if not empty
    };
    Failure failure() const { return m_failure; }
    // Gives up on the connection from outside (a timeout); later bytes are dropped.
    void fail(int status, const QString& reason, const QByteArray& response = {});

    // What a head check decides for one complete request head: pass it on (with `target` on its
    // request line instead, when not empty), or answer it here and end the connection.
    struct Verdict {
        bool pass = true;
        QByteArray target;
        int status = 0;
        QString reason;
        QByteArray response; // the whole answer; empty: a plain error saying `reason`
    };
    // Looks at every complete request head before it passes (the LAN door's join token), with the
    // request line's method and target. Fields named in `drop` are never passed on (e.g. a Referer
    // that carries the page's own address).
    using HeadCheck = std::function<Verdict(const QByteArray& method, const QByteArray& target)>;
    void setHeadCheck(HeadCheck check, QByteArrayList drop = {})
    {
        m_check = std::move(check);
        m_dropFields = std::move(drop);
    }

    bool failed() const { return m_state == State::Failed; }
    bool inHead() const { return m_state == State::Head; }
    bool betweenRequests() const { return m_state == State::Idle; }
    bool tunnel() const { return m_state == State::Tunnel; } // after an Upgrade request
    bool closed() const { return m_state == State::Closed; } // after a request that closes the connection
    bool anyRequest() const { return m_headsStarted > 0; } // a request began on this connection
    qint64 requestsPassed() const { return m_requestsPassed; }

    // What is known of the request in progress, for a breach report.
    QByteArray requestLine() const;
    QByteArray traceparent() const { return m_traceparent; }

private:
    enum class State { Idle, Head, Body, Chunked, Tunnel, Closed, Failed };
    void startHead();
    bool checkMethod(qsizetype from); // the request line's first word, as its bytes arrive
    bool takeLine(Result* result); // a complete line at the end of the head; false on failure
    void takeHeader(const QByteArray& line, qsizetype lineStart);
    bool finishHead(Result* result);
    bool checkFraming(); // Host and the body's framing; false after failing
    QByteArray forwardedHead() const; // the head without the fields the gate answers itself
    bool applyCheck(); // the head check's verdict; false after failing
    void pass(Result* result, const QByteArray& head, const QByteArray& body);
    void bodyDone();
    void problem(const QString& reason); // a malformed header; answered when the head is complete

    int m_maxHeaderBytes;
    qint64 m_maxBodyBytes;
    State m_state = State::Idle;
    QByteArray m_head;
    qsizetype m_lineStart = 0; // where the line being read starts in m_head
    qsizetype m_requestLineEnd = -1; // the request line's length without its line end, once complete
    QList<std::pair<qsizetype, qsizetype>> m_dropped; // lines of m_head not passed on: start, length
    bool m_methodEnded = false;
    bool m_http10 = false;
    bool m_upgrade = false;
    int m_hosts = 0;
    bool m_expectContinue = false;
    QList<QByteArray> m_connectionOptions;
    QList<QByteArray> m_transferCodings; // of all Transfer-Encoding fields, in order
    bool m_transferEncoding = false;
    qint64 m_contentLength = -1;
    qint64 m_bodyLeft = 0;
    Request m_request;
    std::optional<HttpChunkDecoder> m_chunks;
    QByteArray m_chunkedHead; // held with the decoded body until the last chunk
    QByteArray m_chunkedBody;
    qint64 m_headsStarted = 0;
    qint64 m_requestsPassed = 0;
    QByteArray m_traceparent;
    QString m_problem;
    Failure m_failure;
    HeadCheck m_check;
    QByteArrayList m_dropFields;
    QByteArray m_requestLine; // the request line to pass on instead of the client's, if not empty
};

} // namespace PatternScope
