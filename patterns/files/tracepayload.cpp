// SPDX-License-Identifier: GPL-3.0-or-later
#include "tracepayload.h"

#include "tracefastloader.h"

#include <QFileInfo>
#include <QHash>
#include <QMutexLocker>
#include <cstring>

namespace PatternScope {

namespace {

constexpr qint64 kBlock = 64 * 1024;

// The files some payload reads from, by canonical path, with how many payloads read each.
QMutex openLock;
QHash<QString, int> openFiles;

} // namespace

TracePayloadFile::~TracePayloadFile()
{
    if (m_canonicalPath.isEmpty())
        return;
    QMutexLocker lock(&openLock);
    if (--openFiles[m_canonicalPath] <= 0)
        openFiles.remove(m_canonicalPath);
}

bool TracePayloadFile::isRead(const QString& path)
{
    const QString canonical = QFileInfo(path).canonicalFilePath();
    QMutexLocker lock(&openLock);
    return !canonical.isEmpty() && openFiles.contains(canonical);
}

TracePayloadFile::TracePayloadFile(const QString& path)
    : m_file(path)
{
}

TracePayloadFile* TracePayloadFile::open(const QString& path)
{
    auto* payload = new TracePayloadFile(path);
    if (!payload->m_file.open(QIODevice::ReadOnly) || payload->m_file.isSequential()) {
        delete payload;
        return nullptr;
    }
    payload->m_size = payload->m_file.size();
    payload->m_canonicalPath = QFileInfo(path).canonicalFilePath();
    if (!payload->m_canonicalPath.isEmpty()) {
        QMutexLocker lock(&openLock);
        ++openFiles[payload->m_canonicalPath];
    }
    return payload;
}

QByteArray TracePayloadFile::lineAt(qint64 at) const
{
    if (at < 0 || at >= m_size)
        return {};
    const auto lineIn = [&](QByteArray* line) {
        if (m_blockAt < 0 || at < m_blockAt || at >= m_blockAt + m_block.size())
            return false;
        const char* start = m_block.constData() + (at - m_blockAt);
        const char* end = m_block.constData() + m_block.size();
        const auto* newline = static_cast<const char*>(std::memchr(start, '\n', size_t(end - start)));
        if (!newline && m_blockAt + m_block.size() < m_size)
            return false; // the line goes on past the block
        const char* lineEnd = newline ? newline : end;
        while (lineEnd > start && lineEnd[-1] == '\r')
            --lineEnd;
        *line = QByteArray(start, lineEnd - start);
        return true;
    };
    QByteArray line;
    if (lineIn(&line))
        return line;
    // Read from the line's start; a line longer than a block is read in more blocks until its end. A file cut
    // shorter since it was read has lost what it held: nothing is read from it (a block read before is kept).
    if (m_file.size() < m_size || !m_file.seek(at))
        return {};
    m_block = m_file.read(kBlock);
    m_blockAt = at;
    while (!std::memchr(m_block.constData(), '\n', size_t(m_block.size())) && m_blockAt + m_block.size() < m_size) {
        const QByteArray more = m_file.read(kBlock);
        if (more.isEmpty())
            break;
        m_block += more;
    }
    if (lineIn(&line))
        return line;
    return {};
}

void TracePayloadFile::read(qint64 at, HeaderList* headers, QByteArray* body) const
{
    QMutexLocker lock(&m_mutex);
    const QByteArray line = lineAt(at);
    HeaderList readHeaders;
    QByteArray readBody;
    // The line was read the quick way when the trace was read, so it reads the same way again.
    if (!line.isEmpty() && !TraceFastLoader::payload(line.constData(), line.size(), &readHeaders, &readBody)) {
        readHeaders.clear();
        readBody.clear();
    }
    if (headers)
        *headers = std::move(readHeaders);
    if (body)
        *body = std::move(readBody);
}

} // namespace PatternScope
