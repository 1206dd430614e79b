// SPDX-License-Identifier: GPL-3.0-or-later
#include "narration.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>
#include <QUrl>
#include <QUrlQuery>
#include <algorithm>
#include <functional>
#include <map>
#include <vector>

namespace PatternScope::Narration {

namespace {

// Messages sent this close together are one moment for a reader: a push to every client, a replay.
constexpr TimeUs SameMoment = 5000;
// A held request is retold this often, with the time it has been held so far.
constexpr TimeUs HoldTick = 1000000;
// How many messages are narrated between two questions whether to go on.
constexpr qint64 StopCheckEvery = 4096;

QString sentence(QString text)
{
    if (!text.isEmpty())
        text[0] = text[0].toUpper();
    return text;
}

QByteArray header(const Message& message, const char* name)
{
    for (const auto& [key, value] : message.headers()) {
        if (key.compare(name, Qt::CaseInsensitive) == 0)
            return value.isNull() ? QByteArray("") : value;
    }
    return {};
}

bool opensEventStream(const Message& message)
{
    const char* name = message.kind == Message::Kind::HttpRequest ? "Accept" : "Content-Type";
    const QByteArray type = header(message, name);
    const qsizetype end = type.indexOf(';');
    return type.left(end < 0 ? type.size() : end).trimmed().compare("text/event-stream", Qt::CaseInsensitive) == 0;
}

bool isComment(const Message& message)
{
    return message.kind == Message::Kind::SseEvent && !message.carriesItems() && message.fields.name.isEmpty()
        && message.fields.id.isEmpty() && message.bodyPreview().startsWith(':');
}

// The cursor a poll or a WebSocket handshake resumes from ("/poll?since=6"); -1 without one.
qint64 sinceOf(const QString& target)
{
    const qsizetype query = target.indexOf(u'?');
    if (query < 0)
        return -1;
    bool ok = false;
    const qint64 since = QUrlQuery(target.mid(query + 1)).queryItemValue(QStringLiteral("since")).toLongLong(&ok);
    return ok ? since : -1;
}

QString items(qint64 first, qint64 last)
{
    if (first == last)
        return QStringLiteral("item %1").arg(first);
    if (last == first + 1)
        return QStringLiteral("items %1 and %2").arg(first).arg(last);
    return QStringLiteral("items %1 to %2").arg(first).arg(last);
}

QString items(const Message& message)
{
    return items(message.firstItem, message.lastItem);
}

QString joined(const QStringList& names)
{
    if (names.size() <= 1)
        return names.value(0);
    return QStringList(names.mid(0, names.size() - 1)).join(QStringLiteral(", ")) + QStringLiteral(" and ")
        + names.last();
}

QString whatComesAfter(qint64 since)
{
    return since > 0 ? QStringLiteral("news newer than item %1").arg(since)
                     : QStringLiteral("news (it has no items yet)");
}

// How a caption names a participant: "the client", "the server" (the one of its kind); "Client 2",
// "Subscriber A" keep their names, and so do clients from outside, named by themselves ("alice", "curl/7.88.1").
QString participantName(const Trace& trace, int participant)
{
    const Participant* p = trace.participant(participant);
    if (!p)
        return QStringLiteral("someone");
    if (p->role != Participant::Role::External && !p->name.contains(u' ') && !p->name.isEmpty())
        return QStringLiteral("the ") + p->name.toLower();
    return p->name;
}

// What a plain request tells, from its sender and its target alone: it asks for what comes after an item,
// or it sends and waits for the answer. Different for each request ("asks for news newer than item 1665"),
// so compact captions leave it to Narration::text().
QString plainRequest(const QString& who, const Message& m)
{
    const qint64 since = sinceOf(m.fields.target);
    if (since >= 0)
        return who + QStringLiteral(" asks for ") + whatComesAfter(since);
    return who + QStringLiteral(" sends ") + m.fields.method + u' ' + m.fields.target
        + QStringLiteral(" and waits for the answer");
}

// The JSON body a message carried, when it has one (a job, a publish-subscribe envelope).
QJsonObject jsonBody(const Message& message)
{
    return message.bodyPreview().startsWith('{') ? QJsonDocument::fromJson(message.bodyPreview()).object()
                                                 : QJsonObject();
}

// A control frame of publish-subscribe ("subscribe", "unsubscribe", "ack"), from its fields or, in traces
// that kept only the envelope, from the envelope's type; empty for data.
QString controlType(const Message& message)
{
    if (!message.fields.method.isEmpty())
        return message.fields.method;
    const QString type = jsonBody(message).value(QLatin1String("type")).toString();
    return type == QLatin1String("subscribe") || type == QLatin1String("unsubscribe") || type == QLatin1String("ack")
        ? type
        : QString();
}

QString controlTopics(const Message& message)
{
    if (!message.fields.target.isEmpty())
        return message.fields.target;
    QStringList topics;
    for (const QJsonValue& topic : jsonBody(message).value(QLatin1String("topics")).toArray())
        topics.append(topic.toString());
    return topics.join(QStringLiteral(", "));
}

// A caption told once for several messages of the same moment, before it is final.
struct Draft {
    TimeUs at = 0;
    qint64 message = -1;
    // Drafts with the same group, a moment apart, become one caption made by `make`.
    QString group;
    QStringList who;
    qint64 firstItem = -1;
    qint64 lastItem = -1;
    std::function<QString(const Draft&)> make;
};

// A caption in the order it was told: its text, or the Draft of its group (an index into the grouped ones).
struct Entry {
    TimeUs at = 0;
    qint64 message = -1;
    Text text;
    qsizetype grouped = -1;
};

class Narrator {
public:
    Narrator(const Trace& trace, Texts texts)
        : m_trace(trace)
        , m_form(texts)
    {
        for (const Note& note : trace.notes()) {
            if (note.item >= 0 && !m_producedAt.contains(note.item))
                m_producedAt.insert(note.item, note.at);
        }
        for (const Activation& activation : trace.activations())
            m_activationsByStart.emplace(activation.start, &activation);
        for (const Connection& connection : trace.connections()) {
            m_connections.insert(connection.id, &connection);
            m_connectionsOf[connection.client].push_back(&connection);
        }
        // By opening time; connections opened at the same moment stay in the trace's order.
        for (auto& opened : m_connectionsOf) {
            std::stable_sort(opened.begin(), opened.end(),
                [](const Connection* a, const Connection* b) { return a->openedAt < b->openedAt; });
        }
        for (const Message& message : trace.messages()) {
            if (message.kind == Message::Kind::WsClose && !m_firstClose.contains(message.connection))
                m_firstClose.insert(message.connection, message.seq);
            if (message.kind == Message::Kind::Callback)
                m_callbacksOfJob[message.fields.id].push_back(message.seq);
            const bool asks = message.kind == Message::Kind::HttpRequest || message.kind == Message::Kind::Callback;
            if (asks && !message.correlation.isEmpty() && !m_requests.contains(message.correlation))
                m_requests.insert(message.correlation, message.seq);
            if (message.kind == Message::Kind::HttpRequest && message.connection >= 0
                && !m_firstRequest.contains(message.connection))
                m_firstRequest.insert(message.connection, message.seq);
            if (message.kind == Message::Kind::HttpResponse && !message.correlation.isEmpty()
                && !m_responses.contains(message.correlation))
                m_responses.insert(message.correlation, message.seq);
        }
        for (const qint64 seq : std::as_const(m_requests)) {
            if (const Activation* activation = activationFor(m_trace.message(seq)))
                m_requestOfActivation.insert(activation->id, seq);
        }
    }

