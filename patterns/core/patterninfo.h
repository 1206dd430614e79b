// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "parameters.h"

#include <QList>
#include <QString>
#include <QStringList>

namespace PatternScope {

// What a person reads about a pattern before running it: its name, what happens, who takes part and
// the knobs it offers. The window shows it; the catalog pairs it with the code that runs it.
struct PatternInfo {
    QString id; // as on the command line: "long-polling"
    QString title;
    QString description;
    QStringList participants;
    QList<ParameterSpec> parameters;
};

} // namespace PatternScope
