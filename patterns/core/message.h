// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QList>
#include <QMetaType>
#include <QPair>
#include <QString>
#include <QStringView>

namespace PatternScope {

// Microseconds on the run's monotonic clock; 0 is the start of the run.
using TimeUs = qint64;
constexpr TimeUs NoTime = -1;

using HeaderList = QList<QPair<QByteArray, QByteArray>>;

// What the protocol said about a message, beyond its kind: what labels are made from and what metrics
// and exports read. Kept small, since a trace holds many messages: numbers stay numbers, and a text
// field serves the one kind of message that has it.
struct MessageFields {
    QString method; // http-request, callback: "GET", "POST"; publish-subscribe's control frames: "subscribe", "ack"
    QString target; // http-request, callback: "/poll?since=3"; subscribe, unsubscribe: the topics, "prices, news"
    QString reason; // http-response: the reason phrase ("No Content"); ws-close: the close reason
    QString name; // sse-event: the event name; publish, deliver: the topic
    QString id; // sse-event: the event id; callback and the answers about a job: the job id; ack: what it acks
    QString callback; // http-request: the URL it asks the answer to be POSTed to (request-callback)
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

// One arrow: a message that crossed a socket, recorded when sent and completed when it arrived.
struct Message {
    enum class Kind {
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
    };
    enum class State { InFlight, Delivered, Lost };

    qint64 seq = -1;
    int from = -1;
    int to = -1;
    Kind kind = Kind::HttpRequest;
    QString label; // made from `fields` by the functions in labels.h; shown, never read back
    int connection = -1;
    QString correlation;
    qint64 bytes = 0;
    HeaderList headers;
    QByteArray bodyPreview;
    TimeUs sentAt = NoTime;
    TimeUs receivedAt = NoTime;
    State state = State::InFlight;
    // The producer's data items this message carries, ids firstItem..lastItem; -1 when none.
    qint64 firstItem = -1;
    qint64 lastItem = -1;
    MessageFields fields;

    bool carriesItems() const { return firstItem >= 0 && lastItem >= firstItem; }
    TimeUs oneWayDelay() const { return state == State::Delivered ? receivedAt - sentAt : NoTime; }
    friend bool operator==(const Message& a, const Message& b);
};

QString kindName(Message::Kind kind);
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
