// SPDX-License-Identifier: GPL-3.0-or-later
// HAR 1.2 export. How the trace maps onto HAR, where HAR leaves a choice:
// - An entry is an http-request (or a callback: the server's POST to a client's receiver) sent in the range
//   and its http-response (taken even when sent after the range), paired by correlation key, else by order
//   on their connection. Entries follow request send time.
// - Times come from the run's one monotonic clock, so client and server times compare directly:
//   send = request flight (sent to received), wait = server time (request received to response sent),
//   receive = response flight; blocked, dns, connect and ssl are -1; time = send + wait + receive.
//   startedDateTime is header.startedAt + the request's send time, to the millisecond; the durations
//   keep microseconds (three decimals of a millisecond).
// - No answer: response.status 0 and response._error (as Chrome writes failed requests): "request lost"
//   (send lasts until the loss), "no response before the trace ended" (wait lasts until the end of the
//   trace), "request still in flight when the trace ended". A lost or unfinished answer keeps its status
//   and says so in _error.
// - WebSocket: the upgrade entry (ws:// URL, status 101) has _resourceType "websocket" and
//   _webSocketMessages like Chrome's: {type "send"|"receive" from the client's side, time in epoch
//   seconds, opcode, data}. Chrome itself lists only data frames; we list every recorded frame with its
//   RFC 6455 opcode (0 continuation, 1 text, 2 binary, 8 close, 9 ping, 10 pong), publish-subscribe's
//   publish and deliver envelopes included. Text, ping and pong payloads are written as text, the others
//   as base64 (like Chrome's binary frames). A send frame is at its send time; a receive frame at its
//   arrival. A frame that never arrived is listed too, with _state "lost" (at the loss) or "in-flight".
// - SSE: the text/event-stream entry has _resourceType "eventsource" and _eventSourceMessages
//   {time, eventName, eventId, data}, the fields of Chrome's EventSourceMessage (Chrome's own HAR export
//   does not write them); one per dispatched event, at its arrival; a block that dispatches no event (a
//   heartbeat comment) as one item with its text in _text. Undelivered ones with _state, as frames.
// - Bodies are previews: content.comment says so when the preview is shorter than the body.
#include "exportcommon.h"
#include "exports.h"
#include "harextensions.h"

#include <QDateTime>
#include <QHash>
#include <QIODevice>
#include <QUrl>
#include <QUrlQuery>
#include <limits>

namespace PatternScope {

namespace {

using namespace Har;

constexpr int kProgressEvery = 256;

// A host name a URL can carry: letters, digits, '-', '.', and an optional :port.
bool usableHost(const QString& name)
{
    if (name.isEmpty())
        return false;
    for (const QChar c : name) {
        if (!(c.isLetterOrNumber() && c.unicode() < 0x80) && c != u'-' && c != u'.' && c != u':')
            return false;
    }
    return true;
}

// A request of its own entry: the HTTP requests, and the callbacks a server POSTs to a client's receiver.
bool isRequest(Message::Kind kind)
{
    return kind == Message::Kind::HttpRequest || kind == Message::Kind::Callback;
}

struct Exchange {
    qint64 request = -1;
    qint64 response = -1;
};

class HarWriter {
public:
    HarWriter(const Trace& trace, const TraceHeader& header, const ExportRange& range)
        : m_trace(trace)
        , m_range(range)
    {
        m_epochUs = header.startedAt.isValid() ? header.startedAt.toMSecsSinceEpoch() * 1000 : 0;
        m_appVersion = header.appVersion;
        m_seqs = ExportCommon::messagesInRange(m_trace, m_range);
    }

