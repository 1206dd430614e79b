// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QString>

// The short text an arrow carries, made from what the message is. Labels are made here and shown;
// nothing reads data back out of them.
namespace PatternScope::Labels {

// "close 1000 (normal) · run ended"; "close" when the frame carried no code.
QString webSocketClose(int code, const QString& reason);
// The same from a close frame's payload: a two-byte code, then the reason in UTF-8 (RFC 6455 §5.5.1).
QString webSocketClose(const QByteArray& payload);
// "normal", "going away", … for the codes of RFC 6455 §7.4.1; empty for others.
QString webSocketCloseCodeName(int code);

} // namespace PatternScope::Labels
