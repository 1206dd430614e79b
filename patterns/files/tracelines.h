// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "tracefile.h"

#include <QByteArray>

// The lines of a trace file (docs/trace-format.md), each with its newline: the one that opens a record,
// and the one that completes it (delivered or lost, activation-end, connection-closed).
namespace PatternScope::TraceLines {

void append(QByteArray& out, const TraceHeader& header);
void append(QByteArray& out, const Participant& participant);
void append(QByteArray& out, const Message& message);
void append(QByteArray& out, const Activation& activation);
void append(QByteArray& out, const Note& note);
void append(QByteArray& out, const Connection& connection);

// Nothing while the record is still open, and nothing for records that are never completed.
void appendEnd(QByteArray& out, const Message& message);
void appendEnd(QByteArray& out, const Activation& activation);
void appendEnd(QByteArray& out, const Connection& connection);
inline void appendEnd(QByteArray&, const Participant&) { }
inline void appendEnd(QByteArray&, const Note&) { }

template <typename Record> QByteArray line(const Record& record)
{
    QByteArray out;
    append(out, record);
    return out;
}

template <typename Record> QByteArray endLine(const Record& record)
{
    QByteArray out;
    appendEnd(out, record);
    return out;
}

} // namespace PatternScope::TraceLines
