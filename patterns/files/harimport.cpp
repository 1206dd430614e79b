// SPDX-License-Identifier: GPL-3.0-or-later
// HAR import: a browser's recording as a trace. The mapping:
// - Lifelines: "Browser" (client), then one server per host[:port] of the entries' URLs, in order of
//   first use. Time 0 is the earliest startedDateTime; the header's startedAt is that instant.
// - Per entry, from startedDateTime (s) and its timings (milliseconds, -1 = did not happen):
//   the request arrow leaves at s + blocked + dns + connect (ssl is part of connect in HAR 1.2, so it is
//   not added again) and arrives send later; the host is busy ("handle GET") for wait; the response
//   arrow leaves then and arrives receive later. A status of 0 (Chrome's failed requests) gives a request
//   arrow marked lost where its send ends, and no response.
// - Labels "GET /path?query" and "200 OK · 1.2 kB" (content size; left out when unknown).
// - _webSocketMessages: ws-text / ws-binary / ws-close / ws-ping / ws-pong arrows, "send" from Browser
//   to the host, "receive" back. HAR has one timestamp per frame, so these arrows are horizontal (sent
//   and received at that time). _eventSourceMessages likewise give sse-event arrows. Their `time` is
//   epoch seconds in Chrome's HARs and epoch milliseconds in Playwright's: the unit is the one that puts
//   the frame near its entry's startedDateTime (Har::momentUs); a frame near neither is left out with a
//   warning. A frame or event with a _state other than "delivered" (our export's "lost", "in-flight") is
//   a lost arrow; an event item with _text (a block that dispatched no event) is an arrow labelled by its
//   comment.
// - Header and body previews are kept up to kMaxHeaders headers and Har::PreviewBytes bytes.
// - Entries without startedDateTime, request or response are skipped with a warning naming the entry.
#include "eventstreamparser.h"
#include "exports.h"
#include "harentry.h"
#include "labels.h"
#include "units.h"
#include "wsframescanner.h"

#include <QCoreApplication>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>
#include <QMap>
#include <QUrl>
#include <algorithm>

namespace PatternScope {

namespace {

// A frame's fields and its label, made from them.
void describeFrame(const Har::Frame& frame, const QByteArray& payload, Message* m)
{
    m->fields.opcode = qint16(std::clamp(frame.opcode, 0, 0x7fff));
    switch (frame.opcode) {
    case 8: {
        const auto close = WebSocketFrameScanner::closeStatus(payload);
        m->fields.closeCode = close.code;
        m->fields.reason = close.reason;
        m->label = Labels::webSocketClose(m->fields);
        break;
    }
    case 9:
    case 10:
        m->label = Labels::webSocketPingPong(m->fields, frame.data);
        break;
    default:
        m->label = Labels::webSocketFrame(m->fields, payload.size());
        break;
    }
}

MessageFields requestFields(const Har::Entry& entry)
{
    const QUrl url(entry.url);
    MessageFields fields;
    fields.method = entry.method;
    fields.target = url.path(QUrl::FullyEncoded);
    if (fields.target.isEmpty())
        fields.target = QStringLiteral("/");
    if (url.hasQuery())
        fields.target = fields.target + u'?' + url.query(QUrl::FullyEncoded);
    fields.upgrade = url.scheme() == QLatin1String("ws") || url.scheme() == QLatin1String("wss");
    return fields;
}

// A stream block that dispatched no event: its comment (": hb 3"), else its first line.
QString blockLabel(const QString& text)
{
    EventStreamParser parser;
    parser.feed(text.toUtf8());
    parser.endOfStream();
    const QStringList comments = parser.takeComments();
    if (!comments.isEmpty())
        return QStringLiteral(": ") + comments.constFirst().trimmed();
    return text.section(u'\n', 0, 0).trimmed();
}

class TraceBuilder {
public:
    TraceBuilder(Trace* trace, qint64 originUs)
        : m_trace(trace)
        , m_originUs(originUs)
    {
        m_browser = m_trace->addParticipant(QStringLiteral("Browser"), Participant::Role::Client);
    }

