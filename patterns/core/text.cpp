// SPDX-License-Identifier: GPL-3.0-or-later
#include "text.h"

#include <QHashFunctions>
#include <cstdlib>
#include <cstring>

namespace PatternScope {

namespace {

constexpr qsizetype kInline = 7; // characters a Text keeps in its pointer

bool equal(QLatin1String a, QLatin1String b)
{
    return a.size() == b.size() && (a.size() == 0 || std::memcmp(a.data(), b.data(), size_t(a.size())) == 0);
}

bool equal(QStringView a, QStringView b)
{
    return a.size() == b.size()
        && (a.size() == 0 || std::memcmp(a.data(), b.data(), size_t(a.size()) * sizeof(char16_t)) == 0);
}

bool equal(QLatin1String a, QStringView b)
{
    if (a.size() != b.size())
        return false;
    for (qsizetype i = 0; i < a.size(); ++i) {
        if (char16_t(uchar(a.data()[i])) != b.utf16()[i])
            return false;
    }
    return true;
}

bool equal(QStringView a, QLatin1String b)
{
    return equal(b, a);
}

} // namespace

Text::Text(QLatin1String text)
{
    const qsizetype n = text.size();
    if (n == 0)
        return;
    if (n <= kInline) {
        quintptr bits = quintptr(n) << 1 | 1;
        for (qsizetype i = 0; i < n; ++i)
            bits |= quintptr(uchar(text.data()[i])) << (8 * (i + 1));
        m_bits = bits;
        return;
    }
    Q_ASSERT(n < (qsizetype(1) << 31));
    void* memory = std::malloc(sizeof(Block) + size_t(n));
    Q_CHECK_PTR(memory);
    auto* b = static_cast<Block*>(memory);
    b->ref.storeRelaxed(1);
    b->size = quint32(n);
    b->wide = 0;
    std::memcpy(static_cast<void*>(b + 1), text.data(), size_t(n));
    m_bits = quintptr(b);
}

Text::Text(QStringView text)
{
    const qsizetype n = text.size();
    if (n == 0)
        return;
    const char16_t* chars = text.utf16();
    bool latin1 = true;
    for (qsizetype i = 0; i < n && latin1; ++i)
        latin1 = chars[i] < 0x100;
    if (latin1) {
        char small[kInline];
        if (n <= kInline) {
            for (qsizetype i = 0; i < n; ++i)
                small[i] = char(chars[i]);
            *this = Text(QLatin1String(small, n));
            return;
        }
    }
    Q_ASSERT(n < (qsizetype(1) << 31));
    const size_t bytes = size_t(n) * (latin1 ? 1 : sizeof(char16_t));
    void* memory = std::malloc(sizeof(Block) + bytes);
    Q_CHECK_PTR(memory);
    auto* b = static_cast<Block*>(memory);
    b->ref.storeRelaxed(1);
    b->size = quint32(n);
    b->wide = latin1 ? 0 : 1;
    if (latin1) {
        auto* out = reinterpret_cast<char*>(b + 1);
        for (qsizetype i = 0; i < n; ++i)
            out[i] = char(chars[i]);
    } else {
        std::memcpy(static_cast<void*>(b + 1), chars, bytes);
    }
    m_bits = quintptr(b);
}

void Text::ref() const noexcept
{
    if (m_bits != 0 && !isInline())
        const_cast<Block*>(block())->ref.ref();
}

void Text::deref() noexcept
{
    if (m_bits != 0 && !isInline()) {
        auto* b = const_cast<Block*>(block());
        if (!b->ref.deref())
            std::free(b);
    }
    m_bits = 0;
}

qsizetype Text::unpack(char* chars) const
{
    const qsizetype n = qsizetype((m_bits >> 1) & 7);
    for (qsizetype i = 0; i < n; ++i)
        chars[i] = char((m_bits >> (8 * (i + 1))) & 0xff);
    return n;
}

qsizetype Text::size() const
{
    if (m_bits == 0)
        return 0;
    if (isInline())
        return qsizetype((m_bits >> 1) & 7);
    return qsizetype(block()->size);
}

QChar Text::at(qsizetype i) const
{
    Q_ASSERT(i >= 0 && i < size());
    return visit([i](auto chars) { return QChar(chars.at(i)); });
}

QString Text::toString() const
{
    return visit([](auto chars) { return chars.toString(); });
}

QByteArray Text::toUtf8() const
{
    return visit([](auto chars) { return chars.toString().toUtf8(); });
}

bool Text::startsWith(QStringView prefix) const
{
    return visit([&](auto chars) { return prefix.size() <= chars.size() && equal(chars.left(prefix.size()), prefix); });
}

bool Text::startsWith(QLatin1String prefix) const
{
    return visit([&](auto chars) { return prefix.size() <= chars.size() && equal(chars.left(prefix.size()), prefix); });
}

void Text::appendTo(QChar*& out) const
{
    visit([&](auto chars) {
        using Chars = decltype(chars);
        if constexpr (std::is_same_v<Chars, QLatin1String>) {
            for (qsizetype i = 0; i < chars.size(); ++i)
                *out++ = QChar(char16_t(uchar(chars.data()[i])));
        } else {
            if (chars.size() > 0)
                std::memcpy(static_cast<void*>(out), chars.data(), size_t(chars.size()) * sizeof(QChar));
            out += chars.size();
        }
    });
}

bool operator==(const Text& a, const Text& b)
{
    if (a.m_bits == b.m_bits)
        return true;
    // One form per text: an inline text equals only the same bits, and a block only a block of the same form.
    if (a.m_bits == 0 || b.m_bits == 0 || a.isInline() || b.isInline())
        return false;
    const Text::Block* x = a.block();
    const Text::Block* y = b.block();
    if (x->size != y->size || x->wide != y->wide)
        return false;
    return std::memcmp(x + 1, y + 1, size_t(x->size) * (x->wide ? 2 : 1)) == 0;
}

bool operator==(const Text& a, QStringView b)
{
    return a.visit([&](auto chars) { return equal(chars, b); });
}

bool operator==(const Text& a, QLatin1String b)
{
    return a.visit([&](auto chars) { return equal(chars, b); });
}

size_t qHash(const Text& text, size_t seed) noexcept
{
    // Equal texts have equal forms, so hashing the form is enough; Qt hashes both forms alike anyway.
    return text.visit([seed](auto chars) { return ::qHash(chars, seed); });
}

QDebug operator<<(QDebug debug, const Text& text)
{
    return debug << text.toString();
}

} // namespace PatternScope
