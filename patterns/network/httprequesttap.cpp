// SPDX-License-Identifier: GPL-3.0-or-later
#include "httprequesttap.h"

#include "httpsyntax.h"
#include "labels.h"
#include "link.h"
#include "linkconnection.h"
#include "traceparent.h"
#include "units.h"

#include <QUrl>
#include <QUrlQuery>
#include <algorithm>

namespace PatternScope {

namespace {

constexpr qsizetype kMaxName = 40;

// "GET /poll?since=3" as far as the request line goes: the whole of it when the head is complete.
MessageFields requestFields(const QByteArray& head)
{
    MessageFields fields;
    QByteArray method;
    QByteArray target;
    if (HttpRequestScanner::splitRequestLine(head, &method, &target)) {
        fields.method = QString::fromLatin1(method);
        fields.target = QString::fromLatin1(target);
    }
    return fields;
}

} // namespace

HttpRecording::HttpRecording(Trace* trace, quint64 seed)
    : m_trace(trace)
    , m_random(seed ^ 0x5EEDULL)
{
}

int HttpRecording::outsideParticipant(const QString& name)
{
    auto it = m_outside.constFind(name);
    if (it != m_outside.constEnd())
        return *it;
    const int id = m_trace->addParticipant(name, Participant::Role::External);
    m_outside.insert(name, id);
    return id;
}

QByteArray HttpRecording::newTraceId()
{
    return TraceParent::randomId(m_random, 16);
}

QString HttpRecording::outsideName(const QByteArray& target, const QByteArray& userAgent)
{
    // Whoever joins from outside may name themselves (?client=alice); otherwise their software does.
    const QUrl url = QUrl::fromEncoded(target);
    QString name = QUrlQuery(url).queryItemValue(QStringLiteral("client"), QUrl::FullyDecoded).simplified();
    if (name.isEmpty()) {
        const QString agent = QString::fromLatin1(userAgent).simplified();
        for (const char* browser : { "Firefox", "Edg", "Chrome", "Safari" }) {
            if (agent.contains(QLatin1String(browser) + u'/'))
                return QLatin1String(browser) == QLatin1String("Edg") ? QStringLiteral("Edge") : QLatin1String(browser);
        }
        name = agent.section(u' ', 0, 0);
    }
    if (name.isEmpty())
        name = QStringLiteral("outside client");
    return name.left(kMaxName);
}

HttpRequestTap::HttpRequestTap(LinkConnection* connection, std::shared_ptr<HttpRecording> recording)
    : m_connection(connection)
    , m_recording(std::move(recording))
{
}

void HttpRequestTap::tapLink(Link* link, const std::shared_ptr<HttpRecording>& recording)
{
    link->setConnectionTap([recording](LinkConnection* connection) {
        connection->up()->setTap(std::make_unique<HttpRequestTap>(connection, recording));
    });
}

HttpRequestTap* HttpRequestTap::of(LinkConnection* connection)
{
    return connection ? dynamic_cast<HttpRequestTap*>(connection->up()->tap()) : nullptr;
}

void HttpRequestTap::read(QByteArrayView bytes, TimeUs at)
{
    m_readTotal += bytes.size();
    m_reads.push_back({ m_readTotal, at });
    const HttpRequestScanner::Result result = m_scanner.feed(bytes);
    for (const auto& request : result.heads)
        record(request);
    for (const auto& request : result.ends) {
        for (Recorded& recorded : m_waiting) {
            if (recorded.number == request.number)
                recorded.waiting.bytes = request.size;
        }
    }
    // Reads wholly before the request under way can no longer be where a request starts.
    const qint64 needed = m_scanner.current() ? m_scanner.current()->offset : m_readTotal;
    while (m_reads.size() > 1 && m_reads.front().first <= needed)
        m_reads.pop_front();
}

TimeUs HttpRequestTap::readTimeOf(qint64 offset) const
{
    for (const auto& read : m_reads) {
        if (read.first > offset)
            return read.second;
    }
    return m_reads.empty() ? m_recording->trace()->now() : m_reads.back().second;
}

void HttpRequestTap::identifyConnection(const QByteArray& head)
{
    if (m_connection->id() >= 0)
        return;
    // Only a link for outside clients has connections nobody has named yet: the first request names them.
    // Bytes that are no request at all name nobody.
    QByteArray method;
    QByteArray target;
    if (HttpRequestScanner::splitRequestLine(head, &method, &target)) {
        m_connection->identify(m_recording->outsideParticipant(
            HttpRecording::outsideName(target, HttpRequestScanner::headerValue(head, "User-Agent"))));
    }
    m_connection->ensureRecorded();
}

qint64 HttpRequestTap::record(const HttpRequestScanner::Request& request)
{
    Trace* trace = m_recording->trace();
    identifyConnection(request.head);
    const Link* link = m_connection->link();

    TraceParent parent;
    const bool traced = TraceParent::parse(HttpRequestScanner::headerValue(request.head, "traceparent"), &parent);
    const QString correlation = QString::fromLatin1(traced ? parent.traceId : m_recording->newTraceId());
    Message message;
    bool again = false;
    if (traced && m_connection->link()->takeAnnouncement(correlation, &message, &again)) {
        // One of ours: as it announced itself; Qt's HTTP client sends a request again, unasked, when
        // its kept-alive connection broke before any answer.
        if (again)
            message.label = message.label + QStringLiteral(" (sent again)");
    } else {
        message.kind = Message::Kind::HttpRequest;
        message.fields = requestFields(request.head);
        message.correlation = correlation;
        message.setHeaders(HttpSyntax::headFields(request.head));
        message.setBodyPreview(request.bodyPreview);
        if (request.headComplete) {
            message.label = Labels::httpRequest(message.fields);
        } else if (!message.fields.target.isEmpty()) {
            message.label = Labels::httpRequest(message.fields, QStringLiteral("incomplete"));
        } else {
            message.label = Labels::withDetail(QStringLiteral("not HTTP"), Units::exactBytes(request.size));
        }
    }
    message.from = m_connection->participant();
    message.to = link->server();
    message.connection = m_connection->id();
    message.sentAt = readTimeOf(request.offset);
    // Its size on the wire, as far as it is known now; the end of it, once read, says for sure.
    if (request.complete || !request.headComplete || request.bodyLength < 0)
        message.bytes = request.size;
    else
        message.bytes = request.headSize + request.bodyLength;
    const qint64 seq = trace->addMessage(message);
    m_waiting.push_back({ request.number, { seq, request.complete ? request.size : -1 } });
    return seq;
}

HttpRequestTap::Waiting HttpRequestTap::takeNext()
{
    if (m_waiting.empty())
        return {};
    const Waiting next = m_waiting.front().waiting;
    m_waiting.pop_front();
    return next;
}

qint64 HttpRequestTap::refuse(const QByteArray& traceparent, const QByteArray& requestLine, TimeUs at)
{
    Trace* trace = m_recording->trace();
    // Which of the requests sent was refused: the one the door names, else the oldest the server has
    // not taken, else the one still coming.
    TraceParent parent;
    const bool traced = TraceParent::parse(traceparent, &parent);
    QByteArray method;
    QByteArray target;
    const bool named = HttpRequestScanner::splitRequestLine(requestLine, &method, &target);
    if (target.endsWith("..."))
        target.chop(3); // the gate shortens long lines
    auto refused = std::find_if(m_waiting.begin(), m_waiting.end(), [&](const Recorded& recorded) {
        const Message& m = trace->message(recorded.waiting.seq);
        if (traced)
            return m.correlation == QString::fromLatin1(parent.traceId);
        return named && m.fields.method == QString::fromLatin1(method)
            && m.fields.target.startsWith(QString::fromLatin1(target));
    });
    if (refused == m_waiting.end() && !m_waiting.empty())
        refused = m_waiting.begin();

    qint64 seq = -1;
    qint64 bytes = -1;
    if (refused != m_waiting.end()) {
        seq = refused->waiting.seq;
        bytes = refused->waiting.bytes;
        // What came after it reaches nobody: the door closes behind its answer.
        for (auto later = refused + 1; later != m_waiting.end(); ++later)
            trace->loseMessage(later->waiting.seq, at);
        m_waiting.erase(refused, m_waiting.end());
    } else if (const HttpRequestScanner::Request* current = m_scanner.current(); current && !current->headComplete) {
        // Its head never came whole (too slow, too big, no HTTP): the arrow shows what came of it.
        seq = record(*current);
        m_waiting.pop_back();
        bytes = current->size;
    }
    if (seq >= 0)
        trace->completeMessage(seq, std::max(at, trace->message(seq).sentAt), m_connection->id(), bytes);
    return seq;
}

void HttpRequestTap::dropped(TimeUs at)
{
    // The connection ended with these still unserved: they never reached anyone.
    for (const Recorded& recorded : m_waiting)
        m_recording->trace()->loseMessage(recorded.waiting.seq, at);
    m_waiting.clear();
}

} // namespace PatternScope
