// SPDX-License-Identifier: GPL-3.0-or-later
#include "joindoor.h"

#include <QRandomGenerator>

namespace PatternScope {

namespace {

// Compares every byte, so how long a wrong guess took says nothing about how much of it was right.
bool sameSecret(QByteArrayView a, QByteArrayView b)
{
    if (a.size() != b.size())
        return false;
    unsigned char difference = 0;
    for (qsizetype i = 0; i < a.size(); ++i)
        difference |= static_cast<unsigned char>(a[i] ^ b[i]);
    return difference == 0;
}

QByteArray reason(int status)
{
    switch (status) {
    case 200:
        return "OK";
    case 403:
        return "Forbidden";
    case 405:
        return "Method Not Allowed";
    case 429:
        return "Too Many Requests";
    case 503:
        return "Service Unavailable";
    default:
        return "Error";
    }
}

} // namespace

JoinDoor::JoinDoor(QByteArray token, QByteArray page)
    : m_token(std::move(token))
    , m_page(std::move(page))
{
}

JoinDoor::Taken JoinDoor::take(QByteArrayView target, QByteArrayView token)
{
    Taken taken;
    const qsizetype question = target.indexOf('?');
    if (question < 0) {
        taken.rest = target.toByteArray();
        return taken;
    }
    taken.rest = target.first(question).toByteArray();
    QByteArray kept;
    bool allMatch = true;
    qsizetype from = question + 1;
    while (from <= target.size()) {
        qsizetype end = target.indexOf('&', from);
        if (end < 0)
            end = target.size();
        const QByteArrayView item = target.sliced(from, end - from);
        const qsizetype equals = item.indexOf('=');
        const QByteArrayView name = equals < 0 ? item : item.first(equals);
        // By the decoded name, so "%74oken=…" cannot carry the token past the door into the trace.
        if (QByteArray::fromPercentEncoding(name.toByteArray().replace('+', ' ')) == "token") {
            ++taken.count;
            const QByteArray value
                = equals < 0 ? QByteArray() : QByteArray::fromPercentEncoding(item.sliced(equals + 1).toByteArray());
            allMatch = allMatch && sameSecret(value, token);
        } else if (!item.isEmpty()) {
            if (!kept.isEmpty())
                kept.append('&');
            kept.append(item.data(), item.size());
        }
        from = end + 1;
    }
    taken.matches = taken.count > 0 && allMatch;
    if (!kept.isEmpty())
        taken.rest += '?' + kept;
    return taken;
}

QByteArray JoinDoor::newToken()
{
    quint32 words[4];
    QRandomGenerator::system()->fillRange(words);
    return QByteArray(reinterpret_cast<const char*>(words), sizeof words)
        .toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
}

QByteArray JoinDoor::answer(
    int status, const QByteArray& contentType, const QByteArray& body, const QByteArray& extraHeaders, bool withBody)
{
    return "HTTP/1.1 " + QByteArray::number(status) + ' ' + reason(status) + "\r\nContent-Type: " + contentType
        + "\r\nContent-Length: " + QByteArray::number(body.size())
        + "\r\nCache-Control: no-store\r\nReferrer-Policy: no-referrer\r\nX-Content-Type-Options: nosniff\r\n"
        + extraHeaders + "Connection: close\r\n\r\n" + (withBody ? body : QByteArray());
}

QByteArray JoinDoor::seated(const QByteArray& target) const
{
    const qsizetype question = target.indexOf('?');
    if (question < 0)
        return target;
    // The query's items as they came; `seat` and `client` found by their decoded names, as the token is.
    QByteArrayList items = target.sliced(question + 1).split('&');
    QByteArray seat;
    qsizetype clientAt = -1;
    QString typed;
    for (qsizetype i = 0; i < items.size(); ++i) {
        const qsizetype equals = items[i].indexOf('=');
        const QByteArray name
            = QByteArray::fromPercentEncoding((equals < 0 ? items[i] : items[i].first(equals)).replace('+', ' '));
        const QByteArray value = equals < 0
            ? QByteArray()
            : QByteArray::fromPercentEncoding(items[i].sliced(equals + 1).replace('+', ' '));
        if (name == "seat") {
            seat = value;
            items.removeAt(i--);
        } else if (name == "client") {
            clientAt = i;
            typed = QString::fromUtf8(value).simplified();
        }
    }
    QString given = typed;
    if (!seat.isEmpty() && clientAt >= 0 && !typed.isEmpty()) {
        const auto mine = m_seatNames.constFind(seat);
        // A seat keeps its name while it sends the one it typed (a renamed student starts over).
        const bool kept
            = mine != m_seatNames.cend() && (*mine == typed || mine->startsWith(typed + QStringLiteral(" (")));
        if (kept) {
            given = *mine;
        } else if (m_seatNames.size() < kMaxSeats) {
            for (int n = 2; m_nameSeats.contains(given) && m_nameSeats.value(given) != seat; ++n)
                given = QStringLiteral("%1 (%2)").arg(typed).arg(n);
            if (mine != m_seatNames.cend())
                m_nameSeats.remove(*mine);
            m_seatNames.insert(seat, given);
            m_nameSeats.insert(given, seat);
        }
        items[clientAt] = "client=" + given.toUtf8().toPercentEncoding();
    }
    QByteArray rest = target.first(question);
    if (!items.isEmpty())
        rest += '?' + items.join('&');
    return rest;
}

HttpRequestFramer::Verdict JoinDoor::check(const QByteArray& method, const QByteArray& target) const
{
    HttpRequestFramer::Verdict verdict;
    const Taken taken = take(target, m_token);
    const auto refuse = [&](int status, const QString& why, const QByteArray& extra = {}) {
        verdict.pass = false;
        verdict.status = status;
        verdict.reason = why;
        verdict.response = answer(status, "text/plain; charset=utf-8", why.toUtf8() + '\n', extra, method != "HEAD");
        return verdict;
    };
    if (taken.count == 0)
        return refuse(403, QStringLiteral("no join token: open the join link the teacher's PatternScope printed"));
    if (!taken.matches)
        return refuse(403, QStringLiteral("wrong join token: open the join link the teacher's PatternScope printed"));
    const QByteArray path = taken.rest.left(taken.rest.indexOf('?') < 0 ? taken.rest.size() : taken.rest.indexOf('?'));
    if (path == "/join") {
        if (method != "GET" && method != "HEAD")
            return refuse(405, QStringLiteral("the join page is only read (GET)"), "Allow: GET, HEAD\r\n");
        verdict.pass = false;
        verdict.status = 200;
        verdict.reason = QStringLiteral("join page");
        verdict.response = answer(200, "text/html; charset=utf-8", m_page, {}, method != "HEAD");
        return verdict;
    }
    // Never empty: an empty target would mean "pass the client's own line", token and all.
    verdict.target = seated(taken.rest);
    if (verdict.target.isEmpty())
        verdict.target = QByteArrayLiteral("/");
    return verdict;
}

} // namespace PatternScope