    QList<Caption> run(const std::function<bool()>& going)
    {
        // Answers add a second caption when they arrive.
        m_entries.reserve(2 * m_trace.messages().size() + m_trace.activations().size());
        qint64 told = 0;
        const auto stopped = [&] { return going && ++told % StopCheckEvery == 0 && !going(); };
        for (const Message& message : m_trace.messages()) {
            if (stopped())
                return {};
            narrate(message);
        }
        for (const Activation& activation : m_trace.activations()) {
            if (stopped())
                return {};
            narrate(activation);
        }
        for (const Note& note : m_trace.notes())
            narrate(note);
        for (const Connection& connection : m_trace.connections())
            narrate(connection);
        if (going && !going())
            return {};
        return finish();
    }

private:
    QString name(int participant) const
    {
        const auto known = m_names.constFind(participant);
        if (known != m_names.constEnd())
            return *known;
        const QString named = participantName(m_trace, participant);
        m_names.insert(participant, named);
        return named;
    }

    const Message* requestOf(const Message& response) const
    {
        const auto it = m_requests.constFind(response.correlation);
        return it == m_requests.constEnd() || response.correlation.isEmpty() ? nullptr : &m_trace.message(*it);
    }

    // The work or hold the receiver of `request` started when it arrived.
    const Activation* activationFor(const Message& request) const
    {
        if (request.state != Message::State::Delivered)
            return nullptr;
        for (auto it = m_activationsByStart.lower_bound(request.receivedAt);
             it != m_activationsByStart.end() && it->first <= request.receivedAt + SameMoment; ++it) {
            if (it->second->participant == request.to)
                return it->second;
        }
        return nullptr;
    }

