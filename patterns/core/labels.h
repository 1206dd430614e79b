// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "message.h"

#include <QString>

// The short text an arrow carries, made from the message's fields (message.h). Labels are made here
// and shown; nothing reads data back out of them.
namespace PatternScope::Labels {

// "main · detail", or "main" when there is no detail.
QString withDetail(const QString& main, const QString& detail);

// "GET /poll?since=3": fields.method and fields.target; the target alone when there is no method.
QString httpRequest(const MessageFields& fields, const QString& detail = QString());
// "204 No Content": fields.status and fields.reason; the reason alone when the status is unknown (0).
QString httpResponse(const MessageFields& fields, const QString& detail = QString());
// The same from a status and its reason phrase.
QString httpStatus(int status, const QString& reason);

// "POST /jobs · callback /callbacks/1": a request that carries the URL of its callback (fields.callback).
QString jobRequest(const MessageFields& fields);
// "POST /callbacks/1 · job j-1 · attempt 2": a webhook call, fields.method, .target and .id (the job).
QString callback(const MessageFields& fields, int attempt);

// "event: price · id 5": fields.name ("message" when empty, as EventSource calls it) and fields.id.
QString serverSentEvent(const MessageFields& fields);

// "text · 12 B", "binary · 4 B (continues)", "opcode 3 · 0 B": a WebSocket data frame by fields.opcode.
QString webSocketFrame(const MessageFields& fields, qint64 payloadBytes, bool final = true);
// "ping", "pong 3": a control frame with its payload as text.
QString webSocketPingPong(const MessageFields& fields, const QString& payload);
// "close 1000 (normal) · run ended" from fields.closeCode and fields.reason; "close" without a code.
QString webSocketClose(const MessageFields& fields);
QString webSocketClose(int code, const QString& reason);
// "normal", "going away", … for the codes of RFC 6455 §7.4.1; empty for others.
QString webSocketCloseCodeName(int code);

// "publish prices #7 · 42.17": kind Publish or Deliver, fields.name (the topic) and fields.id.
QString pubSubMessage(Message::Kind kind, const MessageFields& fields, const QString& payload);
// "subscribe prices, news", "unsubscribe news", "ack #7": publish-subscribe's control messages, from
// fields.method (the envelope's type), .target (the topics) and .id (the message acknowledged).
QString pubSubControl(const MessageFields& fields);

// What a participant is busy with (Activation::label). A held long poll is told from other work by its
// label, so the patterns and the Textbook level (textbook.h) share these.
// "holding the poll": a long poll the server keeps until data is ready or the hold times out.
QString holdingPollActivation();
// "processing", "processing job j-1": the server working on a request.
QString processingActivation(const QString& job = QString());

} // namespace PatternScope::Labels