    void add(const Har::Entry& entry)
    {
        const int host = hostParticipant(entry.host);
        const int connection = connectionFor(entry, host);
        const TimeUs start = entry.startedUs - m_originUs;
        Message request;
        request.from = m_browser;
        request.to = host;
        request.kind = Message::Kind::HttpRequest;
        request.fields = requestFields(entry);
        request.label = Labels::httpRequest(request.fields);
        request.connection = connection;
        request.bytes = entry.requestBytes;
        request.setHeaders(entry.requestHeaders);
        request.setBodyPreview(entry.requestBody);
        if (entry.status == 0) {
            // Failed before an answer: the request arrow ends where its sending ended.
            const TimeUs sent = start + (entry.sendUs > 0 ? entry.beforeSendUs : 0);
            request.sentAt = sent;
            m_trace->loseMessage(m_trace->addMessage(request), sent + entry.sendUs);
            touchConnection(connection, sent + entry.sendUs);
            return;
        }
        request.sentAt = start + entry.beforeSendUs;
        const TimeUs arrived = request.sentAt + entry.sendUs;
        m_trace->completeMessage(m_trace->addMessage(request), arrived);
        if (entry.waitUs > 0)
            m_trace->endActivation(m_trace->beginActivation(host, QStringLiteral("handle ") + entry.method, arrived),
                arrived + entry.waitUs);
        Message response;
        response.from = host;
        response.to = m_browser;
        response.kind = Message::Kind::HttpResponse;
        response.fields.status = qint16(std::clamp(entry.status, 0, 0x7fff));
        response.fields.reason = entry.statusText;
        response.label = Labels::httpResponse(
            response.fields, entry.contentSize >= 0 ? Units::decimalSize(entry.contentSize) : QString());
        response.connection = connection;
        response.bytes = entry.responseBytes;
        response.setHeaders(entry.responseHeaders);
        response.setBodyPreview(entry.responseBody);
        response.sentAt = arrived + entry.waitUs;
        const TimeUs end = response.sentAt + entry.receiveUs;
        m_trace->completeMessage(m_trace->addMessage(response), end);
        touchConnection(connection, end);

        for (const Har::Frame& frame : entry.frames) {
            Message m;
            m.from = frame.send ? m_browser : host;
            m.to = frame.send ? host : m_browser;
            const bool base64 = frame.opcode == 0 || frame.opcode == 2 || frame.opcode == 8;
            const QByteArray payload = base64 ? QByteArray::fromBase64(frame.data.toLatin1()) : frame.data.toUtf8();
            m.kind = frame.opcode == 1 ? Message::Kind::WsText
                : frame.opcode == 8    ? Message::Kind::WsClose
                : frame.opcode == 9    ? Message::Kind::WsPing
                : frame.opcode == 10   ? Message::Kind::WsPong
                                       : Message::Kind::WsBinary;
            describeFrame(frame, payload, &m);
            addMoment(m, payload, connection, frame.atUs, frame.lost);
        }
        for (const Har::SseMessage& event : entry.events) {
            Message m;
            m.from = host;
            m.to = m_browser;
            m.kind = Message::Kind::SseEvent;
            m.fields.name = event.name;
            m.fields.id = event.id;
            if (event.text.isNull()) {
                m.label = Labels::serverSentEvent(m.fields);
                addMoment(m, event.data.toUtf8(), connection, event.atUs, event.lost);
            } else {
                m.label = blockLabel(event.text);
                addMoment(m, event.text.toUtf8(), connection, event.atUs, event.lost);
            }
        }
    }

    // Connections end where their last message ends; HAR does not say when they closed.
    void closeConnections()
    {
        for (auto it = m_connectionEnds.cbegin(); it != m_connectionEnds.cend(); ++it)
            m_trace->closeConnection(it.key(), 0, 0, QString(), it.value());
    }

private:
    int hostParticipant(const QString& host)
    {
        auto it = m_hosts.constFind(host);
        if (it != m_hosts.constEnd())
            return *it;
        const int id = m_trace->addParticipant(host, Participant::Role::Server);
        m_hosts.insert(host, id);
        return id;
    }

    int connectionFor(const Har::Entry& entry, int host)
    {
        if (entry.connection.isEmpty())
            return -1;
        const QString key = entry.host + u'\n' + entry.connection;
        auto it = m_connections.constFind(key);
        if (it != m_connections.constEnd())
            return *it;
        const int id = m_trace->openConnection(m_browser, host, std::max<TimeUs>(entry.startedUs - m_originUs, 0));
        m_connections.insert(key, id);
        return id;
    }

    // WebSocket frames and SSE events have one timestamp each (since the epoch): their arrows are
    // horizontal, sent and received then.
    void addMoment(Message m, const QByteArray& payload, int connection, qint64 atUs, bool lost)
    {
        m.connection = connection;
        m.bytes = payload.size();
        m.setBodyPreview(payload.left(Har::PreviewBytes));
        m.sentAt = std::max<TimeUs>(atUs - m_originUs, 0);
        const qint64 seq = m_trace->addMessage(m);
        if (lost)
            m_trace->loseMessage(seq, m.sentAt);
        else
            m_trace->completeMessage(seq, m.sentAt);
        touchConnection(connection, m.sentAt);
    }

    void touchConnection(int connection, TimeUs at)
    {
        if (connection >= 0)
            m_connectionEnds[connection] = std::max(m_connectionEnds.value(connection, 0), at);
    }

