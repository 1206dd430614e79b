// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "httprequestframer.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QHash>
#include <QString>

namespace PatternScope {

// The door of a run served over the LAN (serve --lan): every request must carry the run's join token
// as `?token=…` in its target, or it is answered 403 here and never reaches the run. The token is
// taken out of the target before the request goes on, so the run never sees or records it. The door
// answers GET /join itself, with the join page for the run's pattern. The gate in front of the run asks it
// for each request head (HttpRequestFramer::setHeadCheck).
//
// Two students who type the same name are two lifelines: each join page sends `seat=…`, a random id of
// its own, with `client=NAME`; the first seat to use a name keeps it, a later seat gets "NAME (2)",
// "NAME (3)"… The door takes `seat` out and puts the name it gave into `client`. What remembers the seats
// is the door's only state; requests without a seat (scripts, curl) pass as they are.
class JoinDoor {
public:
    JoinDoor(QByteArray token, QByteArray page);

    const QByteArray& token() const { return m_token; }
    HttpRequestFramer::Verdict check(const QByteArray& method, const QByteArray& target) const;
    // Header fields a browser fills with the join page's own address (token included): never passed on.
    static QByteArrayList droppedFields() { return { QByteArrayLiteral("Referer") }; }

    // What a request target carries of the token: how many `token` parameters (by their decoded
    // name), whether every one of them is `token`, and the target without them (same bytes otherwise,
    // and no `?` left when nothing else was asked).
    struct Taken {
        int count = 0;
        bool matches = false;
        QByteArray rest;
    };
    static Taken take(QByteArrayView target, QByteArrayView token);
    // The target with `seat` taken out and `client` set to the name that seat has (see above).
    QByteArray seated(const QByteArray& target) const;
    // Seats remembered at most; beyond, a new seat's request passes with the name it typed.
    static constexpr int kMaxSeats = 10000;
    // 128 random bits from the system's generator, base64url without padding (22 characters).
    static QByteArray newToken();
    // A whole HTTP/1.1 answer that closes the connection.
    static QByteArray answer(int status, const QByteArray& contentType, const QByteArray& body,
        const QByteArray& extraHeaders = {}, bool withBody = true);

private:
    QByteArray m_token;
    QByteArray m_page;
    // seat → the name it was given; name given → its seat. Mutable: the door is otherwise a pure function
    // of the request line, shared read-only by the gate.
    mutable QHash<QByteArray, QString> m_seatNames;
    mutable QHash<QString, QByteArray> m_nameSeats;
};

} // namespace PatternScope
