// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QJsonObject>
#include <QJsonValue>
#include <QString>

// Reading the publish-subscribe envelope (docs/pubsub-envelope.md), for the broker and the clients alike.
namespace PatternScope::PubSubEnvelope {

inline QString text(const QJsonObject& envelope, const char* key)
{
    return envelope.value(QLatin1String(key)).toString();
}

// Ids may be strings or numbers on the wire; the broker and the diagram treat them as text.
inline QString idOf(const QJsonObject& envelope)
{
    const QJsonValue id = envelope.value(QStringLiteral("id"));
    if (id.isString())
        return id.toString().left(64);
    if (id.isDouble())
        return QString::number(id.toInteger());
    return {};
}

} // namespace PatternScope::PubSubEnvelope
