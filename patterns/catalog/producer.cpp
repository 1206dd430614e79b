// SPDX-License-Identifier: GPL-3.0-or-later
#include "producer.h"

#include <cmath>

namespace PatternScope {

Producer::Producer(Trace* trace, int participant, quint64 seed, QObject* parent)
    : QObject(parent)
    , m_trace(trace)
    , m_participant(participant)
    , m_schedule(seed * 2 + 1)
    , m_content(seed * 2 + 2)
{
    m_timer.setSingleShot(true);
    m_timer.setTimerType(Qt::PreciseTimer);
    connect(&m_timer, &QTimer::timeout, this, &Producer::produceNext);
}

QList<ParameterSpec> Producer::parameters()
{
    return {
        ParameterSpec::number(QStringLiteral("produce"),
            QStringLiteral("mean time between data items the server produces"), ParameterSpec::Unit::Milliseconds, 2000,
            10, 600'000, true),
        ParameterSpec::choice(QStringLiteral("arrivals"),
            QStringLiteral("items come at a fixed pace or at random (Poisson) around the mean"),
            { QStringLiteral("fixed"), QStringLiteral("poisson") }, 1, true),
        ParameterSpec::number(QStringLiteral("history"),
            QStringLiteral("items the server keeps so clients can resume from a cursor"), ParameterSpec::Unit::Count,
            10'000, 1, 1'000'000, false),
    };
}

void Producer::configure(const ParameterSet& parameters)
{
    setMeanIntervalMs(parameters.value(QStringLiteral("produce")));
    setArrivals(parameters.value(QStringLiteral("arrivals")) == 0 ? Arrivals::Fixed : Arrivals::Poisson);
    setHistoryLimit(int(parameters.value(QStringLiteral("history"))));
}

void Producer::setMeanIntervalMs(qint64 ms)
{
    ms = std::max<qint64>(1, ms);
    if (ms == m_meanMs)
        return;
    const qint64 old = m_meanMs;
    m_meanMs = ms;
    if (!m_timer.isActive())
        return;
    // The gap drawn for the waiting item, at the new mean: the same draw, so a seed still gives one schedule.
    const double gap = double(m_nextAtMs - m_lastAtMs) * double(ms) / double(old);
    m_nextAtMs = m_lastAtMs + std::max<qint64>(1, std::llround(gap));
    armTimer();
}

void Producer::setHistoryLimit(int items)
{
    m_historyLimit = std::max(1, items);
    while (int(m_history.size()) > m_historyLimit)
        m_history.pop_front();
}

void Producer::start()
{
    m_clock.start();
    m_nextAtMs = 0;
    m_lastAtMs = 0;
    scheduleNext();
}

void Producer::stop()
{
    m_timer.stop();
}

void Producer::scheduleNext()
{
    double interval = double(m_meanMs);
    if (m_arrivals == Arrivals::Poisson) {
        // Exponential gaps make a Poisson process; 1 - u keeps the logarithm finite.
        interval = -double(m_meanMs) * std::log(1.0 - m_schedule.generateDouble());
    }
    m_lastAtMs = m_nextAtMs;
    m_nextAtMs += std::max<qint64>(1, std::llround(interval));
    armTimer();
}

void Producer::armTimer()
{
    if (m_produceForMs > 0 && m_nextAtMs >= m_produceForMs) {
        m_timer.stop();
        return;
    }
    m_timer.start(int(std::max<qint64>(0, m_nextAtMs - m_clock.elapsed())));
}

QString Producer::nextText()
{
    m_price = std::max(1.0, m_price + (m_content.generateDouble() - 0.5) * 2.0);
    return QStringLiteral("price %1").arg(m_price, 0, 'f', 2);
}

void Producer::produceNext()
{
    produceOne();
    scheduleNext();
}

void Producer::produceNow(int count)
{
    for (int i = 0; i < count; ++i)
        produceOne();
}

void Producer::produceOne()
{
    Item item;
    item.id = ++m_lastId;
    item.producedAt = m_trace->now();
    item.text = nextText();
    m_history.push_back(item);
    if (int(m_history.size()) > m_historyLimit)
        m_history.pop_front();
    m_trace->addNote(
        m_participant, QStringLiteral("item %1 produced: %2").arg(item.id).arg(item.text), item.producedAt, item.id);
    Q_EMIT produced(item);
}

const Item* Producer::find(qint64 id) const
{
    // Ids are consecutive, so an item is found by arithmetic.
    if (m_history.empty() || id < m_history.front().id || id > m_lastId)
        return nullptr;
    return &m_history[size_t(id - m_history.front().id)];
}

Backlog Producer::after(qint64 cursor, int max) const
{
    Backlog backlog;
    backlog.next = cursor;
    if (cursor >= m_lastId)
        return backlog;
    qint64 first = cursor + 1;
    if (first < oldestId()) {
        backlog.gapFrom = first;
        backlog.gapTo = oldestId() - 1;
        first = oldestId();
    }
    for (qint64 id = first; id <= m_lastId && backlog.items.size() < max; ++id)
        backlog.items.append(*find(id));
    backlog.next = backlog.items.isEmpty() ? std::max(cursor, backlog.gapTo) : backlog.items.constLast().id;
    backlog.more = backlog.next < m_lastId;
    return backlog;
}

} // namespace PatternScope
