// SPDX-License-Identifier: GPL-3.0-or-later
#include "recentfiles.h"

#include <QFileInfo>
#include <QSettings>

namespace PatternScope::RecentFiles {

namespace {

QString key()
{
    return QStringLiteral("files/recent");
}

void store(const QStringList& list)
{
    QSettings().setValue(key(), list);
}

} // namespace

QStringList paths()
{
    QStringList list = QSettings().value(key()).toStringList();
    list.removeAll(QString());
    return list.mid(0, maxCount);
}

void add(const QString& path)
{
    const QString absolute = QFileInfo(path).absoluteFilePath();
    QStringList list = paths();
    list.removeAll(absolute);
    list.prepend(absolute);
    store(list.mid(0, maxCount));
}

void remove(const QString& path)
{
    QStringList list = paths();
    list.removeAll(QFileInfo(path).absoluteFilePath());
    store(list);
}

void clear()
{
    QSettings().remove(key());
}

} // namespace PatternScope::RecentFiles
