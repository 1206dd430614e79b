// SPDX-License-Identifier: GPL-3.0-or-later
#include "throttledrefresh.h"

#include "trace.h"

#include <QEvent>
#include <QWidget>

namespace PatternScope {

ThrottledRefresh::ThrottledRefresh(
    QWidget* widget, int intervalMs, std::function<void()> refresh, std::function<void()> restyle)
    : QObject(widget)
    , m_widget(widget)
    , m_refresh(std::move(refresh))
    , m_restyle(std::move(restyle))
{
    m_timer.setSingleShot(true);
    m_timer.setInterval(intervalMs);
    connect(&m_timer, &QTimer::timeout, this, [this] { m_refresh(); });
    widget->installEventFilter(this);
}

void ThrottledRefresh::follow(const Trace* trace)
{
    if (!trace)
        return;
    for (auto signal : { &Trace::messageAdded, &Trace::messageUpdated })
        connect(trace, signal, this, &ThrottledRefresh::request);
    for (auto signal : { &Trace::connectionOpened, &Trace::connectionClosed })
        connect(trace, signal, this, &ThrottledRefresh::request);
    connect(trace, &Trace::noteAdded, this, &ThrottledRefresh::request);
    connect(trace, &Trace::cleared, this, &ThrottledRefresh::request);
    connect(trace, &QObject::destroyed, this, &ThrottledRefresh::request);
}

void ThrottledRefresh::unfollow(const Trace* trace)
{
    if (trace)
        disconnect(trace, nullptr, this, nullptr);
}

void ThrottledRefresh::request()
{
    if (!m_widget->isVisible()) {
        m_dirty = true;
        return;
    }
    if (!m_timer.isActive())
        m_timer.start();
}

void ThrottledRefresh::settle()
{
    m_timer.stop();
    m_dirty = false;
}

bool ThrottledRefresh::eventFilter(QObject* watched, QEvent* event)
{
    if (watched == m_widget) {
        if (event->type() == QEvent::Show && m_dirty)
            m_refresh();
        else if (m_restyle && (event->type() == QEvent::PaletteChange || event->type() == QEvent::FontChange))
            m_restyle();
    }
    return QObject::eventFilter(watched, event);
}

} // namespace PatternScope
