// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QJsonObject>

// The envelope the WebSocket patterns speak (docs/pubsub-envelope.md): every text message is one JSON
// object with a string "type".
namespace PatternScope {

// Reads a message's JSON envelope from what the link saw of it; empty if it is not one.
QJsonObject envelopeOf(const QByteArray& payload);
// An envelope as it goes on the wire: compact JSON, no spaces or newlines.
QByteArray envelopeBytes(const QJsonObject& envelope);

} // namespace PatternScope
