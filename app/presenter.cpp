// SPDX-License-Identifier: GPL-3.0-or-later
#include "presenter.h"

#include <QCursor>
#include <QGuiApplication>
#include <QMainWindow>
#include <QScreen>
#include <QSettings>

namespace PatternScope {

namespace {

const QString GeometryKey = QStringLiteral("window/geometry");

// The offscreen platform's screen is a made-up 800×600, not a place the window is seen on.
bool screenIsReal()
{
    return QGuiApplication::platformName() != QLatin1String("offscreen");
}

} // namespace

Presenter::Presenter(QMainWindow* window)
    : QObject(window)
    , m_window(window)
{
}

QSize Presenter::startSize(const QRect& available)
{
    if (available.isEmpty())
        return PreferredSize;
    return PreferredSize.boundedTo(available.size());
}

void Presenter::restoreGeometry()
{
    // Qt moves a remembered geometry back onto the screen if that screen has since gone or shrunk.
    const QByteArray saved = QSettings().value(GeometryKey).toByteArray();
    if (!saved.isEmpty() && m_window->restoreGeometry(saved))
        return;
    QScreen* screen = QGuiApplication::screenAt(QCursor::pos());
    if (!screen)
        screen = QGuiApplication::primaryScreen();
    if (!screen || !screenIsReal()) {
        m_window->resize(PreferredSize);
        return;
    }
    const QRect available = screen->availableGeometry();
    const QSize size = startSize(available);
    QRect frame(QPoint(), size);
    frame.moveCenter(available.center());
    m_window->setGeometry(frame);
    // A screen smaller than the window was designed for is best used whole.
    if (size != PreferredSize)
        m_window->setWindowState(m_window->windowState() | Qt::WindowMaximized);
}

void Presenter::saveGeometry()
{
    if (m_window->isFullScreen())
        return;
    QSettings().setValue(GeometryKey, m_window->saveGeometry());
}

} // namespace PatternScope
