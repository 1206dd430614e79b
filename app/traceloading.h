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
class TraceLoading : public QObject {
    Q_OBJECT
public:
    explicit TraceLoading(QStatusBar* statusBar, QObject* parent = nullptr);
    ~TraceLoading() override; // cancels a read going on and waits for its thread

    // Starts reading `path` from its start; a read going on is cancelled first.
    void start(const QString& path);
    // Stops quietly (another file opens, the window closes); the Cancel button says finished() with a
    // FileError::Code::Cancelled error instead.
    void cancel();
    bool isLoading() const { return m_thread.joinable(); }

    // After finished(): the whole trace (nullptr when the read failed or was cancelled) and what the reader said.
    std::unique_ptr<Trace> takeTrace() { return std::move(m_trace); }
    // Its captions (Narration::captions), made on the reading thread too: the window need not narrate it.
    QList<Caption> takeCaptions() { return std::move(m_captions); }
    const TraceHeader& header() const { return m_header; }
    const FileError& error() const { return m_error; }
    const QStringList& warnings() const { return m_warnings; }
    QString path() const { return m_path; }

Q_SIGNALS:
    void progressed(int percent);
    void finished();

private:
    struct Result;
    void finish(const std::shared_ptr<Result>& result, int generation);
    void stopByUser();
    void stopThread();

    QStatusBar* m_statusBar = nullptr;
    QProgressBar* m_bar = nullptr;
    QToolButton* m_cancelButton = nullptr;
    std::thread m_thread;
    std::shared_ptr<std::atomic_bool> m_cancelled;
    int m_generation = 0; // counts start()s, so a result queued before a cancel is known as stale
    QString m_path;
    std::unique_ptr<Trace> m_trace;
    QList<Caption> m_captions;
    TraceHeader m_header;
    FileError m_error;
    QStringList m_warnings;
};

} // namespace PatternScope
