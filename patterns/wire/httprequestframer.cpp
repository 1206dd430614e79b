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

// RFC 9110 token characters, as in methods and header names.
bool isTokenChar(char c)
{
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
        return true;
    return c != 0 && std::strchr("!#$%&'*+-.^_`|~", c) != nullptr;
}

bool isToken(const QByteArray& bytes)
{
    return !bytes.isEmpty() && std::all_of(bytes.begin(), bytes.end(), isTokenChar);
}

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
        case State::Tunnel:
            result.forward.append(data + i, size - i);
            return result;
        case State::Body: {
            const auto take = qsizetype(std::min<qint64>(m_bodyLeft, size - i));
            result.forward.append(data + i, take);
            m_bodyLeft -= take;
            i += take;
            if (m_bodyLeft == 0)
                m_state = State::Idle;
            break;
        }
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

void HttpRequestFramer::fail(int status, const QString& reason)
{
    if (m_state == State::Failed)
        return;
    m_state = State::Failed;
    m_failure = { status, reason };
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
    m_head.clear();
    m_lineStart = 0;
    m_requestLineEnd = -1;
    m_methodEnded = false;
    m_headMethod = false;
    m_upgrade = false;
    m_transferEncoding = false;
    m_contentLength = -1;
    m_traceparent.clear();
    m_problem.clear();
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
        m_headMethod = line.startsWith("HEAD ");
        return true;
    }
    if (line.isEmpty())
        return finishHead(result);
    takeHeader(line);
    return true;
}

void HttpRequestFramer::takeHeader(const QByteArray& line)
{
    const qsizetype colon = line.indexOf(':');
    // A name is a token right before the colon; this also refuses obsolete line folding (leading space).
    if (colon <= 0 || !isToken(line.left(colon))) {
        problem(QStringLiteral("malformed header line"));
        return;
    }
    const QByteArray name = line.left(colon);
    const QByteArray value = line.mid(colon + 1).trimmed();
    if (name.compare("Content-Length", Qt::CaseInsensitive) == 0) {
        const qint64 length = HttpSyntax::parseLength(value);
        if (length < 0 || (m_contentLength >= 0 && length != m_contentLength))
            problem(QStringLiteral("invalid Content-Length"));
        else
            m_contentLength = length;
    } else if (name.compare("Transfer-Encoding", Qt::CaseInsensitive) == 0) {
        m_transferEncoding = true;
    } else if (name.compare("Upgrade", Qt::CaseInsensitive) == 0) {
        m_upgrade = true;
    } else if (name.compare("traceparent", Qt::CaseInsensitive) == 0 && m_traceparent.isEmpty()) {
        m_traceparent = value;
    }
}

void HttpRequestFramer::problem(const QString& reason)
{
    if (m_problem.isEmpty())
        m_problem = reason;
}

bool HttpRequestFramer::finishHead(Result* result)
{
    if (!m_problem.isEmpty()) {
        fail(400, m_problem);
        return false;
    }
    if (m_transferEncoding) {
        // Chunked uploads would need a second framing layer here; our clients always know the length.
        fail(411, QStringLiteral("Transfer-Encoding not accepted, send Content-Length"));
        return false;
    }
    if (m_contentLength > m_maxBodyBytes) {
        fail(413, QStringLiteral("request body over %1").arg(Units::binaryLimit(m_maxBodyBytes)));
        return false;
    }
    result->forward.append(m_head);
    result->requests.append(m_headMethod);
    if (m_upgrade) {
        // A WebSocket (or other) upgrade: what follows is no longer HTTP.
        m_state = State::Tunnel;
    } else if (m_contentLength > 0) {
        m_bodyLeft = m_contentLength;
        m_state = State::Body;
    } else {
        m_state = State::Idle;
    }
    return true;
}

} // namespace PatternScope
