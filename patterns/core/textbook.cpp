// SPDX-License-Identifier: GPL-3.0-or-later
#include "textbook.h"

#include "labels.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <algorithm>

namespace PatternScope::Textbook {

namespace {

// The value of a header the protocol sent, by case-insensitive name; null when it is not there.
QByteArray header(const Message& message, const char* name)
{
    for (const auto& [key, value] : message.headers()) {
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
        && message.fields.id.isEmpty() && message.bodyPreview().startsWith(':');
}

// A JSON body's top-level string field; null when the body is not a JSON object (or was cut short).
QString bodyField(const Message& message, QLatin1String name)
{
    if (!message.bodyPreview().startsWith('{'))
        return {};
    return QJsonDocument::fromJson(message.bodyPreview()).object().value(name).toString();
}

// Publish-subscribe's control frames ("subscribe", "ack"): the recorded method, or for a trace recorded
// before methods were, the JSON frame's "type".
QString controlType(const Message& message)
{
    return message.fields.method.isEmpty() ? bodyField(message, QLatin1String("type"))
                                           : message.fields.method.toString();
}

// Request-callback's job request names where the answer goes: the recorded field, or the JSON body's.
bool carriesCallback(const Message& message)
{
    return !message.fields.callback.isEmpty() || !bodyField(message, QLatin1String("callbackUrl")).isEmpty();
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
    if (carriesCallback(message))
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
    const QString type = controlType(message);
    if (type == QLatin1String("subscribe"))
        return withTopic(QStringLiteral("Subscribe"), fields.target);
    if (type == QLatin1String("unsubscribe"))
        return withTopic(QStringLiteral("Unsubscribe"), fields.target);
    if (type == QLatin1String("ack"))
        return QStringLiteral("Acknowledge");
    return message.carriesItems() ? QStringLiteral("Send update") : QStringLiteral("Send message");
}

using Kind = Message::Kind;
using Role = Participant::Role;

// How far back the mapping looks for an earlier message of the same exchange, and for the latest message
// that has a step: bounded, so a long run costs the same as a short one.
constexpr int kLookBack = 512;

ReferenceStep arrow(int from, int to, Kind drawnAs, const QString& text)
{
    ReferenceStep step;
    step.from = from;
    step.to = to;
    step.drawnAs = drawnAs;
    step.text = text;
    return step;
}

ReferenceStep note(int participant, const QString& text)
{
    ReferenceStep step;
    step.kind = ReferenceStep::Kind::Note;
    step.from = participant;
    step.text = text;
    return step;
}

Participant participant(int id, const QString& name, Role role)
{
    Participant p;
    p.id = id;
    p.name = name;
    p.role = role;
    return p;
}

bool sentByServer(const Trace& trace, const Message& message)
{
    const Participant* from = trace.participant(message.from);
    return from && (from->role == Role::Server || from->role == Role::Broker);
}

// Short polling: a poll after an answer with no data asks again (step 2); the first, and one after data,
// starts over (step 0).
int shortPollingRequest(const Trace& trace, const Message& request)
{
    for (qint64 seq = request.seq - 1; seq >= 0 && seq >= request.seq - kLookBack; --seq) {
        const Message& m = trace.message(seq);
        if (m.kind == Kind::HttpResponse && m.to == request.from)
            return m.carriesItems() ? 0 : 2;
    }
    return 0;
}

// SSE: the first and second update of a stream are its first two sends; the third and every later one the
// last ("Send update ×n").
int sseUpdate(const Trace& trace, const Message& event)
{
    int before = 0;
    for (qint64 seq = event.seq - 1; seq >= 0 && seq >= event.seq - kLookBack && before < 2; --seq) {
        const Message& m = trace.message(seq);
        if (m.to != event.to || m.from != event.from)
            continue;
        if (m.kind == Kind::HttpResponse)
            break; // the answer that opened this stream
        if (m.kind == Kind::SseEvent && shown(m))
            ++before;
    }
    return 2 + before;
}

// Which step of the pattern a message is, by the pattern's rules; -1 for none.
int messageStep(QStringView id, const Trace& trace, const Message& m)
{
    if (!shown(m))
        return -1;
    if (id == u"long-polling" || id == u"request-response") {
        if (m.kind == Kind::HttpRequest)
            return 0;
        return m.kind == Kind::HttpResponse ? 2 : -1;
    }
    if (id == u"short-polling") {
        if (m.kind == Kind::HttpRequest)
            return shortPollingRequest(trace, m);
        if (m.kind == Kind::HttpResponse)
            return m.carriesItems() ? 3 : 1;
        return -1;
    }
    if (id == u"server-sent-events") {
        switch (m.kind) {
        case Kind::HttpRequest:
            return 0;
        case Kind::HttpResponse:
            return 1;
        case Kind::SseEvent:
            return sseUpdate(trace, m);
        default:
            return -1;
        }
    }
    if (id == u"websockets") {
        switch (m.kind) {
        case Kind::HttpRequest:
            return 0;
        case Kind::HttpResponse:
            return 1;
        case Kind::WsText:
        case Kind::WsBinary:
            return sentByServer(trace, m) ? 2 : 3;
        default:
            return -1;
        }
    }
    if (id == u"publish-subscribe") {
        if ((m.kind == Kind::WsText || m.kind == Kind::WsBinary || m.kind == Kind::BrokerControl)
            && controlType(m) == QLatin1String("subscribe"))
            return 0;
        if (m.kind == Kind::Publish)
            return 1;
        return m.kind == Kind::Deliver ? 2 : -1;
    }
    if (id == u"request-callback") {
        switch (m.kind) {
        case Kind::HttpRequest:
            return 0; // the job request: the callbacks are their own kind
        case Kind::HttpResponse:
            return m.fields.status == 202 ? 1 : 3;
        case Kind::Callback:
            return 2;
        default:
            return -1;
        }
    }
    return -1;
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
    case Message::Kind::BrokerControl:
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

ReferenceDiagram referenceDiagram(QStringView patternId)
{
    ReferenceDiagram d;
    d.patternId = patternId.toString();
    const auto clientServer = [&d] {
        d.participants = { participant(0, QStringLiteral("Client"), Role::Client),
            participant(1, QStringLiteral("Server"), Role::Server) };
    };
    constexpr int client = 0;
    constexpr int server = 1;
    if (patternId == u"long-polling") {
        clientServer();
        d.steps = { arrow(client, server, Kind::HttpRequest, QStringLiteral("Request")),
            note(server, QStringLiteral("Wait until data is ready")),
            arrow(server, client, Kind::HttpResponse, QStringLiteral("Response (delayed)")) };
    } else if (patternId == u"short-polling") {
        clientServer();
        d.steps = { arrow(client, server, Kind::HttpRequest, QStringLiteral("Request")),
            arrow(server, client, Kind::HttpResponse, QStringLiteral("Response (no data)")),
            arrow(client, server, Kind::HttpRequest, QStringLiteral("Request")),
            arrow(server, client, Kind::HttpResponse, QStringLiteral("Response (data)")) };
    } else if (patternId == u"server-sent-events") {
        clientServer();
        d.steps = { arrow(client, server, Kind::HttpRequest, QStringLiteral("Request")),
            arrow(server, client, Kind::HttpResponse, QStringLiteral("Establish connection")),
            arrow(server, client, Kind::SseEvent, QStringLiteral("Send update")),
            arrow(server, client, Kind::SseEvent, QStringLiteral("Send update")),
            arrow(server, client, Kind::SseEvent, QStringLiteral("Send update ×n")) };
    } else if (patternId == u"websockets") {
        clientServer();
        d.steps = { arrow(client, server, Kind::HttpRequest, QStringLiteral("Handshake (Upgrade)")),
            arrow(server, client, Kind::HttpResponse, QStringLiteral("Connection established")),
            arrow(server, client, Kind::WsText, QStringLiteral("Send message")),
            arrow(client, server, Kind::WsText, QStringLiteral("Send message")) };
    } else if (patternId == u"publish-subscribe") {
        d.participants = { participant(0, QStringLiteral("Publisher"), Role::Publisher),
            participant(1, QStringLiteral("Broker"), Role::Broker),
            participant(2, QStringLiteral("Subscriber"), Role::Subscriber) };
        d.steps = { arrow(2, 1, Kind::WsText, QStringLiteral("Subscribe")),
            arrow(0, 1, Kind::Publish, QStringLiteral("Publish")),
            arrow(1, 2, Kind::Deliver, QStringLiteral("Deliver")) };
    } else if (patternId == u"request-callback") {
        clientServer();
        d.steps = { arrow(client, server, Kind::HttpRequest, QStringLiteral("Request (with callback info)")),
            arrow(server, client, Kind::HttpResponse, QStringLiteral("Accepted")),
            arrow(server, client, Kind::Callback, QStringLiteral("Invoke the callback")),
            arrow(client, server, Kind::HttpResponse, QStringLiteral("Acknowledge")) };
    } else if (patternId == u"request-response") {
        clientServer();
        d.steps = { arrow(client, server, Kind::HttpRequest, QStringLiteral("Request")),
            note(server, QStringLiteral("Process the request")),
            arrow(server, client, Kind::HttpResponse, QStringLiteral("Response")) };
    } else {
        d.patternId.clear();
    }
    return d;
}

int stepOf(QStringView patternId, const Trace& trace, qint64 seq)
{
    if (seq < 0 || seq >= qint64(trace.messages().size()))
        return -1;
    return messageStep(patternId, trace, trace.message(seq));
}

int stepAt(QStringView patternId, const Trace& trace, TimeUs t)
{
    const std::vector<qint64>& order = trace.sentOrder();
    // The first message sent after t; the ones before it are candidates, latest first.
    auto it = std::upper_bound(
        order.begin(), order.end(), t, [&trace](TimeUs time, qint64 seq) { return time < trace.message(seq).sentAt; });
    for (int looked = 0; it != order.begin() && looked < kLookBack; ++looked) {
        const Message& m = trace.message(*--it);
        const int step = messageStep(patternId, trace, m);
        if (step < 0)
            continue;
        // A request that has arrived and is not answered yet: the server is at the wait the textbook notes.
        const bool arrived = m.receivedAt != NoTime && m.receivedAt <= t;
        if (step == 0 && arrived && (patternId == u"long-polling" || patternId == u"request-response"))
            return 1;
        return step;
    }
    return -1;
}

std::vector<qint64> recordReference(const ReferenceDiagram& diagram, Trace* trace)
{
    std::vector<int> ids;
    for (const Participant& p : diagram.participants)
        ids.push_back(trace->addParticipant(p.name, p.role));
    std::vector<qint64> seqs;
    for (size_t i = 0; i < diagram.steps.size(); ++i) {
        const ReferenceStep& step = diagram.steps[i];
        const TimeUs at = TimeUs(i) * ReferenceStepSpacing;
        if (step.kind == ReferenceStep::Kind::Note) {
            // The participant is busy from the step before to the step after; the note says with what.
            const TimeUs from = i > 0 ? at - ReferenceStepSpacing : at;
            const TimeUs to = i + 1 < diagram.steps.size() ? at + ReferenceStepSpacing : at;
            trace->endActivation(trace->beginActivation(ids[size_t(step.from)], step.text, from), to);
            trace->addNote(ids[size_t(step.from)], step.text, at);
            seqs.push_back(-1);
            continue;
        }
        Message m;
        m.from = ids[size_t(step.from)];
        m.to = ids[size_t(step.to)];
        m.kind = step.drawnAs;
        m.label = step.text;
        m.sentAt = at;
        const qint64 seq = trace->addMessage(m);
        // Level, as a textbook draws it.
        trace->completeMessage(seq, at);
        seqs.push_back(seq);
    }
    return seqs;
}

} // namespace PatternScope::Textbook
