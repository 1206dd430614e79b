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

class ComparisonView;
class Run;

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

    // Starts the patterns on one workload: the seed, how long they run, name=value settings for each pattern
    // that has the parameter. False with the reason if a pattern is not comparable or a run cannot start.
    bool start(const QStringList& patternIds, quint64 seed, qint64 durationMs,
        const QList<QPair<QString, QString>>& settings, QString* error);
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
    class Runs;
    void buildActions();
    void placeOnScreen();
    void runsEnded();
    void updateStatus();
    void exportAsked();
    void newComparison();

    ComparisonView* m_view = nullptr;
    std::unique_ptr<Runs> m_runs;
    QStringList m_patterns;
    quint64 m_seed = 0;
    qint64 m_durationMs = 0;
    QList<QPair<QString, QString>> m_settings;
    QAction* m_stopAction = nullptr;
    QLabel* m_status = nullptr;
    QTimer m_statusTimer;
};

} // namespace PatternScope
