// SPDX-License-Identifier: GPL-3.0-or-later
#include "linkpipe.h"

#include "linkemulator.h"

#include <QTcpSocket>
#include <algorithm>
#include <utility>

namespace PatternScope {

LinkPipe::LinkPipe(Link* link, QObject* parent)
    : QObject(parent)
    , m_link(link)
{
    m_timer.setSingleShot(true);
    m_timer.setTimerType(Qt::PreciseTimer);
    connect(&m_timer, &QTimer::timeout, this, &LinkPipe::pump);
}

TimeUs LinkPipe::scheduleFor(qint64 size)
{
    const TimeUs now = m_link->m_trace->now();
    TimeUs sentOut = now;
    const qint64 bandwidth = m_link->m_settings.bandwidthBytesPerSec;
    if (bandwidth > 0) {
        const TimeUs start = std::max(now, m_wireFreeAt);
        m_wireFreeAt = start + size * 1'000'000 / bandwidth;
        sentOut = m_wireFreeAt;
    }
    m_lastDeliverAt = std::max(sentOut + m_link->nextDelay(), m_lastDeliverAt);
    return m_lastDeliverAt;
}

void LinkPipe::enqueue(QByteArray bytes)
{
    if (bytes.isEmpty() || m_endQueued)
        return;
    if (m_queue.empty())
        m_burstStart = m_link->m_trace->now();
    if (m_tap)
        m_tap->read(bytes, m_link->m_trace->now());
    if (m_link->m_settings.bandwidthBytesPerSec > 0 && bytes.size() > CappedChunk) {
        for (qsizetype pos = 0; pos < bytes.size(); pos += CappedChunk) {
            QByteArray piece = bytes.mid(pos, CappedChunk);
            const TimeUs at = scheduleFor(piece.size());
            m_queue.push_back({ at, std::move(piece) });
        }
    } else {
        const TimeUs at = scheduleFor(bytes.size());
        m_queue.push_back({ at, std::move(bytes) });
    }
    if (!m_timer.isActive())
        pump();
}

void LinkPipe::enqueueEnd()
{
    if (m_endQueued)
        return;
    m_endQueued = true;
    // The close travels like a byte: after everything sent before it, one latency later.
    m_lastDeliverAt = std::max(m_link->m_trace->now() + m_link->nextDelay(), m_lastDeliverAt);
    m_queue.push_back({ m_lastDeliverAt, QByteArray() });
    if (!m_timer.isActive())
        pump();
}

void LinkPipe::drop()
{
    m_queue.clear();
    m_timer.stop();
    settleWatches(NoTime);
    if (m_tap)
        m_tap->dropped(m_link->m_trace->now());
}

void LinkPipe::watch(qint64 bytes, std::function<void(TimeUs)> then)
{
    m_announced += bytes;
    m_watches.emplace_back(m_announced, std::move(then));
}

void LinkPipe::holdFrom(qint64 offset)
{
    if (offset >= m_passed)
        m_holdFrom = offset;
}

void LinkPipe::release()
{
    if (m_holdFrom < 0)
        return;
    m_holdFrom = -1;
    pump();
}

void LinkPipe::replaceFrom(qint64 offset, QByteArray replacement, std::function<void(TimeUs)> reached)
{
    if (m_replaceFrom >= 0 || offset < m_passed)
        return; // what the target has read stays read
    m_replaceFrom = offset;
    m_replacement = std::move(replacement);
    m_replaceReached = std::move(reached);
}

void LinkPipe::settleWatches(TimeUs at)
{
    // NoTime settles them all: those bytes will never arrive.
    while (!m_watches.empty() && (at == NoTime || m_watches.front().first <= m_delivered)) {
        auto then = std::move(m_watches.front().second);
        m_watches.pop_front();
        then(at);
    }
}

void LinkPipe::targetReady()
{
    m_targetReady = true;
    pump();
}

void LinkPipe::pump()
{
    if (!m_targetReady)
        return; // resumed when the target connects
    const TimeUs now = m_link->m_trace->now();
    const TimeUs stalledUntil = m_link->stalledUntil();
    if (now < stalledUntil) {
        m_timer.start(int((stalledUntil - now + 999) / 1000));
        return;
    }
    while (!m_queue.empty() && m_queue.front().deliverAt <= now) {
        if (m_holdFrom >= 0 && m_passed >= m_holdFrom)
            return; // release() goes on
        Chunk chunk;
        Chunk& front = m_queue.front();
        const qint64 beforeHold = m_holdFrom - m_passed;
        if (m_holdFrom >= 0 && front.bytes.size() > beforeHold) {
            chunk = { front.deliverAt, front.bytes.left(qsizetype(beforeHold)) };
            front.bytes.remove(0, qsizetype(beforeHold));
        } else {
            chunk = std::move(front);
            m_queue.pop_front();
        }
        if (chunk.bytes.isEmpty()) {
            m_endDelivered = true;
            Q_EMIT endReached();
            return; // the connection may be gone now
        }
        const qint64 start = m_passed;
        m_passed += chunk.bytes.size();
        const bool replaced = m_replaceFrom >= 0 && m_passed > m_replaceFrom;
        if (replaced)
            chunk.bytes.truncate(qsizetype(std::max<qint64>(0, m_replaceFrom - start)));
        // A target that closed meanwhile (both ends hung up at once) gets nothing, but the close
        // marker behind these bytes still arrives on time.
        const bool open = m_target->state() == QAbstractSocket::ConnectedState;
        if (!chunk.bytes.isEmpty() && open) {
            m_target->write(chunk.bytes);
            // Into the kernel now: a cut right after must not discard what we count as delivered.
            m_target->flush();
            m_delivered += chunk.bytes.size();
            settleWatches(now);
            if (m_tap)
                m_tap->delivered(m_delivered, now);
        }
        if (replaced && m_replaceReached) {
            if (open) {
                m_target->write(std::exchange(m_replacement, {}));
                m_target->flush();
            }
            std::exchange(m_replaceReached, {})(now);
        }
    }
    if (!m_queue.empty())
        m_timer.start(int((m_queue.front().deliverAt - now + 999) / 1000));
}

} // namespace PatternScope
