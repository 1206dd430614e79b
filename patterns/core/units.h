// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>

// Sizes and durations as people read them. Each variant keeps the wording of the place that shows it;
// the name says which rounding it does.
namespace PatternScope::Units {

// Every byte counted: "12 B", "70000 B". For arrows where the exact size is the point.
QString exactBytes(qint64 bytes);

// A limit as it was configured: "64 KiB", "1 MiB" when it is a whole multiple, else "1000 B".
QString binaryLimit(qint64 bytes);

// Decimal units with one decimal once a number passes `digits` digits: with 3, "999 B", "1.2 kB",
// "3.4 MB"; with 4, "9999 B", "12.3 kB".
QString decimalSize(qint64 bytes, int digits = 3);

// A timeout as it was configured, in milliseconds: "5 s" when whole seconds, else "250 ms".
QString wholeDuration(qint64 ms);

// A time on the run's clock in microseconds, rounded for a ruler: "0 s", "4.2 ms", "250 ms", "1.25 s",
// "12.5 s", "3 min 5 s".
QString clockDuration(qint64 us);

// A time on the run's clock in microseconds, read in steps of `step` microseconds (a ruler's ticks, a
// playback step): as many decimals as the step needs, so times a step apart always read differently, and
// the same number of them at every tick. Past a minute, minutes and seconds; past an hour, hours too.
// With a 50 ms step: "0 s", "950 ms", "28.15 s", "1 min 50.25 s", "1 h 0 min 5.05 s"; a whole number of
// minutes or hours drops what is zero: "5 min", "2 h".
QString clockAtStep(qint64 us, qint64 step);

} // namespace PatternScope::Units
