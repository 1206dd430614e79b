// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "pipetap.h"
#include "trace.h"
#include "wsframescanner.h"

#include <functional>
#include <memory>

namespace PatternScope {

class Link;
class LinkConnection;

// How a pattern says what its WebSocket traffic means. `message` arrives filled in from what
// crossed (from, to, kind, a plain label, bytes, payload preview, connection, times); the pattern
// may name it from its envelope: a kind such as Publish, a label, a correlation, the items carried.
// The upgrade request and its answer come as frames with opcode Handshake and the head as preview.
struct WebSocketRecording {
    std::function<void(Message& message, const WebSocketFrameScanner::Frame& frame)> describe;
    // On a link for outside clients: the participant an upgrade request (its head) belongs to.
    std::function<int(const QByteArray& head)> identify;
    // Whether the upgrade request and its answer are recorded here; a recorder that follows HTTP on
    // the same connection (the proxy's) records them itself.
    bool recordHandshake = true;
    // Whether an unmasked client frame reaches the server as a close 1002 (see recordWebSockets). A
    // proxy passes bytes on as they are and only labels the breach.
    bool enforceMasking = true;
};

// Records every WebSocket message that crosses the link, both ways, as an arrow: sent when the link
// read its first byte from the sender, received when the link handed its last byte to the receiver,
// lost if the connection ends first. This is also how pings and pongs get their times: Qt 6.4
// answers pings by itself and tells neither end. Applies to connections accepted from now on.
void recordWebSockets(Link* link, WebSocketRecording recording);

// One direction's recorder of the above, for a tap that follows more than one protocol on a connection.
// It must see the connection's bytes from their start.
std::unique_ptr<PipeTap> webSocketTap(
    LinkConnection* connection, bool towardServer, std::shared_ptr<const WebSocketRecording> recording);

} // namespace PatternScope
