// SPDX-License-Identifier: GPL-3.0-or-later
#include "presenter.h"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QCursor>
#include <QEvent>
#include <QGuiApplication>
#include <QLayout>
#include <QMainWindow>
#include <QMenu>
#include <QScreen>
#include <QSettings>
#include <QSplitter>
#include <QTimer>
#include <algorithm>

namespace PatternScope {

namespace {

const QString GeometryKey = QStringLiteral("window/geometry");
const QString FontScaleKey = QStringLiteral("view/fontScale");
// The sizes Larger and Smaller text step through: small steps near 1, bigger ones for a hall.
constexpr double FontScales[] = { 0.8, 0.9, 1.0, 1.15, 1.3, 1.5, 1.75, 2.0, 2.5, 3.0 };

// The application font at scale 1: what it was before any window scaled it.
const QFont& baseFont()
{
    static const QFont base = QApplication::font();
    return base;
}

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
    baseFont(); // taken before the first scaling
    const double remembered = QSettings().value(FontScaleKey, 1.0).toDouble();
    if (remembered != 1.0)
        setFontScale(remembered);
}

double Presenter::largerFontScale(double scale)
{
    for (const double step : FontScales) {
        if (step > scale + 1e-6)
            return step;
    }
    return MaxFontScale;
}

double Presenter::smallerFontScale(double scale)
{
    double below = MinFontScale;
    for (const double step : FontScales) {
        if (step < scale - 1e-6)
            below = step;
    }
    return below;
}

void Presenter::setFontScale(double scale)
{
    scale = std::clamp(scale, MinFontScale, MaxFontScale);
    if (qFuzzyCompare(scale, m_fontScale))
        return;
    m_fontScale = scale;
    const QFont& base = baseFont();
    QFont font = base;
    if (base.pointSizeF() > 0)
        font.setPointSizeF(base.pointSizeF() * scale);
    else
        font.setPixelSize(std::max(1, qRound(base.pixelSize() * scale)));
    QApplication::setFont(font);
    QSettings().setValue(FontScaleKey, scale);
    Q_EMIT fontScaleChanged(scale);
}

QSize Presenter::startSize(const QRect& available)
{
    if (available.isEmpty())
        return PreferredSize;
    return PreferredSize.boundedTo(available.size());
}

void Presenter::restoreGeometry()
{
    QScreen* screen = QGuiApplication::screenAt(QCursor::pos());
    if (!screen)
        screen = QGuiApplication::primaryScreen();
    const QRect available = screen && screenIsReal() ? screen->availableGeometry() : QRect();
    const QByteArray saved = QSettings().value(GeometryKey).toByteArray();
    // A geometry remembered from a bigger screen (or a smaller QT_SCALE_FACTOR) is not kept when it runs off this one.
    const bool restored = !saved.isEmpty() && m_window->restoreGeometry(saved)
        && (available.isEmpty() || available.contains(m_window->frameGeometry()));
    if (!restored) {
        const QSize size = startSize(available);
        QRect frame(QPoint(), size);
        frame.moveCenter(available.isEmpty() ? QPoint(size.width() / 2, size.height() / 2) : available.center());
        m_window->setWindowState(m_window->windowState() & ~Qt::WindowMaximized);
        m_window->setGeometry(frame);
        // A screen smaller than the window was designed for is best used whole.
        if (size != PreferredSize)
            m_window->setWindowState(m_window->windowState() | Qt::WindowMaximized);
    }
    // Too small for the panes beside the diagram (1280×720 at QT_SCALE_FACTOR 2): the diagram gets it all.
    // (Asking for the minimum makes the window at least that big: the size is put back once the panes are gone.)
    const QSize size = m_window->size();
    if (size.width() < m_window->minimumSizeHint().width() || size.height() < m_window->minimumSizeHint().height()) {
        setPresenterLayout(true);
        m_window->resize(size);
    }
}

void Presenter::saveGeometry()
{
    if (m_window->isFullScreen())
        return;
    QSettings().setValue(GeometryKey, m_window->saveGeometry());
}

void Presenter::setSidePanes(const QList<QWidget*>& panes)
{
    m_panes.clear();
    for (QWidget* pane : panes)
        m_panes.append(pane);
}

void Presenter::addActions(QMenu* view)
{
    m_fullScreenAction = view->addAction(tr("&Full screen"));
    m_fullScreenAction->setCheckable(true);
    m_fullScreenAction->setShortcut(QKeySequence(Qt::Key_F11));
    m_fullScreenAction->setToolTip(tr("The whole screen for the window; F11 or Esc leaves it"));
    connect(m_fullScreenAction, &QAction::toggled, this, &Presenter::setFullScreen);
    // Esc means "leave full screen" only while there is one to leave; elsewhere it is the widgets'.
    m_leaveFullScreenAction = new QAction(tr("Leave full screen"), m_window);
    m_leaveFullScreenAction->setShortcut(QKeySequence(Qt::Key_Escape));
    m_leaveFullScreenAction->setEnabled(false);
    connect(m_leaveFullScreenAction, &QAction::triggered, this, [this] { setFullScreen(false); });
    m_window->addAction(m_leaveFullScreenAction);

    m_presenterAction = view->addAction(tr("&Presenter layout"));
    m_presenterAction->setCheckable(true);
    m_presenterAction->setChecked(m_presenterLayout);
    m_presenterAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_P));
    m_presenterAction->setToolTip(
        tr("Only the diagram and its playback: the table, the inspector and the parameters are hidden (Ctrl+Shift+P)"));
    connect(m_presenterAction, &QAction::toggled, this, &Presenter::setPresenterLayout);

    // Shift+= is + and Shift+- is _ on most layouts: both spellings are bound.
    QAction* larger = view->addAction(tr("&Larger text"), this, [this] { setFontScale(largerFontScale(m_fontScale)); });
    larger->setShortcuts(
        { QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_Equal), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_Plus) });
    larger->setToolTip(tr("Every text in the window larger: labels, notes, axis, caption and panels (Ctrl+Shift+=)"));
    QAction* smaller
        = view->addAction(tr("S&maller text"), this, [this] { setFontScale(smallerFontScale(m_fontScale)); });
    smaller->setShortcuts({ QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_Minus),
        QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_Underscore) });
    QAction* normal = view->addAction(tr("&Normal text size"), this, [this] { setFontScale(1.0); });
    normal->setShortcuts(
        { QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_0), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_ParenRight) });
    const auto enable = [smaller, larger, normal](double scale) {
        larger->setEnabled(scale < MaxFontScale);
        smaller->setEnabled(scale > MinFontScale);
        normal->setEnabled(!qFuzzyCompare(scale, 1.0));
    };
    enable(m_fontScale);
    connect(this, &Presenter::fontScaleChanged, this, enable);
}

