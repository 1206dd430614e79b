// SPDX-License-Identifier: GPL-3.0-or-later
#include "mainwindow.h"

#include "eventtablemodel.h"
#include "pattern.h"
#include "run.h"

#include <QAction>
#include <QComboBox>
#include <QHeaderView>
#include <QLabel>
#include <QMessageBox>
#include <QStatusBar>
#include <QTableView>
#include <QToolBar>

namespace PatternScope {

MainWindow::MainWindow(QWidget* parent)
    : QMainWindow(parent)
    , m_model(new EventTableModel(this))
{
    setWindowTitle(tr("PatternScope"));
    resize(1100, 650);

    auto* toolbar = addToolBar(tr("Run"));
    toolbar->setObjectName(QStringLiteral("runToolbar"));
    toolbar->addWidget(new QLabel(tr("Pattern: "), toolbar));
    m_patternBox = new QComboBox(toolbar);
    for (const PatternInfo& info : PatternRegistry::all())
        m_patternBox->addItem(info.title, info.id);
    m_patternBox->setToolTip(tr("The communication pattern to run"));
    toolbar->addWidget(m_patternBox);

    m_startAction = toolbar->addAction(tr("&Start"), this, &MainWindow::startRun);
    m_startAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_R));
    m_startAction->setToolTip(tr("Start a new run (Ctrl+R)"));
    m_stopAction = toolbar->addAction(tr("S&top"), this, &MainWindow::stopRun);
    m_stopAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Period));
    m_stopAction->setToolTip(tr("Stop the run; exchanges in flight finish first (Ctrl+.)"));
    m_stopAction->setEnabled(false);

    m_table = new QTableView(this);
    m_table->setModel(m_model);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setSectionResizeMode(EventTableModel::LabelColumn, QHeaderView::Stretch);
    m_table->setAlternatingRowColors(true);
    setCentralWidget(m_table);

    m_status = new QLabel(this);
    statusBar()->addWidget(m_status, 1);
    updateStatus();
}

MainWindow::~MainWindow()
{
    m_model->setTrace(nullptr);
}

void MainWindow::startDefaultRun()
{
    startRun();
}

void MainWindow::startRun()
{
    const PatternInfo* info = PatternRegistry::find(m_patternBox->currentData().toString());
    if (!info)
        return;
    m_model->setTrace(nullptr);
    m_run = std::make_unique<Run>();
    connect(m_run.get(), &Run::finished, this, [this] {
        m_startAction->setEnabled(true);
        m_stopAction->setEnabled(false);
        updateStatus();
    });
    QString error;
    if (!m_run->start(*info, ParameterSet(info->parameters), 1, &error)) {
        QMessageBox::warning(this, tr("Cannot start"), tr("%1 could not start: %2").arg(info->title, error));
        m_run.reset();
        return;
    }
    m_model->setTrace(m_run->trace());
    connect(m_run->trace(), &Trace::messageAdded, this, [this] {
        updateStatus();
        m_table->scrollToBottom();
    });
    connect(m_run->trace(), &Trace::messageUpdated, this, &MainWindow::updateStatus);
    m_startAction->setEnabled(false);
    m_stopAction->setEnabled(true);
    updateStatus();
}

void MainWindow::stopRun()
{
    if (m_run)
        m_run->stop();
    m_stopAction->setEnabled(false);
}

void MainWindow::updateStatus()
{
    if (!m_run) {
        m_status->setText(tr("No run. Press Start (Ctrl+R)."));
        return;
    }
    const Trace* trace = m_run->trace();
    m_status->setText(tr("%1 — %2 messages, %3 in flight — %4")
                          .arg(m_run->info().title)
                          .arg(trace->messages().size())
                          .arg(trace->inFlightCount())
                          .arg(m_run->isRunning() ? tr("running") : tr("stopped")));
}

} // namespace PatternScope
