// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "trace.h"

namespace PatternScope {

struct DelayStats {
    qsizetype count = 0;
    TimeUs mean = NoTime;
    TimeUs p50 = NoTime;
    TimeUs p95 = NoTime;
    TimeUs max = NoTime;
};

// What a run cost and how fast data got through: a function of the trace alone, so the live
// window, a replay and the comparison view all agree.
struct Metrics {
    qsizetype messages = 0;
    qsizetype requests = 0; // HTTP requests clients sent
    qsizetype emptyAnswers = 0; // HTTP answers with status 204: asked, nothing to hand out
    // Both directions, headers included: what the link counted on closed connections, and on connections
    // still open the sizes of the messages delivered on them so far (the link's count comes when they close).
    qint64 bytesOnWire = 0;
    qsizetype connections = 0; // TCP connections opened
    qsizetype openConnections = 0; // still open at the end of the trace
    qsizetype peakOpenConnections = 0;
    qsizetype itemsProduced = 0;
    qsizetype deliveries = 0; // (client, item) pairs: each client's first copy of each item
    qsizetype duplicates = 0; // further copies of an item a client already had
    qsizetype lost = 0; // messages that never arrived, but for the close answers below
    // Close frames answering a close handshake whose initiator had already closed TCP (Qt 6.4 does not
    // wait for the answer, QT64-NOTES): nobody was waiting for them, so they are not lost data.
    qsizetype unheardCloseAnswers = 0;
    DelayStats delivery; // from "item produced" to "this client has it", first copy only
};

// The HTTP status of a response message, read from the front of its label ("204 No Content · empty"),
// or 0 for anything else.
int httpStatus(const Message& message);

Metrics computeMetrics(const Trace& trace);

// Nearest-rank percentile of sorted values; NoTime for none.
TimeUs percentile(const QList<TimeUs>& sorted, double fraction);

} // namespace PatternScope
