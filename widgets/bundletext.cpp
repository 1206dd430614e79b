// SPDX-License-Identifier: GPL-3.0-or-later
#include "bundletext.h"

#include <QHash>
#include <QRegularExpression>
#include <algorithm>
#include <optional>

namespace PatternScope::BundleText {

namespace {

const QString kAnything = QStringLiteral("\u2026");
const QString kTimes = QStringLiteral(" \u00d7 ");
const QString kDash = QStringLiteral("\u2013");
const QString kJoin = QStringLiteral(" + ");
constexpr int kMostAlternatives = 3;
constexpr int kMostParts = 3;

QStringList tokens(const QString& text)
{
    return text.split(u' ', Qt::SkipEmptyParts);
}

// A token with one number in it, whole or decimal: "#7" -> ("#", 7, ""), "41.22" -> ("", 41.22, "").
struct Numbered {
    QString prefix;
    double number = 0;
    QString written; // the number as the token writes it
    QString suffix;
};

const QString kNumber = QStringLiteral("(\\d{1,15}(?:\\.\\d{1,15})?)");

std::optional<Numbered> numbered(const QString& token)
{
    static const QRegularExpression one(QStringLiteral("^(\\D*)") + kNumber + QStringLiteral("(\\D*)$"));
    const QRegularExpressionMatch m = one.match(token);
    if (!m.hasMatch())
        return std::nullopt;
    return Numbered { m.captured(1), m.captured(2).toDouble(), m.captured(2), m.captured(3) };
}

// The values at one position of every member: one token standing for them all.
QString columnToken(const QStringList& values)
{
    QStringList distinct;
    for (const QString& v : values) {
        if (!distinct.contains(v))
            distinct.append(v);
    }
    if (distinct.size() == 1)
        return distinct.front();
    std::optional<Numbered> first = numbered(distinct.front());
    if (first) {
        Numbered low = *first;
        Numbered high = *first;
        bool same = true;
        for (const QString& v : distinct) {
            const std::optional<Numbered> n = numbered(v);
            if (!n || n->prefix != first->prefix || n->suffix != first->suffix) {
                same = false;
                break;
            }
            if (n->number < low.number)
                low = *n;
            if (n->number > high.number)
                high = *n;
        }
        if (same)
            return first->prefix + low.written + kDash + high.written + first->suffix;
    }
    const bool plainWords = std::none_of(distinct.begin(), distinct.end(),
        [](const QString& v) { return v.contains(u'/') || v.contains(kAnything) || v.contains(kDash); });
    if (distinct.size() <= kMostAlternatives && plainWords)
        return distinct.join(u'/');
    return kAnything;
}

QString joinTokens(const QStringList& parts)
{
    QStringList out;
    for (const QString& p : parts) {
        if (p == kAnything && !out.isEmpty() && out.back() == kAnything)
            continue; // one "…" stands for any number of tokens
        out.append(p);
    }
    return out.join(u' ');
}

bool tokenNames(const QString& pattern, const QString& token)
{
    if (pattern == token)
        return true;
    static const QRegularExpression range(
        QStringLiteral("^(\\D*)") + kNumber + QStringLiteral("\u2013") + kNumber + QStringLiteral("(\\D*)$"));
    const QRegularExpressionMatch r = range.match(pattern);
    if (r.hasMatch()) {
        const std::optional<Numbered> n = numbered(token);
        return n && n->prefix == r.captured(1) && n->suffix == r.captured(4) && n->number >= r.captured(2).toDouble()
            && n->number <= r.captured(3).toDouble();
    }
    return pattern.contains(u'/') && !token.contains(u'/') && pattern.split(u'/').contains(token);
}

// Whether pattern tokens p[i..] name text tokens t[j..]; "…" takes one token or more.
bool tokensName(const QStringList& p, qsizetype i, const QStringList& t, qsizetype j)
{
    if (i == p.size())
        return j == t.size();
    if (p[i] == kAnything) {
        for (qsizetype k = j + 1; k <= t.size(); ++k) {
            if (tokensName(p, i + 1, t, k))
                return true;
        }
        return false;
    }
    return j < t.size() && tokenNames(p[i], t[j]) && tokensName(p, i + 1, t, j + 1);
}

bool bodyNames(const QString& body, const QStringList& text)
{
    static const QRegularExpression counted(QStringLiteral("^\\d+ \u00d7 "));
    static const QRegularExpression more(QStringLiteral("^\\d+ more$"));
    for (QString part : body.split(kJoin)) {
        if (more.match(part).hasMatch())
            continue;
        part.remove(counted);
        if (tokensName(tokens(part), 0, text, 0))
            return true;
    }
    return false;
}

} // namespace

QString shape(const QString& text)
{
    QString out;
    out.reserve(text.size());
    bool inDigits = false;
    for (const QChar c : text) {
        const bool digit = c.isDigit();
        if (!digit)
            out.append(c);
        else if (!inDigits)
            out.append(u'#');
        inDigits = digit;
    }
    return out;
}

QString pattern(const QStringList& texts)
{
    if (texts.isEmpty())
        return QString();
    if (std::all_of(texts.begin(), texts.end(), [&](const QString& t) { return t == texts.front(); }))
        return texts.front();
    std::vector<QStringList> split;
    split.reserve(size_t(texts.size()));
    for (const QString& t : texts)
        split.push_back(tokens(t));
    const qsizetype count = split.front().size();
    const bool aligned
        = std::all_of(split.begin(), split.end(), [count](const QStringList& s) { return s.size() == count; });
    QStringList out;
    if (aligned) {
        for (qsizetype i = 0; i < count; ++i) {
            QStringList column;
            for (const QStringList& s : split)
                column.append(s[i]);
            out.append(columnToken(column));
        }
        return joinTokens(out);
    }
    // Different lengths: what they all begin with, then anything.
    for (qsizetype i = 0; i < count; ++i) {
        const QString& token = split.front()[i];
        if (!std::all_of(
                split.begin(), split.end(), [&](const QStringList& s) { return i < s.size() && s[i] == token; }))
            break;
        out.append(token);
    }
    out.append(kAnything);
    return joinTokens(out);
}

QString summary(const QStringList& texts)
{
    if (texts.isEmpty())
        return QString();
    if (std::all_of(texts.begin(), texts.end(), [&](const QString& t) { return t == texts.front(); }))
        return texts.size() == 1 ? texts.front() : QString::number(texts.size()) + kTimes + texts.front();
    // Members of one shape say the same kind of thing; shapes that differ in a single word (the topic of
    // a publish) still make one part.
    struct Part {
        QStringList shape;
        QStringList texts;
    };
    std::vector<Part> parts;
    QHash<QString, size_t> byShape;
    for (const QString& text : texts) {
        const QString s = shape(text);
        auto it = byShape.constFind(s);
        if (it == byShape.constEnd()) {
            const QStringList st = tokens(s);
            size_t found = parts.size();
            for (size_t i = 0; i < parts.size(); ++i) {
                if (parts[i].shape.size() != st.size())
                    continue;
                qsizetype differ = 0;
                for (qsizetype k = 0; k < st.size(); ++k)
                    differ += parts[i].shape[k] != st[k];
                if (differ <= 1) {
                    found = i;
                    break;
                }
            }
            if (found == parts.size())
                parts.push_back({ st, {} });
            it = byShape.insert(s, found);
        }
        parts[*it].texts.append(text);
    }
    // The largest parts, in the order they first came.
    std::vector<size_t> order(parts.size());
    for (size_t i = 0; i < order.size(); ++i)
        order[i] = i;
    std::stable_sort(
        order.begin(), order.end(), [&](size_t a, size_t b) { return parts[a].texts.size() > parts[b].texts.size(); });
    if (order.size() > size_t(kMostParts))
        order.resize(size_t(kMostParts));
    std::sort(order.begin(), order.end());
    QStringList out;
    qsizetype shown = 0;
    for (size_t i : order) {
        const Part& part = parts[i];
        shown += part.texts.size();
        const QString p = pattern(part.texts);
        out.append(part.texts.size() == 1 ? p : QString::number(part.texts.size()) + kTimes + p);
    }
    if (shown < texts.size())
        out.append(QStringLiteral("%1 more").arg(texts.size() - shown));
    return out.join(kJoin);
}

bool names(const QString& label, const QString& text)
{
    const QStringList wanted = tokens(text);
    if (bodyNames(label, wanted))
        return true;
    // Without the lifelines' names at the end.
    const qsizetype open = label.lastIndexOf(QStringLiteral(" ("));
    return label.endsWith(u')') && open > 0 && bodyNames(label.left(open), wanted);
}

} // namespace PatternScope::BundleText
