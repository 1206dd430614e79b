// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QList>
#include <QString>
#include <deque>

namespace PatternScope {

// Follows HTTP/1.1 requests as their bytes arrive from a client: holds each request head until it is
// complete and checked against the limits, then lets it and its body pass. Every byte is looked at
// once; a growing head is never rescanned.
class HttpRequestFramer {
public:
    HttpRequestFramer(int maxHeaderBytes, qint64 maxBodyBytes);

    struct Result {
        QByteArray forward; // may go on to the server now
        QList<bool> requests; // one per head passed on, in order: true for a HEAD request
        bool headStarted = false; // a request head began in these bytes: its clock starts now
        bool failed = false; // see failure(); from now on everything is dropped
    };
    Result feed(const char* data, qsizetype size);

    struct Failure {
        int status = 0;
        QString reason;
    };
    Failure failure() const { return m_failure; }
    // Gives up on the connection from outside (a timeout); later bytes are dropped.
    void fail(int status, const QString& reason);

    bool failed() const { return m_state == State::Failed; }
    bool inHead() const { return m_state == State::Head; }
    bool betweenRequests() const { return m_state == State::Idle; }
    bool tunnel() const { return m_state == State::Tunnel; } // after an Upgrade request

    // What is known of the request in progress, for a breach report.
    QByteArray requestLine() const;
    QByteArray traceparent() const { return m_traceparent; }

private:
    enum class State { Idle, Head, Body, Tunnel, Failed };
    void startHead();
    bool checkMethod(qsizetype from); // the request line's first word, as its bytes arrive
    bool takeLine(Result* result); // a complete line at the end of the head; false on failure
    void takeHeader(const QByteArray& line);
    bool finishHead(Result* result);
    void problem(const QString& reason); // a malformed header; answered when the head is complete

    int m_maxHeaderBytes;
    qint64 m_maxBodyBytes;
    State m_state = State::Idle;
    QByteArray m_head;
    qsizetype m_lineStart = 0; // where the line being read starts in m_head
    qsizetype m_requestLineEnd = -1; // the request line's length without its line end, once complete
    bool m_methodEnded = false;
    bool m_headMethod = false;
    bool m_upgrade = false;
    bool m_transferEncoding = false;
    qint64 m_contentLength = -1;
    qint64 m_bodyLeft = 0;
    QByteArray m_traceparent;
    QString m_problem;
    Failure m_failure;
};

} // namespace PatternScope
