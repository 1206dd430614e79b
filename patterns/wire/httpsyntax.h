// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QList>
#include <algorithm>
#include <cstring>

// Small pieces of HTTP/1.1 syntax (RFC 9112) that the request framer and the response tracker share.
namespace PatternScope::HttpSyntax {

// A Content-Length value: digits only, small enough for qint64; -1 if invalid.
inline qint64 parseLength(const QByteArray& value)
{
    if (value.isEmpty() || value.size() > 18)
        return -1;
    if (!std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; }))
        return -1;
    return value.toLongLong();
}

// RFC 9110 token characters, as in methods and field names.
inline bool isTokenChar(char c)
{
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
        return true;
    return c != 0 && std::strchr("!#$%&'*+-.^_`|~", c) != nullptr;
}

inline bool isToken(const QByteArray& bytes)
{
    return !bytes.isEmpty() && std::all_of(bytes.begin(), bytes.end(), isTokenChar);
}

inline QByteArray withoutLineEnd(QByteArray line)
{
    while (line.endsWith('\n') || line.endsWith('\r'))
        line.chop(1);
    return line;
}

// The members of a comma-separated field value (Connection, Transfer-Encoding), trimmed and in lower
// case; empty members are kept so a caller can refuse them.
inline QList<QByteArray> listMembers(const QByteArray& value)
{
    QList<QByteArray> members = value.split(',');
    for (QByteArray& member : members)
        member = member.trimmed().toLower();
    return members;
}

// Bytes of the line end a head finishes with ("\r\n" or a bare "\n"): where a header can be inserted.
inline qsizetype finalLineEnd(const QByteArray& head)
{
    return head.endsWith("\r\n") ? 2 : (head.endsWith('\n') ? 1 : 0);
}

// The "Name: value" lines of an HTTP head after its first line, in order, as far as the head goes.
// Lenient on purpose: it reads heads for the trace, it does not judge them.
inline QList<QPair<QByteArray, QByteArray>> headFields(const QByteArray& head)
{
    QList<QPair<QByteArray, QByteArray>> fields;
    const QList<QByteArray> lines = head.split('\n');
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QByteArray line = lines.at(i).trimmed();
        const qsizetype colon = line.indexOf(':');
        if (colon > 0)
            fields.append({ line.left(colon).trimmed(), line.mid(colon + 1).trimmed() });
    }
    return fields;
}

} // namespace PatternScope::HttpSyntax
