// SPDX-License-Identifier: GPL-3.0-or-later
#include "tracefile.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>
#include <QJsonValue>
#include <QSet>
#include <algorithm>
#include <limits>
#include <utility>

namespace PatternScope {

namespace {

constexpr quint64 kMaxExactSeed = quint64(1) << 53; // larger seeds are written as strings

// Reads typed fields from one record and remembers the first problem, worded for the warning.
class Fields {
public:
    explicit Fields(const QJsonObject& object)
        : m_object(object)
    {
    }

    bool ok() const { return m_error.isEmpty(); }
    const QString& error() const { return m_error; }

    qint64 integer(QLatin1String name) { return integerValue(name, true, 0); }
    qint64 integer(QLatin1String name, qint64 fallback) { return integerValue(name, false, fallback); }

    int id(QLatin1String name) { return narrow(name, integer(name)); }
    int id(QLatin1String name, int fallback) { return narrow(name, integer(name, fallback)); }

    // Times are microseconds on the run's clock and never negative; -1 would mean "now" to Trace.
    TimeUs time(QLatin1String name)
    {
        const qint64 value = integer(name);
        if (ok() && value < 0)
            fail(QStringLiteral("field '%1' is a negative time").arg(name));
        return value;
    }

    QString string(QLatin1String name) { return stringValue(name, true); }
    QString optionalString(QLatin1String name) { return stringValue(name, false); }

    HeaderList headers(QLatin1String name)
    {
        HeaderList result;
        const QJsonValue value = m_object.value(name);
        if (value.isUndefined())
            return result;
        const auto bad = [&] { fail(QStringLiteral("field '%1' is not an array of [name, value] pairs").arg(name)); };
        if (!value.isArray()) {
            bad();
            return result;
        }
        const QJsonArray pairs = value.toArray();
        result.reserve(pairs.size());
        for (const QJsonValue& pair : pairs) {
            const QJsonArray items = pair.toArray();
            if (!pair.isArray() || items.size() != 2 || !items.at(0).isString() || !items.at(1).isString()) {
                bad();
                return {};
            }
            result.append(qMakePair(bytesOf(items.at(0).toString()), bytesOf(items.at(1).toString())));
        }
        return result;
    }

    // An optional [first, last] pair of item ids, first <= last.
    bool itemRange(QLatin1String name, qint64* first, qint64* last)
    {
        const QJsonValue value = m_object.value(name);
        if (value.isUndefined())
            return true;
        const QJsonArray pair = value.toArray();
        const qint64 a = pair.size() == 2 ? pair.at(0).toInteger(-1) : -1;
        const qint64 b = pair.size() == 2 ? pair.at(1).toInteger(-1) : -1;
        if (!value.isArray() || a < 0 || b < a) {
            fail(QStringLiteral("field '%1' is not a [first, last] pair of item ids").arg(name));
            return false;
        }
        *first = a;
        *last = b;
        return true;
    }

    QByteArray base64(QLatin1String name)
    {
        const QString text = optionalString(name);
        if (text.isEmpty())
            return {};
        auto decoded = QByteArray::fromBase64Encoding(text.toLatin1(), QByteArray::AbortOnBase64DecodingErrors);
        if (!decoded) {
            fail(QStringLiteral("field '%1' is not valid base64").arg(name));
            return {};
        }
        return decoded.decoded;
    }

private:
    // The writer maps each byte to the code point of the same value. Text a person typed may hold
    // characters beyond U+00FF; those have no such byte and are kept as UTF-8 instead.
    static QByteArray bytesOf(const QString& text)
    {
        for (const QChar c : text) {
            if (c.unicode() > 0xff)
                return text.toUtf8();
        }
        return text.toLatin1();
    }

