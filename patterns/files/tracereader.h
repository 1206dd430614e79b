// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "fileerror.h"
#include "trace.h"
#include "traceheader.h"

#include <QString>
#include <QStringList>
#include <functional>

class QIODevice;

namespace PatternScope {

// Loads a .pstrace.jsonl file into a Trace. Bad lines are reported and skipped; only a missing
// file, a missing or unsupported header make the whole read fail.
class TraceReader {
public:
    // Replaces the contents of `trace` once the header is accepted.
    bool read(const QString& path, Trace* trace, TraceHeader* header = nullptr);
    // The same from a device open for reading; `name` stands for the file in messages.
    bool read(QIODevice* device, const QString& name, Trace* trace, TraceHeader* header = nullptr);
    // After read() returned false: Io (the file cannot be opened or read) or BadInput (empty, no
    // pstrace header, an unsupported version), with "<file>:<line>: reason" (or "<file>: cannot open: ...").
    const FileError& error() const { return m_error; }
    QString errorString() const { return m_error.message; }
    // "<file>:<line>: reason" for every skipped line, in file order; capped at MaxWarnings,
    // followed by one line saying how many more were not listed.
    QStringList warnings() const { return m_warnings; }

    static constexpr int MaxWarnings = 1000;

    // Off: every line goes through QJsonDocument, as before the quick path existed; for tests that
    // check both ways read a file alike.
    void setFastPath(bool on) { m_fastPath = on; }

    // Called after each block read with the bytes read so far and the device's size (0 when not known);
    // returning false stops the read, which then fails with FileError::Code::Cancelled.
    void setProgress(std::function<bool(qint64 done, qint64 total)> progress) { m_progress = std::move(progress); }
    // Ends the read, successfully, once `bytes` of the device are read: the start of a large file, to show
    // while the whole is loading. readWhole() says whether the last read got to the end.
    void setStopAfter(qint64 bytes) { m_stopAfter = bytes; }
    bool readWhole() const { return m_whole; }

private:
    bool m_fastPath = true;
    std::function<bool(qint64, qint64)> m_progress;
    qint64 m_stopAfter = -1;
    bool m_whole = false;
    FileError m_error;
    QStringList m_warnings;
};

} // namespace PatternScope
