// SPDX-License-Identifier: GPL-3.0-or-later
#include "mqttscanner.h"

#include <algorithm>

namespace PatternScope {

namespace {

// A big-endian 16-bit integer at `at`, or -1 past the end.
int u16(QByteArrayView b, qsizetype at)
{
    if (at < 0 || at + 2 > b.size())
        return -1;
    return (quint8(b[at]) << 8) | quint8(b[at + 1]);
}

// A length-prefixed UTF-8 string at `*at` (section 1.5.3), moving `*at` past it; false past the end.
bool string(QByteArrayView b, qsizetype* at, QString* out)
{
    const int length = u16(b, *at);
    if (length < 0 || *at + 2 + length > b.size())
        return false;
    *out = QString::fromUtf8(b.sliced(*at + 2, length));
    *at += 2 + length;
    return true;
}

} // namespace

MqttScanner::MqttScanner(int previewBytes)
    : m_previewBytes(previewBytes)
{
}

const char* MqttScanner::typeName(int type)
{
    static const char* const names[] = { "RESERVED", "CONNECT", "CONNACK", "PUBLISH", "PUBACK", "PUBREC", "PUBREL",
        "PUBCOMP", "SUBSCRIBE", "SUBACK", "UNSUBSCRIBE", "UNSUBACK", "PINGREQ", "PINGRESP", "DISCONNECT", "AUTH" };
    return type >= 0 && type < 16 ? names[type] : "RESERVED";
}

StreamUnit MqttScanner::parse(quint8 first, QByteArrayView body, qint64 remaining, int previewBytes)
{
    StreamUnit unit;
    unit.type = first >> 4;
    unit.flags = first & 0x0f;
    qsizetype at = 0;
    QString word;
    switch (unit.type) {
    case Connect: {
        // Protocol name, level, connect flags, keep-alive, then the client id.
        if (!string(body, &at, &word) || at + 4 > body.size())
            break;
        unit.codes = { quint8(body[at + 1]), u16(body, at + 2) };
        at += 4;
        if (string(body, &at, &word))
            unit.words.append(word);
        break;
    }
    case Connack:
        if (body.size() >= 2)
            unit.codes = { quint8(body[0]), quint8(body[1]) };
        break;
    case Publish: {
        if (!string(body, &at, &word))
            break;
        unit.words.append(word);
        if ((unit.flags >> 1 & 3) > 0) {
            unit.packetId = u16(body, at);
            at += 2;
        }
        unit.payloadLength = std::max<qint64>(0, remaining - at);
        if (at < body.size())
            unit.payload = body.sliced(at, std::min<qsizetype>(body.size() - at, previewBytes)).toByteArray();
        break;
    }
    case Puback:
    case Pubrec:
    case Pubrel:
    case Pubcomp:
    case Unsuback:
        unit.packetId = u16(body, 0);
        break;
    case Subscribe:
    case Unsubscribe:
        unit.packetId = u16(body, 0);
        at = 2;
        while (at < body.size() && string(body, &at, &word)) {
            unit.words.append(word);
            if (unit.type == Subscribe) {
                if (at >= body.size())
                    break;
                unit.codes.append(quint8(body[at++]));
            }
        }
        break;
    case Suback:
        unit.packetId = u16(body, 0);
        for (at = 2; at < body.size(); ++at)
            unit.codes.append(quint8(body[at]));
        break;
    default:
        break;
    }
    return unit;
}

QList<StreamUnit> MqttScanner::feed(QByteArrayView bytes)
{
    QList<StreamUnit> units;
    qsizetype at = 0;
    while (!m_failed && at < bytes.size()) {
        if (m_remaining < 0) {
            // The fixed header: a type byte, then the remaining length in 1 to 4 bytes of 7 bits.
            m_header.append(bytes[at++]);
            if (m_header.size() == 1) {
                if ((quint8(m_header[0]) >> 4) == 0) {
                    m_failed = true; // type 0 is reserved: not MQTT
                    break;
                }
                continue;
            }
            const quint8 digit = quint8(m_header.back());
            if (digit & 0x80) {
                if (m_header.size() == 5)
                    m_failed = true; // a fifth length byte (section 2.2.3)
                continue;
            }
            m_remaining = 0;
            for (qsizetype i = m_header.size() - 1; i >= 1; --i)
                m_remaining = (m_remaining << 7) | (quint8(m_header[i]) & 0x7f);
        }
        // The body: the topic and a preview are kept, the rest only counted.
        const qint64 take = std::min<qint64>(m_remaining - m_bodyRead, bytes.size() - at);
        const qint64 keep = std::clamp<qint64>(qint64(m_previewBytes) + 1024 - m_body.size(), 0, take);
        m_body.append(bytes.sliced(at, qsizetype(keep)));
        m_bodyRead += take;
        at += qsizetype(take);
        if (m_bodyRead < m_remaining)
            break;
        StreamUnit unit = parse(quint8(m_header[0]), m_body, m_remaining, m_previewBytes);
        unit.offset = m_offset;
        unit.wireBytes = m_header.size() + m_remaining;
        units.append(unit);
        m_offset += unit.wireBytes;
        m_header.clear();
        m_body.clear();
        m_remaining = -1;
        m_bodyRead = 0;
    }
    return units;
}

} // namespace PatternScope
