// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "httpgate.h"
#include "httprequesttap.h"
#include "httpserver.h"
#include "trace.h"
#include "traceparent.h"

#include <QByteArrayList>
#include <QMetaObject>
#include <memory>

namespace PatternScope {

class Link;
class LinkEmulator;

// What a server knows about a request when it has arrived.
struct Arrival {
    int client = -1; // participant
    int connection = -1;
    Link* link = nullptr;
    QString correlation;
    qint64 seq = -1; // the request's message
    TimeUs at = NoTime;
};

// The server half of recording HTTP: puts request taps on the links to its server (every request is
// recorded as it leaves its client, see HttpRequestTap), completes the arrow of each request that
// arrives, and records each answer as it is sent. Shared by every HTTP pattern.
class HttpRecorder {
public:
    HttpRecorder(Trace* trace, int server, LinkEmulator* links, quint64 seed);
    ~HttpRecorder();
    HttpRecorder(const HttpRecorder&) = delete;
    HttpRecorder& operator=(const HttpRecorder&) = delete;

    int server() const { return m_server; }
    Arrival arrive(const HttpRequest& request);
    // Records the answer, then sends it; returns false if the client had gone. Its label is the status
    // line and, after a " · ", the detail ("2 items"); `job` is the job the answer is about, if any.
    bool respond(const std::shared_ptr<HttpExchange>& exchange, const Arrival& arrival, int status,
        const QString& detail, const HeaderList& headers, const QByteArray& body, qint64 firstItem = -1,
        qint64 lastItem = -1, const QString& job = QString());
    // Records a message the server sends; the link it goes over says when it arrived.
    qint64 record(const Message& message, const Arrival& arrival);
    // The gate refused a client (too big, too slow, malformed, too many): a note on the server's
    // lifeline and, when it answered, the request it refused as an arrow from the client's own
    // lifeline, and the answer back.
    void breach(const HttpBreach& breach);
    // An answer that names what was wrong, also noted on the server's lifeline.
    void reject(const std::shared_ptr<HttpExchange>& exchange, const Arrival& arrival, int status,
        const QString& reason, const HeaderList& headers = {});
    // For a path that takes `methods`: answers OPTIONS (a CORS preflight, or asking what the path takes)
    // with 204 and what may be sent, and any method not among them with 405 and Allow (RFC 9110
    // 15.5.6). Returns false, answering nothing, when the method is one the caller serves (see
    // allowedMethods()).
    bool answerMethod(const std::shared_ptr<HttpExchange>& exchange, const Arrival& arrival, const HttpRequest& request,
        QByteArrayList methods);
    // The traceparent for an answer: same trace id, a span of the server's own.
    QByteArray answerTraceParent(const Arrival& arrival);

    // `methods` as a path serving them allows them: HEAD with GET, and OPTIONS.
    static QByteArrayList allowedMethods(QByteArrayList methods);
    static QString statusText(int status); // "200 OK", for notes
    static QString reasonPhrase(int status); // "OK"
    static MessageFields responseFields(int status); // the status and its reason phrase
    // The lifeline name for a client nobody here wrote: ?client=NAME, else its User-Agent.
    static QString outsideName(const HttpRequest& request);

private:
    int outsideParticipant(const HttpRequest& request);
    void tapLink(Link* link);

    Trace* m_trace;
    int m_server;
    LinkEmulator* m_links;
    std::shared_ptr<HttpRecording> m_recording; // shared with the taps, which may outlive us
    QMetaObject::Connection m_linkAdded;
};

} // namespace PatternScope
