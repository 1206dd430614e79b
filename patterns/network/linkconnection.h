// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "trace.h"

#include <QObject>
#include <QTimer>
#include <deque>
#include <functional>
#include <memory>

class QTcpSocket;

namespace PatternScope {

class Link;

// Watches one direction of a relayed connection: the bytes as the source wrote them, and how far
// delivery to the target has come. What a protocol recorder needs to time what crosses.
class PipeTap {
public:
    virtual ~PipeTap() = default;
    virtual void read(QByteArrayView bytes, TimeUs at) = 0;
    virtual void delivered(qint64 total, TimeUs at) = 0;
    // The rest will never arrive (a cut, or the connection ended first).
    virtual void dropped(TimeUs at) = 0;
};

// One direction of a relayed connection: bytes wait in order until their delivery time.
class LinkPipe : public QObject {
    Q_OBJECT
public:
    LinkPipe(Link* link, QObject* parent);

    void setTarget(QTcpSocket* target) { m_target = target; }
    void setTap(std::unique_ptr<PipeTap> tap) { m_tap = std::move(tap); }
    // The target has connected: from now on bytes go out (or, once it has closed, are dropped).
    void targetReady();
    void enqueue(QByteArray bytes); // bytes read just now
    void enqueueEnd(); // the source closed: close the target once the bytes before it are delivered
    void drop(); // a cut: forget everything queued
    void pump(); // deliver what is due, re-arm the timer for the rest
    qint64 delivered() const { return m_delivered; }
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
    struct Chunk {
        TimeUs deliverAt;
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
    TimeUs m_burstStart = NoTime;
    qint64 m_announced = 0;
    std::deque<std::pair<qint64, std::function<void(TimeUs)>>> m_watches; // by byte mark
    void settleWatches(TimeUs at);
    bool m_targetReady = false;
    bool m_endQueued = false;
    bool m_endDelivered = false;
};

// A client connection accepted by a Link and its twin toward the server.
class LinkConnection : public QObject {
    Q_OBJECT
public:
    LinkConnection(Link* link, Trace* trace, QTcpSocket* clientSide, quint16 serverPort, QObject* parent);
    ~LinkConnection() override;

    int id() const { return m_id; } // -1 until the client is known
    int participant() const { return m_participant; }
    // Records the connection as this participant's; what happened before keeps its times.
    void identify(int participant);
    // Makes sure the connection is in the trace (as an unidentified client's if nobody said whose).
    void ensureRecorded();
    quint16 serverSideLocalPort() const { return m_serverSidePort; }
    qint64 bytesUp() const { return m_up->delivered(); }
    qint64 bytesDown() const { return m_down->delivered(); }
    TimeUs upstreamBurstStart() const { return m_up->burstStart(); }
    LinkPipe* up() const { return m_up; }
    LinkPipe* down() const { return m_down; }
    Link* link() const { return m_link; }
    bool isFinished() const { return m_finished; }
    void cut();
    void pump();

Q_SIGNALS:
    void finished(const QString& reason);

private:
    void connectUpstream();
    void upstreamConnected();
    void sideClosed(bool clientSide);
    void endDelivered(bool towardServer);
    void halfClose(QTcpSocket* socket);
    void finish(const QString& reason);

    Link* m_link;
    Trace* m_trace;
    QTcpSocket* m_client;
    QTcpSocket* m_server;
    quint16 m_serverPort;
    quint16 m_serverSidePort = 0;
    LinkPipe* m_up;
    LinkPipe* m_down;
    int m_id = -1;
    int m_participant = -1;
    TimeUs m_openedAt = NoTime;
    TimeUs m_connectedAt = NoTime;
    qint64 m_connectMessage = -1;
    qint64 m_closeMessage = -1;
    QString m_closedBy; // who closed first
    QTimer m_linger;
    bool m_clientClosed = false;
    bool m_serverClosed = false;
    bool m_upEnded = false;
    bool m_downEnded = false;
    bool m_finished = false;
};

} // namespace PatternScope
