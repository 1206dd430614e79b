// SPDX-License-Identifier: GPL-3.0-or-later
#include "units.h"

#include <algorithm>
#include <cmath>

namespace PatternScope::Units {

namespace {

constexpr qint64 kSecond = 1'000'000;
constexpr qint64 kMinute = 60 * kSecond;
constexpr qint64 kHour = 60 * kMinute;

qint64 powerOfTen(int exponent)
{
    qint64 p = 1;
    while (exponent-- > 0)
        p *= 10;
    return p;
}

// How many decimals of `unit` (in microseconds) it takes to write every multiple of `step` exactly.
int decimalsFor(qint64 step, qint64 unit)
{
    int decimals = 0;
    while (decimals < 6 && (step * powerOfTen(decimals)) % unit != 0)
        ++decimals;
    return decimals;
}

qint64 roundTo(qint64 value, qint64 quantum)
{
    return (value + quantum / 2) / quantum * quantum;
}

} // namespace

QString exactBytes(qint64 bytes)
{
    return QString::number(bytes) + QStringLiteral(" B");
}

QString binaryLimit(qint64 bytes)
{
    if (bytes > 0 && bytes % (1024 * 1024) == 0)
        return QStringLiteral("%1 MiB").arg(bytes / (1024 * 1024));
    if (bytes > 0 && bytes % 1024 == 0)
        return QStringLiteral("%1 KiB").arg(bytes / 1024);
    return QStringLiteral("%1 B").arg(bytes);
}

QString decimalSize(qint64 bytes, int digits)
{
    const double exactBelow = std::pow(10.0, digits);
    if (double(bytes) < exactBelow)
        return QString::number(bytes) + QStringLiteral(" B");
    if (double(bytes) < exactBelow * 1000.0)
        return QString::number(double(bytes) / 1000.0, 'f', 1) + QStringLiteral(" kB");
    return QString::number(double(bytes) / 1e6, 'f', 1) + QStringLiteral(" MB");
}

QString wholeDuration(qint64 ms)
{
    if (ms % 1000 == 0)
        return QStringLiteral("%1 s").arg(ms / 1000);
    return QStringLiteral("%1 ms").arg(ms);
}

QString clockDuration(qint64 us)
{
    if (us == 0)
        return QStringLiteral("0 s");
    const double ms = double(us) / 1000.0;
    if (std::abs(ms) < 1000.0)
        return QStringLiteral("%1 ms").arg(ms, 0, 'f', std::abs(ms) < 10.0 ? 1 : 0);
    const double s = ms / 1000.0;
    if (std::abs(s) < 60.0)
        return QStringLiteral("%1 s").arg(s, 0, 'f', std::abs(s) < 10.0 ? 2 : 1);
    const qint64 whole = qint64(s);
    return QStringLiteral("%1 min %2 s").arg(whole / 60).arg(whole % 60);
}

QString clockAtStep(qint64 us, qint64 step)
{
    step = std::max<qint64>(1, step);
    if (us < 0)
        return u'-' + clockAtStep(-us, step);
    if (step < kSecond) {
        const int decimals = std::min(3, decimalsFor(step, 1000));
        const qint64 rounded = roundTo(us, powerOfTen(3 - decimals));
        if (rounded == 0)
            return QStringLiteral("0 s");
        if (rounded < kSecond)
            return QString::number(double(rounded) / 1000.0, 'f', decimals) + QStringLiteral(" ms");
    }
    const int decimals = decimalsFor(step, kSecond);
    const qint64 rounded = roundTo(us, powerOfTen(6 - decimals));
    const qint64 hours = rounded / kHour;
    const qint64 minutes = rounded % kHour / kMinute;
    const qint64 seconds = rounded % kMinute;
    QString text;
    if (hours > 0)
        text = QStringLiteral("%1 h").arg(hours);
    // Steps of whole minutes or hours leave out the parts that are always zero.
    const bool showSeconds = seconds != 0 || step % kMinute != 0 || rounded == 0;
    const bool showMinutes = (hours > 0 || minutes > 0) && (minutes != 0 || showSeconds || step % kHour != 0);
    if (showMinutes)
        text += (text.isEmpty() ? QString() : QStringLiteral(" ")) + QStringLiteral("%1 min").arg(minutes);
    if (showSeconds) {
        text += (text.isEmpty() ? QString() : QStringLiteral(" "))
            + QString::number(double(seconds) / double(kSecond), 'f', decimals) + QStringLiteral(" s");
    }
    return text;
}

} // namespace PatternScope::Units
