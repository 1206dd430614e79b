// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "pattern.h"
#include "run.h"
#include "waituntil.h"

#include <QDebug>
#include <QSignalSpy>
#include <memory>

namespace PatternScope::Test {

// Starts a real run of a registered pattern with "name=value" parameters; nullptr (with a warning
// saying why) if the pattern, a parameter or the start fails.
inline std::unique_ptr<Run> startRun(const QString& patternId, const QStringList& assignments, quint64 seed = 7)
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
    QString error;
    if (!run->start(*info, parameters, seed, &error)) {
        qWarning() << error;
        return nullptr;
    }
    return run;
}

// Stops the run and waits for it to finish: clients stopped, connections closed.
inline bool stopAndWait(Run& run, int timeoutMs = 15000)
{
    QSignalSpy finished(&run, &Run::finished);
    run.stop();
    return waitUntil([&] { return finished.count() == 1; }, timeoutMs);
}

} // namespace PatternScope::Test
