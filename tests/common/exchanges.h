// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "trace.h"

namespace PatternScope::Test {

// A client and a server trading `pairs` HTTP requests and answers, one pair every `every`: the
// request leaves at i·every and the answer at i·every + every/2, each taking every/4 to arrive.
// Requests and answers share a correlation id, as a recording would have them.
inline void fillExchanges(Trace& trace, int pairs, TimeUs every)
{
    const int client = trace.addParticipant(QStringLiteral("Client"), Participant::Role::Client);
    const int server = trace.addParticipant(QStringLiteral("Server"), Participant::Role::Server);
    for (int i = 0; i < pairs; ++i) {
        Message m;
        m.from = client;
        m.to = server;
        m.kind = Message::Kind::HttpRequest;
        m.label = QStringLiteral("GET /work/%1").arg(i);
        m.correlation = QString::number(i);
        m.sentAt = i * every;
        trace.completeMessage(trace.addMessage(m), m.sentAt + every / 4);
        m.from = server;
        m.to = client;
        m.kind = Message::Kind::HttpResponse;
        m.label = QStringLiteral("200 OK");
        m.sentAt = i * every + every / 2;
        trace.completeMessage(trace.addMessage(m), m.sentAt + every / 4);
    }
}

} // namespace PatternScope::Test
