// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QAtomicInt>
#include <QByteArray>
#include <QDebug>
#include <QLatin1String>
#include <QString>
#include <QStringBuilder>
#include <QStringView>
#include <utility>

namespace PatternScope {

// An immutable text in the 8 bytes of a pointer, for the strings a trace keeps per message by the million:
// labels, correlations, the fields of a message (a QString costs 24 bytes even when empty).
// Up to 7 Latin-1 characters are kept in the pointer itself; a longer text in one shared block, one byte a
// character when Latin-1 holds it, else UTF-16. Copies share the block, so a repeated text (a method, a
// reason, a topic) that a reader hands out again costs each message only its 8 bytes.
// Every text has exactly one form, the smallest that holds it, so equal texts have equal forms. A Text does not
// tell a null string from an empty one. Reading it as a QString makes one: cheap, but not free.
class Text {
public:
    Text() noexcept = default;
    Text(const QString& text)
        : Text(QStringView(text))
    {
    }
    Text(QStringView text);
    Text(QLatin1String text);
    template <typename A, typename B>
    Text(const QStringBuilder<A, B>& text)
        : Text(QString(text))
    {
    }
    Text(const Text& other) noexcept
        : m_bits(other.m_bits)
    {
        ref();
    }
    Text(Text&& other) noexcept
        : m_bits(std::exchange(other.m_bits, 0))
    {
    }
    Text& operator=(const Text& other) noexcept
    {
        Text copy(other);
        swap(copy);
        return *this;
    }
    Text& operator=(Text&& other) noexcept
    {
        Text moved(std::move(other));
        swap(moved);
        return *this;
    }
    ~Text() { deref(); }
    void swap(Text& other) noexcept { std::swap(m_bits, other.m_bits); }
    void clear() noexcept { deref(); }

    QString toString() const;
    operator QString() const { return toString(); }
    QByteArray toUtf8() const;
    QByteArray toLatin1() const { return toString().toLatin1(); }

    bool isEmpty() const { return m_bits == 0; }
    bool isNull() const { return m_bits == 0; }
    qsizetype size() const;
    bool startsWith(QStringView prefix) const;
    bool startsWith(QLatin1String prefix) const;
    bool startsWith(QChar c) const { return !isEmpty() && at(0) == c; }
    bool startsWith(const QString& prefix) const { return startsWith(QStringView(prefix)); }
    bool endsWith(const QString& suffix) const { return toString().endsWith(suffix); }
    bool endsWith(QStringView suffix) const { return toString().endsWith(suffix); }
    bool endsWith(QLatin1String suffix) const { return toString().endsWith(suffix); }
    bool contains(const QString& text) const { return toString().contains(text); }
    bool contains(QStringView text) const { return toString().contains(text); }
    bool contains(QLatin1String text) const { return toString().contains(text); }
    bool contains(QChar c) const { return toString().contains(c); }
    QChar at(qsizetype i) const;

    // Calls f with the characters, as a QLatin1String or a QStringView; what f returns is returned.
    template <typename F> decltype(auto) visit(F&& f) const
    {
        if (isInline()) {
            char chars[8];
            const qsizetype n = unpack(chars);
            return f(QLatin1String(chars, n));
        }
        if (m_bits == 0)
            return f(QLatin1String());
        const Block* b = block();
        if (b->wide)
            return f(QStringView(reinterpret_cast<const char16_t*>(b + 1), qsizetype(b->size)));
        return f(QLatin1String(reinterpret_cast<const char*>(b + 1), qsizetype(b->size)));
    }

    friend bool operator==(const Text& a, const Text& b);
    friend bool operator!=(const Text& a, const Text& b) { return !(a == b); }
    friend bool operator==(const Text& a, QStringView b);
    friend bool operator==(const Text& a, QLatin1String b);
    friend bool operator==(const Text& a, const QString& b) { return a == QStringView(b); }
    friend bool operator==(QStringView a, const Text& b) { return b == a; }
    friend bool operator==(QLatin1String a, const Text& b) { return b == a; }
    friend bool operator==(const QString& a, const Text& b) { return b == QStringView(a); }
    friend bool operator!=(const Text& a, QStringView b) { return !(a == b); }
    friend bool operator!=(const Text& a, QLatin1String b) { return !(a == b); }
    friend bool operator!=(const Text& a, const QString& b) { return !(a == QStringView(b)); }
    friend bool operator!=(QStringView a, const Text& b) { return !(b == a); }
    friend bool operator!=(QLatin1String a, const Text& b) { return !(b == a); }
    friend bool operator!=(const QString& a, const Text& b) { return !(b == QStringView(a)); }
    friend bool operator<(const Text& a, const Text& b) { return a.toString() < b.toString(); }

    // For QStringBuilder: the characters written at `out`.
    void appendTo(QChar*& out) const;

private:
    struct Block {
        QBasicAtomicInt ref;
        quint32 size : 31;
        quint32 wide : 1;
    };
    static_assert(sizeof(Block) == 8, "a block's characters follow its 8-byte head");

    bool isInline() const { return (m_bits & 1) != 0; }
    const Block* block() const { return reinterpret_cast<const Block*>(m_bits); }
    qsizetype unpack(char* chars) const;
    void ref() const noexcept;
    void deref() noexcept;

    quintptr m_bits = 0; // 0: empty; low bit set: inline (length in bits 1..3, characters in bytes 1..7); else a Block
};

size_t qHash(const Text& text, size_t seed = 0) noexcept;
QDebug operator<<(QDebug debug, const Text& text);

} // namespace PatternScope

template <> struct QConcatenable<PatternScope::Text> {
    typedef PatternScope::Text type;
    typedef QString ConvertTo;
    enum { ExactSize = true };
    static qsizetype size(const PatternScope::Text& text) { return text.size(); }
    static inline void appendTo(const PatternScope::Text& text, QChar*& out) { text.appendTo(out); }
};
