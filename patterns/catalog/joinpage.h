// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "patterninfo.h"

#include <QByteArray>

namespace PatternScope::JoinPage {

// The self-contained page (HTML with its script inlined) that makes a student's browser a client of a
// run of this pattern, served by serve --lan's door at /join. From resources/join/.
QByteArray build(const PatternInfo& info);

} // namespace PatternScope::JoinPage
