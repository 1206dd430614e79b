// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "figures.h"
#include "parameters.h"
#include "run.h"

#include <QList>
#include <QObject>
#include <QPair>
#include <QString>
#include <QStringList>
#include <QTimer>
#include <memory>
#include <vector>

namespace PatternScope {

// One workload for every item-delivering pattern: the same producer schedule (seed), clients, link and
// cuts, so the only difference between two runs is the pattern.
struct Workload {
    quint64 seed = 1;
    // How long items are produced, from each producer's start; 0: until stop(). Afterwards the runs go
    // on for drainMs() so every item can arrive (short polling needs up to a poll interval), then stop.
    qint64 durationMs = 20000;
    // name=value as for --set ("latency=100ms"), applied to each pattern that has the parameter;
    // "clients" is the number of subscribers for publish-subscribe.
    QList<QPair<QString, QString>> settings;
    QList<qint64> cutsAtMs; // cut every link of every run at these run times (optional)
};

// Runs several patterns at once, each on its own Run (own trace, own link emulator), started in the same
// event-loop turn so one clock serves all.
class ComparisonRun : public QObject {
    Q_OBJECT
public:
    explicit ComparisonRun(QObject* parent = nullptr);

    // The five item-delivering ids, simplest first.
    static QStringList comparablePatterns();
    // The parameters `patternId` runs with under `workload`: its defaults, the comparison's own (one topic
    // that every subscriber takes, no chat on WebSockets: the only traffic is the items and what the
    // pattern needs to move them), then the workload's settings. False with a reason naming the setting.
    static bool parametersFor(
        const QString& patternId, const Workload& workload, ParameterSet* parameters, QString* error);
    // Checks the pattern list and the settings without running: a non-comparable pattern names the
    // comparable ones; a setting no chosen pattern has, or a value out of range, names the range.
    static bool validate(const QStringList& patternIds, const Workload& workload, QString* error);

    bool start(const QStringList& patternIds, const Workload& workload, QString* error);
    void stop(); // finished() follows when every run has finished
    bool isRunning() const { return m_running; }

    int count() const { return int(m_entries.size()); }
    Run* run(int index) const; // run(i)->trace() grows live
    QString patternId(int index) const;
    const ParameterSet& parameters(int index) const;
    const Workload& workload() const { return m_workload; }
    // How long the runs go on after production ends so the last item can arrive everywhere.
    qint64 drainMs() const { return m_drainMs; }
    // Figures of run `index` from its trace as it is now.
    PatternFigures figures(int index) const;

Q_SIGNALS:
    void finished();

private:
    void runFinished();

    struct Entry {
        QString patternId;
        ParameterSet parameters;
        std::unique_ptr<Run> run;
    };
    std::vector<Entry> m_entries;
    Workload m_workload;
    QTimer m_end;
    qint64 m_drainMs = 0;
    int m_finished = 0;
    bool m_running = false;
};

} // namespace PatternScope
