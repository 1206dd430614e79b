// SPDX-License-Identifier: GPL-3.0-or-later
#include "labels.h"

namespace PatternScope::Labels {

QString webSocketCloseCodeName(int code)
{
    switch (code) {
    case 1000:
        return QStringLiteral("normal");
    case 1001:
        return QStringLiteral("going away");
    case 1002:
        return QStringLiteral("protocol error");
    case 1003:
        return QStringLiteral("unsupported data");
    case 1007:
        return QStringLiteral("invalid payload");
    case 1008:
        return QStringLiteral("policy violation");
    case 1009:
        return QStringLiteral("message too big");
    case 1011:
        return QStringLiteral("server error");
    default:
        return QString();
    }
}

QString webSocketClose(int code, const QString& reason)
{
    if (code < 0)
        return QStringLiteral("close");
    QString label = QStringLiteral("close %1").arg(code);
    const QString name = webSocketCloseCodeName(code);
    if (!name.isEmpty())
        label += QStringLiteral(" (%1)").arg(name);
    if (!reason.isEmpty())
        label += QStringLiteral(" · ") + reason;
    return label;
}

QString webSocketClose(const QByteArray& payload)
{
    if (payload.size() < 2)
        return webSocketClose(-1, QString());
    const int code = (static_cast<unsigned char>(payload.at(0)) << 8) | static_cast<unsigned char>(payload.at(1));
    return webSocketClose(code, QString::fromUtf8(payload.mid(2)));
}

} // namespace PatternScope::Labels
