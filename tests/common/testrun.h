// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "linkemulator.h"
#include "pattern.h"
#include "run.h"
#include "waituntil.h"

#include <QDebug>
#include <QSet>
#include <QSignalSpy>
#include <QTimer>
#include <memory>

namespace PatternScope::Test {

// Starts a real run of a registered pattern with "name=value" parameters; nullptr (with a warning
// saying why) if the pattern, a parameter or the start fails.
inline std::unique_ptr<Run> startRun(
    const QString& patternId, const QStringList& assignments, quint64 seed = 7, bool serveOnly = false)
{
    const PatternInfo* info = PatternRegistry::find(patternId);
    if (!info) {
        qWarning() << "no pattern" << patternId;
        return nullptr;
    }
    ParameterSet parameters(info->parameters);
    for (const QString& a : assignments) {
        QString error;
        if (!parameters.assign(a, &error)) {
            qWarning() << error;
            return nullptr;
        }
    }
    auto run = std::make_unique<Run>();
    if (serveOnly)
        run->setServe(0);
    QString error;
    if (!run->start(*info, parameters, seed, &error)) {
        qWarning() << error;
        return nullptr;
    }
    return run;
}

// Only the pattern's server side, for outside clients; they connect to run->pattern()->publicPort().
inline std::unique_ptr<Run> serveRun(const QString& patternId, const QStringList& assignments, quint64 seed = 7)
{
    return startRun(patternId, assignments, seed, true);
}

// Stops the run and waits for it to finish: clients stopped, connections closed.
inline bool stopAndWait(Run& run, int timeoutMs = 15000)
{
    QSignalSpy finished(&run, &Run::finished);
    run.stop();
    return waitUntil([&] { return finished.count() == 1; }, timeoutMs);
}

// Cuts the links of the given lifelines (all if empty) `times` times, `everyMs` apart, while the run
// goes on; true once every cut is made.
inline bool cutRepeatedly(Run& run, const QSet<int>& clients, int times, int everyMs)
{
    int cuts = 0;
    QTimer cutter;
    QObject::connect(&cutter, &QTimer::timeout, [&] {
        if (cuts == times)
            return;
        for (Link* link : run.links()->links()) {
            if (clients.isEmpty() || clients.contains(link->client()))
                link->cut();
        }
        ++cuts;
    });
    cutter.start(everyMs);
    return waitUntil([&] { return cuts == times; }, times * everyMs + 10000);
}

} // namespace PatternScope::Test
