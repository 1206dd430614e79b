// SPDX-License-Identifier: GPL-3.0-or-later
// CSV export: one row per message sent in the range, ordered by send time (ties in recording order),
// every field of Message. RFC 4180: CRLF after every row, fields holding a comma, a quote, CR or LF
// are quoted with their quotes doubled. Empty cells mean "none" (no connection, not yet received,
// no items). Header and body bytes: headers are "Name: value" lines joined by LF, each byte taken as
// Latin-1 like the trace file does; the body preview is written as text when it is valid UTF-8
// (body_encoding "utf-8") and as base64 otherwise (body_encoding "base64").
#include "exportcommon.h"
#include "exports.h"

#include <QIODevice>
#include <QStringDecoder>

namespace PatternScope {

namespace {

constexpr qsizetype kFlushBytes = 1 << 16;
constexpr int kProgressEvery = 4096;

bool isUtf8(const QByteArray& bytes)
{
    QStringDecoder decoder(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
    const QString text = decoder.decode(bytes); // decoding happens on conversion to QString
    return !decoder.hasError();
}

void appendField(QByteArray& out, QByteArrayView field)
{
    bool quote = false;
    for (const char c : field) {
        if (c == ',' || c == '"' || c == '\r' || c == '\n') {
            quote = true;
            break;
        }
    }
    if (!quote) {
        out += field;
        return;
    }
    out += '"';
    for (const char c : field) {
        if (c == '"')
            out += '"';
        out += c;
    }
    out += '"';
}

void appendNumber(QByteArray& out, qint64 value, bool present = true)
{
    if (present)
        out += QByteArray::number(value);
}

} // namespace

namespace Export {

bool csv(const Trace& trace, const ExportRange& range, QIODevice* out, FileError* error, const ExportProgress& progress)
{
    const auto fail = [&](FileError::Code code, const QString& reason) { return FileError::fail(error, code, reason); };
    const auto write = [&](QByteArray& buffer) {
        const bool ok = out->write(buffer) == buffer.size();
        buffer.clear();
        return ok;
    };
    if (!out || !out->isWritable())
        return fail(FileError::Code::Io, QStringLiteral("cannot write the CSV: the output is not open for writing"));

    QByteArray buffer;
    buffer.reserve(kFlushBytes + 4096);
    buffer += "seq,sent_us,received_us,state,from,to,kind,label,connection,correlation,bytes,first_item,last_item,"
              "headers,body,body_encoding\r\n";

    const QList<qint64> seqs = ExportCommon::messagesInRange(trace, range);
    QByteArray headers;
    for (qsizetype i = 0; i < seqs.size(); ++i) {
        const Message& m = trace.message(seqs.at(i));
        appendNumber(buffer, m.seq);
        buffer += ',';
        appendNumber(buffer, m.sentAt, m.sentAt != NoTime);
        buffer += ',';
        appendNumber(buffer, m.receivedAt, m.receivedAt != NoTime);
        buffer += ',';
        buffer += stateName(m.state).toLatin1();
        buffer += ',';
        appendField(buffer, ExportCommon::participantName(trace, m.from).toUtf8());
        buffer += ',';
        appendField(buffer, ExportCommon::participantName(trace, m.to).toUtf8());
        buffer += ',';
        buffer += kindName(m.kind).toLatin1();
        buffer += ',';
        appendField(buffer, m.label.toUtf8());
        buffer += ',';
        appendNumber(buffer, m.connection, m.connection >= 0);
        buffer += ',';
        appendField(buffer, m.correlation.toUtf8());
        buffer += ',';
        appendNumber(buffer, m.bytes);
        buffer += ',';
        appendNumber(buffer, m.firstItem, m.carriesItems());
        buffer += ',';
        appendNumber(buffer, m.lastItem, m.carriesItems());
        buffer += ',';
        headers.clear();
        for (const auto& header : m.headers()) {
            if (!headers.isEmpty())
                headers += '\n';
            // Header bytes are Latin-1 characters in the trace; the CSV is UTF-8.
            headers += QString::fromLatin1(header.first).toUtf8() + ": " + QString::fromLatin1(header.second).toUtf8();
        }
        appendField(buffer, headers);
        buffer += ',';
        // Read once: a message read from a file reads its body back from there.
        const QByteArray body = m.bodyPreview();
        if (body.isEmpty()) {
            buffer += ',';
        } else if (isUtf8(body)) {
            appendField(buffer, body);
            buffer += ",utf-8";
        } else {
            buffer += body.toBase64();
            buffer += ",base64";
        }
        buffer += "\r\n";

        if (buffer.size() >= kFlushBytes && !write(buffer))
            return fail(FileError::Code::Io, QStringLiteral("cannot write the CSV: %1").arg(out->errorString()));
        if (progress && i % kProgressEvery == kProgressEvery - 1 && !progress(double(i + 1) / double(seqs.size())))
            return fail(FileError::Code::Cancelled, QStringLiteral("CSV export cancelled"));
    }
    if (!write(buffer))
        return fail(FileError::Code::Io, QStringLiteral("cannot write the CSV: %1").arg(out->errorString()));
    if (progress)
        progress(1.0);
    return true;
}

} // namespace Export

} // namespace PatternScope
