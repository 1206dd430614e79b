// SPDX-License-Identifier: GPL-3.0-or-later
#include "tracereader.h"

#include "tracefastloader.h"
#include "tracefields.h"
#include "tracepayload.h"
#include "tracerecordloader.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>
#include <QJsonValue>
#include <QSet>
#include <algorithm>
#include <cstring>
#include <limits>
#include <utility>

namespace PatternScope {

namespace {

// QJsonObject sorts its keys, but the parameters keep the order the pattern declares them in, so
// their names are taken from the raw line. `line` is known to be valid JSON.
class KeyOrder {
public:
    static QStringList of(const QByteArray& line, QLatin1String member)
    {
        KeyOrder scan(line);
        QStringList keys;
        if (!scan.expect('{'))
            return keys;
        while (scan.more('}')) {
            const QString name = decode(scan.string());
            scan.expect(':');
            if (name == member && scan.expect('{')) {
                while (scan.more('}')) {
                    keys.append(decode(scan.string()));
                    scan.expect(':');
                    scan.skipValue();
                }
                return keys;
            }
            scan.skipValue();
        }
        return keys;
    }

private:
    explicit KeyOrder(const QByteArray& line)
        : m_p(line.constData())
        , m_end(line.constData() + line.size())
    {
    }

    void space()
    {
        while (m_p < m_end && (*m_p == ' ' || *m_p == '\t' || *m_p == '\n' || *m_p == '\r'))
            ++m_p;
    }
    bool expect(char c)
    {
        space();
        if (m_p >= m_end || *m_p != c)
            return false;
        ++m_p;
        return true;
    }
    // Before the next member of an object: skips a comma, false at the closing brace.
    bool more(char close)
    {
        space();
        if (m_p < m_end && *m_p == ',')
            ++m_p;
        space();
        if (m_p >= m_end)
            return false;
        if (*m_p == close) {
            ++m_p;
            return false;
        }
        return true;
    }
    QByteArray string()
    {
        space();
        const char* start = m_p;
        if (m_p < m_end && *m_p == '"') {
            for (++m_p; m_p < m_end && *m_p != '"'; ++m_p) {
                if (*m_p == '\\' && m_p + 1 < m_end)
                    ++m_p;
            }
            if (m_p < m_end)
                ++m_p;
        }
        return QByteArray(start, m_p - start);
    }
    void skipValue()
    {
        space();
        int depth = 0;
        while (m_p < m_end) {
            const char c = *m_p;
            if (c == '"') {
                string();
            } else {
                if (c == '{' || c == '[')
                    ++depth;
                else if (c == '}' || c == ']')
                    --depth;
                if (depth < 0 || (depth == 0 && c == ','))
                    return; // the end of the enclosing container or of this member
                ++m_p;
            }
            if (depth == 0 && (c == '"' || c == '}' || c == ']'))
                return;
        }
    }
    static QString decode(const QByteArray& token)
    {
        return QJsonDocument::fromJson('[' + token + ']').array().at(0).toString();
    }

