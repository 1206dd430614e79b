// SPDX-License-Identifier: GPL-3.0-or-later
#include "httpchunkdecoder.h"

#include "httpsyntax.h"
#include "units.h"

#include <algorithm>
#include <cstring>
#include <utility>

namespace PatternScope {

namespace {

// A size line is hex digits and perhaps extensions; nobody needs more than this for them.
constexpr qsizetype kMaxSizeLine = 4096;
// 15 hex digits stay below qint64's limit.
constexpr qsizetype kMaxSizeDigits = 15;

bool isHexDigit(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

// Field-value characters, as in extension values and trailer fields: visible ASCII, obs-text, SP, HTAB.
bool isFieldText(char c)
{
    const auto u = static_cast<unsigned char>(c);
    return u == '\t' || (u >= 0x20 && u != 0x7f);
}

} // namespace

HttpChunkDecoder::HttpChunkDecoder(qint64 maxBodyBytes, int maxTrailerBytes)
    : m_maxBodyBytes(maxBodyBytes)
    , m_maxTrailerBytes(maxTrailerBytes)
{
}

qsizetype HttpChunkDecoder::feed(const char* data, qsizetype size, QByteArray* decoded)
{
    qsizetype i = 0;
    while (i < size && m_state != State::Done && m_state != State::Failed) {
        if (m_state == State::Data) {
            const auto take = qsizetype(std::min<qint64>(m_chunkLeft, size - i));
            decoded->append(data + i, take);
            m_chunkLeft -= take;
            i += take;
            if (m_chunkLeft == 0)
                m_state = State::DataEnd;
            continue;
        }
        // A line: the size line, the line end after the data, or a trailer line.
        const auto* lf = static_cast<const char*>(std::memchr(data + i, '\n', size_t(size - i)));
        const qsizetype end = lf ? lf - data + 1 : size;
        const qsizetype limit = m_state == State::Trailer ? m_maxTrailerBytes - m_trailerBytes + 1 : kMaxSizeLine + 1;
        m_line.append(data + i, std::min<qsizetype>(end - i, limit - m_line.size()));
        i = end;
        if (m_state == State::DataEnd) {
            // Only a line end may follow the data.
            if (m_line != "\r\n" && m_line != "\n" && m_line != "\r") {
                fail(400, QStringLiteral("chunk data longer than its size"));
                break;
            }
        } else if (m_line.size() >= limit) {
            if (m_state == State::Trailer)
                fail(431, QStringLiteral("request trailers over %1").arg(Units::binaryLimit(m_maxTrailerBytes)));
            else
                fail(400, QStringLiteral("chunk size line too long"));
            break;
        }
        if (!lf)
            continue;
        const QByteArray line = std::exchange(m_line, {});
        if (m_state == State::DataEnd)
            m_state = State::Size;
        else if (m_state == State::Size)
            takeSizeLine(HttpSyntax::withoutLineEnd(line));
        else if (takeTrailerLine(line))
            m_trailerBytes += line.size();
    }
    return i;
}

bool HttpChunkDecoder::takeSizeLine(const QByteArray& line)
{
    qsizetype digits = 0;
    while (digits < line.size() && isHexDigit(line.at(digits)))
        ++digits;
    if (digits == 0 || digits > kMaxSizeDigits) {
        fail(400, digits == 0 ? QStringLiteral("malformed chunk size") : QStringLiteral("chunk size too large"));
        return false;
    }
    // chunk-ext = *( BWS ";" BWS ext-name [ BWS "=" BWS ext-value ] ): read and dropped.
    qsizetype blank = digits;
    while (blank < line.size() && (line.at(blank) == ' ' || line.at(blank) == '\t'))
        ++blank;
    if (blank < line.size() && line.at(blank) != ';') {
        fail(400, QStringLiteral("malformed chunk size"));
        return false;
    }
    const QByteArray rest = line.mid(digits);
    if (!std::all_of(rest.begin(), rest.end(), isFieldText)) {
        fail(400, QStringLiteral("malformed chunk extension"));
        return false;
    }
    const qint64 chunk = line.left(digits).toLongLong(nullptr, 16);
    if (chunk > m_maxBodyBytes - m_decoded) {
        fail(413, QStringLiteral("request body over %1").arg(Units::binaryLimit(m_maxBodyBytes)));
        return false;
    }
    m_decoded += chunk;
    m_chunkLeft = chunk;
    m_state = chunk == 0 ? State::Trailer : State::Data;
    return true;
}

bool HttpChunkDecoder::takeTrailerLine(const QByteArray& raw)
{
    const QByteArray line = HttpSyntax::withoutLineEnd(raw);
    if (line.isEmpty()) {
        m_state = State::Done;
        return true;
    }
    const qsizetype colon = line.indexOf(':');
    const QByteArray name = line.left(colon);
    if (!HttpSyntax::isToken(name) || !std::all_of(line.begin() + colon + 1, line.end(), isFieldText)) {
        fail(400, QStringLiteral("malformed trailer line"));
        return false;
    }
    return true;
}

void HttpChunkDecoder::fail(int status, const QString& reason)
{
    m_state = State::Failed;
    m_failureStatus = status;
    m_failureReason = reason;
}

} // namespace PatternScope
