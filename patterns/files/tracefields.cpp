// SPDX-License-Identifier: GPL-3.0-or-later
#include "tracefields.h"

#include <QJsonArray>
#include <QJsonValue>

namespace PatternScope {

// The writer maps each byte to the code point of the same value. Text a person typed may hold
// characters beyond U+00FF; those have no such byte and are kept as UTF-8 instead.
QByteArray TraceFields::bytesOf(const QString& text)
{
    for (const QChar c : text) {
        if (c.unicode() > 0xff)
            return text.toUtf8();
    }
    return text.toLatin1();
}

TimeUs TraceFields::time(QLatin1String name)
{
    const qint64 value = integer(name);
    if (ok() && value < 0)
        fail(QStringLiteral("field '%1' is a negative time").arg(name));
    return value;
}

bool TraceFields::optionalBoolean(QLatin1String name)
{
    const QJsonValue value = m_object.value(name);
    if (value.isUndefined())
        return false;
    if (!value.isBool())
        fail(QStringLiteral("field '%1' is not true or false").arg(name));
    return value.toBool();
}

HeaderList TraceFields::headers(QLatin1String name)
{
    HeaderList result;
    const QJsonValue value = m_object.value(name);
    if (value.isUndefined())
        return result;
    const auto bad = [&] { fail(QStringLiteral("field '%1' is not an array of [name, value] pairs").arg(name)); };
    if (!value.isArray()) {
        bad();
        return result;
    }
    const QJsonArray pairs = value.toArray();
    result.reserve(pairs.size());
    for (const QJsonValue& pair : pairs) {
        const QJsonArray items = pair.toArray();
        if (!pair.isArray() || items.size() != 2 || !items.at(0).isString() || !items.at(1).isString()) {
            bad();
            return {};
        }
        result.append(qMakePair(bytesOf(items.at(0).toString()), bytesOf(items.at(1).toString())));
    }
    return result;
}

bool TraceFields::itemRange(QLatin1String name, qint64* first, qint64* last)
{
    const QJsonValue value = m_object.value(name);
    if (value.isUndefined())
        return true;
    const QJsonArray pair = value.toArray();
    const qint64 a = pair.size() == 2 ? pair.at(0).toInteger(-1) : -1;
    const qint64 b = pair.size() == 2 ? pair.at(1).toInteger(-1) : -1;
    if (!value.isArray() || a < 0 || b < a) {
        fail(QStringLiteral("field '%1' is not a [first, last] pair of item ids").arg(name));
        return false;
    }
    *first = a;
    *last = b;
    return true;
}

QByteArray TraceFields::base64(QLatin1String name)
{
    const QString text = optionalString(name);
    if (text.isEmpty())
        return {};
    auto decoded = QByteArray::fromBase64Encoding(text.toLatin1(), QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded) {
        fail(QStringLiteral("field '%1' is not valid base64").arg(name));
        return {};
    }
    return decoded.decoded;
}

qint64 TraceFields::integerValue(QLatin1String name, bool required, qint64 fallback)
{
    const QJsonValue value = m_object.value(name);
    if (value.isUndefined()) {
        if (required)
            fail(QStringLiteral("missing field '%1'").arg(name));
        return fallback;
    }
    constexpr qint64 notAnInteger = std::numeric_limits<qint64>::min();
    const qint64 result = value.toInteger(notAnInteger);
    if (result == notAnInteger) {
        fail(QStringLiteral("field '%1' is not an integer").arg(name));
        return fallback;
    }
    return result;
}

int TraceFields::narrow(QLatin1String name, qint64 value)
{
    if (value < std::numeric_limits<int>::min() || value > std::numeric_limits<int>::max()) {
        fail(QStringLiteral("field '%1' is out of range").arg(name));
        return -1;
    }
    return static_cast<int>(value);
}

QString TraceFields::stringValue(QLatin1String name, bool required)
{
    const QJsonValue value = m_object.value(name);
    if (value.isUndefined()) {
        if (required)
            fail(QStringLiteral("missing field '%1'").arg(name));
        return {};
    }
    if (!value.isString()) {
        fail(QStringLiteral("field '%1' is not a string").arg(name));
        return {};
    }
    return value.toString();
}

void TraceFields::fail(const QString& reason)
{
    if (m_error.isEmpty())
        m_error = reason;
}

} // namespace PatternScope
