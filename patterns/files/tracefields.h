// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "trace.h"

#include <QByteArray>
#include <QJsonObject>
#include <QString>
#include <limits>

namespace PatternScope {

// Reads typed fields from one record and remembers the first problem, worded for the warning.
class TraceFields {
public:
    explicit TraceFields(const QJsonObject& object)
        : m_object(object)
    {
    }

    bool ok() const { return m_error.isEmpty(); }
    const QString& error() const { return m_error; }

    qint64 integer(QLatin1String name) { return integerValue(name, true, 0); }
    qint64 integer(QLatin1String name, qint64 fallback) { return integerValue(name, false, fallback); }

    int id(QLatin1String name) { return narrow(name, integer(name)); }
    int id(QLatin1String name, int fallback) { return narrow(name, integer(name, fallback)); }

    // Times are microseconds on the run's clock and never negative; -1 would mean "now" to Trace.
    TimeUs time(QLatin1String name);

    QString string(QLatin1String name) { return stringValue(name, true); }
    QString optionalString(QLatin1String name) { return stringValue(name, false); }

    bool optionalBoolean(QLatin1String name);

    // An optional integer that must fit `Int`, such as a status code in 16 bits.
    template <typename Int> Int optionalSmall(QLatin1String name, Int fallback)
    {
        const qint64 value = integer(name, fallback);
        if (value < std::numeric_limits<Int>::min() || value > std::numeric_limits<Int>::max()) {
            fail(QStringLiteral("field '%1' is out of range").arg(name));
            return fallback;
        }
        return static_cast<Int>(value);
    }

    HeaderList headers(QLatin1String name);

    // An optional [first, last] pair of item ids, first <= last.
    bool itemRange(QLatin1String name, qint64* first, qint64* last);

    QByteArray base64(QLatin1String name);

    // A header name or value read back: each character the byte of the same value (ISO-8859-1), or the
    // text as UTF-8 when it holds characters beyond U+00FF.
    static QByteArray bytesOf(const QString& text);

private:
    qint64 integerValue(QLatin1String name, bool required, qint64 fallback);
    int narrow(QLatin1String name, qint64 value);
    QString stringValue(QLatin1String name, bool required);
    void fail(const QString& reason);

    const QJsonObject& m_object;
    QString m_error;
};

} // namespace PatternScope
