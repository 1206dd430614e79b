// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QRandomGenerator64>
#include <QString>

namespace PatternScope {

// W3C Trace Context: "00-<32 hex trace id>-<16 hex parent id>-01".
struct TraceParent {
    QByteArray traceId;
    QByteArray parentId;

    QByteArray toHeader() const;
    static bool parse(const QByteArray& header, TraceParent* out);
    // The trace id a traceparent header names, as the trace's correlation; `fallback` when there is none.
    static QString correlationOf(const QByteArray& header, const QString& fallback);
    // `bytes` random bytes as lowercase hex: 16 for a trace id, 8 for a parent id.
    static QByteArray randomId(QRandomGenerator64& random, int bytes);
};

} // namespace PatternScope
