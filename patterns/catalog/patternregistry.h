// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "patterninfo.h"

#include <QList>
#include <QString>
#include <QStringList>
#include <functional>
#include <memory>

namespace PatternScope {

class Pattern;
struct PatternContext;

// Every pattern the application knows. Each pattern adds itself from its own source file with
// PATTERNSCOPE_REGISTER_PATTERN, so adding one touches no shared list; `order` places it where a
// person meets it (simplest first).
namespace PatternRegistry {

using Factory = std::function<std::unique_ptr<Pattern>(const PatternContext&)>;

// Called once per pattern, before main(); returns true so it can initialise a static.
bool add(int order, PatternInfo info, Factory create);

const QList<PatternInfo>& all(); // by order
const PatternInfo* find(const QString& id);
QStringList ids();
// The pattern with this id, ready to start; null for an unknown id.
std::unique_ptr<Pattern> create(const QString& id, const PatternContext& context);

} // namespace PatternRegistry

} // namespace PatternScope

// In a pattern's .cpp, inside namespace PatternScope: the class needs `static PatternInfo info()` and a constructor
// taking the PatternContext. The catalog library is linked whole (see its CMakeLists.txt), so this
// registration is never dropped by the linker.
#define PATTERNSCOPE_REGISTER_PATTERN(Class, order)                                                                    \
    namespace {                                                                                                        \
    const bool registered##Class = PatternRegistry::add(                                                               \
        order, Class::info(), [](const PatternContext& context) { return std::make_unique<Class>(context); });         \
    }