    QList<Exchange> exchanges() const
    {
        const auto& messages = m_trace.messages();
        const auto& order = m_trace.sentOrder();
        std::vector<bool> used(messages.size(), false);
        QHash<QString, QList<qint64>> byCorrelation; // responses in send order
        QHash<int, QList<qint64>> byConnection;
        for (const qint64 seq : order) {
            const Message& m = messages[size_t(seq)];
            if (m.kind != Message::Kind::HttpResponse)
                continue;
            if (!m.correlation.isEmpty())
                byCorrelation[m.correlation].append(seq);
            if (m.connection >= 0)
                byConnection[m.connection].append(seq);
        }
        QHash<qint64, qint64> answer; // request seq -> response seq
        const auto take = [&](const QList<qint64>& candidates, const Message& request, bool sameCorrelation) {
            for (const qint64 seq : candidates) {
                const Message& r = messages[size_t(seq)];
                if (used[size_t(seq)] || r.from != request.to || r.to != request.from || r.sentAt < request.sentAt)
                    continue;
                if (sameCorrelation && request.connection >= 0 && r.connection >= 0
                    && r.connection != request.connection)
                    continue;
                used[size_t(seq)] = true;
                answer.insert(request.seq, seq);
                return;
            }
        };
        // First by correlation, then the leftovers by order on their connection. A lost request got no
        // answer: it must not take the answer of the request sent again after it.
        for (const qint64 seq : order) {
            const Message& m = messages[size_t(seq)];
            if (isRequest(m.kind) && m.state != Message::State::Lost && !m.correlation.isEmpty())
                take(byCorrelation.value(m.correlation), m, true);
        }
        for (const qint64 seq : order) {
            const Message& m = messages[size_t(seq)];
            if (isRequest(m.kind) && m.state != Message::State::Lost && !answer.contains(seq) && m.connection >= 0)
                take(byConnection.value(m.connection), m, false);
        }
        QList<Exchange> result;
        for (const qint64 seq : rangeSeqs()) {
            if (isRequest(messages[size_t(seq)].kind))
                result.append({ seq, answer.value(seq, -1) });
        }
        return result;
    }

    const QList<qint64>& rangeSeqs() const { return m_seqs; }

    void writeLog(HarJson& json, const QList<Exchange>& exchanges, const ExportProgress& progress, bool* cancelled)
    {
        json.beginObject();
        json.beginObject("log");
        json.string("version", QStringLiteral("1.2"));
        json.beginObject("creator");
        json.string("name", QStringLiteral("PatternScope"));
        json.string("version", m_appVersion);
        json.endObject();
        json.beginArray("entries");
        for (qsizetype i = 0; i < exchanges.size(); ++i) {
            writeEntry(json, exchanges.at(i));
            if (progress && i % kProgressEvery == kProgressEvery - 1
                && !progress(double(i + 1) / double(exchanges.size()))) {
                *cancelled = true;
                return;
            }
        }
        json.endArray();
        json.endObject();
        json.endObject();
        json.bytes += '\n';
    }

private:
    // The request's URL: its absolute target, else its path on the host its Host header names, else on its
    // server's name, else on 127.0.0.1; the first that makes a URL with a host (what HAR import reads back).
    QString url(const Message& request, bool webSocket) const
    {
        const QString target = request.fields.target.isEmpty() ? QStringLiteral("/") : request.fields.target.toString();
        if (target.startsWith(QLatin1String("http://")) || target.startsWith(QLatin1String("https://"))
            || target.startsWith(QLatin1String("ws://")))
            return target;
        const QString scheme = webSocket ? QStringLiteral("ws://") : QStringLiteral("http://");
        const QString path = target.startsWith(u'/') ? target : u'/' + target;
        const Participant* server = m_trace.participant(request.to);
        const QString hosts[]
            = { QString::fromLatin1(headerValue(request.headers(), "Host")), server ? server->name : QString() };
        for (const QString& host : hosts) {
            const QString text = scheme + host + path;
            const QUrl url(text);
            if (usableHost(host) && url.isValid() && !url.host().isEmpty())
                return text;
        }
        return QUrl(scheme + QStringLiteral("127.0.0.1") + path).toString(QUrl::FullyEncoded);
    }

    void writeHeaders(HarJson& json, const HeaderList& headers)
    {
        json.beginArray("headers");
        for (const auto& header : headers) {
            json.beginObject();
            json.string("name", QString::fromLatin1(header.first));
            json.string("value", QString::fromLatin1(header.second));
            json.endObject();
        }
        json.endArray();
    }

