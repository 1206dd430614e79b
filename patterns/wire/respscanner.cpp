// SPDX-License-Identifier: GPL-3.0-or-later
#include "respscanner.h"

namespace PatternScope {

namespace {

constexpr int kMaxDepth = 8;
constexpr int kMaxWords = 64;

// A line ending in CRLF from `at`: its end (the CR), 0 if incomplete, -1 if a bare LF came first.
qsizetype lineEnd(QByteArrayView b, qsizetype at)
{
    for (qsizetype i = at; i < b.size(); ++i) {
        if (b[i] == '\n')
            return -1;
        if (b[i] == '\r')
            return i + 1 < b.size() ? (b[i + 1] == '\n' ? i : -1) : 0;
    }
    return 0;
}

// A length or count: digits, maybe a minus sign for null (-1). False if not that.
bool integer(QByteArrayView text, qint64* value)
{
    if (text.isEmpty() || text.size() > 18)
        return false;
    bool ok = false;
    *value = text.toLongLong(&ok);
    return ok;
}

// One value at `at`: where it ends, 0 if incomplete, -1 if not RESP.
qsizetype value(QByteArrayView b, qsizetype at, int depth, StreamUnit* unit)
{
    if (at >= b.size())
        return 0;
    const qsizetype end = lineEnd(b, at + 1);
    if (end <= 0)
        return end;
    const QByteArrayView line = b.sliced(at + 1, end - at - 1);
    const qsizetype next = end + 2;
    qint64 n = 0;
    switch (b[at]) {
    case '+':
    case '-':
    case ':':
        if (unit->words.size() < kMaxWords)
            unit->words.append(QString::fromUtf8(line));
        return next;
    case '$':
        if (!integer(line, &n) || n < -1)
            return -1;
        if (n == -1)
            return next;
        if (b.size() - next < n + 2)
            return 0;
        if (b[next + n] != '\r' || b[next + n + 1] != '\n')
            return -1;
        if (unit->words.size() < kMaxWords)
            unit->words.append(QString::fromUtf8(b.sliced(next, qsizetype(n))));
        return next + qsizetype(n) + 2;
    case '*': {
        if (!integer(line, &n) || n < -1 || depth >= kMaxDepth)
            return -1;
        qsizetype pos = next;
        for (qint64 i = 0; i < n; ++i) {
            pos = value(b, pos, depth + 1, unit);
            if (pos <= 0)
                return pos;
        }
        return pos;
    }
    default:
        return -1;
    }
}

} // namespace

RespScanner::RespScanner(qsizetype maxValueBytes)
    : m_maxValueBytes(maxValueBytes)
{
}

qsizetype RespScanner::parse(QByteArrayView bytes, StreamUnit* unit)
{
    *unit = StreamUnit();
    if (bytes.isEmpty())
        return 0;
    unit->type = quint8(bytes[0]);
    return value(bytes, 0, 0, unit);
}

QList<StreamUnit> RespScanner::feed(QByteArrayView bytes)
{
    QList<StreamUnit> units;
    if (m_failed)
        return units;
    m_buffer.append(bytes);
    qsizetype at = 0;
    while (at < m_buffer.size()) {
        StreamUnit unit;
        const qsizetype length = parse(QByteArrayView(m_buffer).sliced(at), &unit);
        if (length < 0) {
            m_failed = true;
            break;
        }
        if (length == 0)
            break;
        unit.offset = m_offset;
        unit.wireBytes = length;
        units.append(unit);
        m_offset += length;
        at += length;
    }
    m_buffer.remove(0, at);
    if (m_buffer.size() > m_maxValueBytes)
        m_failed = true;
    if (m_failed)
        m_buffer.clear();
    return units;
}

} // namespace PatternScope
