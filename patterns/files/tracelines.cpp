// SPDX-License-Identifier: GPL-3.0-or-later
// One JSON line per trace record, as docs/trace-format.md describes them.
#include "tracelines.h"

#include <array>
#include <cstring>
#include <type_traits>

namespace PatternScope::TraceLines {

namespace {

constexpr quint64 kMaxExactSeed = quint64(1) << 53; // larger seeds are written as strings
constexpr size_t kKindCount = MessageKindCount;
constexpr char kHex[] = "0123456789abcdef";

// Kind names go into every message line; converting them from QString each time would allocate.
const QByteArray& kindText(Message::Kind kind)
{
    static const std::array<QByteArray, kKindCount> names = [] {
        std::array<QByteArray, kKindCount> result;
        for (size_t i = 0; i < kKindCount; ++i)
            result[i] = kindName(static_cast<Message::Kind>(i)).toLatin1();
        return result;
    }();
    return names[static_cast<size_t>(kind)];
}

// Appends one JSON object to a reused buffer. Hand-written because a QJsonDocument per event
// costs several allocations; here a line costs none once the buffer has grown.
class JsonLine {
public:
    template <size_t N>
    JsonLine(QByteArray& out, const char (&type)[N])
        : m_out(out)
    {
        literal("{\"t\":\"");
        literal(type);
        put('"');
    }
    ~JsonLine() { literal("}\n"); }
    JsonLine(const JsonLine&) = delete;
    JsonLine& operator=(const JsonLine&) = delete;

    template <size_t N> JsonLine& key(const char (&name)[N])
    {
        char* d = grow(N + 3);
        *d++ = ',';
        *d++ = '"';
        std::memcpy(d, name, N - 1);
        d += N - 1;
        *d++ = '"';
        *d = ':';
        return *this;
    }

    template <size_t N> void literal(const char (&text)[N]) { std::memcpy(grow(N - 1), text, N - 1); }
    void put(char c) { *grow(1) = c; }

    void number(qint64 value)
    {
        const quint64 magnitude = value < 0 ? quint64(0) - quint64(value) : quint64(value);
        unsignedNumber(magnitude, value < 0);
    }

    void unsignedNumber(quint64 value, bool negative = false)
    {
        char digits[24];
        char* const end = digits + sizeof(digits);
        char* p = end;
        do {
            *--p = char('0' + value % 10);
            value /= 10;
        } while (value != 0);
        if (negative)
            *--p = '-';
        std::memcpy(grow(end - p), p, size_t(end - p));
    }

    // Plain ASCII that needs no escaping: record types, kind and role names.
    void asciiString(const QByteArray& text)
    {
        char* d = grow(text.size() + 2);
        *d++ = '"';
        std::memcpy(d, text.constData(), size_t(text.size()));
        d[text.size()] = '"';
    }

    void string(QStringView text)
    {
        // Worst case: every unit a control character written as \u00XX.
        char* d = grow(text.size() * 6 + 2);
        *d++ = '"';
        const char16_t* p = text.utf16();
        const char16_t* const end = p + text.size();
        while (p < end) {
            const char16_t c = *p++;
            if (c < 0x80) {
                d = ascii(d, char(c));
            } else if (c < 0x800) {
                *d++ = char(0xc0 | (c >> 6));
                *d++ = char(0x80 | (c & 0x3f));
            } else if (QChar::isHighSurrogate(c) && p < end && QChar::isLowSurrogate(*p)) {
                const char32_t u = QChar::surrogateToUcs4(c, *p++);
                *d++ = char(0xf0 | (u >> 18));
                *d++ = char(0x80 | ((u >> 12) & 0x3f));
                *d++ = char(0x80 | ((u >> 6) & 0x3f));
                *d++ = char(0x80 | (u & 0x3f));
            } else {
                // A lone surrogate has no UTF-8 form: it becomes U+FFFD, as QString::toUtf8() does.
                const char32_t u = QChar::isSurrogate(c) ? char32_t(QChar::ReplacementCharacter) : char32_t(c);
                *d++ = char(0xe0 | (u >> 12));
                *d++ = char(0x80 | ((u >> 6) & 0x3f));
                *d++ = char(0x80 | (u & 0x3f));
            }
        }
        *d++ = '"';
        shrinkTo(d);
    }

