// SPDX-License-Identifier: GPL-3.0-or-later
#include "openfiles.h"

#include "exports.h"
#include "mainwindow.h"
#include "recentfiles.h"

#include <QCoreApplication>
#include <QFileInfo>
#include <QMessageBox>
#include <cstdio>

namespace PatternScope::OpenFiles {

namespace {

QString tr(const char* text, int n = -1)
{
    return QCoreApplication::translate("PatternScope::OpenFiles", text, nullptr, n);
}

} // namespace

Result open(MainWindow* window, const QStringList& paths)
{
    Result result;
    MainWindow* empty = window; // the window the next file goes into, if it has none yet
    for (const QString& path : paths) {
        const QFileInfo file(path);
        if (!file.isFile()) {
            result.failures << QStringLiteral("%1: cannot open: %2")
                                   .arg(path, file.exists() ? tr("not a file") : tr("no such file"));
            result.missing << path;
            continue;
        }
        MainWindow* target = empty ? empty : new MainWindow;
        QString error;
        if (!target->openTrace(path, &error)) {
            if (!error.isEmpty())
                result.failures << error;
            empty = target; // a new window that stayed empty takes the next file
            continue;
        }
        RecentFiles::add(path);
        if (target != window) {
            target->setAttribute(Qt::WA_DeleteOnClose);
            const MainWindow* before = result.windows.isEmpty() ? window : result.windows.constLast();
            target->move(before->pos() + QPoint(40, 40));
            target->show();
        }
        result.windows << target;
        empty = nullptr;
    }
    if (empty && empty != window)
        delete empty;
    return result;
}

void report(QWidget* window, const QStringList& failures)
{
    if (failures.isEmpty())
        return;
    for (const QString& failure : failures)
        fprintf(stderr, "patternscope: %s\n", qPrintable(failure));
    if (!window)
        return;
    auto* box = new QMessageBox(QMessageBox::Warning,
        failures.size() == 1 ? tr("Cannot open the file") : tr("Cannot open %n files", int(failures.size())),
        failures.join(QStringLiteral("\n\n")), QMessageBox::Ok, window);
    box->setObjectName(QStringLiteral("openFailures"));
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
}

bool isOpenable(const QString& path)
{
    const QFileInfo file(path);
    return file.isFile() && (path.endsWith(QLatin1String(".jsonl"), Qt::CaseInsensitive) || Import::isHar(path));
}

} // namespace PatternScope::OpenFiles
