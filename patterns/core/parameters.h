// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QHash>
#include <QList>
#include <QPair>
#include <QString>
#include <QStringList>

namespace PatternScope {

// One knob of a pattern. Values are integers in the unit's base: milliseconds, a count, bytes, or
// for a choice the index of the chosen word.
struct ParameterSpec {
    enum class Unit { Milliseconds, Count, Bytes, Choice };

    QString name;
    QString description;
    Unit unit = Unit::Milliseconds;
    qint64 defaultValue = 0;
    qint64 minimum = 0;
    qint64 maximum = 0;
    bool live = false; // may change while a run is going
    QStringList choices; // the words of a Choice, index = value

    static ParameterSpec number(const QString& name, const QString& description, Unit unit, qint64 defaultValue,
        qint64 minimum, qint64 maximum, bool live);
    static ParameterSpec choice(
        const QString& name, const QString& description, const QStringList& choices, int defaultIndex, bool live);

    QString format(qint64 value) const;
    QString rangeText() const; // "0ms to 10s", "fixed|poisson"
    QString unitName() const; // "duration", "count", "bytes", "choice"
    // Parses text in this parameter's unit; on failure returns false with a reason naming the range.
    bool parse(QStringView text, qint64* value, QString* error) const;
};

// Durations as a person types them: "250ms", "4s", "1.5s". A unit is required.
bool parseDurationMs(QStringView text, qint64* ms, QString* error);
QString formatDurationMs(qint64 ms);

// The values of a pattern's parameters, starting from the defaults.
class ParameterSet {
public:
    ParameterSet() = default;
    explicit ParameterSet(const QList<ParameterSpec>& specs);

    const QList<ParameterSpec>& specs() const { return m_specs; }
    const ParameterSpec* spec(const QString& name) const;
    qint64 value(const QString& name) const; // the default for an unknown name is 0
    bool contains(const QString& name) const { return m_values.contains(name); }

    // false for an unknown name or a value outside the range
    bool set(const QString& name, qint64 value, QString* error = nullptr);
    // "name=value" as given to --set; the error names the parameter, the value and the range
    bool assign(QStringView assignment, QString* error);

    // name -> formatted value, in spec order: what a trace header keeps
    QList<QPair<QString, QString>> formatted() const;

private:
    QList<ParameterSpec> m_specs;
    QHash<QString, qint64> m_values;
};

} // namespace PatternScope