    // Body and head sizes from what the trace knows: Content-Length, else nothing when there was no
    // body, else unknown (-1). The head is what is left of the message's bytes.
    static void sizes(const Message& m, qint64* headersSize, qint64* bodySize)
    {
        bool ok = false;
        const qint64 length = headerValue(m.headers(), "Content-Length").trimmed().toLongLong(&ok);
        if (ok && length >= 0)
            *bodySize = length;
        else if (m.bodyPreview().isEmpty() && !hasHeader(m.headers(), "Transfer-Encoding"))
            *bodySize = 0;
        else
            *bodySize = -1;
        *headersSize = m.bytes > 0 && *bodySize >= 0 && m.bytes >= *bodySize ? m.bytes - *bodySize : -1;
    }

    void writeEntry(HarJson& json, const Exchange& exchange)
    {
        const Message& request = m_trace.message(exchange.request);
        const Message* response = exchange.response >= 0 ? &m_trace.message(exchange.response) : nullptr;
        const bool webSocket = request.fields.upgrade
            || headerValue(request.headers(), "Upgrade").compare("websocket", Qt::CaseInsensitive) == 0;
        const bool eventStream
            = response && headerValue(response->headers(), "Content-Type").trimmed().startsWith("text/event-stream");

        // t0 request sent, t1 request received, t2 response sent, t3 response received.
        const TimeUs end = std::max(m_trace.endTime(), request.sentAt);
        const TimeUs t0 = request.sentAt;
        QString error;
        TimeUs t1 = request.receivedAt == NoTime ? end : request.receivedAt;
        TimeUs t2 = t1;
        TimeUs t3 = t1;
        if (response) {
            t2 = std::max(response->sentAt, t1);
            t3 = std::max(response->receivedAt == NoTime ? end : response->receivedAt, t2);
            if (response->state == Message::State::Lost)
                error = QStringLiteral("response lost");
            else if (response->state == Message::State::InFlight)
                error = QStringLiteral("response still in flight when the trace ended");
        } else if (request.state == Message::State::Lost) {
            error = QStringLiteral("request lost");
        } else if (request.state == Message::State::InFlight) {
            error = QStringLiteral("request still in flight when the trace ended");
        } else {
            t2 = t3 = end;
            error = QStringLiteral("no response before the trace ended");
        }

        json.beginObject();
        json.string("startedDateTime",
            QDateTime::fromMSecsSinceEpoch((m_epochUs + t0) / 1000, Qt::UTC).toString(Qt::ISODateWithMs));
        json.raw("time", msText(t3 - t0));

        const QString requestUrl = url(request, webSocket);
        qint64 headersSize = -1;
        qint64 bodySize = -1;
        json.beginObject("request");
        json.string("method", request.fields.method.isEmpty() ? QStringLiteral("GET") : request.fields.method.toString());
        json.string("url", requestUrl);
        json.string("httpVersion", QStringLiteral("HTTP/1.1"));
        json.beginArray("cookies");
        json.endArray();
        writeHeaders(json, request.headers());
        json.beginArray("queryString");
        for (const auto& item : QUrlQuery(QUrl(requestUrl)).queryItems(QUrl::FullyDecoded)) {
            json.beginObject();
            json.string("name", item.first);
            json.string("value", item.second);
            json.endObject();
        }
        json.endArray();
        sizes(request, &headersSize, &bodySize);
        json.number("headersSize", headersSize);
        json.number("bodySize", bodySize);
        if (!request.bodyPreview().isEmpty()) {
            json.beginObject("postData");
            json.string("mimeType", QString::fromLatin1(headerValue(request.headers(), "Content-Type")));
            writeBody(json, request.bodyPreview(), bodySize, true);
            json.endObject();
        }
        json.endObject();

        json.beginObject("response");
        const int status = response ? response->fields.status : 0;
        const QString statusText = response ? response->fields.reason.toString() : QString();
        const HeaderList noHeaders;
        const HeaderList& responseHeaders = response ? response->headers() : noHeaders;
        json.number("status", status);
        json.string("statusText", statusText);
        json.string("httpVersion", response ? QStringLiteral("HTTP/1.1") : QString());
        json.beginArray("cookies");
        json.endArray();
        writeHeaders(json, responseHeaders);
        headersSize = bodySize = -1;
        if (response)
            sizes(*response, &headersSize, &bodySize);
        json.beginObject("content");
        const QByteArray preview = response ? response->bodyPreview() : QByteArray();
        json.number("size", bodySize >= 0 ? bodySize : preview.size());
        const QByteArray mimeType = headerValue(responseHeaders, "Content-Type");
        json.string("mimeType", mimeType.isEmpty() ? QStringLiteral("x-unknown") : QString::fromLatin1(mimeType));
        if (!preview.isEmpty())
            writeBody(json, preview, bodySize, false);
        json.endObject();
        json.string("redirectURL", QString::fromLatin1(headerValue(responseHeaders, "Location")));
        json.number("headersSize", headersSize);
        json.number("bodySize", bodySize);
        if (!error.isEmpty())
            json.string("_error", error);
        json.endObject();

        json.beginObject("cache");
        json.endObject();
        json.beginObject("timings");
        json.number("blocked", -1);
        json.number("dns", -1);
        json.number("ssl", -1);
        json.number("connect", -1);
        json.raw("send", msText(t1 - t0));
        json.raw("wait", msText(t2 - t1));
        json.raw("receive", msText(t3 - t2));
        json.endObject();
        const int connection = request.connection >= 0 ? request.connection : (response ? response->connection : -1);
        if (connection >= 0)
            json.string("connection", QString::number(connection));
        if (webSocket && status == 101) {
            json.string("_resourceType", QStringLiteral("websocket"));
            writeWebSocketMessages(json, m_trace, rangeSeqs(), request, connection, m_epochUs);
        } else if (eventStream) {
            json.string("_resourceType", QStringLiteral("eventsource"));
            writeEventSourceMessages(json, m_trace, rangeSeqs(), *response, m_epochUs);
        }
        json.endObject();
    }

