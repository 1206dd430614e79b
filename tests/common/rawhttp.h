// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "message.h"
#include "waituntil.h"

#include <QHostAddress>
#include <QTcpSocket>
#include <algorithm>

// HTTP spoken byte by byte, as a client nobody here wrote would: no library fixing up what is sent or
// hiding what comes back.
namespace PatternScope::Test {

struct RawAnswer {
    int status = 0; // 0: no complete answer head came back
    HeaderList headers;
    QByteArray body;

    // The first header of that name (compared without case), or empty.
    QByteArray header(const QByteArray& name) const
    {
        for (const auto& h : headers) {
            if (h.first.compare(name, Qt::CaseInsensitive) == 0)
                return h.second;
        }
        return {};
    }
    bool has(const QByteArray& name) const
    {
        return std::any_of(headers.begin(), headers.end(),
            [&](const auto& h) { return h.first.compare(name, Qt::CaseInsensitive) == 0; });
    }
};

// Parses an answer head ("HTTP/1.1 200 OK\r\nName: value\r\n...\r\n\r\n").
inline RawAnswer parseAnswerHead(const QByteArray& head)
{
    RawAnswer answer;
    const QList<QByteArray> lines = head.split('\n');
    if (lines.isEmpty() || !lines.front().startsWith("HTTP/1."))
        return answer;
    answer.status = lines.front().mid(9, 3).toInt();
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QByteArray line = lines.at(i).trimmed();
        const qsizetype colon = line.indexOf(':');
        if (colon > 0)
            answer.headers.append({ line.left(colon), line.mid(colon + 1).trimmed() });
    }
    return answer;
}

// Sends `request` on a new connection to 127.0.0.1:port and reads one answer: its head, then as
// much body as Content-Length says (none for 204, for HEAD, or when `headOnly`, as for a stream).
inline RawAnswer rawExchange(quint16 port, const QByteArray& request, bool headOnly = false, int timeoutMs = 10000)
{
    QTcpSocket socket;
    QByteArray received;
    QObject::connect(&socket, &QTcpSocket::readyRead, [&] { received += socket.readAll(); });
    socket.connectToHost(QHostAddress::LocalHost, port);
    if (!waitUntil([&] { return socket.state() == QAbstractSocket::ConnectedState; }, timeoutMs))
        return {};
    socket.write(request);
    if (!waitUntil([&] { return received.contains("\r\n\r\n"); }, timeoutMs))
        return {};
    const qsizetype headEnd = received.indexOf("\r\n\r\n") + 4;
    RawAnswer answer = parseAnswerHead(received.left(headEnd));
    const bool noBody = headOnly || answer.status == 204 || answer.status == 304 || request.startsWith("HEAD ");
    const qint64 length = noBody ? 0 : answer.header("Content-Length").toLongLong();
    if (!waitUntil([&] { return received.size() - headEnd >= length; }, timeoutMs))
        return {};
    answer.body = received.mid(headEnd, length);
    return answer;
}

} // namespace PatternScope::Test
