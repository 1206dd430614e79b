// SPDX-License-Identifier: GPL-3.0-or-later
#include "filemenu.h"

#include "exportdialog.h"
#include "exports.h"
#include "mainwindow.h"
#include "openfiles.h"
#include "recentfiles.h"
#include "sequenceview.h"

#include <QCoreApplication>
#include <QDropEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QMenu>
#include <QMessageBox>
#include <QMimeData>
#include <QProgressDialog>
#include <QStatusBar>
#include <QTimer>
#include <QUrl>

namespace PatternScope {

namespace {

// The local files of a drag that the window can open; empty if there is none (the drop is refused).
QStringList openableFiles(const QMimeData* data)
{
    QStringList paths;
    if (!data || !data->hasUrls())
        return paths;
    for (const QUrl& url : data->urls()) {
        if (url.isLocalFile() && OpenFiles::isOpenable(url.toLocalFile()))
            paths << url.toLocalFile();
    }
    return paths;
}

} // namespace

FileMenu::FileMenu(MainWindow* window)
    : QObject(window)
    , m_window(window)
{
    window->setAcceptDrops(true);
    window->installEventFilter(this);
}

void FileMenu::addTo(QMenu* menu)
{
    menu->addAction(tr("&Open trace…"), QKeySequence::Open, this, &FileMenu::openTrace);
    m_recent = menu->addMenu(tr("Open &Recent"));
    m_recent->setObjectName(QStringLiteral("recentMenu"));
    // Filled as it opens: another window (or a file opened from the command line) may have changed the list.
    connect(m_recent, &QMenu::aboutToShow, this, &FileMenu::fillRecent);
    fillRecent();
    menu->addAction(tr("&Save trace as…"), QKeySequence::Save, this, &FileMenu::saveTrace);
    menu->addAction(tr("&Export…"), QKeySequence(Qt::CTRL | Qt::Key_E), this, &FileMenu::exportTrace);
    menu->addAction(tr("&Import HAR…"), QKeySequence(Qt::CTRL | Qt::Key_I), this, &FileMenu::importHar);
}

bool FileMenu::readHar(const QString& path, Trace* trace, TraceHeader* header, FileError* error, QStringList* warnings)
{
    QProgressDialog progress(tr("Importing %1…").arg(QFileInfo(path).fileName()), tr("Cancel"), 0, 1000, m_window);
    progress.setWindowModality(Qt::WindowModal);
    progress.setMinimumDuration(300);
    const auto showProgress = [&progress](double done) {
        progress.setValue(int(done * 1000));
        QCoreApplication::processEvents();
        return !progress.wasCanceled();
    };
    const bool ok = Import::har(path, trace, header, error, showProgress, warnings);
    progress.reset();
    return ok;
}

void FileMenu::openFiles(const QStringList& paths)
{
    const OpenFiles::Result result = OpenFiles::open(m_window, paths);
    for (const QString& gone : result.missing)
        RecentFiles::remove(gone);
    OpenFiles::report(m_window, result.failures);
}

void FileMenu::fillRecent()
{
    m_recent->clear();
    const QStringList paths = RecentFiles::paths();
    for (qsizetype i = 0; i < paths.size(); ++i) {
        const QString& path = paths.at(i);
        // &1 … &9, then 1&0: a key for each; an '&' in a file name is shown, not taken as a key.
        const QString number
            = i < 9 ? QStringLiteral("&%1").arg(i + 1) : QStringLiteral("%1&%2").arg((i + 1) / 10).arg((i + 1) % 10);
        QString name = QFileInfo(path).fileName();
        name.replace(u'&', QStringLiteral("&&"));
        QAction* action = m_recent->addAction(number + u' ' + name, this, [this, path] { openFiles({ path }); });
        action->setToolTip(path);
        action->setStatusTip(path);
        action->setData(path);
    }
    if (paths.isEmpty())
        m_recent->addAction(tr("No recent files"))->setEnabled(false);
    m_recent->addSeparator();
    QAction* clear = m_recent->addAction(tr("&Clear list"), this, [this] {
        RecentFiles::clear();
        fillRecent();
    });
    clear->setEnabled(!paths.isEmpty());
    m_recent->setToolTipsVisible(true);
}

bool FileMenu::eventFilter(QObject* watched, QEvent* event)
{
    if (watched != m_window)
        return false;
    switch (event->type()) {
    case QEvent::DragEnter:
    case QEvent::DragMove: {
        auto* drag = static_cast<QDragMoveEvent*>(event);
        if (openableFiles(drag->mimeData()).isEmpty())
            drag->ignore();
        else
            drag->acceptProposedAction();
        return true;
    }
    case QEvent::Drop: {
        auto* drop = static_cast<QDropEvent*>(event);
        const QStringList paths = openableFiles(drop->mimeData());
        if (paths.isEmpty())
            return false;
        drop->acceptProposedAction();
        // Read after the drop has been answered, so the application it came from is not kept waiting.
        QTimer::singleShot(0, this, [this, paths] { openFiles(paths); });
        return true;
    }
    default:
        return false;
    }
}

void FileMenu::openTrace()
{
    const QStringList paths = QFileDialog::getOpenFileNames(m_window, tr("Open trace"), QString(),
        tr("Traces and browsers' HAR files (*.pstrace.jsonl *.jsonl *.har);;PatternScope traces (*.pstrace.jsonl "
           "*.jsonl);;HAR files (*.har);;All files (*)"));
    if (!paths.isEmpty())
        openFiles(paths);
}

void FileMenu::saveTrace()
{
    const QString path = QFileDialog::getSaveFileName(
        m_window, tr("Save trace"), QStringLiteral("run.pstrace.jsonl"), tr("PatternScope traces (*.pstrace.jsonl)"));
    if (path.isEmpty())
        return;
    QString error;
    if (!m_window->saveTrace(path, &error)) {
        QMessageBox::warning(m_window, tr("Cannot save the trace"), error);
        return;
    }
    RecentFiles::add(path);
    m_window->statusBar()->showMessage(tr("Saved %1").arg(path), 5000);
}

void FileMenu::exportTrace()
{
    if (!m_window->trace()) {
        m_window->statusBar()->showMessage(tr("Nothing to export yet: start a run or open a trace."), 5000);
        return;
    }
    const QString path = ExportDialog::run(
        *m_window->trace(), m_window->currentHeader(), m_window, m_window->sequenceView()->detail());
    if (!path.isEmpty())
        m_window->statusBar()->showMessage(tr("Exported to %1").arg(path), 5000);
}

void FileMenu::importHar()
{
    const QString path = QFileDialog::getOpenFileName(
        m_window, tr("Import HAR"), QString(), tr("HAR files recorded by browsers (*.har);;All files (*)"));
    if (path.isEmpty())
        return;
    FileError error;
    if (m_window->importHar(path, &error))
        RecentFiles::add(path);
    else if (!error.isCancelled())
        QMessageBox::warning(m_window, tr("Cannot import the HAR file"), error.message);
}

} // namespace PatternScope
