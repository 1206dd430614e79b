// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "pipetap.h"
#include "trace.h"

#include <QObject>
#include <QTimer>
#include <deque>
#include <functional>
#include <memory>

class QTcpSocket;

namespace PatternScope {

class Link;

// One direction of a relayed connection: bytes wait in order until their delivery time.
class LinkPipe : public QObject {
    Q_OBJECT
public:
    LinkPipe(Link* link, QObject* parent);

    void setTarget(QTcpSocket* target) { m_target = target; }
    void setTap(std::unique_ptr<PipeTap> tap) { m_tap = std::move(tap); }
    PipeTap* tap() const { return m_tap.get(); }
    // The target has connected: from now on bytes go out (or, once it has closed, are dropped).
    void targetReady();
    void enqueue(QByteArray bytes); // bytes read just now
    void enqueueEnd(); // the source closed: close the target once the bytes before it are delivered
    void drop(); // a cut: forget everything queued
    void pump(); // deliver what is due, re-arm the timer for the rest
    qint64 delivered() const { return m_delivered; }
    // Bytes from this stream offset on wait, however long they are due, until release(): for a
    // receiver that must not read on before it has answered (Qt 6.4's WebSocket server processes
    // frames that come with the upgrade request before anyone can hear them, and masks its answers).
    void holdFrom(qint64 offset);
    void release();
    // From this stream offset on, the target gets `replacement` instead of what the source sent,
    // at the time the first replaced byte would have arrived; then `reached` runs. This is how a
    // recorder makes the receiver enforce, at that very point of the stream and after everything
    // before it, a rule it should enforce but does not (RFC 6455's masking, for Qt 6.4). Replaced
    // bytes don't count as delivered. Only the first call counts.
    void replaceFrom(qint64 offset, QByteArray replacement, std::function<void(TimeUs)> reached);
    // Calls `then` with the delivery time once `bytes` more bytes, written by the source after those
    // already announced, have been delivered; with NoTime if the pipe is dropped first.
    void watch(qint64 bytes, std::function<void(TimeUs)> then);
    // When the bytes now on their way (or last delivered) started: the first read after the pipe
    // had emptied. For a request that is when its sender wrote it.
    TimeUs burstStart() const { return m_burstStart; }
    bool endDelivered() const { return m_endDelivered; }

Q_SIGNALS:
    void endReached();

private:
    // When the bandwidth is capped, big reads are cut into pieces so bytes trickle out as on a slow line.
    static constexpr qint64 CappedChunk = 4096;

    struct Chunk {
        TimeUs deliverAt = 0;
        QByteArray bytes; // empty marks the end of the stream
    };
    TimeUs scheduleFor(qint64 size);

    Link* m_link;
    QTcpSocket* m_target = nullptr;
    std::unique_ptr<PipeTap> m_tap;
    std::deque<Chunk> m_queue;
    QTimer m_timer;
    TimeUs m_lastDeliverAt = 0; // delivery times never decrease: jitter cannot reorder bytes
    TimeUs m_wireFreeAt = 0; // when the bandwidth cap lets the next byte start
    qint64 m_delivered = 0;
    qint64 m_passed = 0; // bytes whose delivery time has come, handed over or withheld
    qint64 m_holdFrom = -1;
    qint64 m_replaceFrom = -1;
    QByteArray m_replacement;
    std::function<void(TimeUs)> m_replaceReached;
    TimeUs m_burstStart = NoTime;
    qint64 m_announced = 0;
    std::deque<std::pair<qint64, std::function<void(TimeUs)>>> m_watches; // by byte mark
    void settleWatches(TimeUs at);
    bool m_targetReady = false;
    bool m_endQueued = false;
    bool m_endDelivered = false;
};

} // namespace PatternScope
