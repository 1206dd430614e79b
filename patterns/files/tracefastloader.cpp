// SPDX-License-Identifier: GPL-3.0-or-later
#include "tracefastloader.h"

#include "tracefields.h"

#include <cstring>

namespace PatternScope {

namespace {

// The fields of the line types read here; other keys are skipped, as the strict reader ignores them.
enum Key {
    Seq,
    From,
    To,
    Kind,
    Label,
    Conn,
    Corr,
    Bytes,
    Headers,
    Body,
    Items,
    Method,
    Target,
    Upgrade,
    Status,
    Opcode,
    Close,
    Reason,
    Name,
    Ref,
    Callback,
    Sent,
    Received,
    At,
    Id,
    ParticipantKey,
    Start,
    End,
    KeyCount
};
static_assert(KeyCount <= 40, "TraceFastLoader::m_values holds one value per key");

struct KeyName {
    KeyName(const char* text, Key k)
        : name(text)
        , size(qsizetype(std::strlen(text)))
        , key(k)
    {
    }
    const char* name;
    qsizetype size;
    Key key;
};

const KeyName kKeys[] = { { "seq", Seq }, { "from", From }, { "to", To }, { "kind", Kind }, { "label", Label },
    { "conn", Conn }, { "corr", Corr }, { "bytes", Bytes }, { "headers", Headers }, { "body", Body },
    { "items", Items }, { "method", Method }, { "target", Target }, { "upgrade", Upgrade }, { "status", Status },
    { "opcode", Opcode }, { "close", Close }, { "reason", Reason }, { "name", Name }, { "ref", Ref },
    { "callback", Callback }, { "sent", Sent }, { "received", Received }, { "at", At }, { "id", Id },
    { "participant", ParticipantKey }, { "start", Start }, { "end", End } };

int keyOf(const char* name, qsizetype size)
{
    for (const KeyName& k : kKeys) {
        if (k.size == size && std::memcmp(k.name, name, size_t(size)) == 0)
            return k.key;
    }
    return -1;
}

enum class LineType { Message, Delivered, Lost, Activation, ActivationEnd, Other };

LineType typeOf(const char* name, qsizetype size)
{
    const auto is = [&](const char* word) {
        return qsizetype(std::strlen(word)) == size && std::memcmp(word, name, size_t(size)) == 0;
    };
    if (is("message"))
        return LineType::Message;
    if (is("delivered"))
        return LineType::Delivered;
    if (is("lost"))
        return LineType::Lost;
    if (is("activation"))
        return LineType::Activation;
    if (is("activation-end"))
        return LineType::ActivationEnd;
    return LineType::Other;
}

bool kindOf(const char* name, qsizetype size, Message::Kind* kind)
{
    static const std::array<QByteArray, MessageKindCount> names = [] {
        std::array<QByteArray, MessageKindCount> result;
        for (size_t i = 0; i < result.size(); ++i)
            result[i] = kindName(static_cast<Message::Kind>(i)).toLatin1();
        return result;
    }();
    for (size_t i = 0; i < names.size(); ++i) {
        if (names[i].size() == size && std::memcmp(names[i].constData(), name, size_t(size)) == 0) {
            *kind = static_cast<Message::Kind>(i);
            return true;
        }
    }
    return false;
}

int hexDigit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

// Decodes a JSON string's contents (escapes, UTF-8) into `out`; false for anything the strict reader might
// see otherwise: malformed UTF-8 or escapes, lone surrogates. Then the strict reader decides.
bool decode(const char* p, const char* end, QString* out)
{
    QString text(end - p, Qt::Uninitialized);
    char16_t* d = reinterpret_cast<char16_t*>(text.data());
    const auto escapedUnit = [&](char16_t* unit) {
        if (end - p < 5 || p[0] != 'u')
            return false;
        int value = 0;
        for (int i = 1; i <= 4; ++i) {
            const int digit = hexDigit(p[i]);
            if (digit < 0)
                return false;
            value = value * 16 + digit;
        }
        p += 5;
        *unit = char16_t(value);
        return true;
    };
    while (p < end) {
        const auto c = static_cast<unsigned char>(*p++);
        if (c == '\\') {
            if (p >= end)
                return false;
            switch (*p) {
            case '"':
            case '\\':
            case '/':
                *d++ = char16_t(*p++);
                continue;
            case 'b':
                *d++ = u'\b';
                ++p;
                continue;
            case 'f':
                *d++ = u'\f';
                ++p;
                continue;
            case 'n':
                *d++ = u'\n';
                ++p;
                continue;
            case 'r':
                *d++ = u'\r';
                ++p;
                continue;
            case 't':
                *d++ = u'\t';
                ++p;
                continue;
            default:
                break;
            }
            char16_t unit = 0;
            if (!escapedUnit(&unit))
                return false;
            if (QChar::isLowSurrogate(unit))
                return false;
            if (QChar::isHighSurrogate(unit)) {
                char16_t low = 0;
                if (p >= end || *p++ != '\\' || !escapedUnit(&low) || !QChar::isLowSurrogate(low))
                    return false;
                *d++ = unit;
                unit = low;
            }
            *d++ = unit;
        } else if (c < 0x80) {
            if (c < 0x20)
                return false;
            *d++ = char16_t(c);
        } else {
            // RFC 3629 UTF-8: no overlong forms, no surrogates, nothing above U+10FFFF.
            int extra = 0;
            char32_t u = 0;
            char32_t least = 0;
            if ((c & 0xe0) == 0xc0) {
                extra = 1;
                u = c & 0x1f;
                least = 0x80;
            } else if ((c & 0xf0) == 0xe0) {
                extra = 2;
                u = c & 0x0f;
                least = 0x800;
            } else if ((c & 0xf8) == 0xf0) {
                extra = 3;
                u = c & 0x07;
                least = 0x10000;
            } else {
                return false;
            }
            if (end - p < extra)
                return false;
            for (int i = 0; i < extra; ++i) {
                const auto next = static_cast<unsigned char>(*p++);
                if ((next & 0xc0) != 0x80)
                    return false;
                u = (u << 6) | (next & 0x3f);
            }
            if (u < least || u > 0x10ffff || (u >= 0xd800 && u <= 0xdfff))
                return false;
            if (u >= 0x10000) {
                *d++ = QChar::highSurrogate(u);
                *d++ = QChar::lowSurrogate(u);
            } else {
                *d++ = char16_t(u);
            }
        }
    }
    text.truncate(d - reinterpret_cast<const char16_t*>(text.constData()));
    *out = std::move(text);
    return true;
}

// Reads one line into `values`: a flat object whose first member is "t", with strings, plain integers,
// booleans, and the two arrays a message may have. Sets `type`; false when the line is not of that shape.
class LineScanner {
public:
    LineScanner(const char* p, const char* end)
        : m_p(p)
        , m_end(end)
    {
    }