    // Text when the preview is UTF-8, else base64 (content.encoding; postData has no such field in
    // HAR 1.2, so it gets _encoding).
    void writeBody(HarJson& json, const QByteArray& preview, qint64 bodySize, bool postData)
    {
        if (isUtf8(preview)) {
            json.string("text", QString::fromUtf8(preview));
        } else {
            json.string("text", QString::fromLatin1(preview.toBase64()));
            json.string(postData ? "_encoding" : "encoding", QStringLiteral("base64"));
        }
        if (bodySize < 0 || preview.size() < bodySize)
            json.string("comment", QStringLiteral("text holds the first %1 bytes of the body").arg(preview.size()));
    }

    const Trace& m_trace;
    ExportRange m_range;
    QList<qint64> m_seqs; // the messages in the range, by send time
    qint64 m_epochUs = 0;
    QString m_appVersion;
};

} // namespace

namespace Export {

bool har(const Trace& trace, const TraceHeader& header, const ExportRange& range, QIODevice* out, FileError* error,
    const ExportProgress& progress)
{
    if (!out || !out->isWritable())
        return FileError::fail(error, FileError::Code::Io,
            QStringLiteral("cannot write the HAR file: the output is not open for writing"));
    HarWriter writer(trace, header, range);
    HarJson json;
    bool cancelled = false;
    writer.writeLog(json, writer.exchanges(), progress, &cancelled);
    if (cancelled)
        return FileError::fail(error, FileError::Code::Cancelled, QStringLiteral("HAR export cancelled"));
    if (out->write(json.bytes) != json.bytes.size())
        return FileError::fail(
            error, FileError::Code::Io, QStringLiteral("cannot write the HAR file: %1").arg(out->errorString()));
    if (progress)
        progress(1.0);
    return true;
}

} // namespace Export

} // namespace PatternScope
