// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "parameters.h"
#include "trace.h"

#include <QElapsedTimer>
#include <QObject>
#include <QRandomGenerator64>
#include <QTimer>
#include <algorithm>
#include <deque>

namespace PatternScope {

// One piece of data the server has to hand out: "price 42.17".
struct Item {
    qint64 id = 0; // 1, 2, 3, ... in production order
    TimeUs producedAt = NoTime;
    QString text;
};

// What a client whose cursor is N can be given next: the items after N that the history still holds,
// oldest first, one page at a time, and the ids it can no longer get because the bounded history has
// let them go. Nothing is skipped without being named here.
struct Backlog {
    QList<Item> items;
    qint64 gapFrom = 0; // first id no longer kept, 0 if none is missing
    qint64 gapTo = 0; // last id no longer kept
    qint64 next = 0; // the cursor to ask with next: past the gap and the last item handed out
    bool more = false; // items after this page wait for the next one

    bool hasGap() const { return gapFrom > 0; }
};

// The seeded source every pattern shares: items at a mean interval, fixed or Poisson. The same seed
// gives the same schedule and the same texts, so two patterns can be compared on identical work.
// Each item is noted on the server's lifeline, which is where delivery delay is measured from.
class Producer : public QObject {
    Q_OBJECT
public:
    enum class Arrivals { Fixed, Poisson };

    Producer(Trace* trace, int participant, quint64 seed, QObject* parent = nullptr);

    // Running, a new mean applies to the item already waiting too: its gap is stretched or shrunk alike,
    // so a change from 10 min to 1 s takes effect now, not after the next item.
    void setMeanIntervalMs(qint64 ms);
    void setArrivals(Arrivals arrivals) { m_arrivals = arrivals; }
    void setHistoryLimit(int items);
    // Items are produced only for this long after start() (0: until stop()): a comparison gives
    // every pattern the same items, however long each takes to start producing.
    void setProduceForMs(qint64 ms) { m_produceForMs = std::max<qint64>(0, ms); }
    void start();
    void stop();
    // A burst: `count` items at once, outside the schedule, which goes on as before.
    void produceNow(int count = 1);

    qint64 lastId() const { return m_lastId; }
    // The oldest item still kept; items before it have left the bounded history.
    qint64 oldestId() const { return m_history.empty() ? m_lastId + 1 : m_history.front().id; }
    // The item with this id if the history still holds it, else nullptr.
    const Item* find(qint64 id) const;
    // The next page for a client at `cursor`: at most `max` items, and the gap before them if the
    // history no longer holds what follows the cursor. A cursor ahead of the last id gets nothing.
    Backlog after(qint64 cursor, int max) const;
    const std::deque<Item>& history() const { return m_history; }

    // The parameters every pattern with a producer offers.
    static QList<ParameterSpec> parameters();
    void configure(const ParameterSet& parameters);

Q_SIGNALS:
    void produced(const PatternScope::Item& item);

private:
    void produceNext();
    void produceOne();
    void scheduleNext();
    void armTimer();
    QString nextText();

    Trace* m_trace;
    int m_participant;
    QRandomGenerator64 m_schedule; // intervals
    QRandomGenerator64 m_content; // texts, a separate stream so interval changes don't change texts
    QTimer m_timer;
    QElapsedTimer m_clock;
    qint64 m_nextAtMs = 0; // on m_clock: an absolute schedule does not drift
    qint64 m_lastAtMs = 0; // when the item before the next one was due
    qint64 m_meanMs = 2000;
    qint64 m_produceForMs = 0;
    Arrivals m_arrivals = Arrivals::Poisson;
    int m_historyLimit = 10'000;
    qint64 m_lastId = 0;
    double m_price = 42.0;
    std::deque<Item> m_history;
};

} // namespace PatternScope

Q_DECLARE_METATYPE(PatternScope::Item)
