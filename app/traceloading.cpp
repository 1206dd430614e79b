// SPDX-License-Identifier: GPL-3.0-or-later
#include "traceloading.h"

#include <QCoreApplication>
#include <QProgressBar>
#include <QStatusBar>
#include <QThread>
#include <QToolButton>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace PatternScope {

struct TraceLoading::Result {
    std::unique_ptr<Trace> trace;
    TraceHeader header;
    FileError error;
    QStringList warnings;
};

TraceLoading::TraceLoading(QStatusBar* statusBar, QObject* parent)
    : QObject(parent)
    , m_statusBar(statusBar)
    , m_bar(new QProgressBar(statusBar))
    , m_cancelButton(new QToolButton(statusBar))
{
    m_bar->setRange(0, 100);
    m_bar->setMaximumWidth(160);
    // No taller than the status line: the status bar would grow while they are in it, and the diagram above
    // be laid out and painted again for a few pixels when loading starts, and again when it ends.
    const int line = statusBar->fontMetrics().height();
    m_bar->setMaximumHeight(line);
    m_cancelButton->setMaximumHeight(line);
    m_cancelButton->setAutoRaise(true);
    m_bar->setFormat(tr("Loading %p%"));
    m_cancelButton->setText(tr("Cancel"));
    m_cancelButton->setToolTip(tr("Stop loading the trace and keep what is shown"));
    // In the status bar only while loading: QStatusBar sizes itself by every widget it holds, shown or not,
    // and the progress bar is taller than a line of text (the window's minimum grew by it).
    m_bar->hide();
    m_cancelButton->hide();
    connect(m_cancelButton, &QToolButton::clicked, this, &TraceLoading::stopByUser);
    connect(this, &TraceLoading::progressed, m_bar, [bar = m_bar](int percent) {
        // QProgressBar::setValue repaints at once, and a repaint at once paints every widget of the window
        // that waits to be painted, in this same event: after a big trace's first frame that was the diagram
        // again, 40 ms on top of the first paint's 50 ms with no turn of the event loop between them. With
        // updates off for the call, the bar is only marked to be painted, with the rest, on a later turn.
        bar->setUpdatesEnabled(false);
        bar->setValue(percent);
        bar->setUpdatesEnabled(true);
    });
}

TraceLoading::~TraceLoading()
{
    // The status bar, and the widgets in it, may be gone already: only the thread is stopped.
    if (m_cancelled)
        m_cancelled->store(true);
    if (m_thread.joinable())
        m_thread.join();
}

void TraceLoading::start(const QString& path)
{
    cancel();
    m_path = path;
    m_error = {};
    m_warnings.clear();
    auto cancelled = std::make_shared<std::atomic_bool>(false);
    m_cancelled = cancelled;
    m_bar->setValue(0);
    m_statusBar->addPermanentWidget(m_bar);
    m_statusBar->addPermanentWidget(m_cancelButton);
    m_bar->show();
    m_cancelButton->show();
    m_reading = true;
    QThread* const home = thread();
    const int generation = ++m_generation;
    m_thread = std::thread([this, path, cancelled, home, generation] {
        auto result = std::make_shared<Result>();
        result->trace = std::make_unique<Trace>();
        TraceReader reader;
        int shown = -1;
        reader.setProgress([&](qint64 done, qint64 total) {
            const int percent = total > 0 ? int(done * 100 / total) : 0;
            if (percent != shown) {
                shown = percent;
                QMetaObject::invokeMethod(
                    this, [this, percent] { Q_EMIT progressed(percent); }, Qt::QueuedConnection);
            }
            return !cancelled->load();
        });
        const Trace* read = nullptr;
        if (!reader.read(path, result->trace.get(), &result->header)) {
            result->trace.reset();
            result->error = reader.error();
        } else {
            result->warnings = reader.warnings();
            read = result->trace.get();
            // Made on this thread; the window uses it on its own.
            result->trace->moveToThread(home);
#if defined(__GLIBC__)
            // Reading a million messages left this thread's heap with memory freed but still resident (glibc
            // keeps what a thread's arena frees): given back before the window adopts.
            malloc_trim(0);
#endif
        }
        // From here on the window owns the trace; it keeps it until cancel() has joined this thread.
        QMetaObject::invokeMethod(
            this, [this, result, generation] { finish(result, generation); }, Qt::QueuedConnection);
        if (!read || cancelled->load())
            return;
        // Only reads: the window reads the same trace meanwhile, and changes nothing of an opened one.
        QList<Caption> captions = Narration::captions(
            *read, {}, [&cancelled] { return !cancelled->load(); }, Narration::Texts::Compact);
        if (cancelled->load())
            return;
#if defined(__GLIBC__)
        malloc_trim(0); // what narrating a million messages used on the way
#endif
        QMetaObject::invokeMethod(
            this,
            [this, captions = std::move(captions), generation]() mutable {
                finishNarrating(std::move(captions), generation);
            },
            Qt::QueuedConnection);
    });
}

void TraceLoading::cancel()
{
    if (m_cancelled)
        m_cancelled->store(true);
    ++m_generation;
    stopThread();
    m_trace.reset();
    m_narrating = nullptr;
    m_narrated = nullptr;
    m_captions.clear();
}

void TraceLoading::stopThread()
{
    if (m_thread.joinable())
        m_thread.join();
    hideProgress();
}

void TraceLoading::hideProgress()
{
    m_reading = false;
    m_statusBar->removeWidget(m_bar);
    m_statusBar->removeWidget(m_cancelButton);
    m_bar->hide();
    m_cancelButton->hide();
}

void TraceLoading::stopByUser()
{
    if (!isLoading())
        return;
    cancel();
    m_error = { FileError::Code::Cancelled, tr("%1: loading cancelled").arg(m_path) };
    Q_EMIT finished();
}

void TraceLoading::finish(const std::shared_ptr<Result>& result, int generation)
{
    // A result from a read cancelled since is dropped: cancel() has joined its thread already.
    if (generation != m_generation)
        return;
    hideProgress();
    m_trace = std::move(result->trace);
    m_narrating = m_trace.get();
    m_header = result->header;
    m_error = result->error;
    m_warnings = result->warnings;
    // The thread ends here when there is nothing to narrate.
    if (!m_narrating && m_thread.joinable())
        m_thread.join();
    Q_EMIT finished();
}

void TraceLoading::finishNarrating(QList<Caption> captions, int generation)
{
    if (generation != m_generation)
        return;
    // The thread said this last: it ends now.
    if (m_thread.joinable())
        m_thread.join();
    m_narrated = m_narrating;
    m_narrating = nullptr;
    m_captions = std::move(captions);
    Q_EMIT narrated();
}

} // namespace PatternScope
