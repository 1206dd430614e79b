// SPDX-License-Identifier: GPL-3.0-or-later
#include "desktopentry.h"

#include <QApplication>
#include <QGuiApplication>

// Resources of a static library are linked in only when something refers to them; outside any namespace,
// as Q_INIT_RESOURCE needs.
static void initResources()
{
    Q_INIT_RESOURCE(patternscope);
}

namespace PatternScope::DesktopEntry {

QString id()
{
    return QStringLiteral("org.patternscope.PatternScope");
}

QIcon icon()
{
    initResources();
    QIcon compiled;
    for (const int size : { 16, 22, 24, 32, 48, 64, 128, 256 })
        compiled.addFile(QStringLiteral(":/icons/%1x%1/%2.png").arg(size).arg(id()), QSize(size, size));
    return QIcon::fromTheme(id(), compiled);
}

void apply()
{
    QGuiApplication::setDesktopFileName(id());
    QApplication::setWindowIcon(icon());
}

} // namespace PatternScope::DesktopEntry
