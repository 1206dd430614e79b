// SPDX-License-Identifier: GPL-3.0-or-later
#include "tracerecordloader.h"

namespace PatternScope {

QString TraceRecordLoader::load(const QJsonObject& object)
{
    TraceFields fields(object);
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

QString TraceRecordLoader::unknownParticipant(QLatin1String what, qint64 id, int participant) const
{
    if (m_trace->participant(participant))
        return {};
    return QStringLiteral("%1 %2 refers to unknown participant %3").arg(what).arg(id).arg(participant);
}

QString TraceRecordLoader::outOfOrder(QLatin1String what, qint64 id, size_t expected)
{
    return QStringLiteral("%1 %2 out of order, expected %3").arg(what).arg(id).arg(expected);
}

// What every record that opens something must be: the next of its type, naming participants that exist.
QString TraceRecordLoader::checkOpening(
    QLatin1String what, QLatin1String idWord, qint64 id, size_t expected, std::initializer_list<int> participants) const
{
    if (id != static_cast<qint64>(expected))
        return outOfOrder(idWord, id, expected);
    for (const int p : participants) {
        if (QString error = unknownParticipant(what, id, p); !error.isEmpty())
            return error;
    }
    return {};
}

QString TraceRecordLoader::participant(TraceFields& fields)
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

QString TraceRecordLoader::message(TraceFields& fields)
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
    m.fields = messageFields(fields);
    m.sentAt = fields.time(QLatin1String("sent"));
    if (!fields.ok())
        return fields.error();
    if (!kindFromName(kind, &m.kind))
        return QStringLiteral("unknown message kind '%1'").arg(kind);
    if (QString error = checkOpening(QLatin1String("message"), QLatin1String("sequence number"), m.seq,
            m_trace->messages().size(), { m.from, m.to });
        !error.isEmpty())
        return error;
    m_trace->restoreMessage(m); // cannot fail: seq and sentAt were checked
    return {};
}

// The protocol's fields, all optional (docs/trace-format.md): files written before them read as defaults.
MessageFields TraceRecordLoader::messageFields(TraceFields& fields)
{
    MessageFields f;
    f.method = fields.optionalString(QLatin1String("method"));
    f.target = fields.optionalString(QLatin1String("target"));
    f.upgrade = fields.optionalBoolean(QLatin1String("upgrade"));
    f.status = fields.optionalSmall<qint16>(QLatin1String("status"), 0);
    f.opcode = fields.optionalSmall<qint16>(QLatin1String("opcode"), -1);
    f.closeCode = fields.optionalSmall<qint32>(QLatin1String("close"), -1);
    f.reason = fields.optionalString(QLatin1String("reason"));
    f.name = fields.optionalString(QLatin1String("name"));
    f.id = fields.optionalString(QLatin1String("ref"));
    return f;
}

QString TraceRecordLoader::messageEnd(TraceFields& fields, Message::State state)
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
    const bool done = delivered ? m_trace->completeMessage(seq, at, connection, bytes) : m_trace->loseMessage(seq, at);
    if (!done)
        return QStringLiteral("message %1 is already %2").arg(seq).arg(stateName(m_trace->message(seq).state));
    return {};
}

QString TraceRecordLoader::activation(TraceFields& fields)
{
    Activation a;
    a.id = fields.integer(QLatin1String("id"));
    a.participant = fields.id(QLatin1String("participant"));
    a.label = fields.optionalString(QLatin1String("label"));
    a.start = fields.time(QLatin1String("start"));
    if (!fields.ok())
        return fields.error();
    if (QString error = checkOpening(QLatin1String("activation"), QLatin1String("activation id"), a.id,
            m_trace->activations().size(), { a.participant });
        !error.isEmpty())
        return error;
    m_trace->restoreActivation(a);
    return {};
}

QString TraceRecordLoader::activationEnd(TraceFields& fields)
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

QString TraceRecordLoader::note(TraceFields& fields)
{
    Note n;
    n.id = fields.integer(QLatin1String("id"));
    n.participant = fields.id(QLatin1String("participant"));
    n.at = fields.time(QLatin1String("at"));
    n.text = fields.optionalString(QLatin1String("text"));
    n.item = fields.integer(QLatin1String("item"), -1);
    if (!fields.ok())
        return fields.error();
    // Participant -1 marks a note about the whole run.
    const std::initializer_list<int> named = { n.participant };
    if (QString error = checkOpening(QLatin1String("note"), QLatin1String("note id"), n.id, m_trace->notes().size(),
            n.participant == -1 ? std::initializer_list<int> {} : named);
        !error.isEmpty())
        return error;
    m_trace->restoreNote(n);
    return {};
}

QString TraceRecordLoader::connection(TraceFields& fields)
{
    Connection c;
    c.id = fields.id(QLatin1String("id"));
    c.client = fields.id(QLatin1String("client"));
    c.server = fields.id(QLatin1String("server"));
    c.openedAt = fields.time(QLatin1String("opened"));
    if (!fields.ok())
        return fields.error();
    if (QString error = checkOpening(QLatin1String("connection"), QLatin1String("connection id"), c.id,
            m_trace->connections().size(), { c.client, c.server });
        !error.isEmpty())
        return error;
    m_trace->restoreConnection(c);
    return {};
}

QString TraceRecordLoader::connectionClosed(TraceFields& fields)
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

} // namespace PatternScope
