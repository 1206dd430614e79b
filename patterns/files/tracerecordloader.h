// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "tracefields.h"

#include <QJsonObject>
#include <QString>
#include <initializer_list>

namespace PatternScope {

// Turns records into Trace calls. Each function returns why the record was refused, or nothing.
class TraceRecordLoader {
public:
    explicit TraceRecordLoader(Trace* trace)
        : m_trace(trace)
    {
    }

    QString load(const QJsonObject& object);

private:
    QString unknownParticipant(QLatin1String what, qint64 id, int participant) const;
    static QString outOfOrder(QLatin1String what, qint64 id, size_t expected);
    // Why a record that opens something cannot be stored: the first problem with its fields, that it
    // is not the next of its type, or that it names a participant that does not exist. Empty if it can.
    QString openingProblem(const TraceFields& fields, QLatin1String what, QLatin1String idWord, qint64 id,
        size_t expected, std::initializer_list<int> participants) const;

    QString participant(TraceFields& fields);
    QString message(TraceFields& fields);
    static MessageFields messageFields(TraceFields& fields);
    QString messageEnd(TraceFields& fields, Message::State state);
    QString activation(TraceFields& fields);
    QString activationEnd(TraceFields& fields);
    QString note(TraceFields& fields);
    QString connection(TraceFields& fields);
    QString connectionClosed(TraceFields& fields);

    Trace* m_trace;
};

} // namespace PatternScope
