// SPDX-License-Identifier: GPL-3.0-or-later
#include "textbook.h"

#include "labels.h"

namespace PatternScope::Textbook {

namespace {

// The value of a header the protocol sent, by case-insensitive name; null when it is not there.
QByteArray header(const Message& message, const char* name)
{
    for (const auto& [key, value] : message.headers) {
        if (key.compare(name, Qt::CaseInsensitive) == 0)
            return value.isNull() ? QByteArray("") : value;
    }
    return {};
}

bool mediaTypeIs(const QByteArray& contentType, const char* type)
{
    const qsizetype end = contentType.indexOf(';');
    return contentType.left(end < 0 ? contentType.size() : end).trimmed().compare(type, Qt::CaseInsensitive) == 0;
}

// An EventSource's request (Accept: text/event-stream) or the answer that opens its stream.
bool opensEventStream(const Message& message)
{
    const char* name = message.kind == Message::Kind::HttpRequest ? "Accept" : "Content-Type";
    return mediaTypeIs(header(message, name), "text/event-stream");
}

// An SSE comment line (": hb 3"): keeps the stream alive, carries no event.
bool isComment(const Message& message)
{
    return message.kind == Message::Kind::SseEvent && !message.carriesItems() && message.fields.name.isEmpty()
        && message.fields.id.isEmpty() && message.bodyPreview.startsWith(':');
}

QString withTopic(const QString& verb, const QString& topic)
{
    return topic.isEmpty() ? verb : verb + QStringLiteral(" (") + topic + u')';
}

QString request(const Message& message)
{
    if (message.fields.upgrade)
        return QStringLiteral("Establish connection");
    if (opensEventStream(message))
        return header(message, "Last-Event-ID").isNull() ? QStringLiteral("Establish connection")
                                                         : QStringLiteral("Reconnect");
    if (!message.fields.callback.isEmpty())
        return QStringLiteral("Request (with callback info)");
    return QStringLiteral("Request");
}

QString response(const Message& message)
{
    const int status = message.fields.status;
    if (status == 101 || (status >= 200 && status < 300 && opensEventStream(message)))
        return QStringLiteral("Connection established");
    if (status == 202)
        return QStringLiteral("Accepted");
    if (status == 204)
        return QStringLiteral("Response (no data)");
    if (status >= 400)
        return QStringLiteral("Error (%1)").arg(status);
    if (message.carriesItems())
        return QStringLiteral("Response (data ready)");
    // A 2xx about a job that is not its 202: the callback's receiver confirming it got the result.
    if (status >= 200 && status < 300 && !message.fields.id.isEmpty())
        return QStringLiteral("Acknowledge");
    return QStringLiteral("Response");
}

QString webSocketData(const Message& message)
{
    const MessageFields& fields = message.fields;
    if (fields.method == QLatin1String("subscribe"))
        return withTopic(QStringLiteral("Subscribe"), fields.target);
    if (fields.method == QLatin1String("unsubscribe"))
        return withTopic(QStringLiteral("Unsubscribe"), fields.target);
    if (fields.method == QLatin1String("ack"))
        return QStringLiteral("Acknowledge");
    return message.carriesItems() ? QStringLiteral("Send update") : QStringLiteral("Send message");
}

} // namespace

QString detailName(DetailLevel level)
{
    return level == DetailLevel::Textbook ? QStringLiteral("textbook") : QStringLiteral("wire");
}

bool detailFromName(QStringView name, DetailLevel* level)
{
    for (DetailLevel candidate : { DetailLevel::Wire, DetailLevel::Textbook }) {
        if (name.compare(detailName(candidate), Qt::CaseInsensitive) == 0) {
            *level = candidate;
            return true;
        }
    }
    return false;
}

QStringList detailNames()
{
    return { detailName(DetailLevel::Wire), detailName(DetailLevel::Textbook) };
}

bool shown(const Message& message)
{
    switch (message.kind) {
    case Message::Kind::Connect:
    case Message::Kind::Close:
    case Message::Kind::WsPing:
    case Message::Kind::WsPong:
        return false;
    case Message::Kind::SseEvent:
        return !isComment(message);
    default:
        return true;
    }
}

QString label(const Message& message)
{
    switch (message.kind) {
    case Message::Kind::HttpRequest:
        return request(message);
    case Message::Kind::HttpResponse:
        return response(message);
    case Message::Kind::SseEvent:
        if (isComment(message))
            return QStringLiteral("Heartbeat");
        return message.carriesItems() ? QStringLiteral("Send update") : QStringLiteral("Send event");
    case Message::Kind::WsText:
    case Message::Kind::WsBinary:
        return webSocketData(message);
    case Message::Kind::WsPing:
        return QStringLiteral("Ping");
    case Message::Kind::WsPong:
        return QStringLiteral("Pong");
    case Message::Kind::WsClose:
        return QStringLiteral("Close connection");
    case Message::Kind::Publish:
        return withTopic(QStringLiteral("Publish"), message.fields.name);
    case Message::Kind::Deliver:
        return withTopic(QStringLiteral("Deliver"), message.fields.name);
    case Message::Kind::Callback:
        return QStringLiteral("Invoke the callback");
    case Message::Kind::Connect:
        return QStringLiteral("Open TCP connection");
    case Message::Kind::Close:
        return QStringLiteral("Close TCP connection");
    }
    return QStringLiteral("Message");
}

QString activationLabel(const Activation& activation)
{
    if (activation.label == Labels::holdingPollActivation())
        return QStringLiteral("Wait until data is ready");
    return QStringLiteral("Process the request");
}

QString noteText(const Note& note)
{
    return note.item >= 0 ? QStringLiteral("New data") : note.text;
}

} // namespace PatternScope::Textbook
