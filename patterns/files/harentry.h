// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "message.h"

#include <QJsonObject>
#include <QString>
#include <QStringList>
#include <vector>

// One entry of a HAR file as HAR import reads it, before it becomes arrows (harimport.cpp).
namespace PatternScope::Har {

// Header and body previews keep at most this much.
constexpr qsizetype PreviewBytes = 256;

// How far from its entry's start a WebSocket frame or SSE event may be and still be taken: a year covers
// any real connection; farther is a broken file, whose one wild timestamp would stretch the whole diagram.
constexpr qint64 MaxMomentOffsetUs = 366LL * 24 * 3600 * 1'000'000;
// A timing phase longer than this (ten years, in microseconds) is a broken file: taken as this long.
constexpr qint64 MaxPhaseUs = 3653LL * 24 * 3600 * 1'000'000;

struct Frame {
    qint64 atUs = 0; // since the epoch
    bool send = true;
    int opcode = 1;
    QString data;
    bool lost = false; // _state says it never arrived
};

struct SseMessage {
    qint64 atUs = 0; // since the epoch
    QString name;
    QString id;
    QString data;
    QString text; // _text: the block that dispatched no event; null for an event
    bool lost = false;
};

struct Entry {
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

// Reads one entry of log.entries; returns why it cannot be used, or nothing. Frames and events that
// cannot be placed in time are left out, each with a reason ("_webSocketMessages[3]: …") in `skipped`.
QString readEntry(const QJsonObject& object, Entry* entry, QStringList* skipped);

// A stream message's `time`, in microseconds since the epoch. Chrome writes epoch seconds in its HARs;
// browser automation (Playwright's recordHar) writes epoch milliseconds under the same name. Whichever
// reading lands nearer the entry's own start is the one meant; false when neither is within
// MaxMomentOffsetUs of it.
bool momentUs(double time, qint64 startedUs, qint64* epochUs);

} // namespace PatternScope::Har
