// SPDX-License-Identifier: GPL-3.0-or-later
#include "exportcommon.h"

#include <QByteArray>
#include <QIODevice>
#include <algorithm>
#include <limits>

namespace PatternScope::ExportCommon {

TimeUs rangeEnd(const ExportRange& range)
{
    return range.to == NoTime ? std::numeric_limits<TimeUs>::max() : range.to;
}

QList<qint64> messagesInRange(const Trace& trace, const ExportRange& range)
{
    return trace.messagesSentBetween(range.from, rangeEnd(range));
}

QString participantName(const Trace& trace, int id)
{
    const Participant* participant = trace.participant(id);
    if (!participant || participant->name.trimmed().isEmpty())
        return QStringLiteral("participant %1").arg(id);
    return participant->name;
}

std::vector<int> lifelineOrder(const Trace& trace)
{
    // The order is the core's, shared with the view; the exports name participants by id.
    std::vector<int> ids = PatternScope::lifelineOrder(trace.participants());
    for (int& id : ids)
        id = trace.participants()[size_t(id)].id;
    return ids;
}

bool writeAll(QIODevice* out, const QByteArray& data, FileError* error)
{
    if (out->write(data) == data.size())
        return true;
    return FileError::fail(error, FileError::Code::Io, QStringLiteral("cannot write: %1").arg(out->errorString()));
}

bool reportProgress(const ExportProgress& progress, qsizetype done, qsizetype total, FileError* error)
{
    if (!progress || progress(total > 0 ? double(done) / double(total) : 1.0))
        return true;
    return FileError::fail(error, FileError::Code::Cancelled, QStringLiteral("export cancelled"));
}

std::vector<DiagramEvent> diagramEvents(const Trace& trace, const ExportRange& range)
{
    using Type = DiagramEvent::Type;
    const TimeUs to = rangeEnd(range);
    std::vector<DiagramEvent> events;
    const QList<qint64> seqs = messagesInRange(trace, range);
    events.reserve(size_t(seqs.size()) * 2);
    for (qint64 seq : seqs) {
        const Message& message = trace.message(seq);
        if (trace.participant(message.from) && trace.participant(message.to))
            events.push_back({ message.sentAt, Type::Message, seq });
    }
    for (const Activation& activation : trace.activations()) {
        const bool overlaps = activation.start <= to && (activation.end == NoTime || activation.end >= range.from);
        if (!overlaps || !trace.participant(activation.participant))
            continue;
        events.push_back({ activation.start, Type::ActivationStart, activation.id });
        if (activation.end != NoTime && activation.end >= activation.start && activation.end <= to)
            events.push_back({ activation.end, Type::ActivationEnd, activation.id });
    }
    for (const Note& note : trace.notes()) {
        if (range.contains(note.at) && (note.participant == -1 || trace.participant(note.participant)))
            events.push_back({ note.at, Type::Note, note.id });
    }
    // Messages come in sentAt order already; activations and notes are nearly sorted too.
    std::stable_sort(events.begin(), events.end(), [](const DiagramEvent& a, const DiagramEvent& b) {
        if (a.at != b.at)
            return a.at < b.at;
        return a.type < b.type;
    });
    return events;
}

} // namespace PatternScope::ExportCommon
