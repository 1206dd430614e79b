// SPDX-License-Identifier: GPL-3.0-or-later
#include "metrics.h"

#include <QHash>
#include <QSet>
#include <algorithm>
#include <cmath>

namespace PatternScope {

namespace {

// Who closed what on each connection, to tell a close answer nobody waited for from a lost message.
class CloseHandshakes {
public:
    void see(const Message& message)
    {
        if (message.connection < 0)
            return;
        const auto key = qMakePair(message.connection, message.from);
        if (message.kind == Message::Kind::WsClose && !m_firstCloseFrame.contains(key))
            m_firstCloseFrame.insert(key, message.seq);
        else if (message.kind == Message::Kind::Close && !m_tcpClosedAt.contains(key))
            m_tcpClosedAt.insert(key, message.sentAt);
    }

    // A lost close frame that answers its receiver's own close frame after the receiver had closed TCP
    // (not a cut): RFC 6455 says the initiator waits for the answer; Qt 6.4 does not (QT64-NOTES), so
    // the answer meets a closed socket. Nobody was left to hear it: it is not lost data.
    bool unheardAnswer(const Trace& trace, const Message& lost) const
    {
        if (lost.kind != Message::Kind::WsClose || lost.state != Message::State::Lost)
            return false;
        const auto peer = qMakePair(lost.connection, lost.to);
        const auto initiated = m_firstCloseFrame.constFind(peer);
        const auto hungUp = m_tcpClosedAt.constFind(peer);
        if (initiated == m_firstCloseFrame.constEnd() || *initiated > lost.seq || hungUp == m_tcpClosedAt.constEnd()
            || *hungUp > lost.receivedAt)
            return false;
        for (const Connection& c : trace.connections()) {
            if (c.id == lost.connection)
                return c.closeReason != QLatin1String("cut");
        }
        return true;
    }

private:
    QHash<QPair<int, int>, qint64> m_firstCloseFrame; // (connection, sender) -> seq
    QHash<QPair<int, int>, TimeUs> m_tcpClosedAt; // (connection, closer) -> sentAt
};

} // namespace

int httpStatus(const Message& message)
{
    return message.kind == Message::Kind::HttpResponse ? message.fields.status : 0;
}

TimeUs percentile(const QList<TimeUs>& sorted, double fraction)
{
    if (sorted.isEmpty())
        return NoTime;
    const auto rank = qsizetype(std::ceil(fraction * double(sorted.size())));
    return sorted.at(std::clamp<qsizetype>(rank - 1, 0, sorted.size() - 1));
}

Metrics computeMetrics(const Trace& trace)
{
    Metrics m;
    m.messages = qsizetype(trace.messages().size());

    QHash<qint64, TimeUs> producedAt;
    for (const Note& note : trace.notes()) {
        if (note.item >= 0 && !producedAt.contains(note.item))
            producedAt.insert(note.item, note.at);
    }
    m.itemsProduced = producedAt.size();

    // A delivery is a message that reached a client and carried items.
    auto isClient = [&](int id) {
        const Participant* p = trace.participant(id);
        return p
            && (p->role == Participant::Role::Client || p->role == Participant::Role::Subscriber
                || p->role == Participant::Role::External);
    };
    QSet<QPair<int, qint64>> seen;
    QList<TimeUs> delays;
    CloseHandshakes closes;
    QList<const Message*> lostCloseFrames;
    QHash<int, qint64> deliveredOn; // connection -> bytes of the messages delivered on it
    for (const Message& message : trace.messages()) {
        m.requests += message.kind == Message::Kind::HttpRequest;
        m.emptyAnswers += httpStatus(message) == 204;
        closes.see(message);
        if (message.state == Message::State::Lost) {
            if (message.kind == Message::Kind::WsClose)
                lostCloseFrames.append(&message);
            else
                ++m.lost;
        }
        if (message.state == Message::State::Delivered && message.connection >= 0)
            deliveredOn[message.connection] += message.bytes;
        if (message.state != Message::State::Delivered || !message.carriesItems() || !isClient(message.to))
            continue;
        for (qint64 item = message.firstItem; item <= message.lastItem; ++item) {
            const auto key = qMakePair(message.to, item);
            if (seen.contains(key)) {
                ++m.duplicates;
                continue;
            }
            seen.insert(key);
            ++m.deliveries;
            const auto produced = producedAt.constFind(item);
            if (produced != producedAt.constEnd())
                delays.append(message.receivedAt - *produced);
        }
    }
    for (const Message* frame : std::as_const(lostCloseFrames)) {
        if (closes.unheardAnswer(trace, *frame))
            ++m.unheardCloseAnswers;
        else
            ++m.lost;
    }
    std::sort(delays.begin(), delays.end());
    m.delivery.count = delays.size();
    if (!delays.isEmpty()) {
        qint64 sum = 0;
        for (TimeUs d : std::as_const(delays))
            sum += d;
        m.delivery.mean = sum / delays.size();
        m.delivery.p50 = percentile(delays, 0.50);
        m.delivery.p95 = percentile(delays, 0.95);
        m.delivery.max = delays.constLast();
    }

    // Open connections over time: +1 at each open, -1 at each close, in time order.
    QList<QPair<TimeUs, int>> changes;
    for (const Connection& c : trace.connections()) {
        ++m.connections;
        changes.append({ c.openedAt, +1 });
        if (c.isOpen()) {
            // The link counts a connection's bytes when it closes; until then every byte it delivered
            // belongs to a message delivered on it (equal on closed connections, but for lost frames).
            ++m.openConnections;
            m.bytesOnWire += deliveredOn.value(c.id);
        } else {
            m.bytesOnWire += c.bytesUp + c.bytesDown;
            changes.append({ c.closedAt, -1 });
        }
    }
    // At equal times closes go first: a connection replaced in the same instant is not two open.
    std::sort(changes.begin(), changes.end());
    qsizetype open = 0;
    for (const auto& change : std::as_const(changes)) {
        open += change.second;
        m.peakOpenConnections = std::max(m.peakOpenConnections, open);
    }
    return m;
}

} // namespace PatternScope