    bool scan(std::array<TraceFastLoader::Value, 40>& values, LineType* type)
    {
        if (!literal("{\"t\":\""))
            return false;
        const char* name = m_p;
        while (m_p < m_end && *m_p != '"') {
            if (*m_p == '\\')
                return false;
            ++m_p;
        }
        *type = typeOf(name, m_p - name);
        if (*type == LineType::Other || m_p >= m_end)
            return false;
        ++m_p;
        while (m_p < m_end && *m_p == ',') {
            ++m_p;
            if (!field(values))
                return false;
        }
        return m_p + 1 == m_end && *m_p == '}';
    }

private:
    template <size_t N> bool literal(const char (&text)[N])
    {
        if (m_end - m_p < qsizetype(N - 1) || std::memcmp(m_p, text, N - 1) != 0)
            return false;
        m_p += N - 1;
        return true;
    }

    bool field(std::array<TraceFastLoader::Value, 40>& values)
    {
        if (m_p >= m_end || *m_p != '"')
            return false;
        const char* name = ++m_p;
        while (m_p < m_end && ((*m_p >= 'a' && *m_p <= 'z') || *m_p == '-'))
            ++m_p;
        // A second "t" (the line's type came first): which one counts is the strict reader's business.
        if (m_p - name == 1 && *name == 't')
            return false;
        const int key = keyOf(name, m_p - name);
        if (!literal("\":"))
            return false;
        TraceFastLoader::Value scratch;
        TraceFastLoader::Value& value = key >= 0 ? values[size_t(key)] : scratch;
        if (value.type != TraceFastLoader::Value::Type::None)
            return false; // the same key twice: which one counts is the strict reader's business
        if (m_p >= m_end)
            return false;
        using Type = TraceFastLoader::Value::Type;
        if (*m_p == '[') {
            if (key == Items)
                return items(value);
            if (key == Headers)
                return headers(value);
            return false;
        }
        if (*m_p == '"')
            return string(value);
        if (literal("true")) {
            value.type = Type::Boolean;
            value.number = 1;
            return true;
        }
        if (literal("false")) {
            value.type = Type::Boolean;
            value.number = 0;
            return true;
        }
        return integer(value);
    }

