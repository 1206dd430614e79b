// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "trace.h"
#include "traceheader.h"

#include <QByteArray>
#include <QFile>
#include <QObject>
#include <QPointer>
#include <QString>

namespace PatternScope {

// Streams a trace to a .pstrace.jsonl file while it is recorded. Every event becomes one line,
// handed to the OS before the next event, so a killed process loses at most the line being
// written; the reader skips such a truncated last line.
class TraceWriter : public QObject {
    Q_OBJECT
public:
    explicit TraceWriter(QObject* parent = nullptr);
    ~TraceWriter() override;

    // Creates or truncates `path` and writes the header line.
    bool open(const QString& path, const TraceHeader& header);
    // Writes what `trace` already holds, then one line per event until detach() or close().
    // Lines are written in the thread that emits the trace's signals. Clearing the trace detaches
    // the writer: a file holds one recording.
    void attach(Trace* trace);
    void detach();
    bool close(); // false if any write failed
    bool isOpen() const { return m_file.isOpen(); }
    QString fileName() const { return m_file.fileName(); }

    // Once a write fails the writer stops writing, so the file stays a prefix of the recording.
    bool hasError() const { return !m_error.isEmpty(); }
    QString errorString() const { return m_error; }

    // Writes a whole trace at once (in large blocks rather than line by line).
    static bool writeTrace(
        const QString& path, const TraceHeader& header, const Trace& trace, QString* error = nullptr);

Q_SIGNALS:
    // Emitted once, when the first write fails (disk full, device gone).
    void writeFailed(const QString& error);

private:
    void writeExisting(const Trace& trace);
    // A record began (with its completing line when it is already finished), or it was completed.
    template <typename Record> void opened(const Record& record);
    template <typename Record> void ended(const Record& record);
    // Sends m_line to the file unless batching, where it is written once it grows past a block.
    void commit();
    bool writeOut(const QByteArray& data);
    void fail(const QString& reason);

    QFile m_file;
    QPointer<Trace> m_trace;
    QByteArray m_line; // reused for every line: no allocation per event
    bool m_batching = false;
    QString m_error;
};

} // namespace PatternScope