    qint64 integerValue(QLatin1String name, bool required, qint64 fallback)
    {
        const QJsonValue value = m_object.value(name);
        if (value.isUndefined()) {
            if (required)
                fail(QStringLiteral("missing field '%1'").arg(name));
            return fallback;
        }
        constexpr qint64 notAnInteger = std::numeric_limits<qint64>::min();
        const qint64 result = value.toInteger(notAnInteger);
        if (result == notAnInteger) {
            fail(QStringLiteral("field '%1' is not an integer").arg(name));
            return fallback;
        }
        return result;
    }

    int narrow(QLatin1String name, qint64 value)
    {
        if (value < std::numeric_limits<int>::min() || value > std::numeric_limits<int>::max()) {
            fail(QStringLiteral("field '%1' is out of range").arg(name));
            return -1;
        }
        return static_cast<int>(value);
    }

    QString stringValue(QLatin1String name, bool required)
    {
        const QJsonValue value = m_object.value(name);
        if (value.isUndefined()) {
            if (required)
                fail(QStringLiteral("missing field '%1'").arg(name));
            return {};
        }
        if (!value.isString()) {
            fail(QStringLiteral("field '%1' is not a string").arg(name));
            return {};
        }
        return value.toString();
    }

    void fail(const QString& reason)
    {
        if (m_error.isEmpty())
            m_error = reason;
    }

    const QJsonObject& m_object;
    QString m_error;
};

// Turns records into Trace calls. Each function returns why the record was refused, or nothing.
class RecordLoader {
public:
    explicit RecordLoader(Trace* trace)
        : m_trace(trace)
    {
    }

    QString load(const QJsonObject& object)
    {
        Fields fields(object);
        const QString type = fields.string(QLatin1String("t"));
        if (!fields.ok())
            return fields.error();
        if (type == QLatin1String("message"))
            return message(fields);
        if (type == QLatin1String("delivered"))
            return messageEnd(fields, Message::State::Delivered);
        if (type == QLatin1String("lost"))
            return messageEnd(fields, Message::State::Lost);
        if (type == QLatin1String("activation"))
            return activation(fields);
        if (type == QLatin1String("activation-end"))
            return activationEnd(fields);
        if (type == QLatin1String("note"))
            return note(fields);
        if (type == QLatin1String("participant"))
            return participant(fields);
        if (type == QLatin1String("connection"))
            return connection(fields);
        if (type == QLatin1String("connection-closed"))
            return connectionClosed(fields);
        if (type == QLatin1String("header"))
            return QStringLiteral("unexpected second header");
        return QStringLiteral("unknown record type '%1'").arg(type);
    }

private:
    QString unknownParticipant(QLatin1String what, qint64 id, int participant) const
    {
        if (m_trace->participant(participant))
            return {};
        return QStringLiteral("%1 %2 refers to unknown participant %3").arg(what).arg(id).arg(participant);
    }

    static QString outOfOrder(QLatin1String what, qint64 id, size_t expected)
    {
        return QStringLiteral("%1 %2 out of order, expected %3").arg(what).arg(id).arg(expected);
    }

    QString participant(Fields& fields)
    {
        Participant p;
        p.id = fields.id(QLatin1String("id"));
        p.name = fields.string(QLatin1String("name"));
        const QString role = fields.string(QLatin1String("role"));
        if (!fields.ok())
            return fields.error();
        if (!roleFromName(role, &p.role))
            return QStringLiteral("unknown participant role '%1'").arg(role);
        if (!m_trace->restoreParticipant(p))
            return outOfOrder(QLatin1String("participant id"), p.id, m_trace->participants().size());
        return {};
    }

