// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QHash>
#include <QList>
#include <QPair>
#include <QString>
#include <QStringList>
#include <functional>

namespace PatternScope {

// One knob of a pattern. Values are integers in the unit's base: milliseconds, a count, bytes, or
// for a choice the index of the chosen word; a Text parameter (an address, say) keeps its text
// beside, checked by its own rule.
struct ParameterSpec {
    enum class Unit { Milliseconds, Count, Bytes, Choice, Text };

    QString name;
    QString description;
    Unit unit = Unit::Milliseconds;
    qint64 defaultValue = 0;
    qint64 minimum = 0;
    qint64 maximum = 0;
    bool live = false; // may change while a run is going
    QStringList choices; // the words of a Choice, index = value
    QString defaultText; // a Text's
    // A Text's rule: false with a reason (without the parameter's name) for a value it refuses.
    std::function<bool(QStringView text, QString* reason)> check;

    static ParameterSpec number(const QString& name, const QString& description, Unit unit, qint64 defaultValue,
        qint64 minimum, qint64 maximum, bool live);
    static ParameterSpec choice(
        const QString& name, const QString& description, const QStringList& choices, int defaultIndex, bool live);
    static ParameterSpec text(const QString& name, const QString& description, const QString& defaultText,
        std::function<bool(QStringView, QString*)> check);

    QString format(qint64 value) const;
    QString rangeText() const; // "0ms to 10s", "fixed|poisson"
    QString unitName() const; // "duration", "count", "bytes", "choice"
    // Parses text in this parameter's unit; on failure returns false with a reason naming the range.
    // A Text parameter's value is its text: this only checks it (and gives 0).
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
    QString text(const QString& name) const; // a Text parameter's value; empty for others
    bool contains(const QString& name) const { return m_values.contains(name); }

    // false for an unknown name or a value outside the range
    bool set(const QString& name, qint64 value, QString* error = nullptr);
    // false for an unknown name, one that is not Text, or a text its rule refuses
    bool setText(const QString& name, const QString& value, QString* error = nullptr);
    // "name=value" as given to --set; the error names the parameter, the value and the range
    bool assign(QStringView assignment, QString* error);

    // name -> formatted value, in spec order: what a trace header keeps
    QList<QPair<QString, QString>> formatted() const;

private:
    QList<ParameterSpec> m_specs;
    QHash<QString, qint64> m_values;
    QHash<QString, QString> m_texts; // Text parameters
};

} // namespace PatternScope