    static bool isHold(const Activation& activation) { return activation.label == QLatin1String("holding the poll"); }

    // Whether the items a message carries were produced the moment before it left.
    bool fresh(const Message& message) const
    {
        const TimeUs produced = m_producedAt.value(message.lastItem, NoTime);
        return produced != NoTime && message.sentAt - produced <= SameMoment && message.sentAt >= produced;
    }

    // Whether its items were produced before the server heard the request that opened its connection:
    // sent now because they were missed (after a cut) or came before the stream was open.
    bool backlog(const Message& message) const
    {
        const auto request = m_firstRequest.constFind(message.connection);
        const TimeUs produced = m_producedAt.value(message.firstItem, NoTime);
        if (request == m_firstRequest.constEnd() || produced == NoTime)
            return false;
        const Message& opening = m_trace.message(*request);
        return opening.state == Message::State::Delivered && produced < opening.receivedAt;
    }

    // One caption for the backlog a server sends down a connection the moment it opens.
    void addBacklog(const Message& m)
    {
        Draft draft;
        draft.at = m.sentAt;
        draft.message = m.seq;
        draft.group = QStringLiteral("backlog:") + QString::number(m.connection);
        draft.firstItem = m.firstItem;
        draft.lastItem = m.lastItem;
        const QString server = name(m.from);
        const QString client = name(m.to);
        const bool again = reconnects(m_trace.message(m_firstRequest.value(m.connection)));
        draft.make = [server, client, again](const Draft& d) -> QString {
            if (again) {
                return sentence(server + QStringLiteral(" resends what ") + client
                    + QStringLiteral(" missed while cut off: ") + items(d.firstItem, d.lastItem));
            }
            return sentence(server + QStringLiteral(" sends ") + items(d.firstItem, d.lastItem)
                + QStringLiteral(", made before the connection was open"));
        };
        addGrouped(draft);
    }

    void add(TimeUs at, qint64 message, QString text)
    {
        m_entries.push_back(Entry { at, message, kept(sentence(std::move(text))), -1 });
    }

    void addGrouped(Draft draft)
    {
        m_entries.push_back(Entry { draft.at, draft.message, Text(), qsizetype(m_grouped.size()) });
        m_grouped.push_back(std::move(draft));
    }

    // The text as the captions keep it: one copy of each wording, shared by every caption that says it
    // ("The server answers 200 OK" a hundred thousand times over is one block).
    Text kept(const QString& text)
    {
        Text made(text);
        const auto known = m_texts.constFind(made);
        if (known != m_texts.constEnd())
            return *known;
        m_texts.insert(made);
        return made;
    }

    void narrate(const Message& m)
    {
        switch (m.kind) {
        case Message::Kind::HttpRequest:
            return request(m);
        case Message::Kind::HttpResponse:
            return response(m);
        case Message::Kind::SseEvent:
            return serverSentEvent(m);
        case Message::Kind::WsText:
        case Message::Kind::WsBinary:
        case Message::Kind::BrokerControl:
            return webSocketData(m);
        case Message::Kind::WsPing:
            return fanOut(m, QStringLiteral("ping:") + QString::number(m.from), [this, m](const Draft& d) -> QString {
                return sentence(name(m.from) + QStringLiteral(" pings ") + joined(d.who)
                    + QStringLiteral(" to check the connection is still alive"));
            });
        case Message::Kind::WsPong:
            return add(m.sentAt, m.seq, name(m.from) + QStringLiteral(" answers the ping with a pong: still here"));
        case Message::Kind::WsClose:
            return webSocketClose(m);
        case Message::Kind::Publish:
            return add(m.sentAt, m.seq,
                name(m.from) + QStringLiteral(" publishes ")
                    + (m.carriesItems() ? items(m) : QStringLiteral("a message")) + QStringLiteral(" on ")
                    + m.fields.name + QStringLiteral(": one message to the broker, once"));
        case Message::Kind::Deliver:
            return fanOut(m, QStringLiteral("deliver:") + m.fields.name + u':' + m.fields.id,
                [this, m](const Draft& d) -> QString {
                    return sentence(name(m.from) + QStringLiteral(" hands ") + m.fields.name + QStringLiteral(" #")
                        + m.fields.id + QStringLiteral(" to ") + joined(d.who) + QStringLiteral(", ")
                        + (d.who.size() == 1 ? QStringLiteral("the subscriber") : QStringLiteral("the subscribers"))
                        + QStringLiteral(" of ") + m.fields.name);
                });
        case Message::Kind::Callback:
            return callback(m);
        case Message::Kind::Connect:
            return connect(m);
        case Message::Kind::Close:
            return add(m.sentAt, m.seq, name(m.from) + QStringLiteral(" closes its TCP connection"));
        }
    }

