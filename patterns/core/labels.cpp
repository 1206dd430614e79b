// SPDX-License-Identifier: GPL-3.0-or-later
#include "labels.h"

#include "units.h"

#include <QUrl>

namespace PatternScope::Labels {

QString withDetail(const QString& main, const QString& detail)
{
    return detail.isEmpty() ? main : main + QStringLiteral(" · ") + detail;
}

QString httpRequest(const MessageFields& fields, const QString& detail)
{
    const QString line = fields.method.isEmpty() ? fields.target.toString() : fields.method + u' ' + fields.target;
    return withDetail(line, detail);
}

QString httpStatus(int status, const QString& reason)
{
    if (status <= 0)
        return reason;
    return reason.isEmpty() ? QString::number(status) : QString::number(status) + u' ' + reason;
}

QString httpResponse(const MessageFields& fields, const QString& detail)
{
    return withDetail(httpStatus(fields.status, fields.reason), detail);
}

QString jobRequest(const MessageFields& fields)
{
    const QUrl url(fields.callback);
    const QString callback = url.isValid() && !url.path().isEmpty() ? url.path() : fields.callback.toString();
    return httpRequest(fields, callback.isEmpty() ? QString() : QStringLiteral("callback ") + callback);
}

QString callback(const MessageFields& fields, int attempt)
{
    QString label = httpRequest(fields, QStringLiteral("job ") + fields.id);
    if (attempt > 1)
        label += QStringLiteral(" · attempt %1").arg(attempt);
    return label;
}

QString serverSentEvent(const MessageFields& fields)
{
    const QString event = QStringLiteral("event: ") + (fields.name.isEmpty() ? QStringLiteral("message") : fields.name.toString());
    return fields.id.isEmpty() ? event : withDetail(event, QStringLiteral("id ") + fields.id);
}

QString webSocketFrame(const MessageFields& fields, qint64 payloadBytes, bool final)
{
    const QString size = Units::exactBytes(payloadBytes);
    const QString continues = final ? QString() : QStringLiteral(" (continues)");
    switch (fields.opcode) {
    case 0:
        return QStringLiteral("continuation · ") + size + continues;
    case 1:
        return QStringLiteral("text · ") + size + continues;
    case 2:
        return QStringLiteral("binary · ") + size + continues;
    default:
        // Control frames and reserved opcodes are never fragmented.
        return QStringLiteral("opcode %1 · ").arg(fields.opcode) + size;
    }
}

QString webSocketPingPong(const MessageFields& fields, const QString& payload)
{
    const QString word = fields.opcode == 9 ? QStringLiteral("ping") : QStringLiteral("pong");
    return payload.isEmpty() ? word : word + u' ' + payload;
}

QString webSocketCloseCodeName(int code)
{
    switch (code) {
    case 1000:
        return QStringLiteral("normal");
    case 1001:
        return QStringLiteral("going away");
    case 1002:
        return QStringLiteral("protocol error");
    case 1003:
        return QStringLiteral("unsupported data");
    case 1007:
        return QStringLiteral("invalid payload");
    case 1008:
        return QStringLiteral("policy violation");
    case 1009:
        return QStringLiteral("message too big");
    case 1011:
        return QStringLiteral("server error");
    default:
        return QString();
    }
}

QString webSocketClose(int code, const QString& reason)
{
    if (code < 0)
        return QStringLiteral("close");
    QString label = QStringLiteral("close %1").arg(code);
    const QString name = webSocketCloseCodeName(code);
    if (!name.isEmpty())
        label += QStringLiteral(" (%1)").arg(name);
    if (!reason.isEmpty())
        label += QStringLiteral(" · ") + reason;
    return label;
}

QString webSocketClose(const MessageFields& fields)
{
    return webSocketClose(fields.closeCode, fields.reason);
}

QString pubSubMessage(Message::Kind kind, const MessageFields& fields, const QString& payload)
{
    const QString verb = kind == Message::Kind::Publish ? QStringLiteral("publish") : QStringLiteral("deliver");
    return QStringLiteral("%1 %2 #%3 · %4").arg(verb, fields.name, fields.id, payload);
}

QString pubSubControl(const MessageFields& fields)
{
    if (fields.method == QLatin1String("ack"))
        return QStringLiteral("ack #") + fields.id;
    return fields.target.isEmpty() ? fields.method.toString() : fields.method + u' ' + fields.target;
}

QString holdingPollActivation()
{
    return QStringLiteral("holding the poll");
}

QString processingActivation(const QString& job)
{
    return job.isEmpty() ? QStringLiteral("processing") : QStringLiteral("processing job ") + job;
}

} // namespace PatternScope::Labels
