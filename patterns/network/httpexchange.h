// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "trace.h"

#include <QHttpServerResponder>
#include <QPointer>
#include <QTcpSocket>
#include <functional>

namespace PatternScope {

// A pending answer. Qt 6.4 crashes when writing to a responder whose client went away, so every
// write first checks the socket, and a dead exchange swallows the write.
class HttpExchange {
public:
    // A HEAD request is answered with the headers a GET would get, and no body.
    HttpExchange(QHttpServerResponder&& responder, QTcpSocket* socket, bool headRequest = false);

    bool isConnected() const;
    // Writes a whole response with Content-Length; returns the bytes put on the wire, or -1 if the
    // client is gone.
    qint64 respond(int status, const HeaderList& headers, const QByteArray& body);

    // A response that never ends (text/event-stream): the status line and headers, with no length,
    // then `first` (which must not be empty: it ends the header block). Returns the bytes put on the
    // wire, or -1 if the client is gone.
    qint64 beginStream(int status, const HeaderList& headers, const QByteArray& first);
    // Another piece of a stream; false (and nothing written) once the client is gone.
    bool writeChunk(const QByteArray& bytes);
    // Bytes written but not yet taken by the connection: a stream's sender waits while there are many.
    qint64 bytesToWrite() const { return m_socket ? m_socket->bytesToWrite() : 0; }
    // Ends a stream by closing its connection, the only way to end a response without a length.
    void closeStream();
    // Calls `then` once, in `context`'s thread, when the client goes away.
    void onDisconnected(QObject* context, std::function<void()> then) const;

    static QByteArray reasonPhrase(int status);
    // `headers` and what every answer of ours carries besides, so that a page from any origin may read
    // it (Fetch standard, CORS): Access-Control-Allow-Origin and -Expose-Headers, unless set already.
    // respond() and beginStream() put these on the wire; recorders record them.
    static HeaderList withCors(const HeaderList& headers);
    // What beginStream() puts on the wire for these arguments.
    static qint64 streamHeadSize(int status, const HeaderList& headers, const QByteArray& first);
    // What respond() puts on the wire for these arguments, so a message can be recorded before it is sent.
    static qint64 wireSize(int status, const HeaderList& headers, const QByteArray& body);
    // What respond() will put on the wire for this exchange (no body for HEAD).
    qint64 responseSize(int status, const HeaderList& headers, const QByteArray& body) const;

private:
    static qint64 statusLineBytes(int status);

    std::unique_ptr<QHttpServerResponder> m_responder;
    QPointer<QTcpSocket> m_socket;
    bool m_head = false;
};

} // namespace PatternScope