    bool string(TraceFastLoader::Value& value)
    {
        ++m_p;
        value.begin = m_p;
        bool plain = true;
        while (m_p < m_end) {
            const auto c = static_cast<unsigned char>(*m_p);
            if (c == '"')
                break;
            if (c < 0x20)
                return false;
            if (c == '\\') {
                plain = false;
                if (++m_p >= m_end)
                    return false;
            } else if (c >= 0x80) {
                plain = false;
            }
            ++m_p;
        }
        if (m_p >= m_end)
            return false;
        value.end = m_p++;
        value.plain = plain;
        value.type = TraceFastLoader::Value::Type::String;
        // A string the loader never decodes must still be one the strict reader takes.
        QString ignored;
        return plain || decode(value.begin, value.end, &ignored);
    }

    bool integer(TraceFastLoader::Value& value)
    {
        const bool negative = m_p < m_end && *m_p == '-';
        if (negative)
            ++m_p;
        const char* digits = m_p;
        qint64 n = 0;
        // Up to 18 digits cannot overflow, and no more are added up (a longer number goes the strict way);
        // a leading zero, a fraction or an exponent go the strict way too.
        while (m_p < m_end && *m_p >= '0' && *m_p <= '9') {
            if (m_p - digits < 18)
                n = n * 10 + (*m_p - '0');
            ++m_p;
        }
        const qsizetype count = m_p - digits;
        if (count == 0 || count > 18 || (count > 1 && *digits == '0'))
            return false;
        if (m_p < m_end && *m_p != ',' && *m_p != '}' && *m_p != ']')
            return false;
        value.type = TraceFastLoader::Value::Type::Integer;
        value.number = negative ? -n : n;
        return true;
    }

    bool items(TraceFastLoader::Value& value)
    {
        ++m_p;
        TraceFastLoader::Value first;
        TraceFastLoader::Value last;
        if (!integer(first) || !literal(",") || !integer(last) || !literal("]"))
            return false;
        value.type = TraceFastLoader::Value::Type::Items;
        value.number = first.number;
        value.second = last.number;
        return true;
    }

    bool headers(TraceFastLoader::Value& value)
    {
        value.begin = m_p++;
        if (!literal("]")) {
            do {
                TraceFastLoader::Value name;
                TraceFastLoader::Value text;
                if (!literal("[") || m_p >= m_end || *m_p != '"' || !string(name) || !literal(",") || m_p >= m_end
                    || *m_p != '"' || !string(text) || !literal("]"))
                    return false;
            } while (literal(","));
            if (!literal("]"))
                return false;
        }
        value.end = m_p;
        value.type = TraceFastLoader::Value::Type::Headers;
        return true;
    }

