// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "trace.h"

#include <QByteArray>
#include <QDateTime>
#include <QFile>
#include <QList>
#include <QObject>
#include <QPair>
#include <QPointer>
#include <QString>
#include <QStringList>

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

// Loads a .pstrace.jsonl file into a Trace. Bad lines are reported and skipped; only a missing
// file, a missing or unsupported header make the whole read fail.
class TraceReader {
public:
    // Replaces the contents of `trace` once the header is accepted.
    bool read(const QString& path, Trace* trace, TraceHeader* header = nullptr);
    // "<file>:<line>: reason" (or "<file>: cannot open: ...") after read() returned false.
    QString errorString() const { return m_error; }
    // "<file>:<line>: reason" for every skipped line, in file order; capped at MaxWarnings,
    // followed by one line saying how many more were not listed.
    QStringList warnings() const { return m_warnings; }

    static constexpr int MaxWarnings = 1000;

private:
    QString m_error;
    QStringList m_warnings;
};

} // namespace PatternScope

Q_DECLARE_METATYPE(PatternScope::TraceHeader)
