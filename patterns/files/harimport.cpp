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
//   and received at that time). _eventSourceMessages likewise give sse-event arrows.
// - Header and body previews are kept up to kMaxHeaders headers and kPreviewBytes bytes.
// - Entries without startedDateTime, request or response are skipped with a warning naming the entry.
#include "exports.h"
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
#include <QRegularExpression>
#include <QUrl>
#include <algorithm>

namespace PatternScope {

namespace {

constexpr qsizetype kPreviewBytes = 256;
constexpr qsizetype kMaxHeaders = 64;
constexpr qsizetype kMaxHeaderValue = 1024;

struct Frame {
    qint64 atUs = 0; // since the epoch
    bool send = true;
    int opcode = 1;
    QString data;
};

struct SseMessage {
    qint64 atUs = 0;
    QString name;
    QString id;
    QString data;
};

struct HarEntry {
    qint64 startedUs = 0; // since the epoch
    qint64 beforeSendUs = 0; // blocked + dns + connect
    qint64 sendUs = 0;
    qint64 waitUs = 0;
    qint64 receiveUs = 0;
    QString method;
    QString url;
    QString host;
    HeaderList requestHeaders;
    QByteArray requestBody;
    qint64 requestBytes = 0;
    int status = 0;
    QString statusText;
    HeaderList responseHeaders;
    QByteArray responseBody;
    qint64 responseBytes = 0;
    qint64 contentSize = -1;
    QString connection;
    std::vector<Frame> frames;
    std::vector<SseMessage> events;
};

// Like the trace reader: characters up to U+00FF stand for one byte each, anything else is UTF-8.
QByteArray bytesOf(const QString& text)
{
    for (const QChar c : text) {
        if (c.unicode() > 0xff)
            return text.toUtf8();
    }
    return text.toLatin1();
}

HeaderList headersOf(const QJsonValue& value)
{
    HeaderList result;
    for (const QJsonValue& header : value.toArray()) {
        if (result.size() == kMaxHeaders)
            break;
        const QJsonObject object = header.toObject();
        const QString name = object.value(QLatin1String("name")).toString();
        if (!name.isEmpty())
            result.append(
                { bytesOf(name), bytesOf(object.value(QLatin1String("value")).toString()).left(kMaxHeaderValue) });
    }
    return result;
}

qint64 msToUs(double ms)
{
    return qRound64(ms * 1000.0);
}

// A timing phase in microseconds; absent or -1 (did not happen) count as nothing.
qint64 phaseUs(const QJsonObject& timings, const char* name)
{
    const double ms = timings.value(QLatin1String(name)).toDouble(-1);
    return ms > 0 ? msToUs(ms) : 0;
}

bool parseDateTime(const QString& text, qint64* epochUs)
{
    QDateTime when = QDateTime::fromString(text, Qt::ISODateWithMs);
    // Qt reads at most milliseconds; keep the rest of a longer fraction by hand.
    qint64 extraUs = 0;
    if (!when.isValid()) {
        static const QRegularExpression longFraction(QStringLiteral("^(.*T\\d\\d:\\d\\d:\\d\\d\\.\\d{3})(\\d+)(.*)$"));
        const QRegularExpressionMatch match = longFraction.match(text);
        if (!match.hasMatch())
            return false;
        when = QDateTime::fromString(match.captured(1) + match.captured(3), Qt::ISODateWithMs);
        extraUs = QString(match.captured(2) + QStringLiteral("000")).left(3).toLongLong();
    }
    if (!when.isValid())
        return false;
    *epochUs = when.toMSecsSinceEpoch() * 1000 + extraUs;
    return true;
}

// A frame's fields and its label, made from them.
void describeFrame(const Frame& frame, const QByteArray& payload, Message* m)
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

// Reads one entry; returns why it cannot be used, or nothing.
QString readEntry(const QJsonObject& object, HarEntry* entry)
{
    const QJsonValue started = object.value(QLatin1String("startedDateTime"));
    if (!started.isString())
        return QStringLiteral("missing 'startedDateTime'");
    if (!parseDateTime(started.toString(), &entry->startedUs))
        return QStringLiteral("'startedDateTime' is not an ISO 8601 date: '%1'").arg(started.toString());
    const QJsonValue requestValue = object.value(QLatin1String("request"));
    if (!requestValue.isObject())
        return QStringLiteral("missing 'request'");
    const QJsonValue responseValue = object.value(QLatin1String("response"));
    if (!responseValue.isObject())
        return QStringLiteral("missing 'response'");
    const QJsonObject request = requestValue.toObject();
    const QJsonObject response = responseValue.toObject();
    entry->method = request.value(QLatin1String("method")).toString();
    entry->url = request.value(QLatin1String("url")).toString();
    const QUrl url(entry->url);
    if (entry->method.isEmpty() || !url.isValid() || url.host().isEmpty())
        return QStringLiteral("request without a method or an absolute URL");
    entry->host = url.port() >= 0 ? url.host() + u':' + QString::number(url.port()) : url.host();
    entry->requestHeaders = headersOf(request.value(QLatin1String("headers")));
    entry->requestBody = request.value(QLatin1String("postData"))
                             .toObject()
                             .value(QLatin1String("text"))
                             .toString()
                             .toUtf8()
                             .left(kPreviewBytes);
    const qint64 requestHead = request.value(QLatin1String("headersSize")).toInteger(-1);
    const qint64 requestBody = request.value(QLatin1String("bodySize")).toInteger(-1);
    entry->requestBytes = std::max<qint64>(requestHead, 0) + std::max<qint64>(requestBody, 0);

    entry->status = response.value(QLatin1String("status")).toInt(0);
    entry->statusText = response.value(QLatin1String("statusText")).toString();
    entry->responseHeaders = headersOf(response.value(QLatin1String("headers")));
    const QJsonObject content = response.value(QLatin1String("content")).toObject();
    entry->contentSize = content.value(QLatin1String("size")).toInteger(-1);
    const QString text = content.value(QLatin1String("text")).toString();
    entry->responseBody = content.value(QLatin1String("encoding")).toString() == QLatin1String("base64")
        ? QByteArray::fromBase64(text.toLatin1()).left(kPreviewBytes)
        : text.toUtf8().left(kPreviewBytes);
    const qint64 transfer = response.value(QLatin1String("_transferSize")).toInteger(-1);
    const qint64 responseHead = response.value(QLatin1String("headersSize")).toInteger(-1);
    const qint64 responseBody = response.value(QLatin1String("bodySize")).toInteger(-1);
    entry->responseBytes = transfer >= 0         ? transfer
        : responseHead >= 0 || responseBody >= 0 ? std::max<qint64>(responseHead, 0) + std::max<qint64>(responseBody, 0)
                                                 : std::max<qint64>(entry->contentSize, 0);

    const QJsonObject timings = object.value(QLatin1String("timings")).toObject();
    entry->beforeSendUs = phaseUs(timings, "blocked") + phaseUs(timings, "dns") + phaseUs(timings, "connect");
    entry->sendUs = phaseUs(timings, "send");
    entry->waitUs = phaseUs(timings, "wait");
    entry->receiveUs = phaseUs(timings, "receive");
    const QJsonValue connection = object.value(QLatin1String("connection"));
    entry->connection = connection.isString() ? connection.toString()
        : connection.isDouble()               ? QString::number(connection.toInteger())
                                              : QString();

    for (const QJsonValue& value : object.value(QLatin1String("_webSocketMessages")).toArray()) {
        const QJsonObject message = value.toObject();
        const QString type = message.value(QLatin1String("type")).toString();
        if ((type != QLatin1String("send") && type != QLatin1String("receive"))
            || !message.value(QLatin1String("time")).isDouble())
            continue; // Chrome also lists "error" pseudo-frames
        Frame frame;
        frame.send = type == QLatin1String("send");
        frame.atUs = msToUs(message.value(QLatin1String("time")).toDouble() * 1000.0);
        frame.opcode = message.value(QLatin1String("opcode")).toInt(1);
        frame.data = message.value(QLatin1String("data")).toString();
        entry->frames.push_back(frame);
    }
    for (const QJsonValue& value : object.value(QLatin1String("_eventSourceMessages")).toArray()) {
        const QJsonObject message = value.toObject();
        if (!message.value(QLatin1String("time")).isDouble())
            continue;
        SseMessage event;
        event.atUs = msToUs(message.value(QLatin1String("time")).toDouble() * 1000.0);
        event.name = message.value(QLatin1String("eventName")).toString();
        event.id = message.value(QLatin1String("eventId")).toString();
        event.data = message.value(QLatin1String("data")).toString();
        entry->events.push_back(event);
    }
    return {};
}

MessageFields requestFields(const HarEntry& entry)
{
    const QUrl url(entry.url);
    MessageFields fields;
    fields.method = entry.method;
    fields.target = url.path(QUrl::FullyEncoded);
    if (fields.target.isEmpty())
        fields.target = QStringLiteral("/");
    if (url.hasQuery())
        fields.target += u'?' + url.query(QUrl::FullyEncoded);
    fields.upgrade = url.scheme() == QLatin1String("ws") || url.scheme() == QLatin1String("wss");
    return fields;
}

class TraceBuilder {
public:
    TraceBuilder(Trace* trace, qint64 originUs)
        : m_trace(trace)
        , m_originUs(originUs)
    {
        m_browser = m_trace->addParticipant(QStringLiteral("Browser"), Participant::Role::Client);
    }

