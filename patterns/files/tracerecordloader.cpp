// SPDX-License-Identifier: GPL-3.0-or-later
#include "tracerecordloader.h"

namespace PatternScope {

namespace {

// Why a record that ends one opened before (delivered, lost, activation-end, connection-closed)
// cannot be applied: the first problem with its fields, that no `noun` `id` was opened (there are
// `count`), or what `finish` says when the record was ended already. Empty once it is applied.
template <typename Finish>
QString closingProblem(
    const TraceFields& fields, QLatin1String type, QLatin1String noun, qint64 id, size_t count, Finish finish)
{
    if (!fields.ok())
        return fields.error();
    if (id < 0 || id >= static_cast<qint64>(count))
        return QStringLiteral("%1 refers to unknown %2 %3").arg(type).arg(noun).arg(id);
    return finish();
}

} // namespace

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

QString TraceRecordLoader::openingProblem(const TraceFields& fields, QLatin1String what, QLatin1String idWord,
    qint64 id, size_t expected, std::initializer_list<int> participants) const
{
    if (!fields.ok())
        return fields.error();
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
    m.setHeaders(fields.headers(QLatin1String("headers")));
    m.setBodyPreview(fields.base64(QLatin1String("body")));
    fields.itemRange(QLatin1String("items"), &m.firstItem, &m.lastItem);
    m.fields = messageFields(fields);
    m.sentAt = fields.time(QLatin1String("sent"));
    if (!fields.ok())
        return fields.error();
    if (!kindFromName(kind, &m.kind))
        return QStringLiteral("unknown message kind '%1'").arg(kind);
    const QString problem = openingProblem(fields, QLatin1String("message"), QLatin1String("sequence number"), m.seq,
        m_trace->messages().size(), { m.from, m.to });
    if (problem.isEmpty())
        m_trace->restoreMessage(m); // cannot fail: seq and sentAt were checked
    return problem;
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
    f.callback = fields.optionalString(QLatin1String("callback"));
    return f;
}

QString TraceRecordLoader::messageEnd(TraceFields& fields, Message::State state)
{
    const bool delivered = state == Message::State::Delivered;
    const qint64 seq = fields.integer(QLatin1String("seq"));
    const TimeUs at = fields.time(delivered ? QLatin1String("received") : QLatin1String("at"));
    const int connection = delivered ? fields.id(QLatin1String("conn"), -1) : -1;
    const qint64 bytes = delivered ? fields.integer(QLatin1String("bytes"), -1) : -1;
    return closingProblem(fields, delivered ? QLatin1String("delivered") : QLatin1String("lost"),
        QLatin1String("message"), seq, m_trace->messages().size(), [&] {
            const bool done
                = delivered ? m_trace->completeMessage(seq, at, connection, bytes) : m_trace->loseMessage(seq, at);
            return done
                ? QString()
                : QStringLiteral("message %1 is already %2").arg(seq).arg(stateName(m_trace->message(seq).state));
        });
}

QString TraceRecordLoader::activation(TraceFields& fields)
{
    Activation a;
    a.id = fields.integer(QLatin1String("id"));
    a.participant = fields.id(QLatin1String("participant"));
    a.label = fields.optionalString(QLatin1String("label"));
    a.start = fields.time(QLatin1String("start"));
    const QString problem = openingProblem(fields, QLatin1String("activation"), QLatin1String("activation id"), a.id,
        m_trace->activations().size(), { a.participant });
    if (problem.isEmpty())
        m_trace->restoreActivation(a);
    return problem;
}

QString TraceRecordLoader::activationEnd(TraceFields& fields)
{
    const qint64 id = fields.integer(QLatin1String("id"));
    const TimeUs end = fields.time(QLatin1String("end"));
    return closingProblem(
        fields, QLatin1String("activation-end"), QLatin1String("activation"), id, m_trace->activations().size(), [&] {
            return m_trace->endActivation(id, end) ? QString()
                                                   : QStringLiteral("activation %1 has already ended").arg(id);
        });
}

QString TraceRecordLoader::note(TraceFields& fields)
{
    Note n;
    n.id = fields.integer(QLatin1String("id"));
    n.participant = fields.id(QLatin1String("participant"));
    n.at = fields.time(QLatin1String("at"));
    n.text = fields.optionalString(QLatin1String("text"));
    n.item = fields.integer(QLatin1String("item"), -1);
    // Participant -1 marks a note about the whole run.
    const std::initializer_list<int> named = { n.participant };
    const QString problem = openingProblem(fields, QLatin1String("note"), QLatin1String("note id"), n.id,
        m_trace->notes().size(), n.participant == -1 ? std::initializer_list<int> {} : named);
    if (problem.isEmpty())
        m_trace->restoreNote(n);
    return problem;
}

QString TraceRecordLoader::connection(TraceFields& fields)
{
    Connection c;
    c.id = fields.id(QLatin1String("id"));
    c.client = fields.id(QLatin1String("client"));
    c.server = fields.id(QLatin1String("server"));
    c.openedAt = fields.time(QLatin1String("opened"));
    const QString problem = openingProblem(fields, QLatin1String("connection"), QLatin1String("connection id"), c.id,
        m_trace->connections().size(), { c.client, c.server });
    if (problem.isEmpty())
        m_trace->restoreConnection(c);
    return problem;
}

QString TraceRecordLoader::connectionClosed(TraceFields& fields)
{
    const int id = fields.id(QLatin1String("id"));
    const TimeUs closed = fields.time(QLatin1String("closed"));
    const qint64 up = fields.integer(QLatin1String("up"), 0);
    const qint64 down = fields.integer(QLatin1String("down"), 0);
    const QString reason = fields.optionalString(QLatin1String("reason"));
    return closingProblem(fields, QLatin1String("connection-closed"), QLatin1String("connection"), id,
        m_trace->connections().size(), [&] {
            return m_trace->closeConnection(id, up, down, reason, closed)
                ? QString()
                : QStringLiteral("connection %1 is already closed").arg(id);
        });
}

} // namespace PatternScope
