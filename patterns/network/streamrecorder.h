// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "streamscanner.h"
#include "trace.h"

#include <functional>
#include <memory>

namespace PatternScope {

class Link;

// How a pattern reads a protocol that is not HTTP or WebSocket (MQTT, RESP) off a link: a scanner
// per direction, and what each unit means. `describe` gets the message filled in from what crossed
// (from, to, connection, bytes, sent time) and names it: kind, label, correlation, items. Returning
// false leaves the unit out (keep-alives, say): its bytes still count on the connection.
struct StreamRecording {
    std::function<std::unique_ptr<StreamScanner>(bool towardServer)> scanner;
    std::function<bool(Message& message, const StreamUnit& unit, bool towardServer)> describe;
};

// Records each unit that crosses the link, both ways, as an arrow: sent when the link read its first
// byte, received when the link handed its last byte on, lost if the connection ends first. Applies to
// connections accepted from now on.
void recordStream(Link* link, StreamRecording recording);

} // namespace PatternScope