    void request(const Message& m)
    {
        const QString who = name(m.from);
        const QString what = m.fields.method + u' ' + m.fields.target;
        if (m.fields.upgrade) {
            const qint64 since = sinceOf(m.fields.target);
            const bool again = reconnects(m);
            add(m.sentAt, m.seq,
                who + (again ? QStringLiteral(" reconnects and asks") : QStringLiteral(" asks"))
                    + QStringLiteral(" to turn the connection into a WebSocket")
                    + (again && since >= 0 ? QStringLiteral(", resuming after item %1").arg(since)
                                           : QStringLiteral(" (") + what + u')'));
            return;
        }
        if (opensEventStream(m)) {
            const QByteArray last = header(m, "Last-Event-ID");
            if (last.isNull()) {
                add(m.sentAt, m.seq, who + QStringLiteral(" opens an event stream: ") + what);
            } else {
                add(m.sentAt, m.seq,
                    who + QStringLiteral(" reconnects with Last-Event-ID: ") + QString::fromLatin1(last)
                        + QStringLiteral(", asking for the events after it"));
            }
            return;
        }
        QString callback = m.fields.callback;
        if (callback.isEmpty() && m.bodyPreview().contains("callbackUrl"))
            callback = QUrl(jsonBody(m).value(QLatin1String("callbackUrl")).toString()).path();
        if (!callback.isEmpty()) {
            add(m.sentAt, m.seq, who + QStringLiteral(" sends a job with the URL to call back when done: ") + callback);
            return;
        }
        if (m_form == Texts::Compact)
            m_entries.push_back(Entry { m.sentAt, m.seq, Text(), -1 }); // Narration::text() tells it
        else
            add(m.sentAt, m.seq, plainRequest(who, m));
    }

    // Whether an earlier connection of the same client came before this handshake's.
    bool reconnects(const Message& m) const
    {
        // The client's first two connections by opening time: one of them is not this one.
        const auto it = m_connectionsOf.constFind(m.from);
        if (it == m_connectionsOf.constEnd())
            return false;
        for (size_t i = 0; i < std::min<size_t>(2, it->size()); ++i) {
            const Connection* c = (*it)[i];
            if (c->id != m.connection)
                return c->openedAt < m.sentAt;
        }
        return false;
    }

    QString status(const Message& m) const
    {
        const QString reason = m.fields.reason;
        if (m.fields.status <= 0)
            return reason;
        return reason.isEmpty() ? QString::number(m.fields.status) : QString::number(m.fields.status) + u' ' + reason;
    }

