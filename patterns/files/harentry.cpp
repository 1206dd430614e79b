// SPDX-License-Identifier: GPL-3.0-or-later
// Reading one HAR entry: what the fields mean is described in harimport.cpp. Everything a file says is
// checked before it becomes a time, so no value in a file can overflow the trace's clock.
#include "harentry.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonValue>
#include <QRegularExpression>
#include <QUrl>
#include <algorithm>
#include <cmath>

namespace PatternScope::Har {

namespace {

constexpr qsizetype kMaxHeaders = 64;
constexpr qsizetype kMaxHeaderValue = 1024;

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

// A timing phase in microseconds; absent or -1 (did not happen) count as nothing.
qint64 phaseUs(const QJsonObject& timings, const char* name)
{
    const double ms = timings.value(QLatin1String(name)).toDouble(-1);
    if (!(ms > 0)) // also NaN
        return 0;
    return ms * 1000.0 < double(MaxPhaseUs) ? qRound64(ms * 1000.0) : MaxPhaseUs;
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

// Our own export marks a frame or event that did not arrive with _state ("lost", "in-flight").
bool neverArrived(const QJsonObject& message)
{
    const QString state = message.value(QLatin1String("_state")).toString();
    return !state.isEmpty() && state != QLatin1String("delivered");
}

QString skippedMoment(const char* list, qsizetype index, const QJsonValue& time)
{
    return QStringLiteral("%1[%2]: time %3 is not within a year of the entry's start; left out")
        .arg(QLatin1String(list))
        .arg(index)
        .arg(time.toDouble(), 0, 'g', 17);
}

} // namespace

bool momentUs(double time, qint64 startedUs, qint64* epochUs)
{
    const double started = double(startedUs);
    const double asSeconds = time * 1e6;
    const double asMilliseconds = time * 1e3;
    const double chosen
        = std::abs(asSeconds - started) <= std::abs(asMilliseconds - started) ? asSeconds : asMilliseconds;
    if (!(std::abs(chosen - started) <= double(MaxMomentOffsetUs))) // also NaN and infinities
        return false;
    *epochUs = qRound64(chosen);
    return true;
}

QString readEntry(const QJsonObject& object, Entry* entry, QStringList* skipped)
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
                             .left(PreviewBytes);
    // Sizes are added: each is kept to what a real message could be, so the sum cannot overflow.
    const auto size = [](const QJsonObject& from, const char* name) {
        return std::clamp<qint64>(from.value(QLatin1String(name)).toInteger(-1), -1, qint64(1) << 48);
    };
    const qint64 requestHead = size(request, "headersSize");
    const qint64 requestBody = size(request, "bodySize");
    entry->requestBytes = std::max<qint64>(requestHead, 0) + std::max<qint64>(requestBody, 0);

    entry->status = response.value(QLatin1String("status")).toInt(0);
    entry->statusText = response.value(QLatin1String("statusText")).toString();
    entry->responseHeaders = headersOf(response.value(QLatin1String("headers")));
    const QJsonObject content = response.value(QLatin1String("content")).toObject();
    entry->contentSize = size(content, "size");
    const QString text = content.value(QLatin1String("text")).toString();
    entry->responseBody = content.value(QLatin1String("encoding")).toString() == QLatin1String("base64")
        ? QByteArray::fromBase64(text.toLatin1()).left(PreviewBytes)
        : text.toUtf8().left(PreviewBytes);
    const qint64 transfer = size(response, "_transferSize");
    const qint64 responseHead = size(response, "headersSize");
    const qint64 responseBody = size(response, "bodySize");
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

    const QJsonArray frames = object.value(QLatin1String("_webSocketMessages")).toArray();
    for (qsizetype i = 0; i < frames.size(); ++i) {
        const QJsonObject message = frames.at(i).toObject();
        const QString type = message.value(QLatin1String("type")).toString();
        const QJsonValue time = message.value(QLatin1String("time"));
        if ((type != QLatin1String("send") && type != QLatin1String("receive")) || !time.isDouble())
            continue; // Chrome also lists "error" pseudo-frames
        Frame frame;
        if (!momentUs(time.toDouble(), entry->startedUs, &frame.atUs)) {
            skipped->append(skippedMoment("_webSocketMessages", i, time));
            continue;
        }
        frame.send = type == QLatin1String("send");
        frame.opcode = message.value(QLatin1String("opcode")).toInt(1);
        frame.data = message.value(QLatin1String("data")).toString();
        frame.lost = neverArrived(message);
        entry->frames.push_back(frame);
    }
    const QJsonArray events = object.value(QLatin1String("_eventSourceMessages")).toArray();
    for (qsizetype i = 0; i < events.size(); ++i) {
        const QJsonObject message = events.at(i).toObject();
        const QJsonValue time = message.value(QLatin1String("time"));
        if (!time.isDouble())
            continue;
        SseMessage event;
        if (!momentUs(time.toDouble(), entry->startedUs, &event.atUs)) {
            skipped->append(skippedMoment("_eventSourceMessages", i, time));
            continue;
        }
        event.name = message.value(QLatin1String("eventName")).toString();
        event.id = message.value(QLatin1String("eventId")).toString();
        event.data = message.value(QLatin1String("data")).toString();
        const QJsonValue block = message.value(QLatin1String("_text"));
        if (block.isString())
            event.text = block.toString().isNull() ? QLatin1String("") : block.toString();
        event.lost = neverArrived(message);
        entry->events.push_back(event);
    }
    return {};
}

} // namespace PatternScope::Har
