// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "messages.h"
#include "trace.h"

// Generated traces of HTTP exchanges, for tests and benchmarks that need many messages of a known shape.
namespace PatternScope::Test {

// A client and a server trading `pairs` HTTP requests and answers, one pair every `every`: the
// request leaves at i·every and the answer at i·every + every/2, each taking every/4 to arrive.
// Requests and answers share a correlation id, as a recording would have them.
inline void fillExchanges(Trace& trace, int pairs, TimeUs every)
{
    const int client = trace.addParticipant(QStringLiteral("Client"), Participant::Role::Client);
    const int server = trace.addParticipant(QStringLiteral("Server"), Participant::Role::Server);
    for (int i = 0; i < pairs; ++i) {
        const QString id = QString::number(i);
        const TimeUs asked = i * every;
        const TimeUs answered = asked + every / 2;
        const Message request = makeMessage(
            client, server, Message::Kind::HttpRequest, QStringLiteral("GET /work/%1").arg(i), asked, -1, id);
        trace.completeMessage(trace.addMessage(request), asked + every / 4);
        const Message answer
            = makeMessage(server, client, Message::Kind::HttpResponse, QStringLiteral("200 OK"), answered, -1, id);
        trace.completeMessage(trace.addMessage(answer), answered + every / 4);
    }
}

// What a long recording looks like: two clients take turns polling a server, which works on each
// request before it answers; a note every tenth exchange, and one activation on the first client
// across the whole run (so that every piece of a split export repeats it). Exchange k starts at
// k·every; its request takes 0.3·every to arrive, the server works until 0.45·every, and the answer
// arrives at 0.75·every. With `loseEvery` n > 0 the last request of every n is lost and gets no
// answer. Goes on until the trace holds `messages` messages (one more when the last one is answered).
inline void fillPolling(Trace& trace, int messages, TimeUs every, int loseEvery = 0)
{
    const int server = trace.addParticipant(QStringLiteral("Server"), Participant::Role::Server);
    const int clients[] = { trace.addParticipant(QStringLiteral("Client 1"), Participant::Role::Client),
        trace.addParticipant(QStringLiteral("Client 2"), Participant::Role::Client) };
    trace.reserve(size_t(messages));
    const qint64 session = trace.beginActivation(clients[0], QStringLiteral("session"), 0);
    TimeUs t = 0;
    for (int k = 0; qsizetype(trace.messages().size()) < messages; ++k) {
        t = k * every;
        const int client = clients[k % 2];
        const QString id = QString::number(k);
        const TimeUs answered = t + every * 9 / 20;
        if (k % 10 == 0)
            trace.addNote(server, QStringLiteral("item %1 produced").arg(k), t + every / 20, k);
        const qint64 request = trace.addMessage(makeMessage(
            client, server, Message::Kind::HttpRequest, QStringLiteral("GET /poll?since=%1").arg(k), t, -1, id, 160));
        if (loseEvery > 0 && k % loseEvery == loseEvery - 1) {
            trace.loseMessage(request, answered);
            continue;
        }
        trace.completeMessage(request, t + every * 3 / 10);
        trace.endActivation(trace.beginActivation(server, QStringLiteral("processing"), t + every * 3 / 10), answered);
        const Message answer = makeMessage(
            server, client, Message::Kind::HttpResponse, QStringLiteral("200 OK · 1 item"), answered, -1, id, 160);
        trace.completeMessage(trace.addMessage(answer), t + every * 3 / 4);
    }
    trace.endActivation(session, t + every);
}

} // namespace PatternScope::Test