    void response(const Message& m)
    {
        const QString server = name(m.from);
        const QString client = name(m.to);
        const int code = m.fields.status;
        const Message* request = requestOf(m);
        const Activation* work = request ? activationFor(*request) : nullptr;
        const bool held = work && isHold(*work);
        if (code == 101) {
            add(m.sentAt, m.seq,
                server + QStringLiteral(" agrees: ") + status(m)
                    + QStringLiteral("; from now on either side can send at any time"));
            return;
        }
        if (code >= 200 && code < 300 && opensEventStream(m)) {
            add(m.sentAt, m.seq,
                server + QStringLiteral(" answers ") + status(m)
                    + QStringLiteral(" and keeps the response open: events will follow on it"));
            return;
        }
        if (code == 202) {
            add(m.sentAt, m.seq,
                server + QStringLiteral(" accepts job ") + m.fields.id + QStringLiteral(" at once (") + status(m)
                    + QStringLiteral("); the result will come later as a callback"));
            return;
        }
        if (request && request->kind == Message::Kind::Callback) {
            if (code >= 200 && code < 300) {
                add(m.sentAt, m.seq,
                    QStringLiteral("The receiver got the result of job ") + m.fields.id
                        + QStringLiteral(" and confirms: ") + status(m));
            } else {
                add(m.sentAt, m.seq, QStringLiteral("The receiver turns the callback down: ") + status(m));
            }
            return;
        }
        if (code == 204) {
            const qint64 since = request ? sinceOf(request->fields.target) : -1;
            if (held) {
                add(m.sentAt, m.seq,
                    QStringLiteral("Nothing new in ") + duration(m.sentAt - work->start) + QStringLiteral(": ") + server
                        + QStringLiteral(" ends the hold with ") + status(m) + QStringLiteral("; ") + client
                        + QStringLiteral(" will ask again"));
            } else {
                add(m.sentAt, m.seq,
                    (since > 0 ? QStringLiteral("Nothing newer than item %1: ").arg(since)
                               : QStringLiteral("Nothing yet: "))
                        + server + QStringLiteral(" answers ") + client + QStringLiteral(" at once with ") + status(m));
            }
            return;
        }
        if (m.carriesItems()) {
            if (held && fresh(m)) {
                add(m.sentAt, m.seq,
                    sentence(items(m)) + QStringLiteral(" is produced; the held request is answered at once: ")
                        + status(m));
            } else {
                const TimeUs produced = m_producedAt.value(m.firstItem, NoTime);
                const bool one = m.firstItem == m.lastItem;
                add(m.sentAt, m.seq,
                    sentence(items(m)) + (one ? QStringLiteral(" was") : QStringLiteral(" were"))
                        + (produced != NoTime && produced <= m.sentAt
                                ? QStringLiteral(" waiting on the server for ") + duration(m.sentAt - produced)
                                : QStringLiteral(" ready"))
                        + QStringLiteral(": ") + server + QStringLiteral(" answers ") + status(m)
                        + (one ? QStringLiteral(" with it") : QStringLiteral(" with them")));
            }
            return;
        }
        if (code >= 400) {
            add(m.sentAt, m.seq, server + QStringLiteral(" answers with an error: ") + status(m));
            return;
        }
        const bool worked = work && !isHold(*work) && work->end != NoTime && work->end <= m.sentAt;
        add(m.sentAt, m.seq,
            server + QStringLiteral(" answers ") + status(m)
                + (worked ? QStringLiteral(" after ") + duration(work->end - work->start) + QStringLiteral(" of work")
                          : QString()));
        // A plain request's answer: the client has been waiting all along, and this is when it stops.
        if (request && m.state == Message::State::Delivered && request->sentAt != NoTime) {
            add(m.receivedAt, m.seq,
                QStringLiteral("The answer arrives: ") + client + QStringLiteral(" waited ")
                    + duration(m.receivedAt - request->sentAt) + QStringLiteral(" from request to answer"));
        }
    }

    void serverSentEvent(const Message& m)
    {
        if (isComment(m)) {
            add(m.sentAt, m.seq,
                name(m.from) + QStringLiteral(" sends a heartbeat comment to keep the quiet stream open"));
            return;
        }
        const QString event
            = m.fields.id.isEmpty() ? QStringLiteral("an event") : QStringLiteral("event ") + m.fields.id;
        if (!m.carriesItems()) {
            add(m.sentAt, m.seq, name(m.from) + QStringLiteral(" sends ") + event + QStringLiteral(" down the stream"));
            return;
        }
        if (backlog(m)) {
            addBacklog(m);
            return;
        }
        add(m.sentAt, m.seq,
            sentence(items(m))
                + (fresh(m) ? QStringLiteral(" is produced and pushed at once as ") : QStringLiteral(" is pushed as "))
                + event + QStringLiteral(" on the open stream"));
    }

    void webSocketData(const Message& m)
    {
        const QString control = controlType(m);
        if (control == QLatin1String("subscribe") || control == QLatin1String("unsubscribe")) {
            add(m.sentAt, m.seq, name(m.from) + u' ' + control + QStringLiteral("s to ") + controlTopics(m));
            return;
        }
        if (control == QLatin1String("ack")) {
            const QString id
                = m.fields.id.isEmpty() ? jsonBody(m).value(QLatin1String("id")).toString() : m.fields.id.toString();
            add(m.sentAt, m.seq, name(m.from) + QStringLiteral(" acknowledges #") + id);
            return;
        }
        if (m.kind == Message::Kind::BrokerControl && !m.fields.method.isEmpty()) {
            add(m.sentAt, m.seq,
                name(m.from) + QStringLiteral(" sends ") + m.fields.method.toString() + QStringLiteral(" to ")
                    + name(m.to)
                    + QStringLiteral(": the broker protocol's own bookkeeping, no message of the application"));
            return;
        }
        if (!m.carriesItems()) {
            add(m.sentAt, m.seq,
                name(m.from) + QStringLiteral(" sends a message of its own to ") + name(m.to)
                    + QStringLiteral(" on the same connection"));
            return;
        }
        if (backlog(m)) {
            addBacklog(m);
            return;
        }
        const bool now = fresh(m);
        const QString what = items(m);
        fanOut(m, QStringLiteral("push:") + QString::number(m.from) + u':' + QString::number(m.lastItem),
            [this, m, now, what](const Draft& d) -> QString {
                return sentence(what + (now ? QStringLiteral(" is produced; ") : QStringLiteral(" is ready; "))
                    + name(m.from) + QStringLiteral(" pushes it at once to ") + joined(d.who));
            });
    }

