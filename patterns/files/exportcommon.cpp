// SPDX-License-Identifier: GPL-3.0-or-later
#include "exportcommon.h"

#include <QByteArray>
#include <QIODevice>
#include <algorithm>
#include <limits>

namespace PatternScope::ExportCommon {

namespace {

int lifelineGroup(Participant::Role role)
{
    switch (role) {
    case Participant::Role::Client:
    case Participant::Role::Publisher:
    case Participant::Role::External:
        return 0;
    case Participant::Role::Server:
    case Participant::Role::Broker:
        return 1;
    case Participant::Role::Subscriber:
        return 2;
    }
    return 0;
}

} // namespace

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
    std::vector<const Participant*> order;
    order.reserve(trace.participants().size());
    for (const Participant& participant : trace.participants())
        order.push_back(&participant);
    std::stable_sort(order.begin(), order.end(),
        [](const Participant* a, const Participant* b) { return lifelineGroup(a->role) < lifelineGroup(b->role); });
    std::vector<int> ids;
    ids.reserve(order.size());
    for (const Participant* participant : order)
        ids.push_back(participant->id);
    return ids;
}

bool writeAll(QIODevice* out, const QByteArray& data, QString* error)
{
    if (out->write(data) == data.size())
        return true;
    if (error)
        *error = QStringLiteral("cannot write: %1").arg(out->errorString());
    return false;
}

bool reportProgress(const ExportProgress& progress, qsizetype done, qsizetype total, QString* error)
{
    if (!progress || progress(total > 0 ? double(done) / double(total) : 1.0))
        return true;
    if (error)
        *error = QStringLiteral("export cancelled");
    return false;
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
