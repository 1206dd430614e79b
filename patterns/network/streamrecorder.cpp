// SPDX-License-Identifier: GPL-3.0-or-later
#include "streamrecorder.h"

#include "link.h"
#include "linkconnection.h"
#include "pipetap.h"

#include <deque>

namespace PatternScope {

namespace {

constexpr int kKeptPreview = 1024; // what a message keeps for the inspector

// One direction of a tapped connection: scans what the sender wrote, records each unit when its
// first byte was read, and completes it when delivery passes its last byte.
class UnitRecorder final : public PipeTap {
public:
    UnitRecorder(LinkConnection* connection, bool towardServer, std::shared_ptr<const StreamRecording> recording)
        : m_connection(connection)
        , m_trace(connection->link()->trace())
        , m_towardServer(towardServer)
        , m_recording(std::move(recording))
        , m_scanner(m_recording->scanner(towardServer))
    {
    }

    void read(QByteArrayView bytes, TimeUs at) override
    {
        if (!m_scanner || m_scanner->failed())
            return;
        m_reads.push_back({ m_readTotal + bytes.size(), at });
        m_readTotal += bytes.size();
        for (const StreamUnit& unit : m_scanner->feed(bytes))
            record(unit);
        // Reads wholly before the end of the last unit can no longer start one.
        while (!m_reads.empty() && m_reads.front().first <= m_doneUpTo)
            m_reads.pop_front();
    }

    void delivered(qint64 total, TimeUs at) override
    {
        while (!m_pending.empty() && m_pending.front().first <= total) {
            m_trace->completeMessage(m_pending.front().second, at);
            m_pending.pop_front();
        }
    }

    void dropped(TimeUs at) override
    {
        for (const auto& pending : m_pending)
            m_trace->loseMessage(pending.second, at);
        m_pending.clear();
    }

private:
    TimeUs readTimeOf(qint64 offset) const
    {
        for (const auto& read : m_reads) {
            if (read.first > offset)
                return read.second;
        }
        return m_reads.empty() ? m_trace->now() : m_reads.back().second;
    }

    void record(const StreamUnit& unit)
    {
        const qint64 end = unit.offset + unit.wireBytes;
        m_doneUpTo = end;
        m_connection->ensureRecorded();
        Message message;
        const int client = m_connection->participant();
        const int server = m_connection->link()->server();
        message.from = m_towardServer ? client : server;
        message.to = m_towardServer ? server : client;
        message.connection = m_connection->id();
        message.sentAt = readTimeOf(unit.offset);
        message.bytes = unit.wireBytes;
        message.setBodyPreview(unit.payload.left(kKeptPreview));
        if (!m_recording->describe(message, unit, m_towardServer))
            return;
        m_pending.push_back({ end, m_trace->addMessage(message) });
    }

    LinkConnection* m_connection;
    Trace* m_trace;
    bool m_towardServer;
    std::shared_ptr<const StreamRecording> m_recording;
    std::unique_ptr<StreamScanner> m_scanner;
    std::deque<std::pair<qint64, TimeUs>> m_reads; // (stream offset after the read, when it was read)
    qint64 m_readTotal = 0;
    qint64 m_doneUpTo = 0;
    std::deque<std::pair<qint64, qint64>> m_pending; // (where a unit ends in the stream, its message's seq)
};

} // namespace

void recordStream(Link* link, StreamRecording recording)
{
    auto shared = std::make_shared<const StreamRecording>(std::move(recording));
    link->setConnectionTap([shared](LinkConnection* connection) {
        connection->up()->setTap(std::make_unique<UnitRecorder>(connection, true, shared));
        connection->down()->setTap(std::make_unique<UnitRecorder>(connection, false, shared));
    });
}

} // namespace PatternScope
