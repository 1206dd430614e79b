// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "text.h"

#include <QByteArray>
#include <QExplicitlySharedDataPointer>
#include <QList>
#include <QMetaType>
#include <QPair>
#include <QSharedData>
#include <QString>
#include <QStringView>

namespace PatternScope {

// Microseconds on the run's monotonic clock; 0 is the start of the run.
using TimeUs = qint64;
constexpr TimeUs NoTime = -1;

using HeaderList = QList<QPair<QByteArray, QByteArray>>;

// What the protocol said about a message, beyond its kind: what labels are made from and what metrics
// and exports read. Kept small, since a trace holds many messages: numbers stay numbers, a text field
// serves the one kind of message that has it, and texts are Texts (8 bytes, shared when repeated).
struct MessageFields {
    Text method; // http-request, callback: "GET", "POST"; publish-subscribe's control frames: "subscribe", "ack"
    Text target; // http-request, callback: "/poll?since=3"; subscribe, unsubscribe: the topics, "prices, news"
    Text reason; // http-response: the reason phrase ("No Content"); ws-close: the close reason
    Text name; // sse-event: the event name; publish, deliver: the topic
    Text id; // sse-event: the event id; callback and the answers about a job: the job id; ack: what it acks
    Text callback; // http-request: the URL it asks the answer to be POSTed to (request-callback)
    qint16 status = 0; // http-response: the status code; 0 when none is known
    qint16 opcode = -1; // ws-*: the frame's RFC 6455 opcode; -1 when not known
    bool upgrade = false; // http-request: asks to become a WebSocket
    qint32 closeCode = -1; // ws-close: the close code; -1 when the frame carried none

    friend bool operator==(const MessageFields& a, const MessageFields& b)
    {
        return a.method == b.method && a.target == b.target && a.reason == b.reason && a.name == b.name && a.id == b.id
            && a.callback == b.callback && a.status == b.status && a.opcode == b.opcode && a.upgrade == b.upgrade
            && a.closeCode == b.closeCode;
    }
    friend bool operator!=(const MessageFields& a, const MessageFields& b) { return !(a == b); }
};

// Where the headers and body preview of messages are kept when not in memory: for a message read from a
// file, that file (patterns/files), which reads them back when they are asked for.
class MessagePayload : public QSharedData {
public:
    virtual ~MessagePayload();
    // The headers and body preview of the message this payload keeps at `at`.
    virtual void read(qint64 at, HeaderList* headers, QByteArray* body) const = 0;
};

// One arrow: a message that crossed a socket, recorded when sent and completed when it arrived.
// A trace holds messages by the million, so a message is kept small (160 bytes): its texts are Texts, and its
// headers and body preview, which only the inspector and the exports read, are behind one shared pointer.
struct Message {
    enum class Kind : quint8 {
        HttpRequest,
        HttpResponse,
        SseEvent,
        WsText,
        WsBinary,
        WsPing,
        WsPong,
        WsClose,
        Publish,
        Deliver,
        Callback,
        Connect,
        Close,
        // A real broker's own protocol between its clients and it, neither an application message nor a
        // WebSocket frame: MQTT CONNECT, SUBSCRIBE, PUBACK…, Redis SUBSCRIBE and its confirmations.
        BrokerControl,
    };
    enum class State : quint8 { InFlight, Delivered, Lost };

    qint64 seq = -1;
    int from = -1;
    int to = -1;
    int connection = -1;
    Kind kind = Kind::HttpRequest;
    State state = State::InFlight;
    Text label; // made from `fields` by the functions in labels.h; shown, never read back
    Text correlation;
    qint64 bytes = 0;
    TimeUs sentAt = NoTime;
    TimeUs receivedAt = NoTime;
    // The producer's data items this message carries, ids firstItem..lastItem; -1 when none.
    qint64 firstItem = -1;
    qint64 lastItem = -1;
    MessageFields fields;

    bool carriesItems() const { return firstItem >= 0 && lastItem >= firstItem; }
    TimeUs oneWayDelay() const { return state == State::Delivered ? receivedAt - sentAt : NoTime; }

    // The headers and body preview, from memory or read back from the file the message was read from.
    HeaderList headers() const;
    QByteArray bodyPreview() const;
    // Whether there are any, without reading them.
    bool hasHeaders() const { return (m_payloadAt & kHasHeaders) != 0; }
    bool hasBodyPreview() const { return (m_payloadAt & kHasBody) != 0; }
    void setHeaders(const HeaderList& headers);
    void appendHeader(const QByteArray& name, const QByteArray& value);
    void setBodyPreview(const QByteArray& body);
    void setPayload(const HeaderList& headers, const QByteArray& body);
    // For readers of files: the headers and body preview stay where `payload` keeps them, at `at`.
    void setPayload(MessagePayload* payload, qint64 at, bool hasHeaders, bool hasBody);

    friend bool operator==(const Message& a, const Message& b);

private:
    void hold(const HeaderList& headers, const QByteArray& body);

    static constexpr qint64 kHasHeaders = qint64(1) << 62;
    static constexpr qint64 kHasBody = qint64(1) << 61;
    static constexpr qint64 kAt = kHasBody - 1;
    QExplicitlySharedDataPointer<MessagePayload> m_payload;
    qint64 m_payloadAt = 0; // where the payload keeps this message's, and the two flags above
};

QString kindName(Message::Kind kind);
// How many kinds there are (they are numbered from 0).
inline constexpr int MessageKindCount = static_cast<int>(Message::Kind::BrokerControl) + 1;
bool kindFromName(QStringView name, Message::Kind* kind);
QString stateName(Message::State state);
bool stateFromName(QStringView name, Message::State* state);

// Rules about kinds that the view and every export share.

// An answer to something the receiver sent (a response, a pong): drawn dashed, like Mermaid's -->>.
bool isAnswer(Message::Kind kind);
// TCP's own connect and close, beneath the protocol: drawn thin, and never what a click means.
bool isPlumbing(Message::Kind kind);
// The RFC 6455 opcode of a WebSocket message: the recorded one, else the one its kind implies
// (1 text, 2 binary, 8 close, 9 ping, 10 pong); -1 for other kinds.
int webSocketOpcode(const Message& message);

} // namespace PatternScope

Q_DECLARE_METATYPE(PatternScope::Message)
Q_DECLARE_METATYPE(PatternScope::MessageFields)
