// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "streamscanner.h"

namespace PatternScope {

// RESP2 values (the Redis serialization protocol) in one direction of a connection: a command is an
// array of bulk strings, a pub/sub delivery an array ["message", channel, payload]. Each top-level
// value is one unit whose words are its strings, nested arrays flattened. A value is kept whole
// until complete, up to a limit: a longer one (or bytes that are not RESP) stops the scanner.
class RespScanner final : public StreamScanner {
public:
    explicit RespScanner(qsizetype maxValueBytes = 1 << 20);

    QList<StreamUnit> feed(QByteArrayView bytes) override;
    bool failed() const override { return m_failed; }

    // Reads one complete value from the start of `bytes`: its length, 0 if incomplete, -1 if not RESP.
    static qsizetype parse(QByteArrayView bytes, StreamUnit* unit);

private:
    qsizetype m_maxValueBytes;
    qint64 m_offset = 0;
    QByteArray m_buffer;
    bool m_failed = false;
};

} // namespace PatternScope
