// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <algorithm>

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

inline QByteArray withoutLineEnd(QByteArray line)
{
    while (line.endsWith('\n') || line.endsWith('\r'))
        line.chop(1);
    return line;
}

} // namespace PatternScope::HttpSyntax
