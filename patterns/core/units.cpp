// SPDX-License-Identifier: GPL-3.0-or-later
#include "units.h"

#include <cmath>

namespace PatternScope::Units {

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

} // namespace PatternScope::Units
