// SPDX-License-Identifier: GPL-3.0-or-later
#include "httprequestframer.h"

#include "httpsyntax.h"
#include "units.h"

#include <algorithm>
#include <cstring>

namespace PatternScope {

namespace {

// Enough of a request line for a trace note.
constexpr qsizetype kRequestLineShown = 256;

using HttpSyntax::isToken;
using HttpSyntax::isTokenChar;

// METHOD SP target SP HTTP/1.x
bool isRequestLine(const QByteArray& line)
{
    const qsizetype first = line.indexOf(' ');
    const qsizetype second = line.indexOf(' ', first + 1);
    if (first <= 0 || second <= first + 1 || line.indexOf(' ', second + 1) >= 0)
        return false;
    if (!isToken(line.left(first)))
        return false;
    for (qsizetype i = first + 1; i < second; ++i) {
        const auto c = static_cast<unsigned char>(line.at(i));
        if (c <= 0x20 || c == 0x7f)
            return false;
    }
    const QByteArray version = line.mid(second + 1);
    return version.size() == 8 && version.startsWith("HTTP/1.") && version.at(7) >= '0' && version.at(7) <= '9';
}

} // namespace

HttpRequestFramer::HttpRequestFramer(int maxHeaderBytes, qint64 maxBodyBytes)
    : m_maxHeaderBytes(maxHeaderBytes)
    , m_maxBodyBytes(maxBodyBytes)
{
}

HttpRequestFramer::Result HttpRequestFramer::feed(const char* data, qsizetype size)
{
    Result result;
    qsizetype i = 0;
    while (i < size) {
        switch (m_state) {
        case State::Failed:
            result.failed = true;
            return result;
        case State::Closed:
            return result; // RFC 9112 9.6: nothing after a closing request is processed
        case State::Tunnel:
            result.forward.append(data + i, size - i);
            return result;
        case State::Body: {
            const auto take = qsizetype(std::min<qint64>(m_bodyLeft, size - i));
            result.forward.append(data + i, take);
            m_bodyLeft -= take;
            i += take;
            if (m_bodyLeft == 0)
                bodyDone();
            break;
        }
        case State::Chunked:
            i += m_chunks->feed(data + i, size - i, &m_chunkedBody);
            if (m_chunks->failed()) {
                fail(m_chunks->failureStatus(), m_chunks->failureReason());
            } else if (m_chunks->done()) {
                pass(&result,
                    m_chunkedHead + "Content-Length: " + QByteArray::number(m_chunkedBody.size()) + "\r\n\r\n",
                    m_chunkedBody);
                m_chunkedHead.clear();
                m_chunkedBody.clear();
                m_chunks.reset();
                bodyDone();
            }
            break;
        case State::Idle:
            // RFC 9112 2.2: empty lines before a request line are ignored (some clients send CRLF after a body).
            if (data[i] == '\r' || data[i] == '\n') {
                ++i;
                break;
            }
            startHead();
            result.headStarted = true;
            break;
        case State::Head: {
            // Up to and including the next LF, and never more than one byte past the limit.
            const auto* lf = static_cast<const char*>(std::memchr(data + i, '\n', size_t(size - i)));
            const qsizetype end = lf ? lf - data + 1 : size;
            const qsizetype before = m_head.size();
            m_head.append(data + i, std::min<qsizetype>(end - i, m_maxHeaderBytes + 1 - before));
            i = end;
            if (!m_methodEnded && !checkMethod(before)) {
                fail(400, QStringLiteral("malformed request line"));
            } else if (m_head.size() > m_maxHeaderBytes) {
                fail(431, QStringLiteral("request headers over %1").arg(Units::binaryLimit(m_maxHeaderBytes)));
            } else if (lf && !takeLine(&result)) {
                Q_ASSERT(m_state == State::Failed);
            }
            break;
        }
        }
    }
    result.failed = m_state == State::Failed;
    return result;
}

void HttpRequestFramer::fail(int status, const QString& reason, const QByteArray& response)
{
    if (m_state == State::Failed)
        return;
    m_state = State::Failed;
    m_failure = { status, reason, response };
    m_chunkedHead.clear();
    m_chunkedBody.clear();
}

QByteArray HttpRequestFramer::requestLine() const
{
    const QByteArray line = HttpSyntax::withoutLineEnd(m_requestLineEnd >= 0 ? m_head.left(m_requestLineEnd) : m_head);
    if (line.size() <= kRequestLineShown)
        return line;
    return line.left(kRequestLineShown) + "...";
}

void HttpRequestFramer::startHead()
{
    m_state = State::Head;
    ++m_headsStarted;
    m_head.clear();
    m_lineStart = 0;
    m_requestLineEnd = -1;
    m_dropped.clear();
    m_methodEnded = false;
    m_http10 = false;
    m_upgrade = false;
    m_hosts = 0;
    m_expectContinue = false;
    m_connectionOptions.clear();
    m_transferCodings.clear();
    m_transferEncoding = false;
    m_contentLength = -1;
    m_request = {};
    m_traceparent.clear();
    m_problem.clear();
    m_requestLine.clear();
}

bool HttpRequestFramer::checkMethod(qsizetype from)
{
    for (qsizetype i = from; i < m_head.size(); ++i) {
        const char c = m_head.at(i);
        if (c == ' ') {
            m_methodEnded = true;
            return i > 0;
        }
        if (!isTokenChar(c))
            return false;
    }
    return true;
}

bool HttpRequestFramer::takeLine(Result* result)
{
    const QByteArray line = HttpSyntax::withoutLineEnd(m_head.mid(m_lineStart));
    const qsizetype lineStart = m_lineStart;
    m_lineStart = m_head.size();
    if (m_requestLineEnd < 0) {
        if (!isRequestLine(line)) {
            fail(400, QStringLiteral("malformed request line"));
            return false;
        }
        m_requestLineEnd = lineStart + line.size();
        m_request.head = line.startsWith("HEAD ");
        m_http10 = line.endsWith(" HTTP/1.0");
        return true;
    }
    if (line.isEmpty())
        return finishHead(result);
    takeHeader(line, lineStart);
    return true;
}

void HttpRequestFramer::takeHeader(const QByteArray& line, qsizetype lineStart)
{
    const qsizetype colon = line.indexOf(':');
    // A name is a token right before the colon; this also refuses obsolete line folding (leading space).
    if (colon <= 0 || !isToken(line.left(colon))) {
        problem(QStringLiteral("malformed header line"));
        return;
    }
    const QByteArray name = line.left(colon);
    const QByteArray value = line.mid(colon + 1).trimmed();
    const auto is = [&name](const char* field) { return name.compare(field, Qt::CaseInsensitive) == 0; };
    if (is("Content-Length")) {
        const qint64 length = HttpSyntax::parseLength(value);
        if (length < 0 || (m_contentLength >= 0 && length != m_contentLength))
            problem(QStringLiteral("invalid Content-Length"));
        else
            m_contentLength = length;
    } else if (is("Transfer-Encoding")) {
        // Decoded here: the server behind gets the body with a Content-Length instead.
        m_transferEncoding = true;
        m_transferCodings.append(HttpSyntax::listMembers(value));
        m_dropped.append({ lineStart, m_head.size() - lineStart });
    } else if (is("Host")) {
        ++m_hosts;
    } else if (is("Connection")) {
        m_connectionOptions.append(HttpSyntax::listMembers(value));
    } else if (is("Expect")) {
        // Answered here; the server behind must not answer it a second time.
        m_expectContinue = m_expectContinue || HttpSyntax::listMembers(value).contains("100-continue");
        m_dropped.append({ lineStart, m_head.size() - lineStart });
    } else if (is("Upgrade")) {
        m_upgrade = true;
    } else if (is("traceparent") && m_traceparent.isEmpty()) {
        m_traceparent = value;
    }
    for (const QByteArray& field : std::as_const(m_dropFields)) {
        if (is(field.constData())) {
            m_dropped.append({ lineStart, m_head.size() - lineStart });
            break;
        }
    }
}

void HttpRequestFramer::problem(const QString& reason)
{
    if (m_problem.isEmpty())
        m_problem = reason;
}

bool HttpRequestFramer::checkFraming()
{
    // RFC 9112 3.2: exactly one Host in HTTP/1.1, at most one before.
    if (m_hosts > 1) {
        fail(400, QStringLiteral("more than one Host header"));
        return false;
    }
    if (m_hosts == 0 && !m_http10) {
        fail(400, QStringLiteral("missing Host header"));
        return false;
    }
    if (!m_transferEncoding)
        return true;
    // RFC 9112 6.1 and 6.3: a length both ways is how requests are smuggled past a proxy.
    if (m_contentLength >= 0) {
        fail(400, QStringLiteral("both Transfer-Encoding and Content-Length"));
        return false;
    }
    if (m_http10) {
        fail(400, QStringLiteral("Transfer-Encoding in an HTTP/1.0 request"));
        return false;
    }
    for (const QByteArray& coding : std::as_const(m_transferCodings)) {
        if (coding.isEmpty() || !isToken(coding.split(';').value(0).trimmed())) {
            fail(400, QStringLiteral("malformed Transfer-Encoding"));
            return false;
        }
        if (coding != "chunked") {
            fail(501,
                QStringLiteral("Transfer-Encoding %1 not implemented, send chunked or Content-Length")
                    .arg(QString::fromLatin1(coding)));
            return false;
        }
    }
    if (m_transferCodings.size() != 1) {
        fail(400, QStringLiteral("chunked applied more than once"));
        return false;
    }
    return true;
}

bool HttpRequestFramer::finishHead(Result* result)
{
    if (!m_problem.isEmpty()) {
        fail(400, m_problem);
        return false;
    }
    if (!checkFraming() || !applyCheck())
        return false;
    if (m_contentLength > m_maxBodyBytes) {
        fail(413, QStringLiteral("request body over %1").arg(Units::binaryLimit(m_maxBodyBytes)));
        return false;
    }
    const bool close = m_connectionOptions.contains("close");
    m_request.closeAfter = close || (m_http10 && !m_connectionOptions.contains("keep-alive"));
    m_request.keepAlive10 = m_http10 && !m_request.closeAfter;
    // RFC 9110 10.1.1: only an HTTP/1.1 client waits for 100 Continue, and only for a body.
    if (m_expectContinue && !m_http10 && (m_transferEncoding || m_contentLength > 0))
        result->continueAfter = m_requestsPassed;
    if (m_transferEncoding) {
        m_chunks.emplace(m_maxBodyBytes, m_maxHeaderBytes);
        m_chunkedHead = forwardedHead();
        m_state = State::Chunked;
        return true;
    }
    pass(result, m_dropped.isEmpty() && m_requestLine.isEmpty() ? m_head : forwardedHead() + "\r\n", {});
    if (m_upgrade) {
        // A WebSocket (or other) upgrade: what follows is no longer HTTP.
        m_state = State::Tunnel;
    } else if (m_contentLength > 0) {
        m_bodyLeft = m_contentLength;
        m_state = State::Body;
    } else {
        bodyDone();
    }
    return true;
}

QByteArray HttpRequestFramer::forwardedHead() const
{
    // Without the final empty line, so a field can still be added.
    QByteArray head;
    qsizetype from = 0;
    if (!m_requestLine.isEmpty()) {
        head = m_requestLine;
        from = m_requestLineEnd; // the client's line end follows
    }
    for (const auto& [start, length] : m_dropped) {
        head.append(m_head.constData() + from, start - from);
        from = start + length;
    }
    const qsizetype end = m_head.size() - HttpSyntax::finalLineEnd(m_head);
    head.append(m_head.constData() + from, end - from);
    return head;
}

bool HttpRequestFramer::applyCheck()
{
    if (!m_check)
        return true;
    const QByteArray line = m_head.left(m_requestLineEnd);
    const qsizetype first = line.indexOf(' ');
    const qsizetype second = line.indexOf(' ', first + 1);
    const QByteArray target = line.mid(first + 1, second - first - 1);
    const Verdict verdict = m_check(line.left(first), target);
    if (!verdict.pass) {
        fail(verdict.status, verdict.reason, verdict.response);
        return false;
    }
    if (!verdict.target.isEmpty() && verdict.target != target)
        m_requestLine = line.left(first + 1) + verdict.target + line.mid(second);
    return true;
}

void HttpRequestFramer::pass(Result* result, const QByteArray& head, const QByteArray& body)
{
    result->forward.append(head);
    result->forward.append(body);
    result->requests.append(m_request);
    ++m_requestsPassed;
}

void HttpRequestFramer::bodyDone()
{
    m_state = m_request.closeAfter ? State::Closed : State::Idle;
}

} // namespace PatternScope