    void webSocketClose(const Message& m)
    {
        QString code;
        if (m.fields.closeCode >= 0)
            code = QStringLiteral(" (") + QString::number(m.fields.closeCode)
                + (m.fields.reason.isEmpty() ? QString() : QStringLiteral(", ") + m.fields.reason) + u')';
        // The first close of a connection starts the closing handshake; the other side's answers it.
        const bool first = m_firstClose.value(m.connection, m.seq) == m.seq;
        add(m.sentAt, m.seq,
            first ? QString(name(m.from) + QStringLiteral(" starts closing the WebSocket") + code)
                  : QString(name(m.from) + QStringLiteral(" answers the close") + code
                      + QStringLiteral("; the WebSocket is closed")));
    }

    // Several of the same message to different receivers at one moment: one caption naming them all.
    void fanOut(const Message& m, const QString& group, std::function<QString(const Draft&)> make)
    {
        Draft draft;
        draft.at = m.sentAt;
        draft.message = m.seq;
        draft.group = group;
        draft.who = QStringList { name(m.to) };
        draft.make = std::move(make);
        addGrouped(draft);
    }

    void callback(const Message& m)
    {
        // Attempts are told apart by their correlation; a copy with the same one is the HTTP client
        // sending the attempt again on a new connection.
        QList<Text> attempts;
        bool copy = false;
        const Message* next = nullptr; // the next message of this job: a copy or the next attempt
        static const std::vector<qint64> none;
        const auto job = m_callbacksOfJob.constFind(m.fields.id);
        const std::vector<qint64>& ofJob = job == m_callbacksOfJob.constEnd() ? none : *job;
        for (const qint64 seq : ofJob) {
            const Message& other = m_trace.message(seq);
            if (seq > m.seq) {
                next = &other;
                break;
            }
            if (!attempts.contains(other.correlation))
                attempts.append(other.correlation);
            if (seq < m.seq && other.correlation == m.correlation)
                copy = true;
        }
        const int attempt = int(attempts.indexOf(m.correlation)) + 1;
        const QString server = name(m.from);
        if (copy) {
            add(m.sentAt, m.seq, server + QStringLiteral(" sends attempt %1 again on a new connection").arg(attempt));
        } else {
            add(m.sentAt, m.seq,
                server + QStringLiteral(" calls back: ") + m.fields.method + u' ' + m.fields.target
                    + QStringLiteral(" with the result of job ") + m.fields.id
                    + (attempt > 1 ? QStringLiteral(" (attempt %1)").arg(attempt) : QString()));
        }
        if (m.state != Message::State::Lost)
            return;
        const Connection* connection = m_connections.value(m.connection);
        const bool refused = connection && connection->closeReason == QLatin1String("refused");
        const QString why = refused ? QStringLiteral("the receiver is down (connection refused)")
                                    : QStringLiteral("no answer came back");
        if (next && next->correlation == m.correlation) {
            add(m.receivedAt, m.seq,
                (refused ? QStringLiteral("The receiver is down: the connection is refused; ")
                         : QStringLiteral("No answer; "))
                    + server + QStringLiteral(" tries attempt %1 again at once").arg(attempt));
            return;
        }
        QString then;
        if (next) {
            // The wait is counted to the new attempt's connection, opened just before it is sent.
            const Connection* nextConnection = m_connections.value(next->connection);
            const TimeUs start = nextConnection ? std::min(nextConnection->openedAt, next->sentAt) : next->sentAt;
            then = QStringLiteral("; next try in ") + duration(start - m.receivedAt);
        } else {
            then = QStringLiteral("; no further try in this run");
        }
        add(m.receivedAt, m.seq, QStringLiteral("Attempt %1 of the callback failed: ").arg(attempt) + why + then);
    }

    void connect(const Message& m)
    {
        // Told only when nothing follows it at once on the same connection (the request says more).
        const auto& messages = m_trace.messages();
        for (size_t i = size_t(m.seq) + 1; i < messages.size(); ++i) {
            const Message& other = messages[i];
            if (other.connection != m.connection || other.kind == Message::Kind::Connect)
                continue;
            if (other.sentAt - m.sentAt <= SameMoment)
                return;
            break;
        }
        add(m.sentAt, m.seq, name(m.from) + QStringLiteral(" opens a TCP connection to ") + name(m.to));
    }

