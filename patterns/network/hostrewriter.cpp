// SPDX-License-Identifier: GPL-3.0-or-later
#include "hostrewriter.h"

#include "httprequestscanner.h"
#include "httpsyntax.h"

#include <algorithm>
#include <limits>
#include <utility>

namespace PatternScope {

namespace {

constexpr qsizetype kMaxHead = 64 * 1024; // a bigger "head" is not one we rewrite
constexpr int kMaxTrailer = 64 * 1024;

} // namespace

QByteArray HostRewriter::rewrite(const QByteArray& bytes)
{
    QByteArray out;
    qsizetype i = 0;
    const qsizetype size = bytes.size();
    while (i < size) {
        switch (m_state) {
        case State::Through:
            out.append(bytes.constData() + i, size - i);
            i = size;
            break;
        case State::Body: {
            const auto take = qsizetype(std::min<qint64>(m_left, size - i));
            out.append(bytes.constData() + i, take);
            i += take;
            m_left -= take;
            if (m_left == 0)
                m_state = State::Head;
            break;
        }
        case State::Chunked: {
            QByteArray decoded;
            const qsizetype taken = m_chunks.feed(bytes.constData() + i, size - i, &decoded);
            out.append(bytes.constData() + i, taken);
            i += taken;
            if (m_chunks.done())
                m_state = State::Head;
            else if (m_chunks.failed())
                m_state = State::Through;
            break;
        }
        case State::Head: {
            const char c = bytes.at(i++);
            if (m_head.isEmpty() && (c == '\r' || c == '\n')) {
                out.append(c); // stray line ends between requests
                break;
            }
            m_head.append(c);
            if (c == '\n' && (m_head.endsWith("\n\r\n") || m_head.endsWith("\n\n"))) {
                out.append(finishHead());
            } else if (m_head.size() > kMaxHead) {
                out.append(std::exchange(m_head, {}));
                m_state = State::Through;
            }
            break;
        }
        }
    }
    return out;
}

QByteArray HostRewriter::finishHead()
{
    const QByteArray head = std::exchange(m_head, {});
    const QByteArray transferEncoding = HttpRequestScanner::headerValue(head, "Transfer-Encoding").toLower();
    const QByteArray contentLength = HttpRequestScanner::headerValue(head, "Content-Length");
    if (!HttpRequestScanner::headerValue(head, "Upgrade").isEmpty()) {
        m_state = State::Through; // what follows is another protocol's
    } else if (!transferEncoding.isEmpty()) {
        if (transferEncoding.contains("chunked")) {
            m_chunks = HttpChunkDecoder(std::numeric_limits<qint64>::max(), kMaxTrailer);
            m_state = State::Chunked;
        } else {
            m_state = State::Through;
        }
    } else if (!contentLength.isEmpty()) {
        m_left = HttpSyntax::parseLength(contentLength);
        m_state = m_left < 0 ? State::Through : (m_left == 0 ? State::Head : State::Body);
    }
    // Each line as it was, but the Host field's value.
    QByteArray out;
    qsizetype start = 0;
    bool first = true;
    while (start < head.size()) {
        qsizetype end = head.indexOf('\n', start);
        end = end < 0 ? head.size() : end + 1;
        const QByteArray line = head.mid(start, end - start);
        const qsizetype colon = line.indexOf(':');
        if (!first && colon > 0 && line.left(colon).trimmed().compare("Host", Qt::CaseInsensitive) == 0)
            out += "Host: " + m_host + line.mid(line.endsWith("\r\n") ? line.size() - 2 : line.size() - 1);
        else
            out += line;
        first = false;
        start = end;
    }
    return out;
}

} // namespace PatternScope
