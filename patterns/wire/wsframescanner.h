// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QList>
#include <QPair>
#include <QString>

namespace PatternScope {

// Follows one direction of a WebSocket connection as its bytes cross the link: first the HTTP
// upgrade head, then frames (RFC 6455, section 5.2), reporting each frame as its last byte passes.
// Qt 6.4 gives no signal for an incoming ping, so this is where ping and pong arrows get their
// real times. Payloads are not kept, only a short unmasked preview; work is constant per byte.
class WebSocketFrameScanner {
public:
    enum class Side { ClientToServer, ServerToClient };
    enum Opcode { Handshake = -1, Continuation = 0x0, Text = 0x1, Binary = 0x2, Close = 0x8, Ping = 0x9, Pong = 0xA };

    struct Frame {
        int opcode = 0;
        bool fin = true;
        bool masked = false;
        int rsv = 0; // RSV1..RSV3 as bits 2..0; nonzero only with an extension that defines them
        qint64 payloadLength = 0;
        qint64 wireBytes = 0; // header, mask and payload
        qint64 offset = 0; // where the frame starts in the stream
        QByteArray preview; // the first bytes of the payload, unmasked
    };

    explicit WebSocketFrameScanner(Side side, int previewBytes = PreviewBytes)
        : m_side(side)
        , m_previewBytes(previewBytes)
    {
    }

    // The frames completed within these bytes, in order.
    QList<Frame> feed(QByteArrayView bytes);
    // Past the upgrade head and reading frames.
    bool inFrames() const { return m_state != State::Head && m_state != State::Failed; }
    // Not a WebSocket stream (no upgrade, or a malformed head or frame): scanning has stopped.
    bool failed() const { return m_state == State::Failed; }
    // The HTTP head the stream began with (request or answer, upgrade or not), once it is complete.
    const QByteArray& head() const { return m_headText; }
    // Where the first frame breaking its side's masking rule starts (RFC 6455, 5.1: a client masks
    // every frame, a server none), or -1. Known as soon as that frame's header has passed, before its
    // payload: a server must fail the connection without reading on.
    qint64 maskViolationOffset() const { return m_maskViolation; }

    static constexpr int PreviewBytes = 125; // a whole control frame's payload
    // A close frame's payload (RFC 6455, section 5.5.1): a two-byte code, then the reason in UTF-8.
    // The code is -1 when the frame carried none.
    struct CloseStatus {
        int code = -1;
        QString reason;
    };
    static CloseStatus closeStatus(const QByteArray& payload);
    // A close frame as `from` sends it: a client's masked (with a zero key, which leaves the payload
    // as it is), a server's not. The reason is cut to fit a control frame.
    static QByteArray closeFrame(int code, const QString& reason, Side from);

private:
    enum class State { Head, FrameHeader, Payload, Failed };
    void headComplete();
    bool parseHeader();

    Side m_side;
    int m_previewBytes;
    State m_state = State::Head;
    QByteArray m_head; // the upgrade head until its blank line; then frame header bytes
    QByteArray m_headText;
    qint64 m_consumed = 0; // stream bytes before the current feed
    qint64 m_frameStart = 0;
    Frame m_frame;
    qint64 m_remaining = 0; // payload bytes still to pass
    unsigned char m_mask[4] = { 0, 0, 0, 0 };
    qint64 m_payloadSeen = 0;
    qint64 m_maskViolation = -1;
};

} // namespace PatternScope