    void narrate(const Activation& activation)
    {
        const QString who = name(activation.participant);
        const TimeUs end = activation.end == NoTime ? m_trace.endTime() : activation.end;
        const auto found = m_requestOfActivation.constFind(activation.id);
        const Message* request = found == m_requestOfActivation.constEnd() ? nullptr : &m_trace.message(*found);
        const qint64 seq = request ? request->seq : -1;
        if (isHold(activation)) {
            const qint64 since = request ? sinceOf(request->fields.target) : -1;
            const QString whose
                = request ? name(request->from) + QStringLiteral("'s request") : QStringLiteral("the request");
            add(activation.start, seq,
                (since > 0 ? QStringLiteral("Nothing newer than item %1: ").arg(since)
                           : QStringLiteral("Nothing new: "))
                    + who + QStringLiteral(" holds ") + whose + QStringLiteral(" open"));
            // Not retold just before the hold ends: the answer then says how long it was.
            for (TimeUs t = activation.start + HoldTick; t + HoldTick / 4 < end; t += HoldTick) {
                add(t, seq,
                    QStringLiteral("Still nothing new: ") + who + QStringLiteral(" holds ") + whose
                        + QStringLiteral(" (") + duration(t - activation.start) + QStringLiteral(" so far)"));
            }
            return;
        }
        // Work too short to see is not worth a line.
        if (end - activation.start < 1000)
            return;
        QString job;
        if (request) {
            const auto answer = m_responses.constFind(request->correlation);
            if (answer != m_responses.constEnd() && m_trace.message(*answer).fields.status == 202)
                job = m_trace.message(*answer).fields.id;
        }
        if (request && job.isEmpty() && request->state == Message::State::Delivered) {
            add(activation.start, seq,
                QStringLiteral("The request arrives after ") + duration(request->receivedAt - request->sentAt)
                    + QStringLiteral("; ") + who + QStringLiteral(" works on it"));
        } else {
            add(activation.start, seq,
                who + QStringLiteral(" works on ")
                    + (job.isEmpty() ? QStringLiteral("the request") : QStringLiteral("job ") + job));
        }
    }

    void narrate(const Note& note)
    {
        if (note.item < 0 || m_producedAt.value(note.item) != note.at)
            return;
        // Told with the message that carries it when one leaves at once.
        for (qint64 seq : m_trace.messagesSentBetween(note.at, note.at + SameMoment)) {
            const Message& m = m_trace.message(seq);
            if (m.carriesItems() && m.firstItem <= note.item && note.item <= m.lastItem)
                return;
        }
        add(note.at, -1,
            QStringLiteral("Item %1 is produced on ").arg(note.item) + name(note.participant)
                + QStringLiteral("; it waits until someone asks"));
    }

    void narrate(const Connection& connection)
    {
        if (connection.closeReason != QLatin1String("cut") || connection.closedAt == NoTime)
            return;
        const QString who = name(connection.client);
        // The client's first connection opened since this one was cut.
        const Connection* next = nullptr;
        const std::vector<const Connection*>& opened = *m_connectionsOf.constFind(connection.client); // it is one
        const auto after = std::lower_bound(opened.begin(), opened.end(), connection.closedAt,
            [](const Connection* c, TimeUs t) { return c->openedAt < t; });
        if (after != opened.end())
            next = *after;
        if (!next) {
            add(connection.closedAt, -1,
                QStringLiteral("The link is cut: the run ends before ") + who + QStringLiteral(" reconnects"));
            return;
        }
        QString how;
        const auto request = m_firstRequest.constFind(next->id);
        if (request != m_firstRequest.constEnd()) {
            const Message& m = m_trace.message(*request);
            const QByteArray last = header(m, "Last-Event-ID");
            const qint64 since = sinceOf(m.fields.target);
            if (!last.isNull())
                how = QStringLiteral(" with Last-Event-ID: ") + QString::fromLatin1(last);
            else if (since >= 0)
                how = QStringLiteral(", asking for items after %1").arg(since);
        }
        Draft draft;
        draft.at = connection.closedAt;
        draft.group = QStringLiteral("cut:") + duration(next->openedAt - connection.closedAt) + how;
        draft.who = QStringList { who };
        const QString wait = duration(next->openedAt - connection.closedAt);
        draft.make = [wait, how](const Draft& d) -> QString {
            if (d.who.size() == 1) {
                return QStringLiteral("The link is cut: ") + d.who.first() + QStringLiteral(" waits ") + wait
                    + QStringLiteral(", then reconnects") + how;
            }
            return QStringLiteral("The links are cut: ") + joined(d.who) + QStringLiteral(" wait about ") + wait
                + QStringLiteral(", then reconnect") + how;
        };
        addGrouped(draft);
    }

