// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QDateTime>
#include <QList>
#include <QPair>
#include <QString>

namespace PatternScope {

// The trace file format: JSON Lines, one record per line, described in docs/trace-format.md.
constexpr int TraceFormatVersion = 1;

// What the first line of a trace file says about the run.
struct TraceHeader {
    int formatVersion = TraceFormatVersion; // the writer always writes its own version
    QString appVersion;
    QString pattern;
    QList<QPair<QString, QString>> parameters; // name -> value text such as "100ms", in display order
    quint64 seed = 0;
    QDateTime startedAt; // wall clock, UTC; stored with millisecond precision

    friend bool operator==(const TraceHeader& a, const TraceHeader& b)
    {
        return a.formatVersion == b.formatVersion && a.appVersion == b.appVersion && a.pattern == b.pattern
            && a.parameters == b.parameters && a.seed == b.seed && a.startedAt == b.startedAt;
    }
    friend bool operator!=(const TraceHeader& a, const TraceHeader& b) { return !(a == b); }
};

} // namespace PatternScope
