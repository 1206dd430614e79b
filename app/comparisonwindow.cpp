// SPDX-License-Identifier: GPL-3.0-or-later
#include "comparisonwindow.h"

#include "comparedialog.h"
#include "comparison.h"
#include "comparisonview.h"
#include "pattern.h"
#include "playbackbar.h"
#include "playbackclock.h"
#include "run.h"
#include "trace.h"
#include "units.h"

#include <QAction>
#include <QCloseEvent>
#include <QEventLoop>
#include <QFileDialog>
#include <QGuiApplication>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QScreen>
#include <QStatusBar>
#include <QToolBar>

namespace PatternScope {

ComparisonWindow::ComparisonWindow(QWidget* parent)
    : QMainWindow(parent)
    , m_view(new ComparisonView(this))
{
    setWindowFlag(Qt::Window);
    setWindowTitle(tr("Compare patterns — PatternScope"));
    setCentralWidget(m_view);
    m_status = new QLabel(this);
    m_status->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    statusBar()->addWidget(m_status, 1);
    buildActions();
    m_statusTimer.setInterval(250);
    connect(&m_statusTimer, &QTimer::timeout, this, &ComparisonWindow::updateStatus);
    placeOnScreen();
}

ComparisonWindow::~ComparisonWindow()
{
    // The diagrams read the runs' traces: they go first.
    m_view->setPanes({});
}

QStringList ComparisonWindow::comparablePatterns()
{
    return ComparisonRun::comparablePatterns();
}

void ComparisonWindow::buildActions()
{
    QMenu* file = menuBar()->addMenu(tr("&Comparison"));
    QAction* again = file->addAction(tr("&New comparison…"), QKeySequence::New, this, &ComparisonWindow::newComparison);
    m_stopAction = file->addAction(tr("&Stop"), QKeySequence(Qt::CTRL | Qt::Key_Period), this, &ComparisonWindow::stop);
    m_stopAction->setEnabled(false);
    QAction* exportAction = file->addAction(
        tr("&Export picture…"), QKeySequence(Qt::CTRL | Qt::Key_E), this, &ComparisonWindow::exportAsked);
    file->addSeparator();
    file->addAction(tr("&Close"), QKeySequence::Close, this, &QWidget::close);

    auto* toolbar = addToolBar(tr("Comparison"));
    toolbar->setObjectName(QStringLiteral("comparisonToolbar"));
    toolbar->setMovable(false);
    toolbar->addAction(again);
    toolbar->addAction(m_stopAction);
    toolbar->addAction(exportAction);

    // The keys of the main window's Playback menu, acting on every diagram at once.
    QMenu* playback = menuBar()->addMenu(tr("&Playback"));
    PlaybackClock* clock = m_view->clock();
    const auto add = [&](const QString& text, const QKeySequence& key, auto slot) {
        QAction* a = playback->addAction(text, key, clock, slot);
        a->setShortcutContext(Qt::WindowShortcut);
        return a;
    };
    add(tr("&Play / pause"), QKeySequence(Qt::Key_Space), &PlaybackClock::togglePlay);
    add(tr("Step &forward"), QKeySequence(Qt::Key_Right), &PlaybackClock::stepForward);
    add(tr("Step &back"), QKeySequence(Qt::Key_Left), &PlaybackClock::stepBack);
    add(tr("&Live"), QKeySequence(Qt::Key_End), &PlaybackClock::goLive);
    playback->addAction(tr("&Faster"), QKeySequence(Qt::CTRL | Qt::Key_BracketRight), this,
        [clock] { clock->setSpeed(PlaybackBar::fasterThan(clock->speed())); });
    playback->addAction(tr("&Slower"), QKeySequence(Qt::CTRL | Qt::Key_BracketLeft), this,
        [clock] { clock->setSpeed(PlaybackBar::slowerThan(clock->speed())); });
}

void ComparisonWindow::placeOnScreen()
{
    // The comparison wants all the width there is: the screen's whole available area, or 1280×720 offscreen.
    QScreen* screen = parentWidget() ? parentWidget()->screen() : QGuiApplication::primaryScreen();
    const bool real = screen && QGuiApplication::platformName() != QLatin1String("offscreen");
    const QRect available = real ? screen->availableGeometry() : QRect(0, 0, 1280, 720);
    setGeometry(available);
}

ComparisonWindow* ComparisonWindow::ask(QWidget* parent)
{
    CompareDialog dialog(comparablePatterns(), parent);
    if (dialog.exec() != QDialog::Accepted)
        return nullptr;
    auto* window = new ComparisonWindow(parent);
    window->setAttribute(Qt::WA_DeleteOnClose);
    QString error;
    if (!window->start(dialog.patterns(), dialog.workload(), &error)) {
        QMessageBox::warning(parent, tr("Cannot compare"), error);
        delete window;
        return nullptr;
    }
    window->show();
    return window;
}

bool ComparisonWindow::start(const QStringList& patternIds, const Workload& workload, QString* error)
{
    if (isRunning()) {
        *error = tr("a comparison is running");
        return false;
    }
    if (patternIds.size() < CompareDialog::MinPatterns || patternIds.size() > CompareDialog::MaxPatterns) {
        *error = tr("compare %1 to %2 patterns, not %3")
                     .arg(CompareDialog::MinPatterns)
                     .arg(CompareDialog::MaxPatterns)
                     .arg(patternIds.size());
        return false;
    }
    m_view->setPanes({});
    auto runs = std::make_unique<ComparisonRun>();
    if (!runs->start(patternIds, workload, error))
        return false;
    m_runs = std::move(runs);
    connect(m_runs.get(), &ComparisonRun::finished, this, &ComparisonWindow::runsEnded);
    m_patterns = patternIds;

    QList<ComparisonView::Pane> panes;
    for (int i = 0; i < count(); ++i) {
        const PatternInfo* info = PatternRegistry::find(m_runs->patternId(i));
        panes.append({ info ? info->title : m_runs->patternId(i), run(i)->trace(), m_runs->patternId(i),
            m_runs->parameters(i) });
    }
    m_view->setPanes(panes);
    m_view->setRecording(true);
    m_stopAction->setEnabled(true);
    m_statusTimer.start();
    updateStatus();
    return true;
}

void ComparisonWindow::stop()
{
    if (m_runs)
        m_runs->stop();
    m_stopAction->setEnabled(false);
}

bool ComparisonWindow::isRunning() const
{
    return m_runs && m_runs->isRunning();
}

int ComparisonWindow::count() const
{
    return m_runs ? m_runs->count() : 0;
}

Run* ComparisonWindow::run(int index) const
{
    return m_runs ? m_runs->run(index) : nullptr;
}

void ComparisonWindow::runsEnded()
{
    m_view->setRecording(false);
    m_stopAction->setEnabled(false);
    m_statusTimer.stop();
    updateStatus();
    Q_EMIT finished();
}

void ComparisonWindow::updateStatus()
{
    if (!count()) {
        m_status->clear();
        return;
    }
    const Workload& workload = m_runs->workload();
    const Trace* first = run(0)->trace();
    const TimeUs at = isRunning() ? first->now() : first->endTime();
    QStringList parts { isRunning() ? tr("Recording") : tr("Stopped"),
        tr("run %1; items for %2, then %3 to deliver the last")
            .arg(Units::clockDuration(at), Units::wholeDuration(workload.durationMs),
                Units::wholeDuration(m_runs->drainMs())),
        tr("seed %1").arg(workload.seed) };
    for (const auto& [name, value] : workload.settings)
        parts << QStringLiteral("%1 %2").arg(name, value);
    if (!workload.cutsAtMs.isEmpty()) {
        QStringList cuts;
        for (const qint64 ms : workload.cutsAtMs)
            cuts << Units::wholeDuration(ms);
        parts << tr("links cut at %1").arg(cuts.join(QStringLiteral(", ")));
    }
    m_status->setText(parts.join(QStringLiteral(" · ")));
}

bool ComparisonWindow::exportView(const QString& path, QString* error)
{
    return m_view->exportTo(path, error);
}

void ComparisonWindow::exportAsked()
{
    QString selected;
    const QString path = QFileDialog::getSaveFileName(this, tr("Export the comparison"),
        QStringLiteral("comparison.svg"), tr("SVG picture (*.svg);;PNG picture (*.png)"), &selected);
    if (path.isEmpty())
        return;
    QString target = path;
    if (!target.endsWith(QLatin1String(".svg"), Qt::CaseInsensitive)
        && !target.endsWith(QLatin1String(".png"), Qt::CaseInsensitive))
        target += selected.contains(QLatin1String("png")) ? QStringLiteral(".png") : QStringLiteral(".svg");
    QString error;
    if (!exportView(target, &error))
        QMessageBox::warning(this, tr("Cannot export"), error);
    else
        statusBar()->showMessage(tr("Exported to %1").arg(target), 5000);
}

void ComparisonWindow::newComparison()
{
    CompareDialog dialog(comparablePatterns(), this);
    dialog.setPatterns(m_patterns);
    if (m_runs)
        dialog.setWorkload(m_runs->workload());
    if (dialog.exec() != QDialog::Accepted)
        return;
    if (isRunning()) {
        QEventLoop wait;
        connect(this, &ComparisonWindow::finished, &wait, &QEventLoop::quit);
        QTimer::singleShot(3000, &wait, &QEventLoop::quit);
        m_runs->stop();
        wait.exec();
    }
    QString error;
    if (!start(dialog.patterns(), dialog.workload(), &error))
        QMessageBox::warning(this, tr("Cannot compare"), error);
}

void ComparisonWindow::closeEvent(QCloseEvent* event)
{
    if (isRunning()) {
        // Let the runs close their connections before the window (and the traces) go.
        QEventLoop wait;
        connect(this, &ComparisonWindow::finished, &wait, &QEventLoop::quit);
        QTimer::singleShot(3000, &wait, &QEventLoop::quit);
        m_runs->stop();
        if (isRunning())
            wait.exec();
    }
    event->accept();
}

} // namespace PatternScope
