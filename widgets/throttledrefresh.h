// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QObject>
#include <QTimer>
#include <functional>

class QWidget;

namespace PatternScope {

class Trace;

// How a panel follows growing traces without redoing its work on every message: changes ask for a
// refresh, which runs at most once per interval, and only while the widget is shown (a hidden one
// refreshes when it is shown again). Palette and font changes ask the widget to restyle.
// MetricsPanel and ComparisonCharts share it.
class ThrottledRefresh : public QObject {
    Q_OBJECT
public:
    // `refresh` recomputes what `widget` shows; `restyle` (optional) re-reads its palette and font.
    ThrottledRefresh(
        QWidget* widget, int intervalMs, std::function<void()> refresh, std::function<void()> restyle = {});

    // Every change to `trace` (messages, connections, notes, clearing, its deletion) asks for a refresh.
    void follow(const Trace* trace);
    void unfollow(const Trace* trace);

    // Asks for a refresh: within the interval if shown, else when shown.
    void request();
    // The widget is refreshing now: nothing more is pending. Its refresh() calls this first.
    void settle();
    bool isPending() const { return m_timer.isActive() || m_dirty; }

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    QWidget* m_widget;
    std::function<void()> m_refresh;
    std::function<void()> m_restyle;
    QTimer m_timer;
    bool m_dirty = false;
};

} // namespace PatternScope