    QList<Caption> finish()
    {
        std::stable_sort(
            m_entries.begin(), m_entries.end(), [](const Entry& a, const Entry& b) { return a.at < b.at; });
        QList<Caption> captions;
        captions.reserve(qsizetype(m_entries.size()));
        QHash<QString, qsizetype> openGroups; // group -> its first draft, while its moment lasts
        std::vector<std::pair<qsizetype, qsizetype>> toMake; // caption -> the draft that makes its text
        for (Entry& entry : m_entries) {
            if (entry.grouped < 0) {
                captions.append(Caption { entry.at, std::move(entry.text), entry.message });
                continue;
            }
            const Draft& draft = m_grouped[size_t(entry.grouped)];
            const auto it = openGroups.constFind(draft.group);
            if (it != openGroups.constEnd()) {
                Draft& first = m_grouped[size_t(*it)];
                if (draft.at - first.at <= SameMoment) {
                    for (const QString& who : std::as_const(draft.who)) {
                        if (!first.who.contains(who))
                            first.who.append(who);
                    }
                    if (draft.firstItem >= 0) {
                        first.firstItem
                            = first.firstItem < 0 ? draft.firstItem : std::min(first.firstItem, draft.firstItem);
                        first.lastItem = std::max(first.lastItem, draft.lastItem);
                    }
                    continue;
                }
            }
            openGroups.insert(draft.group, entry.grouped);
            toMake.emplace_back(captions.size(), entry.grouped);
            captions.append(Caption { draft.at, Text(), draft.message });
        }
        for (const auto& [caption, grouped] : toMake) {
            const Draft& draft = m_grouped[size_t(grouped)];
            captions[caption].text = kept(draft.make(draft));
        }
        captions.squeeze();
        return captions;
    }

    const Trace& m_trace;
    const Texts m_form; // whether plain requests keep their texts
    QHash<qint64, TimeUs> m_producedAt; // item -> when it was produced
    std::multimap<TimeUs, const Activation*> m_activationsByStart;
    QHash<int, const Connection*> m_connections;
    QHash<int, std::vector<const Connection*>> m_connectionsOf; // client -> its connections by opening time
    QHash<Text, qint64> m_requests; // correlation -> the request's seq
    QHash<int, qint64> m_firstRequest; // connection -> its first request
    QHash<Text, qint64> m_responses; // correlation -> the first response's seq
    QHash<qint64, qint64> m_requestOfActivation; // activation id -> the request it serves
    QHash<int, qint64> m_firstClose; // connection -> its first ws-close
    QHash<Text, std::vector<qint64>> m_callbacksOfJob; // job id -> its callbacks, in order
    mutable QHash<int, QString> m_names; // participant -> how a caption names it
    QSet<Text> m_texts; // every wording told so far, once
    std::vector<Entry> m_entries;
    std::vector<Draft> m_grouped;
};

} // namespace

QList<Caption> captions(const Trace& trace, const QString& patternId, const std::function<bool()>& going, Texts texts)
{
    Q_UNUSED(patternId)
    return Narrator(trace, texts).run(going);
}

QString text(const Trace& trace, const Caption& caption)
{
    if (!caption.text.isEmpty() || caption.message < 0 || caption.message >= qint64(trace.messages().size()))
        return caption.text;
    const Message& m = trace.message(caption.message);
    return sentence(plainRequest(participantName(trace, m.from), m));
}

int captionAt(const QList<Caption>& captions, TimeUs t)
{
    const auto it = std::upper_bound(
        captions.begin(), captions.end(), t, [](TimeUs time, const Caption& c) { return time < c.at; });
    return int(it - captions.begin()) - 1;
}

QString duration(TimeUs us)
{
    if (us < 0)
        us = 0;
    const double ms = us / 1000.0;
    if (ms < 1000) {
        // Two significant digits: 812 ms reads "810 ms", 96.4 ms "96 ms".
        if (ms < 10)
            return QStringLiteral("%1 ms").arg(qRound(ms));
        const double step = ms < 100 ? 1 : 10;
        const qint64 rounded = qRound64(ms / step) * qint64(step);
        if (rounded < 1000)
            return QStringLiteral("%1 ms").arg(rounded);
    }
    const double s = ms / 1000.0;
    if (s < 9.95) {
        const double tenths = qRound(s * 10) / 10.0;
        return QString::number(tenths, 'f', tenths == qRound(tenths) ? 0 : 1) + QStringLiteral(" s");
    }
    return QStringLiteral("%1 s").arg(qRound64(s));
}

} // namespace PatternScope::Narration
