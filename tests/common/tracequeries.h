// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "trace.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <algorithm>

// Questions the tests ask of a recorded trace, in one place so every test asks them the same way.
namespace PatternScope::Test {

// The messages of this kind, in recording order; `from` / `to` narrow them to a sender or receiver.
inline QList<const Message*> messagesOf(const Trace& trace, Message::Kind kind, int from = -1, int to = -1)
{
    QList<const Message*> result;
    for (const Message& m : trace.messages()) {
        if (m.kind == kind && (from < 0 || m.from == from) && (to < 0 || m.to == to))
            result.append(&m);
    }
    return result;
}

inline qsizetype deliveredCount(const QList<const Message*>& messages)
{
    return std::count_if(
        messages.begin(), messages.end(), [](const Message* m) { return m->state == Message::State::Delivered; });
}

// Messages of this kind that arrived.
inline qsizetype deliveredCount(const Trace& trace, Message::Kind kind)
{
    return deliveredCount(messagesOf(trace, kind));
}

// Messages of any kind that arrived.
inline qsizetype deliveredCount(const Trace& trace)
{
    return std::count_if(trace.messages().begin(), trace.messages().end(),
        [](const Message& m) { return m.state == Message::State::Delivered; });
}

// How many notes contain `part`.
inline qsizetype notesContaining(const Trace& trace, const QString& part)
{
    return std::count_if(
        trace.notes().begin(), trace.notes().end(), [&](const Note& n) { return n.text.contains(part); });
}

inline bool hasNote(const Trace& trace, const QString& part)
{
    return notesContaining(trace, part) > 0;
}

// The first header of that name (compared without case), or empty.
inline QByteArray headerOf(const Message& message, const QByteArray& name)
{
    for (const auto& header : message.headers()) {
        if (header.first.compare(name, Qt::CaseInsensitive) == 0)
            return header.second;
    }
    return {};
}

} // namespace PatternScope::Test
