// SPDX-License-Identifier: GPL-3.0-or-later
#include "wsframescanner.h"

#include <algorithm>
#include <limits>

namespace PatternScope {

namespace {

constexpr qsizetype kMaxHead = 64 * 1024; // no upgrade head is this long; give up rather than buffer on

} // namespace

void WebSocketFrameScanner::headComplete()
{
    m_headText = m_head;
    const QByteArray head = m_head.toLower();
    m_head.clear();
    // A request must ask for the upgrade; an answer must grant it. Anything else is plain HTTP.
    const bool upgrade = m_side == Side::ClientToServer
        ? head.startsWith("get ") && head.contains("\r\nupgrade: websocket")
        : head.startsWith("http/1.1 101");
    m_state = upgrade ? State::FrameHeader : State::Failed;
}

bool WebSocketFrameScanner::parseHeader()
{
    // m_head holds the frame header bytes seen so far; returns true once it is complete.
    const auto byte = [this](qsizetype i) { return static_cast<unsigned char>(m_head.at(i)); };
    if (m_head.size() < 2)
        return false;
    const bool masked = byte(1) & 0x80;
    const int length7 = byte(1) & 0x7F;
    const qsizetype lengthBytes = length7 == 126 ? 2 : length7 == 127 ? 8 : 0;
    const qsizetype headerSize = 2 + lengthBytes + (masked ? 4 : 0);
    if (m_head.size() < headerSize)
        return false;
    qint64 length = length7;
    if (lengthBytes > 0) {
        quint64 value = 0;
        for (qsizetype i = 0; i < lengthBytes; ++i)
            value = (value << 8) | byte(2 + i);
        // The most significant bit must be 0 (RFC 6455, 5.2), and the frame's size on the wire must
        // still be a number: a length no peer can mean stops the scan rather than overflowing.
        if (value > quint64(std::numeric_limits<qint64>::max() - headerSize)) {
            m_state = State::Failed;
            return false;
        }
        length = qint64(value);
    }
    m_frame = Frame();
    m_frame.fin = byte(0) & 0x80;
    m_frame.opcode = byte(0) & 0x0F;
    m_frame.masked = masked;
    m_frame.rsv = (byte(0) >> 4) & 0x07;
    if (m_maskViolation < 0 && masked != (m_side == Side::ClientToServer))
        m_maskViolation = m_frameStart;
    m_frame.payloadLength = length;
    m_frame.wireBytes = headerSize + length;
    m_frame.offset = m_frameStart;
    for (int i = 0; i < 4; ++i)
        m_mask[i] = masked ? byte(2 + lengthBytes + i) : 0;
    m_remaining = length;
    m_payloadSeen = 0;
    m_head.clear();
    return true;
}

QList<WebSocketFrameScanner::Frame> WebSocketFrameScanner::feed(QByteArrayView bytes)
{
    QList<Frame> frames;
    qsizetype pos = 0;
    while (pos < bytes.size() && m_state != State::Failed) {
        switch (m_state) {
        case State::Head: {
            // Only the tail can complete the blank line, so the search starts just before the new bytes.
            const qsizetype from = std::max<qsizetype>(0, m_head.size() - 3);
            m_head.append(bytes.data() + pos, bytes.size() - pos);
            const qsizetype end = m_head.indexOf("\r\n\r\n", from);
            if (end < 0) {
                pos = bytes.size();
                if (m_head.size() > kMaxHead)
                    m_state = State::Failed;
                break;
            }
            const qsizetype headEnd = end + 4;
            // Bytes after the head belong to the frames: give them back to the loop.
            pos = bytes.size() - (m_head.size() - headEnd);
            m_head.truncate(headEnd);
            headComplete();
            break;
        }
        case State::FrameHeader:
            if (m_head.isEmpty())
                m_frameStart = m_consumed + pos;
            m_head.append(bytes.at(pos++));
            if (parseHeader()) {
                m_state = State::Payload;
                if (m_remaining == 0) {
                    frames.append(m_frame);
                    m_state = State::FrameHeader;
                }
            }
            break;
        case State::Payload: {
            const qsizetype take = qsizetype(std::min<qint64>(m_remaining, bytes.size() - pos));
            for (qsizetype i = 0; i < take && m_frame.preview.size() < m_previewBytes; ++i) {
                const auto b = static_cast<unsigned char>(bytes.at(pos + i));
                m_frame.preview.append(char(b ^ m_mask[(m_payloadSeen + i) % 4]));
            }
            m_payloadSeen += take;
            m_remaining -= take;
            pos += take;
            if (m_remaining == 0) {
                frames.append(m_frame);
                m_state = State::FrameHeader;
            }
            break;
        }
        case State::Failed:
            break;
        }
    }
    m_consumed += bytes.size();
    return frames;
}

WebSocketFrameScanner::CloseStatus WebSocketFrameScanner::closeStatus(const QByteArray& payload)
{
    CloseStatus status;
    if (payload.size() < 2)
        return status;
    status.code = (static_cast<unsigned char>(payload.at(0)) << 8) | static_cast<unsigned char>(payload.at(1));
    status.reason = QString::fromUtf8(payload.mid(2));
    return status;
}

QByteArray WebSocketFrameScanner::closeFrame(int code, const QString& reason, Side from)
{
    QByteArray payload;
    payload.append(char((code >> 8) & 0xFF)).append(char(code & 0xFF));
    // 125 bytes at most, cut between characters: the reason must stay valid UTF-8 (RFC 6455, 5.5.1).
    QString text = reason;
    while (text.toUtf8().size() > 123 || (!text.isEmpty() && text.back().isHighSurrogate()))
        text.chop(1);
    payload += text.toUtf8();
    const bool masked = from == Side::ClientToServer;
    QByteArray frame;
    frame.append(char(0x80 | Close)).append(char((masked ? 0x80 : 0) | payload.size()));
    if (masked)
        frame.append(4, '\0');
    return frame + payload;
}

} // namespace PatternScope