    // Header names and values are bytes: each byte becomes the code point of the same value
    // (ISO-8859-1), so ASCII stays readable and any byte survives the round trip.
    void latin1String(const QByteArray& bytes) { latin1String(QLatin1String(bytes.constData(), bytes.size())); }
    void latin1String(QLatin1String bytes)
    {
        char* d = grow(bytes.size() * 6 + 2);
        *d++ = '"';
        for (const char b : bytes) {
            const auto c = static_cast<unsigned char>(b);
            if (c < 0x80) {
                d = ascii(d, b);
            } else {
                *d++ = char(0xc0 | (c >> 6));
                *d++ = char(0x80 | (c & 0x3f));
            }
        }
        *d++ = '"';
        shrinkTo(d);
    }

    // Optional fields are left out while they hold their default (docs/trace-format.md).
    template <size_t N> void unlessEmpty(const char (&name)[N], QStringView text)
    {
        if (!text.isEmpty())
            key(name).string(text);
    }
    template <size_t N> void unlessEmpty(const char (&name)[N], const QString& text)
    {
        unlessEmpty(name, QStringView(text));
    }
    // A Text's characters: those of its Latin-1 form are the code points of its bytes, as above.
    template <size_t N> void unlessEmpty(const char (&name)[N], const Text& text)
    {
        if (text.isEmpty())
            return;
        key(name);
        text.visit([this](auto chars) {
            if constexpr (std::is_same_v<decltype(chars), QLatin1String>)
                latin1String(chars);
            else
                string(chars);
        });
    }
    template <size_t N> void unlessDefault(const char (&name)[N], qint64 value, qint64 byDefault)
    {
        if (value != byDefault)
            key(name).number(value);
    }

    void base64(const QByteArray& bytes)
    {
        const QByteArray encoded = bytes.toBase64();
        asciiString(encoded);
    }

private:
    static char* ascii(char* d, char c)
    {
        if (c >= 0x20 && c != '"' && c != '\\') {
            *d++ = c;
        } else if (c == '"' || c == '\\') {
            *d++ = '\\';
            *d++ = c;
        } else {
            *d++ = '\\';
            *d++ = 'u';
            *d++ = '0';
            *d++ = '0';
            *d++ = kHex[(c >> 4) & 0xf];
            *d++ = kHex[c & 0xf];
        }
        return d;
    }

    char* grow(qsizetype n)
    {
        const qsizetype at = m_out.size();
        m_out.resize(at + n);
        return m_out.data() + at;
    }
    void shrinkTo(const char* end) { m_out.resize(end - m_out.constData()); }

