// SPDX-License-Identifier: GPL-3.0-or-later
#include "httprequestscanner.h"

#include "httpsyntax.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <utility>

namespace PatternScope {

namespace {

// Trailers are short; more than this means the bytes are not chunked framing after all.
constexpr int kMaxTrailerBytes = 64 * 1024;

bool isChunked(const QByteArray& transferEncoding)
{
    // The last coding decides whether the body ends itself (RFC 9112 6.1).
    const QByteArray last = transferEncoding.split(',').constLast().trimmed();
    return last.compare("chunked", Qt::CaseInsensitive) == 0;
}

} // namespace

bool HttpRequestScanner::splitRequestLine(const QByteArray& head, QByteArray* method, QByteArray* target)
{
    const qsizetype end = head.indexOf('\n');
    const QByteArray line = HttpSyntax::withoutLineEnd(end < 0 ? head : head.left(end));
    const qsizetype first = line.indexOf(' ');
    if (first <= 0)
        return false;
    qsizetype second = line.lastIndexOf(' ');
    if (second <= first || !line.mid(second + 1).startsWith("HTTP/"))
        second = line.size(); // no version (yet): all the rest is the target
    *method = line.left(first);
    *target = line.mid(first + 1, second - first - 1);
    return !target->isEmpty();
}

QByteArray HttpRequestScanner::headerValue(const QByteArray& head, const QByteArray& name)
{
    for (const auto& field : HttpSyntax::headFields(head)) {
        if (field.first.compare(name, Qt::CaseInsensitive) == 0)
            return field.second;
    }
    return {};
}

HttpRequestScanner::Result HttpRequestScanner::feed(QByteArrayView bytes)
{
    Result result;
    m_heads = &result.heads;
    const char* data = bytes.data();
    const qsizetype size = bytes.size();
    qsizetype i = 0;
    while (i < size && m_state != State::Stopped) {
        switch (m_state) {
        case State::Idle:
            // RFC 9112 2.2: empty lines before a request line are ignored.
            if (data[i] == '\r' || data[i] == '\n') {
                ++i;
                break;
            }
            startRequest(m_offset + i);
            m_state = State::Head;
            break;
        case State::Head: {
            const auto* lf = static_cast<const char*>(std::memchr(data + i, '\n', size_t(size - i)));
            const qsizetype end = lf ? lf - data + 1 : size;
            const qsizetype room = std::max<qsizetype>(0, KeptHead - m_current.head.size());
            m_current.head.append(data + i, std::min(room, end - i));
            m_current.size += end - i;
            // Only whether the line is empty matters here, so only its first bytes are kept.
            m_line.append(data + i, std::min<qsizetype>(end - i, std::max<qsizetype>(0, 2 - m_line.size())));
            i = end;
            if (lf) {
                const bool empty = m_line == "\n" || m_line == "\r\n";
                m_line.clear();
                if (empty)
                    finishHead(&result);
            }
            break;
        }
        case State::Body: {
            const auto take = qsizetype(std::min<qint64>(m_bodyLeft, size - i));
            takeBody(data + i, take, take);
            m_bodyLeft -= take;
            i += take;
            if (m_bodyLeft == 0)
                endRequest(&result);
            break;
        }
        case State::Chunked: {
            QByteArray decoded;
            const qsizetype used = m_chunks.feed(data + i, size - i, &decoded);
            takeBody(decoded.constData(), decoded.size(), used);
            i += used;
            if (m_chunks.done())
                endRequest(&result);
            else if (m_chunks.failed())
                m_state = State::Stopped;
            break;
        }
        case State::Stopped:
            break;
        }
    }
    m_offset += size;
    m_heads = nullptr;
    return result;
}

void HttpRequestScanner::startRequest(qint64 offset)
{
    m_current = Request();
    m_current.number = m_nextNumber++;
    m_current.offset = offset;
    m_inRequest = true;
    m_upgrade = false;
    m_line.clear();
}

void HttpRequestScanner::finishHead(Result* result)
{
    m_current.headComplete = true;
    m_current.headSize = m_current.size;
    const bool truncated = m_current.size > m_current.head.size();
    const QByteArray transferEncoding = headerValue(m_current.head, "Transfer-Encoding");
    const QByteArray contentLength = headerValue(m_current.head, "Content-Length");
    m_upgrade = !headerValue(m_current.head, "Upgrade").isEmpty();
    if (!truncated && transferEncoding.isEmpty())
        m_current.bodyLength = contentLength.isEmpty() ? 0 : HttpSyntax::parseLength(contentLength);
    result->heads.append(m_current);
    if (truncated || (!transferEncoding.isEmpty() && !isChunked(transferEncoding))
        || (transferEncoding.isEmpty() && m_current.bodyLength < 0)) {
        // Where this body ends cannot be known: the gate refuses such a request, and so much for following.
        m_state = State::Stopped;
    } else if (!transferEncoding.isEmpty()) {
        m_chunks = HttpChunkDecoder(std::numeric_limits<qint64>::max(), kMaxTrailerBytes);
        m_state = State::Chunked;
    } else if (m_current.bodyLength > 0) {
        m_bodyLeft = m_current.bodyLength;
        m_state = State::Body;
    } else {
        endRequest(result);
    }
}

void HttpRequestScanner::endRequest(Result* result)
{
    m_current.complete = true;
    m_inRequest = false;
    if (!result->heads.isEmpty() && result->heads.back().number == m_current.number)
        result->heads.back() = m_current;
    result->ends.append(m_current);
    // After an upgrade the bytes are another protocol's.
    m_state = m_upgrade ? State::Stopped : State::Idle;
}

void HttpRequestScanner::takeBody(const char* data, qsizetype size, qsizetype wireSize)
{
    const qsizetype room = std::max<qsizetype>(0, KeptBody - m_current.bodyPreview.size());
    m_current.bodyPreview.append(data, std::min(room, size));
    m_current.size += wireSize;
    if (m_heads && !m_heads->isEmpty() && m_heads->back().number == m_current.number)
        m_heads->back() = m_current;
}

} // namespace PatternScope
