// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "trace.h"
#include "traceheader.h"

#include <QByteArray>
#include <QFile>
#include <QObject>
#include <QPointer>
#include <QString>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace PatternScope {

// Streams a trace to a .pstrace.jsonl file while it is recorded. Every event becomes one line. Lines
// are gathered within one event-loop turn and handed to the OS (one write) when the turn ends; a turn
// that lasts longer (a flood, a tight loop) has its lines written by a flusher thread once the oldest
// is 50 ms old, or once they fill a block. So a killed process loses at most the lines of the turn
// it was in, none older than MaxHoldMs, and at worst a truncated last line, which the reader skips.
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
    // Hands every line gathered so far to the OS now (the end of the turn does it by itself).
    void flush();

    static constexpr int MaxHoldMs = 50; // the longest a line waits before it is handed to the OS
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
    // Moves m_line to the pending lines; they go out at the turn's end, after MaxHoldMs, or as a block.
    void commit();
    // Writes the pending lines; the caller holds m_mutex. False when a write failed.
    bool writePending();
    bool writeOut(const QByteArray& data);
    void fail(const QString& reason);
    void startFlusher();
    void stopFlusher();
    void flusherLoop();
    // A write failed on the flusher thread: report it here (the writer's thread).
    void reportFlushFailure();

    QFile m_file;
    QPointer<Trace> m_trace;
    QByteArray m_line; // reused for every line: no allocation per event
    QString m_error;
    bool m_turnEndPosted = false;

    // Shared with the flusher thread, under m_mutex: the pending lines, since when they wait, the file.
    std::mutex m_mutex;
    std::condition_variable m_wake;
    QByteArray m_pending;
    std::chrono::steady_clock::time_point m_pendingSince;
    QString m_flushError;
    bool m_stopping = false;
    std::atomic<bool> m_flushFailed { false };
    std::thread m_flusher;
};

} // namespace PatternScope
