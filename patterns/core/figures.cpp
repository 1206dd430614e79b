// SPDX-License-Identifier: GPL-3.0-or-later
#include "figures.h"

#include <QSet>
#include <algorithm>
#include <cmath>

namespace PatternScope {

namespace {

// What a working run adds to the wire's own delay, per hop an item makes over a link (the event loop,
// loopback sockets, Qt's HTTP and WebSocket stacks, two busy cores), in two parts:
// - steady: what every item pays; headless runs measure well under this (see docs/patterns/);
// - a stall: now and then one item waits out a busy event-loop turn at each hand-over (server to link,
//   the link's timer, link to client), e.g. the window painting five live diagrams (~25-30 ms a frame
//   in bench_compare) or another process on the core. Rare, so it moves the mean of n items by at most
//   stall/n: it decides the range for a handful of items and fades as they add up. Without it one held
//   item out of three put SSE's mean outside L + 20 ms in the window.
constexpr TimeUs kSteadyPerHop = 20'000;
constexpr TimeUs kStallPerHop = 60'000;

TimeUs machinery(int hops, qsizetype deliveries)
{
    return hops * (kSteadyPerHop + kStallPerHop / std::max<qsizetype>(1, deliveries));
}

TimeUs ms(const ParameterSet& parameters, const char* name)
{
    return parameters.value(QLatin1String(name)) * 1000;
}

} // namespace

bool receivesItems(const Participant& participant)
{
    return participant.role == Participant::Role::Client || participant.role == Participant::Role::Subscriber
        || participant.role == Participant::Role::External;
}

QList<qint64> deliveredItems(const Trace& trace)
{
    QSet<qint64> items;
    for (const Message& message : trace.messages()) {
        if (message.state != Message::State::Delivered || !message.carriesItems())
            continue;
        const Participant* to = trace.participant(message.to);
        if (!to || !receivesItems(*to))
            continue;
        for (qint64 item = message.firstItem; item <= message.lastItem; ++item)
            items.insert(item);
    }
    QList<qint64> sorted(items.begin(), items.end());
    std::sort(sorted.begin(), sorted.end());
    return sorted;
}

DelayTheory delayTheory(const QString& patternId, const ParameterSet& parameters, qsizetype deliveries)
{
    DelayTheory t;
    const TimeUs latency = ms(parameters, "latency");
    const TimeUs jitter = ms(parameters, "jitter");
    if (patternId == QLatin1String("short-polling")) {
        // A poll leaves every P (or as soon as the last answer is back, if that takes longer); an item
        // waits for the next poll to reach the server, is worked on for S and travels back in L.
        const TimeUs processing = ms(parameters, "processing");
        const TimeUs cycle = std::max(ms(parameters, "poll"), 2 * latency + processing);
        const TimeUs base = latency + processing;
        t.expected = base + cycle / 2;
        t.formula = processing > 0 ? QStringLiteral("L + S + P/2") : QStringLiteral("L + P/2");
        const bool poisson = parameters.value(QStringLiteral("arrivals")) == 1;
        if (poisson && deliveries > 0) {
            // Items come at random moments of the poll cycle: each waits U(0, P), so the mean of n
            // waits has a standard deviation of P / sqrt(12 n). Allow three: the window judges the
            // mean again at every delivery, and with two (5% outside per look) a run that behaves as
            // theory says was marked at some moment in most runs; three is 0.3% per look. The mean of
            // n uniform waits has lighter tails than a normal one, so this holds for small n too (for
            // n = 1 the range is all of [0, P]).
            const auto spread = TimeUs(3.0 * double(cycle) / std::sqrt(12.0 * double(deliveries)));
            t.low = std::max(base, t.expected - spread);
            t.high = std::min(base + cycle, t.expected + spread) + machinery(1, deliveries);
            t.why = QStringLiteral("an item waits for the next poll, U(0, P): the mean of %1 such waits lies within "
                                   "three standard deviations (P/sqrt(12n)) of P/2, plus the machinery's time")
                        .arg(deliveries);
        } else {
            // Items at a fixed pace meet the polls at a fixed phase: anywhere in the cycle.
            t.low = base;
            t.high = base + cycle + machinery(1, deliveries);
            t.why
                = QStringLiteral("items at a fixed pace meet the polls at one phase: the wait is anywhere from 0 to P");
        }
    } else if (patternId == QLatin1String("long-polling")) {
        // A held poll answers at once (L); but for 2L after each answer (and each 204 at the hold's end)
        // no poll is held, and an item produced then waits for the next one: up to 3L for that item.
        t.expected = latency;
        t.low = latency;
        const bool dense = ms(parameters, "produce") < 2 * latency;
        t.high = (dense ? 3 * latency : 2 * latency) + machinery(1, deliveries);
        t.formula = QStringLiteral("L to 2L");
        t.why = dense
            ? QStringLiteral("items closer than 2L apart often come while no poll is held: each waits up to 3L")
            : QStringLiteral("most items find a held poll (L); one that comes in the 2L after an answer, "
                             "while the next poll travels, waits up to 3L");
    } else if (patternId == QLatin1String("server-sent-events") || patternId == QLatin1String("websockets")) {
        // The connection is open: the server writes the item the moment it exists.
        t.expected = latency;
        t.low = latency;
        t.high = latency + machinery(1, deliveries);
        t.formula = QStringLiteral("L");
        t.why = QStringLiteral("the item is written on the open connection at once; items produced before it is "
                               "open or during a reconnect wait longer; the range allows the machinery's time, "
                               "more for a few items (one held item moves their mean more)");
    } else if (patternId == QLatin1String("publish-subscribe")) {
        // Two hops, each over its own link: publisher to broker, broker to subscriber.
        t.expected = 2 * latency;
        t.low = 2 * latency;
        t.high = 2 * latency + machinery(2, deliveries);
        t.formula = QStringLiteral("2L");
        t.why = QStringLiteral("two hops over links of latency L each: publisher to broker, broker to subscriber");
        t.low -= jitter; // the second hop's jitter, on top of the first's added below
        t.high += jitter;
    } else {
        return t;
    }
    // Jitter moves each chunk by up to J either way.
    t.low = std::max<TimeUs>(0, t.low - jitter);
    t.high += jitter;
    if (jitter > 0)
        t.why += QStringLiteral("; jitter moves each hop by up to J either way");
    return t;
}

PatternFigures figuresFor(const QString& patternId, const Trace& trace, const ParameterSet& parameters)
{
    PatternFigures f;
    f.patternId = patternId;
    f.metrics = computeMetrics(trace);
    for (const Participant& p : trace.participants())
        f.clients += receivesItems(p);
    f.undelivered = std::max<qsizetype>(0, f.metrics.itemsProduced * f.clients - f.metrics.deliveries);
    if (f.metrics.deliveries > 0) {
        f.requestsPerItem = double(f.metrics.requests) / double(f.metrics.deliveries);
        f.bytesPerItem = double(f.metrics.bytesOnWire) / double(f.metrics.deliveries);
    }
    f.theory = delayTheory(patternId, parameters, f.metrics.delivery.count);
    f.theoryMeanLow = f.theory.low;
    f.theoryMeanHigh = f.theory.high;
    return f;
}

} // namespace PatternScope
