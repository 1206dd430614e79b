// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QString>

namespace PatternScope {

// Decodes a chunked request body (RFC 9112 7.1) as its bytes arrive: chunk sizes, extensions (read
// and dropped), data, and the trailer section (checked and dropped). The decoded total is held to a
// limit before its data is read.
class HttpChunkDecoder {
public:
    HttpChunkDecoder(qint64 maxBodyBytes, int maxTrailerBytes);

    enum class State { Size, Data, DataEnd, Trailer, Done, Failed };

    // Takes bytes of the body and appends what they carry to *decoded. Returns how many bytes it took:
    // fewer than given only once done (the rest belongs to the next request) or failed.
    qsizetype feed(const char* data, qsizetype size, QByteArray* decoded);

    State state() const { return m_state; }
    bool done() const { return m_state == State::Done; }
    bool failed() const { return m_state == State::Failed; }
    int failureStatus() const { return m_failureStatus; } // 400, 413 or 431
    QString failureReason() const { return m_failureReason; }
    qint64 decodedBytes() const { return m_decoded; }

private:
    bool takeSizeLine(const QByteArray& line);
    bool takeTrailerLine(const QByteArray& line);
    void fail(int status, const QString& reason);

    qint64 m_maxBodyBytes;
    int m_maxTrailerBytes;
    State m_state = State::Size;
    QByteArray m_line; // the size line, data end or trailer line being read
    qint64 m_chunkLeft = 0;
    qint64 m_decoded = 0;
    qint64 m_trailerBytes = 0;
    int m_failureStatus = 0;
    QString m_failureReason;
};

} // namespace PatternScope
