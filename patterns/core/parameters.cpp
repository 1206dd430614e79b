// SPDX-License-Identifier: GPL-3.0-or-later
#include "parameters.h"

#include <QLocale>
#include <cmath>

namespace PatternScope {

namespace {

bool parseCount(QStringView text, qint64* value)
{
    bool ok = false;
    const qint64 v = text.toLongLong(&ok);
    if (ok)
        *value = v;
    return ok;
}

// "512", "512B", "4KiB", "1MiB": binary multiples, since buffers are.
bool parseBytes(QStringView text, qint64* value)
{
    struct Suffix {
        const char* text;
        qint64 factor;
    };
    static const Suffix suffixes[] = { { "MiB", 1 << 20 }, { "KiB", 1 << 10 }, { "B", 1 } };
    for (const Suffix& s : suffixes) {
        if (text.endsWith(QLatin1String(s.text))) {
            qint64 n = 0;
            if (!parseCount(text.chopped(qsizetype(qstrlen(s.text))).trimmed(), &n))
                return false;
            *value = n * s.factor;
            return true;
        }
    }
    return parseCount(text, value);
}

} // namespace

bool parseDurationMs(QStringView text, qint64* ms, QString* error)
{
    const QStringView t = text.trimmed();
    double factor = 0;
    QStringView number;
    if (t.endsWith(u"ms")) {
        factor = 1;
        number = t.chopped(2);
    } else if (t.endsWith(u's')) {
        factor = 1000;
        number = t.chopped(1);
    } else {
        bool isNumber = false;
        (void)t.toDouble(&isNumber);
        if (error) {
            *error = isNumber ? QStringLiteral("'%1' needs a unit, e.g. %1ms or %1s").arg(t)
                              : QStringLiteral("'%1' is not a duration (use e.g. 250ms or 4s)").arg(t);
        }
        return false;
    }
    bool ok = false;
    const double value = number.trimmed().toDouble(&ok);
    if (!ok || !std::isfinite(value) || value < 0 || value * factor > 1e15) {
        if (error)
            *error = QStringLiteral("'%1' is not a duration (use e.g. 250ms or 4s)").arg(t);
        return false;
    }
    *ms = static_cast<qint64>(std::llround(value * factor));
    return true;
}

QString formatDurationMs(qint64 ms)
{
    if (ms != 0 && ms % 1000 == 0)
        return QString::number(ms / 1000) + u's';
    return QString::number(ms) + QStringLiteral("ms");
}

ParameterSpec ParameterSpec::number(const QString& name, const QString& description, Unit unit, qint64 defaultValue,
    qint64 minimum, qint64 maximum, bool live)
{
    ParameterSpec spec;
    spec.name = name;
    spec.description = description;
    spec.unit = unit;
    spec.defaultValue = defaultValue;
    spec.minimum = minimum;
    spec.maximum = maximum;
    spec.live = live;
    return spec;
}

ParameterSpec ParameterSpec::choice(
    const QString& name, const QString& description, const QStringList& choices, int defaultIndex, bool live)
{
    ParameterSpec spec;
    spec.name = name;
    spec.description = description;
    spec.unit = Unit::Choice;
    spec.choices = choices;
    spec.defaultValue = defaultIndex;
    spec.minimum = 0;
    spec.maximum = choices.size() - 1;
    spec.live = live;
    return spec;
}

ParameterSpec ParameterSpec::text(const QString& name, const QString& description, const QString& defaultText,
    std::function<bool(QStringView, QString*)> check)
{
    ParameterSpec spec;
    spec.name = name;
    spec.description = description;
    spec.unit = Unit::Text;
    spec.defaultText = defaultText;
    spec.check = std::move(check);
    return spec;
}

QString ParameterSpec::format(qint64 value) const
{
    switch (unit) {
    case Unit::Text:
        return defaultText; // a Text's value is not a number: ParameterSet::formatted() gives the text
    case Unit::Choice:
        return choices.value(value, QString::number(value));
    case Unit::Milliseconds:
        return formatDurationMs(value);
    case Unit::Bytes:
        if (value != 0 && value % (1 << 20) == 0)
            return QString::number(value >> 20) + QStringLiteral("MiB");
        if (value != 0 && value % (1 << 10) == 0)
            return QString::number(value >> 10) + QStringLiteral("KiB");
        return QString::number(value) + u'B';
    case Unit::Count:
        break;
    }
    return QString::number(value);
}

QString ParameterSpec::rangeText() const
{
    if (unit == Unit::Choice)
        return choices.join(u'|');
    if (unit == Unit::Text)
        return QStringLiteral("text");
    return format(minimum) + QStringLiteral(" to ") + format(maximum);
}

QString ParameterSpec::unitName() const
{
    switch (unit) {
    case Unit::Milliseconds:
        return QStringLiteral("duration");
    case Unit::Bytes:
        return QStringLiteral("bytes");
    case Unit::Choice:
        return QStringLiteral("choice");
    case Unit::Text:
        return QStringLiteral("text");
    case Unit::Count:
        break;
    }
    return QStringLiteral("count");
}

bool ParameterSpec::parse(QStringView text, qint64* value, QString* error) const
{
    qint64 v = 0;
    QString reason;
    bool ok = false;
    switch (unit) {
    case Unit::Milliseconds:
        ok = parseDurationMs(text, &v, &reason);
        break;
    case Unit::Bytes:
        ok = parseBytes(text.trimmed(), &v);
        if (!ok)
            reason = QStringLiteral("'%1' is not a size (use e.g. 512B or 4KiB)").arg(text);
        break;
    case Unit::Count:
        ok = parseCount(text.trimmed(), &v);
        if (!ok)
            reason = QStringLiteral("'%1' is not a whole number").arg(text);
        break;
    case Unit::Choice:
        v = choices.indexOf(text.trimmed().toString());
        ok = v >= 0;
        if (!ok)
            reason = QStringLiteral("'%1' is not one of %2").arg(text, rangeText());
        break;
    case Unit::Text:
        ok = !check || check(text, &reason);
        break;
    }
    if (ok && (v < minimum || v > maximum)) {
        ok = false;
        reason = QStringLiteral("%1 is out of range (%2)").arg(format(v), rangeText());
    }
    if (!ok) {
        if (error)
            *error = reason;
        return false;
    }
    *value = v;
    return true;
}

ParameterSet::ParameterSet(const QList<ParameterSpec>& specs)
    : m_specs(specs)
{
    for (const ParameterSpec& s : specs) {
        m_values.insert(s.name, s.defaultValue);
        if (s.unit == ParameterSpec::Unit::Text)
            m_texts.insert(s.name, s.defaultText);
    }
}

const ParameterSpec* ParameterSet::spec(const QString& name) const
{
    for (const ParameterSpec& s : m_specs) {
        if (s.name == name)
            return &s;
    }
    return nullptr;
}

qint64 ParameterSet::value(const QString& name) const
{
    return m_values.value(name, 0);
}

QString ParameterSet::text(const QString& name) const
{
    return m_texts.value(name);
}

bool ParameterSet::setText(const QString& name, const QString& value, QString* error)
{
    const ParameterSpec* s = spec(name);
    if (!s || s->unit != ParameterSpec::Unit::Text) {
        if (error)
            *error = s ? QStringLiteral("%1 is not a text parameter").arg(name)
                       : QStringLiteral("unknown parameter '%1'").arg(name);
        return false;
    }
    QString reason;
    if (s->check && !s->check(value, &reason)) {
        if (error)
            *error = name + QStringLiteral(": ") + reason;
        return false;
    }
    m_texts.insert(name, value.trimmed());
    return true;
}

bool ParameterSet::set(const QString& name, qint64 value, QString* error)
{
    const ParameterSpec* s = spec(name);
    if (!s) {
        if (error)
            *error = QStringLiteral("unknown parameter '%1'").arg(name);
        return false;
    }
    if (s->unit == ParameterSpec::Unit::Text) {
        if (error)
            *error = QStringLiteral("%1 takes text, not a number").arg(name);
        return false;
    }
    if (value < s->minimum || value > s->maximum) {
        if (error)
            *error = QStringLiteral("%1: %2 is out of range (%3)").arg(name, s->format(value), s->rangeText());
        return false;
    }
    m_values.insert(name, value);
    return true;
}

bool ParameterSet::assign(QStringView assignment, QString* error)
{
    const qsizetype eq = assignment.indexOf(u'=');
    if (eq <= 0) {
        if (error)
            *error = QStringLiteral("'%1' is not name=value").arg(assignment);
        return false;
    }
    const QString name = assignment.left(eq).trimmed().toString();
    const ParameterSpec* s = spec(name);
    if (!s) {
        QStringList known;
        for (const ParameterSpec& p : m_specs)
            known.append(p.name);
        if (error)
            *error = QStringLiteral("unknown parameter '%1' (known: %2)").arg(name, known.join(QStringLiteral(", ")));
        return false;
    }
    if (s->unit == ParameterSpec::Unit::Text)
        return setText(name, assignment.mid(eq + 1).toString(), error);
    qint64 v = 0;
    QString reason;
    if (!s->parse(assignment.mid(eq + 1), &v, &reason)) {
        if (error)
            *error = name + QStringLiteral(": ") + reason;
        return false;
    }
    m_values.insert(name, v);
    return true;
}

QList<QPair<QString, QString>> ParameterSet::formatted() const
{
    QList<QPair<QString, QString>> result;
    for (const ParameterSpec& s : m_specs)
        result.append(qMakePair(
            s.name, s.unit == ParameterSpec::Unit::Text ? m_texts.value(s.name) : s.format(m_values.value(s.name))));
    return result;
}

} // namespace PatternScope
