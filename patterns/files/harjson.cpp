// SPDX-License-Identifier: GPL-3.0-or-later
#include "harjson.h"

#include <QStringDecoder>

namespace PatternScope::Har {

namespace {

// `value` in units of 1/`perUnit` as a decimal number of units, without trailing zeros: 1250, 1000 -> "1.25".
QByteArray decimalText(qint64 value, qint64 perUnit)
{
    if (value < 0) // before the epoch: the fraction counts the same way down
        return '-' + decimalText(-value, perUnit);
    QByteArray text = QByteArray::number(value / perUnit);
    const qint64 fraction = value % perUnit;
    if (fraction != 0) {
        text += '.' + QByteArray::number(fraction + perUnit).mid(1);
        while (text.endsWith('0'))
            text.chop(1);
    }
    return text;
}

} // namespace

void HarJson::appendString(const QString& value)
{
    static const char hex[] = "0123456789abcdef";
    bytes += '"';
    for (const char c : value.toUtf8()) {
        const auto u = static_cast<unsigned char>(c);
        if (c == '"' || c == '\\') {
            bytes += '\\';
            bytes += c;
        } else if (c == '\n') {
            bytes += "\\n";
        } else if (c == '\r') {
            bytes += "\\r";
        } else if (c == '\t') {
            bytes += "\\t";
        } else if (u < 0x20) {
            bytes += "\\u00";
            bytes += hex[u >> 4];
            bytes += hex[u & 0xf];
        } else {
            bytes += c;
        }
    }
    bytes += '"';
}

QByteArray msText(TimeUs us)
{
    return decimalText(us, 1000);
}

QByteArray epochSecondsText(qint64 us)
{
    return decimalText(us, 1'000'000);
}

bool isUtf8(const QByteArray& bytes)
{
    QStringDecoder decoder(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
    const QString text = decoder.decode(bytes); // decoding happens on conversion to QString
    return !decoder.hasError();
}

QByteArray headerValue(const HeaderList& headers, QByteArrayView name)
{
    for (const auto& header : headers) {
        if (header.first.compare(name, Qt::CaseInsensitive) == 0)
            return header.second;
    }
    return {};
}

bool hasHeader(const HeaderList& headers, QByteArrayView name)
{
    for (const auto& header : headers) {
        if (header.first.compare(name, Qt::CaseInsensitive) == 0)
            return true;
    }
    return false;
}

} // namespace PatternScope::Har