    QByteArray& m_out;
};

// The message fields that are set, in the order of docs/trace-format.md.
void appendFields(JsonLine& line, const MessageFields& fields)
{
    line.unlessEmpty("method", fields.method);
    line.unlessEmpty("target", fields.target);
    if (fields.upgrade)
        line.key("upgrade").literal("true");
    line.unlessDefault("status", fields.status, 0);
    if (fields.opcode >= 0)
        line.key("opcode").number(fields.opcode);
    if (fields.closeCode >= 0)
        line.key("close").number(fields.closeCode);
    line.unlessEmpty("reason", fields.reason);
    line.unlessEmpty("name", fields.name);
    line.unlessEmpty("ref", fields.id);
    line.unlessEmpty("callback", fields.callback);
}

} // namespace

void append(QByteArray& out, const TraceHeader& header)
{
    JsonLine line(out, "header");
    line.key("format").literal("\"pstrace\"");
    line.key("version").number(TraceFormatVersion);
    line.key("app").string(header.appVersion);
    line.key("pattern").string(header.pattern);
    line.key("params").put('{');
    for (qsizetype i = 0; i < header.parameters.size(); ++i) {
        if (i > 0)
            line.put(',');
        line.string(header.parameters[i].first);
        line.put(':');
        line.string(header.parameters[i].second);
    }
    line.put('}');
    line.key("seed");
    if (header.seed <= kMaxExactSeed) {
        line.unsignedNumber(header.seed);
    } else {
        line.put('"');
        line.unsignedNumber(header.seed);
        line.put('"');
    }
    if (header.startedAt.isValid())
        line.key("started").string(header.startedAt.toUTC().toString(Qt::ISODateWithMs));
}

void append(QByteArray& out, const Participant& participant)
{
    JsonLine line(out, "participant");
    line.key("id").number(participant.id);
    line.key("name").string(participant.name);
    line.key("role").asciiString(roleName(participant.role).toLatin1());
}

void append(QByteArray& out, const Message& message)
{
    JsonLine line(out, "message");
    line.key("seq").number(message.seq);
    line.key("from").number(message.from);
    line.key("to").number(message.to);
    line.key("kind").asciiString(kindText(message.kind));
    line.unlessEmpty("label", message.label);
    line.unlessDefault("conn", message.connection, -1);
    line.unlessEmpty("corr", message.correlation);
    line.unlessDefault("bytes", message.bytes, 0);
    if (message.carriesItems()) {
        line.key("items").put('[');
        line.number(message.firstItem);
        line.put(',');
        line.number(message.lastItem);
        line.put(']');
    }
    if (message.hasHeaders()) {
        const HeaderList headers = message.headers();
        line.key("headers").put('[');
        for (qsizetype i = 0; i < headers.size(); ++i) {
            if (i > 0)
                line.put(',');
            line.put('[');
            line.latin1String(headers[i].first);
            line.put(',');
            line.latin1String(headers[i].second);
            line.put(']');
        }
        line.put(']');
    }
    if (message.hasBodyPreview())
        line.key("body").base64(message.bodyPreview());
    appendFields(line, message.fields);
    line.key("sent").number(message.sentAt);
}

void appendEnd(QByteArray& out, const Message& message)
{
    if (message.state == Message::State::Delivered) {
        JsonLine line(out, "delivered");
        line.key("seq").number(message.seq);
        line.key("received").number(message.receivedAt);
        line.unlessDefault("conn", message.connection, -1);
        // Always written: the receiver may have counted a different size than the sender.
        line.key("bytes").number(message.bytes);
    } else if (message.state == Message::State::Lost) {
        JsonLine line(out, "lost");
        line.key("seq").number(message.seq);
        line.key("at").number(message.receivedAt);
    }
}

void append(QByteArray& out, const Activation& activation)
{
    JsonLine line(out, "activation");
    line.key("id").number(activation.id);
    line.key("participant").number(activation.participant);
    line.unlessEmpty("label", activation.label);
    line.key("start").number(activation.start);
}

void appendEnd(QByteArray& out, const Activation& activation)
{
    if (activation.end == NoTime)
        return;
    JsonLine line(out, "activation-end");
    line.key("id").number(activation.id);
    line.key("end").number(activation.end);
}

void append(QByteArray& out, const Note& note)
{
    JsonLine line(out, "note");
    line.key("id").number(note.id);
    line.key("participant").number(note.participant);
    line.key("at").number(note.at);
    line.unlessEmpty("text", note.text);
    if (note.item >= 0)
        line.key("item").number(note.item);
}

void append(QByteArray& out, const Connection& connection)
{
    JsonLine line(out, "connection");
    line.key("id").number(connection.id);
    line.key("client").number(connection.client);
    line.key("server").number(connection.server);
    line.key("opened").number(connection.openedAt);
}

void appendEnd(QByteArray& out, const Connection& connection)
{
    if (connection.isOpen())
        return;
    JsonLine line(out, "connection-closed");
    line.key("id").number(connection.id);
    line.key("closed").number(connection.closedAt);
    line.unlessDefault("up", connection.bytesUp, 0);
    line.unlessDefault("down", connection.bytesDown, 0);
    line.unlessEmpty("reason", connection.closeReason);
}

} // namespace PatternScope::TraceLines
