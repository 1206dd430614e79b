// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "exports.h"

#include <QList>
#include <QString>
#include <vector>

class QByteArray;
class QIODevice;

// Small helpers the exporters share. Keep this file about what more than one exporter needs.
namespace PatternScope::ExportCommon {

// The last time a range covers, for the trace's [from, to] queries (NoTime means "to the end").
TimeUs rangeEnd(const ExportRange& range);

// Seqs of the messages sent in the range, ordered by sentAt (ties in recording order).
QList<qint64> messagesInRange(const Trace& trace, const ExportRange& range);

// The participant's name, or "participant N" when it has none or is unknown.
QString participantName(const Trace& trace, int id);

// Participant ids in lifeline order: those who start conversations (clients, publishers, outside
// clients) on the left, the server or broker in the middle, subscribers on the right; trace order
// within each group.
std::vector<int> lifelineOrder(const Trace& trace);

// Writes all of `data`; false with Io and "cannot write: <reason>" otherwise.
bool writeAll(QIODevice* out, const QByteArray& data, FileError* error);

// Reports progress now and then; false (Cancelled, "export cancelled") once the user cancels.
bool reportProgress(const ExportProgress& progress, qsizetype done, qsizetype total, FileError* error);

// What a sequence diagram shows, merged into one list in time order.
struct DiagramEvent {
    // At equal times: activations start, then notes, then arrows, then activations end; so a
    // zero-length activation still opens before it closes.
    enum class Type { ActivationStart, Note, Message, ActivationEnd };

    TimeUs at = NoTime;
    Type type = Type::Message;
    qint64 index = -1; // the activation id, note id or message seq
};

// The messages sent in the range, the notes in it, the starts and ends of the activations that
// overlap it (an end past the range is left out: the activation is still going when the range
// ends). Messages or notes naming an unknown participant are left out.
std::vector<DiagramEvent> diagramEvents(const Trace& trace, const ExportRange& range);

} // namespace PatternScope::ExportCommon
