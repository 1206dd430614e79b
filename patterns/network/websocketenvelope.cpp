// SPDX-License-Identifier: GPL-3.0-or-later
#include "websocketenvelope.h"

#include <QJsonDocument>

namespace PatternScope {

QJsonObject envelopeOf(const QByteArray& payload)
{
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(payload, &error);
    return error.error == QJsonParseError::NoError && document.isObject() ? document.object() : QJsonObject();
}

QByteArray envelopeBytes(const QJsonObject& envelope)
{
    return QJsonDocument(envelope).toJson(QJsonDocument::Compact);
}

} // namespace PatternScope
