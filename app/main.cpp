// SPDX-License-Identifier: GPL-3.0-or-later
#include "commandline.h"
#include "mainwindow.h"

#include <QApplication>
#include <QCoreApplication>
#include <memory>

using namespace PatternScope;

namespace {

void setIdentity()
{
    QCoreApplication::setApplicationName(QStringLiteral("patternscope"));
    QCoreApplication::setApplicationVersion(QStringLiteral(PATTERNSCOPE_VERSION));
    QCoreApplication::setOrganizationName(QStringLiteral("PatternScope"));
}

} // namespace

int main(int argc, char** argv)
{
    // One binary, two faces: subcommands never need a display, the window does.
    if (CommandLine::wantsConsole(argc, argv)) {
        QCoreApplication app(argc, argv);
        setIdentity();
        return CommandLine::run();
    }
    QApplication app(argc, argv);
    setIdentity();
    QApplication::setApplicationDisplayName(QStringLiteral("PatternScope"));
    MainWindow window;
    window.show();
    window.startDefaultRun();
    return QApplication::exec();
}