    Trace* m_trace;
    qint64 m_originUs;
    int m_browser = -1;
    QHash<QString, int> m_hosts;
    QHash<QString, int> m_connections;
    QMap<int, TimeUs> m_connectionEnds;
};

} // namespace

namespace Import {

bool har(const QString& path, Trace* trace, TraceHeader* header, FileError* error, const ExportProgress& progress,
    QStringList* warnings)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return FileError::fail(
            error, FileError::Code::Io, path + QStringLiteral(": cannot open: ") + file.errorString());
    return harData(file.readAll(), path, trace, header, error, progress, warnings);
}

bool harData(QByteArray data, const QString& name, Trace* trace, TraceHeader* header, FileError* error,
    const ExportProgress& progress, QStringList* warnings)
{
    const auto fail
        = [&](FileError::Code code, const QString& reason) { return FileError::fail(error, code, name + reason); };
    const auto notHar = [&](const QString& reason) { return fail(FileError::Code::BadInput, reason); };
    if (data.startsWith("\xEF\xBB\xBF"))
        data.remove(0, 3);
    if (data.trimmed().isEmpty())
        return notHar(QStringLiteral(":1: empty file, expected a HAR (JSON) document"));

    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(data, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        const QByteArrayView before(data.constData(), std::min<qsizetype>(parseError.offset, data.size()));
        const qsizetype line = before.count('\n') + 1;
        const qsizetype column = before.size() - (before.lastIndexOf('\n') + 1) + 1;
        return notHar(
            QStringLiteral(":%1: not valid JSON: %2 at column %3").arg(line).arg(parseError.errorString()).arg(column));
    }
    const QJsonObject log = document.object().value(QLatin1String("log")).toObject();
    if (!document.isObject() || !document.object().value(QLatin1String("log")).isObject())
        return notHar(QStringLiteral(": not a HAR file: no 'log' object at the top level"));
    const QJsonValue entriesValue = log.value(QLatin1String("entries"));
    if (!entriesValue.isArray())
        return notHar(entriesValue.isUndefined() ? QStringLiteral(": not a HAR file: 'log' has no 'entries'")
                                                 : QStringLiteral(": not a HAR file: 'log.entries' is not an array"));
    const QJsonArray entries = entriesValue.toArray();

    std::vector<Har::Entry> parsed;
    parsed.reserve(size_t(entries.size()));
    for (qsizetype i = 0; i < entries.size(); ++i) {
        Har::Entry entry;
        QStringList skipped;
        const QString problem = entries.at(i).isObject() ? Har::readEntry(entries.at(i).toObject(), &entry, &skipped)
                                                         : QStringLiteral("not a JSON object");
        if (problem.isEmpty())
            parsed.push_back(std::move(entry));
        else if (warnings)
            warnings->append(QStringLiteral("%1: log.entries[%2]: %3; entry skipped").arg(name).arg(i).arg(problem));
        if (warnings) {
            for (const QString& what : std::as_const(skipped))
                warnings->append(QStringLiteral("%1: log.entries[%2].%3").arg(name).arg(i).arg(what));
        }
        if (progress && i % 256 == 255 && !progress(0.5 * double(i + 1) / double(entries.size())))
            return fail(FileError::Code::Cancelled, QStringLiteral(": import cancelled"));
    }
    // Browsers write entries in start order, but nothing in HAR promises it.
    std::stable_sort(parsed.begin(), parsed.end(),
        [](const Har::Entry& a, const Har::Entry& b) { return a.startedUs < b.startedUs; });
    const qint64 origin = parsed.empty() ? 0 : parsed.front().startedUs;

    trace->clear();
    TraceBuilder builder(trace, origin);
    for (size_t i = 0; i < parsed.size(); ++i) {
        builder.add(parsed[i]);
        if (progress && i % 256 == 255)
            progress(0.5 + 0.5 * double(i + 1) / double(parsed.size()));
    }
    builder.closeConnections();

    if (header) {
        const QJsonObject creator = log.value(QLatin1String("creator")).toObject();
        *header = TraceHeader();
        header->appVersion = QCoreApplication::applicationVersion();
        header->pattern = QStringLiteral("har-import");
        header->parameters = { { QStringLiteral("file"), QFileInfo(name).fileName() },
            { QStringLiteral("creator"),
                QString(creator.value(QLatin1String("name")).toString() + u' '
                    + creator.value(QLatin1String("version")).toString())
                    .trimmed() } };
        if (!parsed.empty())
            header->startedAt = QDateTime::fromMSecsSinceEpoch(origin / 1000, Qt::UTC);
    }
    if (progress)
        progress(1.0);
    return true;
}

bool isHar(const QString& path)
{
    if (path.endsWith(QLatin1String(".har"), Qt::CaseInsensitive))
        return true;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return false;
    // A HAR is one JSON object whose member is "log"; a trace's first line is an object starting with "t".
    QByteArray start = file.read(4096);
    if (start.startsWith("\xEF\xBB\xBF"))
        start.remove(0, 3);
    const QByteArray compact = start.simplified().replace(' ', QByteArray());
    return compact.startsWith("{\"log\":");
}

} // namespace Import

} // namespace PatternScope
