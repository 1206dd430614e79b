// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QMainWindow>
#include <memory>

class QAction;
class QComboBox;
class QLabel;
class QTableView;

namespace PatternScope {

class EventTableModel;
class Run;

// The window: pick a pattern, run it live, watch every message in the event table.
class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    void startDefaultRun();

private:
    void startRun();
    void stopRun();
    void updateStatus();

    QComboBox* m_patternBox = nullptr;
    QAction* m_startAction = nullptr;
    QAction* m_stopAction = nullptr;
    QTableView* m_table = nullptr;
    QLabel* m_status = nullptr;
    EventTableModel* m_model = nullptr;
    std::unique_ptr<Run> m_run;
};

} // namespace PatternScope
