// SPDX-License-Identifier: GPL-3.0-or-later
#include "metrics.h"

#include <QHash>
#include <QSet>
#include <algorithm>
#include <cmath>

namespace PatternScope {

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
    for (const Message& message : trace.messages()) {
        m.requests += message.kind == Message::Kind::HttpRequest;
        m.emptyAnswers += httpStatus(message) == 204;
        m.lost += message.state == Message::State::Lost;
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
        m.bytesOnWire += c.bytesUp + c.bytesDown;
        changes.append({ c.openedAt, +1 });
        if (c.isOpen())
            ++m.openConnections;
        else
            changes.append({ c.closedAt, -1 });
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
