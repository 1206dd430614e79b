// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "httpchunkdecoder.h"

#include <QByteArray>

namespace PatternScope {

// Puts `host` in the Host field of every HTTP/1.1 request a client sends on one connection (the proxy's
// --rewrite-host, for servers that answer by name), leaving every other byte as it was: heads are
// held until complete, bodies follow their framing (Content-Length, chunked), and after an upgrade, a
// body whose end cannot be known or a head too big to be one, everything passes as it is.
class HostRewriter {
public:
    explicit HostRewriter(QByteArray host)
        : m_host(std::move(host))
    {
    }
    // The bytes read; returns those to send on.
    QByteArray rewrite(const QByteArray& bytes);

private:
    enum class State { Head, Body, Chunked, Through };
    QByteArray finishHead();

    QByteArray m_host;
    State m_state = State::Head;
    QByteArray m_head;
    qint64 m_left = 0;
    HttpChunkDecoder m_chunks { 0, 0 };
};

} // namespace PatternScope
