// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QList>
#include <QMainWindow>
#include <QPair>
#include <QStringList>
#include <QTimer>
#include <memory>

class QAction;
class QLabel;

namespace PatternScope {

class ComparisonRun;
class ComparisonView;
class Run;
struct Workload;

// The comparison as a window of its own: two to five patterns run at once on one workload, their live
// diagrams side by side on one clock with their figures, the charts under them, and the whole of it
// exportable as a picture. The main window stays as it was.
class ComparisonWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit ComparisonWindow(QWidget* parent = nullptr);
    ~ComparisonWindow() override;

    // The ids a comparison can run (the item-delivering patterns).
    static QStringList comparablePatterns();
    // The dialog, then (unless it is cancelled) a window running what it asked for; null when cancelled or
    // when the runs cannot start (the reason shown in a message box).
    static ComparisonWindow* ask(QWidget* parent);

    // Starts the patterns on one workload (see ComparisonRun). False with the reason if a pattern is not
    // comparable, a setting is out of range or a run cannot start.
    bool start(const QStringList& patternIds, const Workload& workload, QString* error);
    // Stops every run; finished() follows when all have closed their connections.
    void stop();
    bool isRunning() const;
    int count() const;
    Run* run(int index) const;

    ComparisonView* view() const { return m_view; }
    // The whole view as SVG or PNG (by the suffix).
    bool exportView(const QString& path, QString* error);

Q_SIGNALS:
    void finished();

protected:
    void closeEvent(QCloseEvent* event) override;

private:
    void buildActions();
    void placeOnScreen();
    void runsEnded();
    void updateStatus();
    void exportAsked();
    void newComparison();

    ComparisonView* m_view = nullptr;
    std::unique_ptr<ComparisonRun> m_runs;
    QStringList m_patterns;
    QAction* m_stopAction = nullptr;
    QLabel* m_status = nullptr;
    QTimer m_statusTimer;
};

} // namespace PatternScope
