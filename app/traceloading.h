// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "narration.h"
#include "tracefile.h"

#include <QObject>
#include <QString>
#include <QStringList>
#include <atomic>
#include <memory>
#include <thread>

class QProgressBar;
class QStatusBar;
class QToolButton;

namespace PatternScope {

// Reads a whole trace file on a thread of its own while the window shows its start, with a progress bar
// and a Cancel button in the window's status bar. The window stays responsive: the read never touches it.
// Once the trace is read (finished()), the same thread narrates it (Narration::captions, seconds for a
// million messages) while the window already shows it, and says narrated() with the captions. The trace it
// narrates is the one takeTrace() handed over: whoever owns it calls cancel() before it goes.
class TraceLoading : public QObject {
    Q_OBJECT
public:
    explicit TraceLoading(QStatusBar* statusBar, QObject* parent = nullptr);
    ~TraceLoading() override; // cancels a read going on and waits for its thread

    // Starts reading `path` from its start; a read going on is cancelled first.
    void start(const QString& path);
    // Stops reading or narrating quietly, and waits for the thread (another file opens, the window closes, the
    // trace narrated goes); the Cancel button says finished() with a FileError::Code::Cancelled error instead.
    void cancel();
    // Reading, with the progress bar shown: finished() is to come.
    bool isLoading() const { return m_reading; }
    // The trace read is being narrated: narrated() is to come.
    bool isNarrating() const { return m_narrating != nullptr; }

    // After finished(): the whole trace (nullptr when the read failed or was cancelled) and what the reader said.
    std::unique_ptr<Trace> takeTrace() { return std::move(m_trace); }
    // After narrated(): the captions of narratedTrace() (Narration::captions), made on the reading thread too,
    // so the window need not narrate it.
    QList<Caption> takeCaptions() { return std::move(m_captions); }
    const Trace* narratedTrace() const { return m_narrated; }
    const TraceHeader& header() const { return m_header; }
    const FileError& error() const { return m_error; }
    const QStringList& warnings() const { return m_warnings; }
    QString path() const { return m_path; }

Q_SIGNALS:
    void progressed(int percent);
    void finished();
    void narrated();

private:
    struct Result;
    void finish(const std::shared_ptr<Result>& result, int generation);
    void finishNarrating(QList<Caption> captions, int generation);
    void hideProgress();
    void stopByUser();
    void stopThread();

    QStatusBar* m_statusBar = nullptr;
    QProgressBar* m_bar = nullptr;
    QToolButton* m_cancelButton = nullptr;
    std::thread m_thread;
    std::shared_ptr<std::atomic_bool> m_cancelled;
    int m_generation = 0; // counts start()s, so a result queued before a cancel is known as stale
    QString m_path;
    bool m_reading = false;
    std::unique_ptr<Trace> m_trace;
    const Trace* m_narrating = nullptr; // the trace read, while the thread narrates it
    const Trace* m_narrated = nullptr; // the trace m_captions tell
    QList<Caption> m_captions;
    TraceHeader m_header;
    FileError m_error;
    QStringList m_warnings;
};

} // namespace PatternScope