void Presenter::addThemeMenu(QMenu* view)
{
    QMenu* menu = view->addMenu(tr("&Theme"));
    m_themeGroup = new QActionGroup(this);
    m_themeGroup->setExclusive(true);
    const std::pair<Theme::Scheme, QString> schemes[] = { { Theme::Scheme::Light, tr("&Light") },
        { Theme::Scheme::Dark, tr("&Dark") }, { Theme::Scheme::HighContrast, tr("&High contrast") } };
    for (const auto& [scheme, text] : schemes) {
        QAction* action = menu->addAction(text);
        action->setCheckable(true);
        action->setData(int(scheme));
        m_themeGroup->addAction(action);
        connect(action, &QAction::triggered, this, [this, scheme = scheme] { setScheme(scheme); });
    }
    m_themeGroup->actions().constLast()->setToolTip(
        tr("White on black with yellow and cyan accents: every text and arrow at 7:1 contrast or more"));
    m_scheme = Theme::windowScheme();
    for (QAction* action : m_themeGroup->actions())
        action->setChecked(action->data().toInt() == int(m_scheme));
    Theme::applyToApplication(m_scheme);
}

void Presenter::setScheme(Theme::Scheme scheme)
{
    if (m_themeGroup) {
        for (QAction* action : m_themeGroup->actions()) {
            if (action->data().toInt() == int(scheme))
                action->setChecked(true);
        }
    }
    if (scheme == m_scheme)
        return;
    m_scheme = scheme;
    Theme::setWindowScheme(scheme);
    Theme::applyToApplication(scheme);
    Q_EMIT schemeChanged(scheme);
}

void Presenter::setPresenterLayout(bool on)
{
    if (m_presenterAction && m_presenterAction->isChecked() != on)
        m_presenterAction->setChecked(on); // comes back here through toggled
    if (m_presenterLayout == on)
        return;
    m_presenterLayout = on;
    // A splitter gives a pane shown again whatever room is left (often none): the sizes come back as they were.
    if (on) {
        m_splitterSizes.clear();
        for (QSplitter* splitter : m_window->findChildren<QSplitter*>())
            m_splitterSizes.append({ splitter, splitter->sizes() });
    }
    for (QWidget* pane : std::as_const(m_panes)) {
        if (!pane)
            continue;
        pane->setVisible(!on);
        // Before the window is shown nothing tells the panes' ancestors that their minimum changed: the main
        // window's layout would keep the normal layout's (too wide for 640 px at QT_SCALE_FACTOR 2).
        for (QWidget* w = pane->parentWidget(); w && w != m_window; w = w->parentWidget())
            w->updateGeometry();
    }
    // The window's minimum follows at once, so it can be made as small as the diagram alone allows.
    if (QLayout* layout = m_window->layout()) {
        layout->invalidate();
        layout->activate();
    }
    if (!on) {
        // Once the splitters have laid out their handles again, or the handles' pixels are counted twice.
        QTimer::singleShot(0, this, [this] {
            for (const auto& [splitter, sizes] : std::as_const(m_splitterSizes)) {
                if (splitter && !m_presenterLayout)
                    splitter->setSizes(sizes);
            }
        });
    }
    Q_EMIT presenterLayoutChanged(on);
}

void Presenter::setFullScreen(bool on)
{
    if (m_fullScreenAction && m_fullScreenAction->isChecked() != on)
        m_fullScreenAction->setChecked(on);
    if (m_leaveFullScreenAction)
        m_leaveFullScreenAction->setEnabled(on);
    if (on == m_window->isFullScreen())
        return;
    m_window->setWindowState(
        on ? m_window->windowState() | Qt::WindowFullScreen : m_window->windowState() & ~Qt::WindowFullScreen);
}

} // namespace PatternScope
