// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QObject>
#include <QRect>
#include <QSize>

class QMainWindow;

namespace PatternScope {

// The window as a teacher puts it in front of a class: sized for the screen it opens on, and where it was
// left last time.
class Presenter : public QObject {
    Q_OBJECT
public:
    explicit Presenter(QMainWindow* window);

    // The size the window starts at on a screen with this much room: the size it was designed for when that
    // fits, otherwise all of the room (a 1280×720 projector gets a 1280×720 window, not one that runs off it).
    static QSize startSize(const QRect& available);
    static constexpr QSize PreferredSize { 1440, 900 };

    // The remembered geometry, or a size fitting the screen the window opens on; call before showing.
    void restoreGeometry();
    // Remembers the geometry for the next start (not full screen's: the next start opens as a window).
    void saveGeometry();

private:
    QMainWindow* m_window;
};

} // namespace PatternScope
