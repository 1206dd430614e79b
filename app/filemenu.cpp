// SPDX-License-Identifier: GPL-3.0-or-later
#include "filemenu.h"

#include "exportdialog.h"
#include "exports.h"
#include "mainwindow.h"
#include "sequenceview.h"

#include <QCoreApplication>
#include <QFileDialog>
#include <QFileInfo>
#include <QMenu>
#include <QMessageBox>
#include <QProgressDialog>
#include <QStatusBar>

namespace PatternScope {

FileMenu::FileMenu(MainWindow* window)
    : QObject(window)
    , m_window(window)
{
}

void FileMenu::addTo(QMenu* menu)
{
    menu->addAction(tr("&Open trace…"), QKeySequence::Open, this, &FileMenu::openTrace);
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

void FileMenu::openTrace()
{
    const QString path = QFileDialog::getOpenFileName(m_window, tr("Open trace"), QString(),
        tr("Traces and browsers' HAR files (*.pstrace.jsonl *.jsonl *.har);;PatternScope traces (*.pstrace.jsonl "
           "*.jsonl);;HAR files (*.har);;All files (*)"));
    if (path.isEmpty())
        return;
    QString error;
    if (!m_window->openTrace(path, &error) && !error.isEmpty())
        QMessageBox::warning(m_window, tr("Cannot open the trace"), error);
}

void FileMenu::saveTrace()
{
    const QString path = QFileDialog::getSaveFileName(
        m_window, tr("Save trace"), QStringLiteral("run.pstrace.jsonl"), tr("PatternScope traces (*.pstrace.jsonl)"));
    if (path.isEmpty())
        return;
    QString error;
    if (!m_window->saveTrace(path, &error))
        QMessageBox::warning(m_window, tr("Cannot save the trace"), error);
    else
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
    if (!m_window->importHar(path, &error) && !error.isCancelled())
        QMessageBox::warning(m_window, tr("Cannot import the HAR file"), error.message);
}

} // namespace PatternScope
