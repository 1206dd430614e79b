// SPDX-License-Identifier: GPL-3.0-or-later
#include "traceparent.h"

#include <QRegularExpression>

namespace PatternScope {

QByteArray TraceParent::toHeader() const
{
    return QByteArrayLiteral("00-") + traceId + '-' + parentId + QByteArrayLiteral("-01");
}

QByteArray TraceParent::randomId(QRandomGenerator64& random, int bytes)
{
    QByteArray raw(bytes, Qt::Uninitialized);
    for (int i = 0; i < bytes; ++i)
        raw[i] = char(random.bounded(256));
    return raw.toHex();
}

bool TraceParent::parse(const QByteArray& header, TraceParent* out)
{
    static const QRegularExpression pattern(QStringLiteral("^00-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}$"));
    const QRegularExpressionMatch match = pattern.match(QString::fromLatin1(header.trimmed()));
    if (!match.hasMatch())
        return false;
    out->traceId = match.captured(1).toLatin1();
    out->parentId = match.captured(2).toLatin1();
    return true;
}

QString TraceParent::correlationOf(const QByteArray& header, const QString& fallback)
{
    TraceParent parent;
    return parse(header, &parent) ? QString::fromLatin1(parent.traceId) : fallback;
}

} // namespace PatternScope