    QString message(Fields& fields)
    {
        Message m;
        m.seq = fields.integer(QLatin1String("seq"));
        m.from = fields.id(QLatin1String("from"));
        m.to = fields.id(QLatin1String("to"));
        const QString kind = fields.string(QLatin1String("kind"));
        m.label = fields.optionalString(QLatin1String("label"));
        m.connection = fields.id(QLatin1String("conn"), -1);
        m.correlation = fields.optionalString(QLatin1String("corr"));
        m.bytes = fields.integer(QLatin1String("bytes"), 0);
        m.headers = fields.headers(QLatin1String("headers"));
        m.bodyPreview = fields.base64(QLatin1String("body"));
        fields.itemRange(QLatin1String("items"), &m.firstItem, &m.lastItem);
        m.sentAt = fields.time(QLatin1String("sent"));
        if (!fields.ok())
            return fields.error();
        if (!kindFromName(kind, &m.kind))
            return QStringLiteral("unknown message kind '%1'").arg(kind);
        const size_t expected = m_trace->messages().size();
        if (m.seq != static_cast<qint64>(expected))
            return outOfOrder(QLatin1String("sequence number"), m.seq, expected);
        for (const int p : { m.from, m.to }) {
            if (QString error = unknownParticipant(QLatin1String("message"), m.seq, p); !error.isEmpty())
                return error;
        }
        m_trace->restoreMessage(m); // cannot fail: seq and sentAt were checked
        return {};
    }

    QString messageEnd(Fields& fields, Message::State state)
    {
        const bool delivered = state == Message::State::Delivered;
        const qint64 seq = fields.integer(QLatin1String("seq"));
        const TimeUs at = fields.time(delivered ? QLatin1String("received") : QLatin1String("at"));
        const int connection = delivered ? fields.id(QLatin1String("conn"), -1) : -1;
        const qint64 bytes = delivered ? fields.integer(QLatin1String("bytes"), -1) : -1;
        if (!fields.ok())
            return fields.error();
        if (seq < 0 || seq >= static_cast<qint64>(m_trace->messages().size()))
            return QStringLiteral("%1 refers to unknown message %2").arg(stateName(state)).arg(seq);
        const bool done
            = delivered ? m_trace->completeMessage(seq, at, connection, bytes) : m_trace->loseMessage(seq, at);
        if (!done)
            return QStringLiteral("message %1 is already %2").arg(seq).arg(stateName(m_trace->message(seq).state));
        return {};
    }

    QString activation(Fields& fields)
    {
        Activation a;
        a.id = fields.integer(QLatin1String("id"));
        a.participant = fields.id(QLatin1String("participant"));
        a.label = fields.optionalString(QLatin1String("label"));
        a.start = fields.time(QLatin1String("start"));
        if (!fields.ok())
            return fields.error();
        if (a.id != static_cast<qint64>(m_trace->activations().size()))
            return outOfOrder(QLatin1String("activation id"), a.id, m_trace->activations().size());
        if (QString error = unknownParticipant(QLatin1String("activation"), a.id, a.participant); !error.isEmpty())
            return error;
        m_trace->restoreActivation(a);
        return {};
    }

    QString activationEnd(Fields& fields)
    {
        const qint64 id = fields.integer(QLatin1String("id"));
        const TimeUs end = fields.time(QLatin1String("end"));
        if (!fields.ok())
            return fields.error();
        if (id < 0 || id >= static_cast<qint64>(m_trace->activations().size()))
            return QStringLiteral("activation-end refers to unknown activation %1").arg(id);
        if (!m_trace->endActivation(id, end))
            return QStringLiteral("activation %1 has already ended").arg(id);
        return {};
    }

    QString note(Fields& fields)
    {
        Note n;
        n.id = fields.integer(QLatin1String("id"));
        n.participant = fields.id(QLatin1String("participant"));
        n.at = fields.time(QLatin1String("at"));
        n.text = fields.optionalString(QLatin1String("text"));
        n.item = fields.integer(QLatin1String("item"), -1);
        if (!fields.ok())
            return fields.error();
        if (n.id != static_cast<qint64>(m_trace->notes().size()))
            return outOfOrder(QLatin1String("note id"), n.id, m_trace->notes().size());
        // Participant -1 marks a note about the whole run.
        if (n.participant != -1) {
            if (QString error = unknownParticipant(QLatin1String("note"), n.id, n.participant); !error.isEmpty())
                return error;
        }
        m_trace->restoreNote(n);
        return {};
    }

