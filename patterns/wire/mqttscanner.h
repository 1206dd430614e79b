// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "streamscanner.h"

namespace PatternScope {

// MQTT 3.1.1 control packets (OASIS mqtt-v3.1.1, section 2) in one direction of a connection: the
// fixed header gives each packet's length; what a diagram names (client id, topics, packet id, QoS,
// return codes, a payload preview) is read from the variable header and payload. Keeps at most the
// preview limit of any packet, however long it says it is.
class MqttScanner final : public StreamScanner {
public:
    enum Type {
        Connect = 1,
        Connack,
        Publish,
        Puback,
        Pubrec,
        Pubrel,
        Pubcomp,
        Subscribe,
        Suback,
        Unsubscribe,
        Unsuback,
        Pingreq,
        Pingresp,
        Disconnect,
        Auth
    };

    explicit MqttScanner(int previewBytes = 4096);

    QList<StreamUnit> feed(QByteArrayView bytes) override;
    bool failed() const override { return m_failed; }

    static const char* typeName(int type);
    // Reads a packet from its first byte through as much of its body as `body` holds (the whole packet
    // had `wireBytes`). Exposed for tests.
    static StreamUnit parse(quint8 first, QByteArrayView body, qint64 remaining, int previewBytes);

private:
    int m_previewBytes;
    qint64 m_offset = 0; // stream offset of the packet under way
    QByteArray m_header; // its fixed header so far
    qint64 m_remaining = -1; // its remaining length, once known
    qint64 m_bodyRead = 0;
    QByteArray m_body; // up to the preview limit (and the topic)
    bool m_failed = false;
};

} // namespace PatternScope
