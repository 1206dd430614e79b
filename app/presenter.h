// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "theme.h"

#include <QList>
#include <QObject>
#include <QPointer>
#include <QRect>
#include <QSize>
#include <utility>

class QAction;
class QActionGroup;
class QMainWindow;
class QMenu;
class QSplitter;
class QWidget;

namespace PatternScope {

// The window as a teacher puts it in front of a class: sized for the screen it opens on and where it was
// left last time, full screen (F11, Esc leaves it), and the presenter layout that gives the diagram the room.
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

    // What the presenter layout hides (the table, the inspector, the parameters); the rest gets their room.
    void setSidePanes(const QList<QWidget*>& panes);
    // View → Full screen (F11) and Presenter layout (Ctrl+Shift+P).
    void addActions(QMenu* view);

    bool isPresenterLayout() const { return m_presenterLayout; }
    // Hides the side panes or shows them again; their sizes are kept by their splitters, so nothing is lost.
    void setPresenterLayout(bool on);
    void setFullScreen(bool on);

    // One scale for every text in the window: the diagram's labels, notes and axis, the caption line, the
    // textbook panel and the side panes. Applied as the application font (everything drawn with a widget's
    // font() follows), remembered, and set from View → Larger text / Smaller text / Normal text size
    // (Ctrl+Shift+= / Ctrl+Shift+- / Ctrl+Shift+0).
    double fontScale() const { return m_fontScale; }
    void setFontScale(double scale);
    static constexpr double MinFontScale = 0.8;
    static constexpr double MaxFontScale = 3.0;
    // The next step up or down from `scale` (clamped to the range).
    static double largerFontScale(double scale);
    static double smallerFontScale(double scale);

    // View → Theme: Light, Dark or High contrast, one at a time, remembered (Theme::windowScheme). Adding the
    // menu applies the remembered scheme to the application.
    void addThemeMenu(QMenu* view);
    Theme::Scheme scheme() const { return m_scheme; }
    void setScheme(Theme::Scheme scheme);

Q_SIGNALS:
    void presenterLayoutChanged(bool on);
    void schemeChanged(Theme::Scheme scheme);
    void fontScaleChanged(double scale);

private:
    QMainWindow* m_window;
    QList<QPointer<QWidget>> m_panes;
    QList<std::pair<QPointer<QSplitter>, QList<int>>>
        m_splitterSizes; // the normal layout's, while the presenter layout is on
    bool m_presenterLayout = false;
    double m_fontScale = 1.0;
    QAction* m_presenterAction = nullptr;
    QAction* m_fullScreenAction = nullptr;
    QAction* m_leaveFullScreenAction = nullptr;
    Theme::Scheme m_scheme = Theme::Scheme::Light;
    QActionGroup* m_themeGroup = nullptr;
};

} // namespace PatternScope