    const char* m_p;
    const char* m_end;
};

// Returns the fatal reason, if any; problems with optional fields go to `warnings`.
QString parseHeader(const QByteArray& line, TraceHeader* header, QStringList* warnings)
{
    const QString notHeader = QStringLiteral("not a pstrace file: the first line is not a pstrace header");
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(line, &parseError);
    if (parseError.error != QJsonParseError::NoError || !document.isObject())
        return notHeader;
    const QJsonObject object = document.object();
    if (object.value(QLatin1String("t")).toString() != QLatin1String("header")
        || object.value(QLatin1String("format")).toString() != QLatin1String("pstrace"))
        return notHeader;
    TraceFields fields(object);
    const qint64 version = fields.integer(QLatin1String("version"));
    if (!fields.ok())
        return QStringLiteral("header: %1").arg(fields.error());
    if (version > TraceFormatVersion)
        return QStringLiteral("format version %1 is newer than supported (%2)").arg(version).arg(TraceFormatVersion);
    if (version < 1)
        return QStringLiteral("invalid format version %1").arg(version);

    header->formatVersion = static_cast<int>(version);
    header->appVersion = fields.optionalString(QLatin1String("app"));
    header->pattern = fields.optionalString(QLatin1String("pattern"));
    if (!fields.ok())
        warnings->append(fields.error());

    const QJsonValue params = object.value(QLatin1String("params"));
    if (params.isObject()) {
        const QJsonObject values = params.toObject();
        QSet<QString> seen;
        for (const QString& name : KeyOrder::of(line, QLatin1String("params"))) {
            if (seen.contains(name))
                continue;
            seen.insert(name);
            const QJsonValue value = values.value(name);
            if (value.isString())
                header->parameters.append(qMakePair(name, value.toString()));
            else
                warnings->append(QStringLiteral("parameter '%1' is not a string, ignored").arg(name));
        }
    } else if (!params.isUndefined()) {
        warnings->append(QStringLiteral("field 'params' is not an object, ignored"));
    }

    const QJsonValue seed = object.value(QLatin1String("seed"));
    bool seedOk = true;
    if (seed.isString()) {
        header->seed = seed.toString().toULongLong(&seedOk);
    } else if (!seed.isUndefined()) {
        const qint64 value = seed.toInteger(-1);
        seedOk = value >= 0;
        header->seed = seedOk ? quint64(value) : 0;
    }
    if (!seedOk)
        warnings->append(QStringLiteral("field 'seed' is not a non-negative integer, ignored"));

    const QJsonValue started = object.value(QLatin1String("started"));
    if (!started.isUndefined()) {
        const QDateTime at = QDateTime::fromString(started.toString(), Qt::ISODateWithMs);
        if (at.isValid())
            header->startedAt = at.toUTC();
        else
            warnings->append(QStringLiteral("field 'started' is not an ISO 8601 date and time, ignored"));
    }
    return {};
}

} // namespace

bool TraceReader::read(const QString& path, Trace* trace, TraceHeader* header)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        m_warnings.clear();
        return FileError::fail(
            &m_error, FileError::Code::Io, QStringLiteral("%1: cannot open: %2").arg(path, file.errorString()));
    }
    return read(&file, path, trace, header);
}

