// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "message.h"

#include <QByteArray>
#include <QFile>
#include <QMutex>
#include <QString>

namespace PatternScope {

// The headers and body previews of the messages read from a trace file stay in that file: a message keeps
// the byte offset of its line, and this reads them back when the inspector or an export asks (a million
// messages keep no bodies in memory). The file is held open from the read on, so a file renamed or replaced
// since still answers from what was read; a file cut shorter than it was answers nothing.
// Reads are serialised, and the block around the last line read is kept: exports ask in file order.
class TracePayloadFile : public MessagePayload {
public:
    // nullptr when the file cannot be opened.
    static TracePayloadFile* open(const QString& path);

    ~TracePayloadFile() override;

    void read(qint64 at, HeaderList* headers, QByteArray* body) const override;

    // Whether messages read from the file at `path` may still read their headers and bodies from it: then a
    // writer must not cut that file short, but write beside it and rename over it.
    static bool isRead(const QString& path);

private:
    explicit TracePayloadFile(const QString& path);
    // The line that starts at `at`, without its line end; empty when there is none.
    QByteArray lineAt(qint64 at) const;

    mutable QMutex m_mutex;
    mutable QFile m_file;
    QString m_canonicalPath;
    qint64 m_size = 0; // the file's size when it was read
    mutable QByteArray m_block;
    mutable qint64 m_blockAt = -1;
};

} // namespace PatternScope
