// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QList>
#include <QStringList>

namespace PatternScope {

// One protocol unit found in a relayed byte stream (an MQTT packet, a RESP value): where it lies in
// the stream and what it says, as far as a diagram needs. What the fields mean is the scanner's.
struct StreamUnit {
    qint64 offset = 0; // where its first byte lies in the stream
    qint64 wireBytes = 0; // all of it, headers included
    int type = 0; // MQTT: the packet type (1 CONNECT … 14 DISCONNECT); RESP: the first byte ('*', '+', …)
    int flags = 0; // MQTT: the fixed header's low four bits (for PUBLISH: DUP, QoS, RETAIN)
    int packetId = -1; // MQTT: the packet identifier where there is one
    QList<int> codes; // MQTT: CONNECT flags and keep-alive, CONNACK flags and code, SUBSCRIBE/SUBACK QoS
    QStringList words; // MQTT: client id or topics; RESP: the value's strings, arrays flattened
    QByteArray payload; // MQTT PUBLISH: the application message, up to the preview limit
    qint64 payloadLength = 0; // its full length on the wire
};

// Cuts one direction of a connection into units, fed in chunks as they were read. Pure: bytes in,
// units out; a stream it cannot follow makes it stop for good (failed()), never guess.
class StreamScanner {
public:
    virtual ~StreamScanner() = default;
    virtual QList<StreamUnit> feed(QByteArrayView bytes) = 0;
    virtual bool failed() const = 0;
};

} // namespace PatternScope