    void add(const HarEntry& entry)
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
        request.headers = entry.requestHeaders;
        request.bodyPreview = entry.requestBody;
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
        response.headers = entry.responseHeaders;
        response.bodyPreview = entry.responseBody;
        response.sentAt = arrived + entry.waitUs;
        const TimeUs end = response.sentAt + entry.receiveUs;
        m_trace->completeMessage(m_trace->addMessage(response), end);
        touchConnection(connection, end);

        for (const Frame& frame : entry.frames) {
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
            addMoment(m, payload, connection, frame.atUs);
        }
        for (const SseMessage& event : entry.events) {
            Message m;
            m.from = host;
            m.to = m_browser;
            m.kind = Message::Kind::SseEvent;
            m.fields.name = event.name;
            m.fields.id = event.id;
            m.label = Labels::serverSentEvent(m.fields);
            addMoment(m, event.data.toUtf8(), connection, event.atUs);
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

    int connectionFor(const HarEntry& entry, int host)
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
    void addMoment(Message m, const QByteArray& payload, int connection, qint64 atUs)
    {
        m.connection = connection;
        m.bytes = payload.size();
        m.bodyPreview = payload.left(kPreviewBytes);
        m.sentAt = std::max<TimeUs>(atUs - m_originUs, 0);
        m_trace->completeMessage(m_trace->addMessage(m), m.sentAt);
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
    const QString& name = path;
    const auto fail
        = [&](FileError::Code code, const QString& reason) { return FileError::fail(error, code, name + reason); };
    const auto notHar = [&](const QString& reason) { return fail(FileError::Code::BadInput, reason); };
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return fail(FileError::Code::Io, QStringLiteral(": cannot open: ") + file.errorString());
    QByteArray data = file.readAll();
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

    std::vector<HarEntry> parsed;
    parsed.reserve(size_t(entries.size()));
    for (qsizetype i = 0; i < entries.size(); ++i) {
        HarEntry entry;
        const QString problem = entries.at(i).isObject() ? readEntry(entries.at(i).toObject(), &entry)
                                                         : QStringLiteral("not a JSON object");
        if (problem.isEmpty())
            parsed.push_back(std::move(entry));
        else if (warnings)
            warnings->append(QStringLiteral("%1: log.entries[%2]: %3; entry skipped").arg(name).arg(i).arg(problem));
        if (progress && i % 256 == 255 && !progress(0.5 * double(i + 1) / double(entries.size())))
            return fail(FileError::Code::Cancelled, QStringLiteral(": import cancelled"));
    }
    // Browsers write entries in start order, but nothing in HAR promises it.
    std::stable_sort(
        parsed.begin(), parsed.end(), [](const HarEntry& a, const HarEntry& b) { return a.startedUs < b.startedUs; });
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
        header->parameters = { { QStringLiteral("file"), QFileInfo(path).fileName() },
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

} // namespace Import

} // namespace PatternScope
