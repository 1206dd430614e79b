// SPDX-License-Identifier: GPL-3.0-or-later
#include "message.h"

#include <array>

namespace PatternScope {

namespace {

struct KindName {
    Message::Kind kind;
    const char* name;
};

constexpr std::array<KindName, MessageKindCount> kKindNames { {
    { Message::Kind::HttpRequest, "http-request" },
    { Message::Kind::HttpResponse, "http-response" },
    { Message::Kind::SseEvent, "sse-event" },
    { Message::Kind::WsText, "ws-text" },
    { Message::Kind::WsBinary, "ws-binary" },
    { Message::Kind::WsPing, "ws-ping" },
    { Message::Kind::WsPong, "ws-pong" },
    { Message::Kind::WsClose, "ws-close" },
    { Message::Kind::Publish, "publish" },
    { Message::Kind::Deliver, "deliver" },
    { Message::Kind::Callback, "callback" },
    { Message::Kind::Connect, "connect" },
    { Message::Kind::Close, "close" },
    { Message::Kind::BrokerControl, "broker-control" },
} };

constexpr std::array<const char*, 3> kStateNames { { "in-flight", "delivered", "lost" } };

// Headers and a body preview kept in memory: a message recorded live, or read the strict way.
class HeldPayload : public MessagePayload {
public:
    HeldPayload(const HeaderList& headers, const QByteArray& body)
        : m_headers(headers)
        , m_body(body)
    {
    }
    void read(qint64, HeaderList* headers, QByteArray* body) const override
    {
        if (headers)
            *headers = m_headers;
        if (body)
            *body = m_body;
    }

private:
    HeaderList m_headers;
    QByteArray m_body;
};

} // namespace

static_assert(sizeof(Message) <= 160, "a trace holds messages by the million: keep a message small");

MessagePayload::~MessagePayload() = default;

HeaderList Message::headers() const
{
    HeaderList result;
    if (hasHeaders())
        m_payload->read(m_payloadAt & kAt, &result, nullptr);
    return result;
}

QByteArray Message::bodyPreview() const
{
    QByteArray result;
    if (hasBodyPreview())
        m_payload->read(m_payloadAt & kAt, nullptr, &result);
    return result;
}

void Message::hold(const HeaderList& headers, const QByteArray& body)
{
    if (headers.isEmpty() && body.isEmpty()) {
        m_payload.reset();
        m_payloadAt = 0;
        return;
    }
    m_payload.reset(new HeldPayload(headers, body));
    m_payloadAt = (headers.isEmpty() ? 0 : kHasHeaders) | (body.isEmpty() ? 0 : kHasBody);
}

void Message::setHeaders(const HeaderList& headers)
{
    hold(headers, bodyPreview());
}

void Message::appendHeader(const QByteArray& name, const QByteArray& value)
{
    HeaderList all = headers();
    all.append(qMakePair(name, value));
    hold(all, bodyPreview());
}

void Message::setBodyPreview(const QByteArray& body)
{
    hold(headers(), body);
}

void Message::setPayload(const HeaderList& headers, const QByteArray& body)
{
    hold(headers, body);
}

void Message::setPayload(MessagePayload* payload, qint64 at, bool hasHeaders, bool hasBody)
{
    Q_ASSERT(at >= 0 && at <= kAt);
    m_payload.reset(payload);
    m_payloadAt = (at & kAt) | (hasHeaders ? kHasHeaders : 0) | (hasBody ? kHasBody : 0);
    if (!payload || (!hasHeaders && !hasBody)) {
        m_payload.reset();
        m_payloadAt = 0;
    }
}

bool operator==(const Message& a, const Message& b)
{
    return a.seq == b.seq && a.from == b.from && a.to == b.to && a.kind == b.kind && a.label == b.label
        && a.connection == b.connection && a.correlation == b.correlation && a.bytes == b.bytes
        && a.headers() == b.headers() && a.bodyPreview() == b.bodyPreview() && a.sentAt == b.sentAt
        && a.receivedAt == b.receivedAt && a.state == b.state && a.firstItem == b.firstItem && a.lastItem == b.lastItem
        && a.fields == b.fields;
}

QString kindName(Message::Kind kind)
{
    for (const auto& entry : kKindNames) {
        if (entry.kind == kind)
            return QLatin1String(entry.name);
    }
    return {};
}

bool kindFromName(QStringView name, Message::Kind* kind)
{
    for (const auto& entry : kKindNames) {
        if (name == QLatin1String(entry.name)) {
            *kind = entry.kind;
            return true;
        }
    }
    return false;
}

QString stateName(Message::State state)
{
    return QLatin1String(kStateNames[static_cast<size_t>(state)]);
}

bool stateFromName(QStringView name, Message::State* state)
{
    for (size_t i = 0; i < kStateNames.size(); ++i) {
        if (name == QLatin1String(kStateNames[i])) {
            *state = static_cast<Message::State>(i);
            return true;
        }
    }
    return false;
}

bool isAnswer(Message::Kind kind)
{
    return kind == Message::Kind::HttpResponse || kind == Message::Kind::WsPong;
}

bool isPlumbing(Message::Kind kind)
{
    return kind == Message::Kind::Connect || kind == Message::Kind::Close;
}

int webSocketOpcode(const Message& message)
{
    int implied = -1;
    switch (message.kind) {
    case Message::Kind::WsText:
        implied = 1;
        break;
    case Message::Kind::WsBinary:
        implied = 2;
        break;
    case Message::Kind::WsClose:
        implied = 8;
        break;
    case Message::Kind::WsPing:
        implied = 9;
        break;
    case Message::Kind::WsPong:
        implied = 10;
        break;
    default:
        return -1;
    }
    return message.fields.opcode >= 0 ? message.fields.opcode : implied;
}

} // namespace PatternScope
