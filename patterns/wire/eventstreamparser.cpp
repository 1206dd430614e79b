// SPDX-License-Identifier: GPL-3.0-or-later
#include "eventstreamparser.h"

#include <limits>
#include <utility>

namespace PatternScope {

namespace {

constexpr char16_t ByteOrderMark = 0xFEFF;

// A retry value is only taken when it is all ASCII digits; huge values saturate instead of wrapping.
bool parseRetry(QStringView value, qint64* ms)
{
    if (value.isEmpty())
        return false;
    constexpr qint64 max = std::numeric_limits<qint64>::max();
    qint64 result = 0;
    for (const QChar c : value) {
        if (c < u'0' || c > u'9')
            return false;
        const int digit = c.unicode() - u'0';
        result = result > (max - digit) / 10 ? max : result * 10 + digit;
    }
    *ms = result;
    return true;
}

} // namespace

void EventStreamParser::Utf8Decoder::decode(QByteArrayView bytes, QString* out)
{
    // Each byte yields at most two UTF-16 units: a U+FFFD for the sequence it breaks, then itself.
    const qsizetype start = out->size();
    out->resize(start + 2 * bytes.size());
    QChar* const begin = out->data() + start;
    QChar* end = begin;
    for (const char byte : bytes) {
        const uchar b = uchar(byte);
        if (needed > 0) {
            if (b >= lower && b <= upper) {
                codePoint = (codePoint << 6) | (b & 0x3F);
                lower = 0x80;
                upper = 0xBF;
                if (--needed == 0) {
                    for (const char16_t unit : QChar::fromUcs4(codePoint))
                        *end++ = unit;
                }
                continue;
            }
            // The sequence broke off: one U+FFFD for it, and the byte starts afresh.
            *end++ = QChar::ReplacementCharacter;
            needed = 0;
            lower = 0x80;
            upper = 0xBF;
        }
        if (b < 0x80) {
            *end++ = QLatin1Char(char(b));
        } else if (b >= 0xC2 && b <= 0xDF) {
            needed = 1;
            codePoint = b & 0x1F;
        } else if (b >= 0xE0 && b <= 0xEF) {
            needed = 2;
            codePoint = b & 0x0F;
            if (b == 0xE0)
                lower = 0xA0; // no overlong forms
            else if (b == 0xED)
                upper = 0x9F; // no surrogates
        } else if (b >= 0xF0 && b <= 0xF4) {
            needed = 3;
            codePoint = b & 0x07;
            if (b == 0xF0)
                lower = 0x90;
            else if (b == 0xF4)
                upper = 0x8F; // nothing above U+10FFFF
        } else {
            *end++ = QChar::ReplacementCharacter;
        }
    }
    out->truncate(start + (end - begin));
}

void EventStreamParser::feed(QByteArrayView bytes)
{
    if (bytes.isEmpty())
        return;

    const qsizetype scanned = m_partialLine.size();
    m_decoder.decode(bytes, &m_partialLine);

    const QChar* text = m_partialLine.constData();
    const qsizetype size = m_partialLine.size();
    qsizetype pos = scanned; // everything before it was scanned by an earlier feed and holds no line end
    qsizetype lineStart = 0;
    if (pos == size)
        return; // only part of a UTF-8 sequence so far

    // Either happens only with an empty partial line, so pos is 0 here; a CR ends the stream's start.
    if (m_atStreamStart) {
        m_atStreamStart = false;
        if (text[pos] == ByteOrderMark)
            lineStart = ++pos;
    } else if (m_skipLineFeed) {
        m_skipLineFeed = false;
        if (text[pos] == u'\n')
            lineStart = ++pos;
    }

    for (; pos < size; ++pos) {
        const QChar c = text[pos];
        if (c != u'\r' && c != u'\n')
            continue;
        processLine(QStringView(text + lineStart, pos - lineStart));
        if (c == u'\r') {
            if (pos + 1 == size)
                m_skipLineFeed = true; // the LF of a CRLF may be in the next chunk
            else if (text[pos + 1] == u'\n')
                ++pos;
        }
        lineStart = pos + 1;
    }
    m_partialLine.remove(0, lineStart);
}

void EventStreamParser::endOfStream()
{
    m_decoder = {};
    m_partialLine.clear();
    m_atStreamStart = true;
    m_skipLineFeed = false;
    m_data.clear();
    m_eventType.clear();
    // An id that came with the dropped event was never dispatched: the next connection goes on from the
    // ID it announced as Last-Event-ID.
    m_lastEventIdBuffer = m_lastEventId;
}

QList<ServerSentEvent> EventStreamParser::takeEvents()
{
    return std::exchange(m_events, {});
}

QStringList EventStreamParser::takeComments()
{
    return std::exchange(m_comments, {});
}

bool EventStreamParser::retryChanged()
{
    return std::exchange(m_retryChanged, false);
}

void EventStreamParser::processLine(QStringView line)
{
    if (line.isEmpty()) {
        dispatch();
        return;
    }
    if (line.front() == u':') {
        m_comments.append(line.mid(1).toString());
        return;
    }
    const qsizetype colon = line.indexOf(u':');
    if (colon < 0) {
        processField(line, {});
        return;
    }
    QStringView value = line.mid(colon + 1);
    if (value.startsWith(u' '))
        value = value.mid(1);
    processField(line.left(colon), value);
}

void EventStreamParser::processField(QStringView name, QStringView value)
{
    if (name == u"event") {
        m_eventType = value.toString();
    } else if (name == u"data") {
        m_data += value;
        m_data += u'\n';
    } else if (name == u"id") {
        if (!value.contains(QChar(u'\0')))
            m_lastEventIdBuffer = value.toString();
    } else if (name == u"retry") {
        qint64 ms = -1;
        if (parseRetry(value, &ms) && ms != m_retryMs) {
            m_retryMs = ms;
            m_retryChanged = true;
        }
    }
    // Other fields are ignored, as the standard says.
}

void EventStreamParser::dispatch()
{
    // The ID is taken even when no event follows, so an empty event can move Last-Event-ID on.
    m_lastEventId = m_lastEventIdBuffer;
    if (m_data.isEmpty()) {
        m_eventType.clear();
        return;
    }
    m_data.chop(1); // every data line appended an LF; the last one is not part of the data
    ServerSentEvent event;
    event.type = m_eventType.isEmpty() ? QStringLiteral("message") : std::exchange(m_eventType, {});
    event.data = std::exchange(m_data, {});
    event.lastEventId = m_lastEventId;
    m_events.append(std::move(event));
}

} // namespace PatternScope