    const char* m_p;
    const char* m_end;
};

bool fitsInt(qint64 value)
{
    return value >= std::numeric_limits<int>::min() && value <= std::numeric_limits<int>::max();
}

template <typename Int> bool small(qint64 value)
{
    return value >= std::numeric_limits<Int>::min() && value <= std::numeric_limits<Int>::max();
}

} // namespace

bool TraceFastLoader::load(const char* line, qsizetype size, qint64 at)
{
    m_at = at;
    for (Value& value : m_values)
        value.type = Value::Type::None;
    LineType type = LineType::Other;
    if (!LineScanner(line, line + size).scan(m_values, &type))
        return false;
    switch (type) {
    case LineType::Message:
        return message();
    case LineType::Delivered:
        return messageEnd(true);
    case LineType::Lost:
        return messageEnd(false);
    case LineType::Activation:
        return activation();
    case LineType::ActivationEnd:
        return activationEnd();
    case LineType::Other:
        break;
    }
    return false;
}

bool TraceFastLoader::string(int key, QString* out, Recent* recent)
{
    Text text;
    if (!string(key, &text, recent))
        return false;
    *out = text.toString();
    return true;
}

bool TraceFastLoader::string(int key, Text* out, Recent* recent)
{
    const Value& value = m_values[size_t(key)];
    if (value.type == Value::Type::None)
        return true; // optional: stays empty
    if (value.type != Value::Type::String)
        return false;
    const qsizetype size = value.end - value.begin;
    if (size == 0)
        return true;
    if (recent) {
        for (size_t i = 0; i < recent->raw.size(); ++i) {
            if (recent->raw[i].size() == size
                && std::memcmp(recent->raw[i].constData(), value.begin, size_t(size)) == 0) {
                *out = recent->text[i];
                return true;
            }
        }
    }
    if (value.plain) {
        *out = Text(QLatin1String(value.begin, size));
    } else {
        QString decoded;
        if (!decode(value.begin, value.end, &decoded))
            return false;
        *out = Text(decoded);
    }
    if (recent) {
        const unsigned slot = recent->next++ % recent->raw.size();
        recent->raw[slot] = QByteArray(value.begin, size);
        recent->text[slot] = *out;
    }
    return true;
}

bool TraceFastLoader::integer(int key, qint64* out, bool required, qint64 fallback)
{
    const Value& value = m_values[size_t(key)];
    if (value.type == Value::Type::None) {
        *out = fallback;
        return !required;
    }
    if (value.type != Value::Type::Integer)
        return false;
    *out = value.number;
    return true;
}

bool TraceFastLoader::id(int key, int* out, bool required, int fallback)
{
    qint64 value = 0;
    if (!integer(key, &value, required, fallback) || !fitsInt(value))
        return false;
    *out = int(value);
    return true;
}

bool TraceFastLoader::time(int key, TimeUs* out)
{
    return integer(key, out, true, 0) && *out >= 0;
}

bool TraceFastLoader::headers(HeaderList* out)
{
    const Value& value = m_values[Headers];
    if (value.type == Value::Type::None)
        return true;
    if (value.type != Value::Type::Headers)
        return false;
    // The array was checked when the line was scanned: pairs of strings, nothing else.
    const char* p = value.begin + 1;
    const auto next = [&](QByteArray* bytes) {
        p = static_cast<const char*>(std::memchr(p, '"', size_t(value.end - p))) + 1;
        const char* start = p;
        bool plain = true;
        while (*p != '"') {
            if (*p == '\\') {
                plain = false;
                ++p;
            } else if (static_cast<unsigned char>(*p) >= 0x80) {
                plain = false;
            }
            ++p;
        }
        if (plain) {
            *bytes = QByteArray(start, p - start);
        } else {
            QString text;
            if (!decode(start, p, &text))
                return false;
            *bytes = TraceFields::bytesOf(text);
        }
        ++p;
        return true;
    };
    while (std::memchr(p, '"', size_t(value.end - p))) {
        QPair<QByteArray, QByteArray> pair;
        if (!next(&pair.first) || !next(&pair.second))
            return false;
        out->append(std::move(pair));
    }
    return true;
}

bool TraceFastLoader::body(QByteArray* out)
{
    const Value& body = m_values[Body];
    if (body.type == Value::Type::None)
        return true;
    if (body.type != Value::Type::String || !body.plain)
        return false;
    if (body.end > body.begin) {
        auto decoded = QByteArray::fromBase64Encoding(
            QByteArray::fromRawData(body.begin, body.end - body.begin), QByteArray::AbortOnBase64DecodingErrors);
        if (!decoded)
            return false;
        *out = std::move(decoded.decoded);
    }
    return true;
}

bool TraceFastLoader::payload(const char* line, qsizetype size, HeaderList* headers, QByteArray* body)
{
    TraceFastLoader loader(nullptr);
    LineType type = LineType::Other;
    if (!LineScanner(line, line + size).scan(loader.m_values, &type) || type != LineType::Message)
        return false;
    return loader.headers(headers) && loader.body(body);
}

bool TraceFastLoader::message()
{
    Message m;
    qint64 status = 0;
    qint64 opcode = -1;
    qint64 closeCode = -1;
    const Value& kind = m_values[Kind];
    const Value& upgrade = m_values[Upgrade];
    const Value& items = m_values[Items];
    if (!integer(Seq, &m.seq, true, 0) || !id(From, &m.from, true, 0) || !id(To, &m.to, true, 0)
        || kind.type != Value::Type::String || !kindOf(kind.begin, kind.end - kind.begin, &m.kind)
        || !string(Label, &m.label, &m_labels) || !id(Conn, &m.connection, false, -1)
        || !string(Corr, &m.correlation, &m_correlations) || !integer(Bytes, &m.bytes, false, 0)
        || !string(Method, &m.fields.method, &m_words) || !string(Target, &m.fields.target)
        || !integer(Status, &status, false, 0) || !small<qint16>(status) || !integer(Opcode, &opcode, false, -1)
        || !small<qint16>(opcode) || !integer(Close, &closeCode, false, -1) || !small<qint32>(closeCode)
        || !string(Reason, &m.fields.reason, &m_words) || !string(Name, &m.fields.name, &m_words)
        || !string(Ref, &m.fields.id) || !string(Callback, &m.fields.callback) || !time(Sent, &m.sentAt))
        return false;
    m.fields.status = qint16(status);
    m.fields.opcode = qint16(opcode);
    m.fields.closeCode = qint32(closeCode);
    if (upgrade.type != Value::Type::None) {
        if (upgrade.type != Value::Type::Boolean)
            return false;
        m.fields.upgrade = upgrade.number != 0;
    }
    if (items.type != Value::Type::None) {
        if (items.type != Value::Type::Items || items.number < 0 || items.second < items.number)
            return false;
        m.firstItem = items.number;
        m.lastItem = items.second;
    }
    QByteArray bodyPreview;
    if (!this->body(&bodyPreview))
        return false;
    if (m_payloadFile && m_at >= 0) {
        // Checked as when held, but left in the file: the headers were checked when the line was scanned.
        const Value& headerList = m_values[Headers];
        if (headerList.type != Value::Type::None && headerList.type != Value::Type::Headers)
            return false;
        const bool hasHeaders = headerList.type == Value::Type::Headers
            && std::memchr(headerList.begin, '"', size_t(headerList.end - headerList.begin));
        m.setPayload(m_payloadFile.data(), m_at, hasHeaders, !bodyPreview.isEmpty());
    } else {
        HeaderList headerList;
        if (!headers(&headerList))
            return false;
        m.setPayload(headerList, bodyPreview);
    }
    if (m.seq != qint64(m_trace->messages().size()) || !m_trace->participant(m.from) || !m_trace->participant(m.to))
        return false;
    return m_trace->restoreMessage(std::move(m));
}

bool TraceFastLoader::messageEnd(bool delivered)
{
    qint64 seq = 0;
    TimeUs at = 0;
    int connection = -1;
    qint64 bytes = -1;
    if (!integer(Seq, &seq, true, 0) || !time(delivered ? Received : At, &at))
        return false;
    if (delivered && (!id(Conn, &connection, false, -1) || !integer(Bytes, &bytes, false, -1)))
        return false;
    if (seq < 0 || seq >= qint64(m_trace->messages().size()))
        return false;
    // Already delivered or lost: nothing changes, and the strict reader says so.
    return delivered ? m_trace->completeMessage(seq, at, connection, bytes) : m_trace->loseMessage(seq, at);
}

bool TraceFastLoader::activation()
{
    Activation a;
    if (!integer(Id, &a.id, true, 0) || !id(ParticipantKey, &a.participant, true, 0)
        || !string(Label, &a.label, &m_labels) || !time(Start, &a.start))
        return false;
    if (a.id != qint64(m_trace->activations().size()) || !m_trace->participant(a.participant))
        return false;
    return m_trace->restoreActivation(a);
}

bool TraceFastLoader::activationEnd()
{
    qint64 id = 0;
    TimeUs end = 0;
    if (!integer(Id, &id, true, 0) || !time(End, &end))
        return false;
    if (id < 0 || id >= qint64(m_trace->activations().size()))
        return false;
    return m_trace->endActivation(id, end);
}

} // namespace PatternScope
