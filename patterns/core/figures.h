// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "metrics.h"
#include "parameters.h"
#include "trace.h"

#include <QList>
#include <QString>

namespace PatternScope {

// What theory expects of a pattern's mean delivery delay on a link of one-way latency L, so a
// surprising measurement stands out. low/high bound the MEAN a run of `deliveries` items should show;
// NoTime when no theory is known.
struct DelayTheory {
    TimeUs expected = NoTime; // the textbook figure (e.g. L + P/2)
    TimeUs low = NoTime;
    TimeUs high = NoTime;
    QString formula; // how a person writes it: "L + P/2"
    QString why; // one sentence: where the delay comes from and what the range allows for

    bool isKnown() const { return low != NoTime && high != NoTime; }
    bool contains(TimeUs mean) const { return isKnown() && mean != NoTime && mean >= low && mean <= high; }
};

// The figures of one pattern's run, a function of its trace (and the parameters it ran with) alone:
// the command line, the comparison view and a re-read trace file all compute the same numbers.
struct PatternFigures {
    QString patternId;
    Metrics metrics;
    qsizetype clients = 0; // lifelines that receive items (clients, subscribers)
    // items produced x clients - deliveries: copies that never reached a client by the end
    qsizetype undelivered = 0;
    double requestsPerItem = 0; // HTTP requests / deliveries (0 when nothing was delivered)
    double bytesPerItem = 0; // bytes on the wire, both directions, headers included / deliveries
    TimeUs theoryMeanLow = NoTime;
    TimeUs theoryMeanHigh = NoTime;
    DelayTheory theory;

    // The mean delay lies in the theory's range (false when either is unknown).
    bool meetsTheory() const { return theory.contains(metrics.delivery.mean); }
};

// The lifelines an item can be delivered to: clients, subscribers and outside clients.
bool receivesItems(const Participant& participant);
// Ids of the items that reached at least one such lifeline, ascending.
QList<qint64> deliveredItems(const Trace& trace);

// The theory of `patternId`'s mean delay for these parameters, given how many deliveries the mean is
// taken over: a sampled mean wanders (three standard deviations where that is known), and a few items
// share the machinery's occasional stall among fewer, so the range is wider for small n.
DelayTheory delayTheory(const QString& patternId, const ParameterSet& parameters, qsizetype deliveries);

PatternFigures figuresFor(const QString& patternId, const Trace& trace, const ParameterSet& parameters);

} // namespace PatternScope