bool TraceReader::read(QIODevice* device, const QString& path, Trace* trace, TraceHeader* header)
{
    m_error = {};
    m_warnings.clear();
    m_whole = false;
    QIODevice& file = *device;

    qint64 lineNumber = 1;
    qint64 unlisted = 0;
    const auto warn = [&](const QString& reason) {
        if (m_warnings.size() < MaxWarnings)
            m_warnings.append(QStringLiteral("%1:%2: %3").arg(path, QString::number(lineNumber), reason));
        else
            ++unlisted;
    };

    const auto chopEnd = [](QByteArray& line) {
        while (line.endsWith('\n') || line.endsWith('\r'))
            line.chop(1);
    };
    QByteArray line = file.readLine();
    chopEnd(line);
    if (line.isEmpty() && file.atEnd()) {
        return FileError::fail(&m_error, FileError::Code::BadInput,
            QStringLiteral("%1:1: empty file, expected a pstrace header").arg(path));
    }
    TraceHeader readHeader;
    QStringList headerWarnings;
    if (const QString fatal = parseHeader(line, &readHeader, &headerWarnings); !fatal.isEmpty()) {
        return FileError::fail(&m_error, FileError::Code::BadInput, QStringLiteral("%1:1: %2").arg(path, fatal));
    }
    for (const QString& reason : std::as_const(headerWarnings))
        warn(reason);
    if (header)
        *header = readHeader;

    trace->clear();
    TraceRecordLoader loader(trace);
    TraceFastLoader fast(trace);
    // Headers and body previews stay in a file read from disk, where the inspector and the exports read them
    // back: a million messages then keep no bodies in memory.
    const auto* diskFile = qobject_cast<const QFile*>(device);
    if (m_fastPath && diskFile && !diskFile->fileName().isEmpty() && !device->isSequential())
        fast.setPayloadFile(TracePayloadFile::open(diskFile->fileName()));
    // The lines a writer makes go the quick way; any other line, and every line that is wrong, is read
    // by QJsonDocument, whose reasons the warnings give.
    const auto strict = [&](const QByteArray& text, bool terminated) {
        QJsonParseError parseError;
        const QJsonDocument document = QJsonDocument::fromJson(text, &parseError);
        if (parseError.error != QJsonParseError::NoError) {
            // What a writer killed in the middle of a line leaves behind.
            if (!terminated && file.atEnd())
                warn(QStringLiteral("truncated last line ignored"));
            else
                warn(QStringLiteral("not valid JSON: %1 at column %2")
                         .arg(parseError.errorString())
                         .arg(parseError.offset + 1));
            return;
        }
        if (!document.isObject()) {
            warn(QStringLiteral("not a JSON object"));
            return;
        }
        if (const QString reason = loader.load(document.object()); !reason.isEmpty())
            warn(reason);
    };
    // Read in large blocks, each cut into lines; a line the block ends in the middle of moves to the front
    // and the next block is read after it.
    constexpr qint64 kBlock = 1 << 20;
    QByteArray buffer;
    qsizetype kept = 0;
    bool ended = false;
    bool reserved = false;
    while (!ended) {
        if (!reserved && trace->messages().size() > 0 && !file.isSequential()) {
            // Room for all messages at once, judged from the first block's bytes per message: growing a
            // million messages step by step would copy them over and over.
            reserved = true;
            const double perMessage = double(file.pos()) / double(trace->messages().size());
            trace->reserve(size_t(double(file.size()) / perMessage * 1.1));
        }
        if (buffer.size() < kept + kBlock)
            buffer.resize(kept + kBlock);
        const qint64 bufferAt = file.pos() - kept; // where the buffer's first byte is in the file
        const qint64 got = file.read(buffer.data() + kept, kBlock);
        ended = got <= 0;
        const char* p = buffer.constData();
        const char* const end = p + kept + std::max<qint64>(got, 0);
        kept = 0;
        while (p < end) {
            const char* newline = static_cast<const char*>(std::memchr(p, '\n', size_t(end - p)));
            if (!newline && !ended) {
                kept = end - p;
                std::memmove(buffer.data(), p, size_t(kept));
                break;
            }
            const bool terminated = newline != nullptr;
            const char* lineEnd = terminated ? newline : end;
            const char* next = terminated ? newline + 1 : end;
            ++lineNumber;
            while (lineEnd > p && (lineEnd[-1] == '\r' || lineEnd[-1] == '\n'))
                --lineEnd;
            const qsizetype size = lineEnd - p;
            if (!std::all_of(p, lineEnd, [](char c) { return c == ' ' || c == '\t'; })
                && !(m_fastPath && fast.load(p, size, bufferAt + (p - buffer.constData()))))
                strict(QByteArray(p, size), terminated);
            p = next;
        }
        if (!ended && m_progress && !m_progress(file.pos() - kept, file.isSequential() ? 0 : file.size()))
            return FileError::fail(&m_error, FileError::Code::Cancelled, QStringLiteral("%1: cancelled").arg(path));
        if (!ended && m_stopAfter >= 0 && file.pos() - kept >= m_stopAfter)
            break;
    }
    m_whole = ended || (kept == 0 && file.atEnd());
    if (const auto* onDisk = qobject_cast<const QFileDevice*>(device);
        onDisk && onDisk->error() != QFileDevice::NoError) {
        return FileError::fail(&m_error, FileError::Code::Io,
            QStringLiteral("%1:%2: read error: %3").arg(path, QString::number(lineNumber), file.errorString()));
    }
    if (unlisted > 0)
        m_warnings.append(QStringLiteral("%1: %2 more warnings not listed").arg(path, QString::number(unlisted)));
    return true;
}

} // namespace PatternScope