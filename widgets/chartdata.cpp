// SPDX-License-Identifier: GPL-3.0-or-later
#include "chartdata.h"

#include "trace.h"

#include <QHash>
#include <QSet>
#include <algorithm>
#include <array>

namespace PatternScope::ChartData {

namespace {

constexpr TimeUs kCutGroupUs = 50'000;

bool isClient(const Trace& trace, int id)
{
    const Participant* p = trace.participant(id);
    return p
        && (p->role == Participant::Role::Client || p->role == Participant::Role::Subscriber
            || p->role == Participant::Role::External);
}

} // namespace

QList<Delivery> deliveries(const Trace& trace)
{
    QHash<qint64, TimeUs> producedAt;
    for (const Note& note : trace.notes()) {
        if (note.item >= 0 && !producedAt.contains(note.item))
            producedAt.insert(note.item, note.at);
    }
    QList<Delivery> out;
    QSet<QPair<int, qint64>> seen;
    for (const Message& message : trace.messages()) {
        if (message.state != Message::State::Delivered || !message.carriesItems() || !isClient(trace, message.to))
            continue;
        for (qint64 item = message.firstItem; item <= message.lastItem; ++item) {
            const auto key = qMakePair(message.to, item);
            if (seen.contains(key))
                continue;
            seen.insert(key);
            const auto produced = producedAt.constFind(item);
            if (produced != producedAt.constEnd())
                out.append({ message.receivedAt, message.receivedAt - *produced });
        }
    }
    return out;
}

QList<QPair<TimeUs, int>> openConnections(const Trace& trace)
{
    QList<QPair<TimeUs, int>> changes;
    for (const Connection& c : trace.connections()) {
        changes.append({ c.openedAt, +1 });
        if (!c.isOpen())
            changes.append({ c.closedAt, -1 });
    }
    std::sort(changes.begin(), changes.end());
    QList<QPair<TimeUs, int>> steps { { 0, 0 } };
    int open = 0;
    for (const auto& change : std::as_const(changes)) {
        open += change.second;
        if (steps.constLast().first == change.first)
            steps.last().second = open;
        else
            steps.append({ change.first, open });
    }
    return steps;
}

QList<TimeUs> cutTimes(const Trace& trace)
{
    QList<TimeUs> cuts;
    for (const Connection& c : trace.connections()) {
        if (!c.isOpen() && c.closeReason == QLatin1String("cut"))
            cuts.append(c.closedAt);
    }
    std::sort(cuts.begin(), cuts.end());
    QList<TimeUs> grouped;
    for (TimeUs t : std::as_const(cuts)) {
        if (grouped.isEmpty() || t - grouped.constLast() > kCutGroupUs)
            grouped.append(t);
    }
    return grouped;
}

Spread spread(QList<TimeUs> delays)
{
    Spread s;
    if (delays.isEmpty())
        return s;
    std::sort(delays.begin(), delays.end());
    s.min = delays.constFirst();
    s.q1 = percentile(delays, 0.25);
    s.median = percentile(delays, 0.50);
    s.q3 = percentile(delays, 0.75);
    s.p95 = percentile(delays, 0.95);
    s.max = delays.constLast();
    return s;
}

Figures figures(const Trace& trace)
{
    Figures f;
    f.metrics = computeMetrics(trace);
    f.bytes = f.metrics.bytesOnWire;
    if (f.metrics.deliveries > 0) {
        f.requestsPerItem = double(f.metrics.requests) / double(f.metrics.deliveries);
        f.bytesPerItem = double(f.bytes) / double(f.metrics.deliveries);
    }
    return f;
}

QColor patternColour(const QString& patternId, int index, bool dark)
{
    // Okabe and Ito's colours, told apart by colour-blind readers too; lighter on a dark background.
    static const std::array<const char*, 5> ids
        = { "short-polling", "long-polling", "server-sent-events", "websockets", "publish-subscribe" };
    static const std::array<QRgb, 6> light = { 0xD55E00, 0x0072B2, 0x009E73, 0xCC79A7, 0xE69F00, 0x56B4E9 };
    static const std::array<QRgb, 6> onDark = { 0xFF7F3F, 0x56B4E9, 0x2FD3A0, 0xE6A0C8, 0xF0C040, 0xA0D8FF };
    int slot = -1;
    for (size_t i = 0; i < ids.size(); ++i) {
        if (patternId == QLatin1String(ids[i]))
            slot = int(i);
    }
    if (slot < 0)
        slot = int(size_t(std::max(index, 0)) % light.size());
    return QColor((dark ? onDark : light)[size_t(slot)]);
}

} // namespace PatternScope::ChartData