    QString connection(Fields& fields)
    {
        Connection c;
        c.id = fields.id(QLatin1String("id"));
        c.client = fields.id(QLatin1String("client"));
        c.server = fields.id(QLatin1String("server"));
        c.openedAt = fields.time(QLatin1String("opened"));
        if (!fields.ok())
            return fields.error();
        if (c.id != static_cast<int>(m_trace->connections().size()))
            return outOfOrder(QLatin1String("connection id"), c.id, m_trace->connections().size());
        for (const int p : { c.client, c.server }) {
            if (QString error = unknownParticipant(QLatin1String("connection"), c.id, p); !error.isEmpty())
                return error;
        }
        m_trace->restoreConnection(c);
        return {};
    }

    QString connectionClosed(Fields& fields)
    {
        const int id = fields.id(QLatin1String("id"));
        const TimeUs closed = fields.time(QLatin1String("closed"));
        const qint64 up = fields.integer(QLatin1String("up"), 0);
        const qint64 down = fields.integer(QLatin1String("down"), 0);
        const QString reason = fields.optionalString(QLatin1String("reason"));
        if (!fields.ok())
            return fields.error();
        if (id < 0 || id >= static_cast<int>(m_trace->connections().size()))
            return QStringLiteral("connection-closed refers to unknown connection %1").arg(id);
        if (!m_trace->closeConnection(id, up, down, reason, closed))
            return QStringLiteral("connection %1 is already closed").arg(id);
        return {};
    }

    Trace* m_trace;
};

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
    Fields fields(object);
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

bool isBlank(const QByteArray& line)
{
    return std::all_of(line.cbegin(), line.cend(), [](char c) { return c == ' ' || c == '\t'; });
}

} // namespace

bool TraceReader::read(const QString& path, Trace* trace, TraceHeader* header)
{
    m_error.clear();
    m_warnings.clear();
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        m_error = QStringLiteral("%1: cannot open: %2").arg(path, file.errorString());
        return false;
    }

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
        m_error = QStringLiteral("%1:1: empty file, expected a pstrace header").arg(path);
        return false;
    }
    TraceHeader readHeader;
    QStringList headerWarnings;
    if (const QString fatal = parseHeader(line, &readHeader, &headerWarnings); !fatal.isEmpty()) {
        m_error = QStringLiteral("%1:1: %2").arg(path, fatal);
        return false;
    }
    for (const QString& reason : std::as_const(headerWarnings))
        warn(reason);
    if (header)
        *header = readHeader;

    trace->clear();
    RecordLoader loader(trace);
    while (!file.atEnd()) {
        line = file.readLine();
        ++lineNumber;
        const bool terminated = line.endsWith('\n');
        chopEnd(line);
        if (isBlank(line))
            continue;
        QJsonParseError parseError;
        const QJsonDocument document = QJsonDocument::fromJson(line, &parseError);
        if (parseError.error != QJsonParseError::NoError) {
            // What a writer killed in the middle of a line leaves behind.
            if (!terminated && file.atEnd())
                warn(QStringLiteral("truncated last line ignored"));
            else
                warn(QStringLiteral("not valid JSON: %1 at column %2")
                         .arg(parseError.errorString())
                         .arg(parseError.offset + 1));
            continue;
        }
        if (!document.isObject()) {
            warn(QStringLiteral("not a JSON object"));
            continue;
        }
        if (const QString reason = loader.load(document.object()); !reason.isEmpty())
            warn(reason);
    }
    if (file.error() != QFileDevice::NoError) {
        m_error = QStringLiteral("%1:%2: read error: %3").arg(path, QString::number(lineNumber), file.errorString());
        return false;
    }
    if (unlisted > 0)
        m_warnings.append(QStringLiteral("%1: %2 more warnings not listed").arg(path, QString::number(unlisted)));
    return true;
}

} // namespace PatternScope