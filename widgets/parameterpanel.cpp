// SPDX-License-Identifier: GPL-3.0-or-later
#include "parameterpanel.h"

#include "heading.h"
#include "patterninfo.h"

#include <QComboBox>
#include <QFormLayout>
#include <QFrame>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QSignalBlocker>
#include <QSlider>
#include <QSpinBox>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>
#include <limits>

namespace PatternScope {

namespace {

// The slider is logarithmic: position p means 10^(p / StepsPerDecade), so 0 is 1× and the ends are 0.1× and 10×.
constexpr int StepsPerDecade = 100;
constexpr double MinTimeScale = 0.1;
constexpr double MaxTimeScale = 10.0;

int clampToInt(qint64 value)
{
    return int(qBound(qint64(std::numeric_limits<int>::min()), value, qint64(std::numeric_limits<int>::max())));
}

double positionToFactor(int position)
{
    return std::pow(10.0, double(position) / StepsPerDecade);
}

int factorToPosition(double factor)
{
    return int(std::lround(std::log10(factor) * StepsPerDecade));
}

// A duration at a time scale: all scenario timings stretch alike, within the parameter's range (0 stays 0).
qint64 scaledValue(const ParameterSpec& spec, double unscaled, double factor)
{
    if (unscaled == 0)
        return 0;
    return std::clamp<qint64>(std::llround(unscaled * factor), spec.minimum, spec.maximum);
}

QFrame* separator(QWidget* parent)
{
    auto* line = new QFrame(parent);
    line->setFrameShape(QFrame::HLine);
    line->setFrameShadow(QFrame::Sunken);
    return line;
}

QString fixedToolTip(const QString& description)
{
    return ParameterPanel::tr("%1 — fixed while a run is going").arg(description);
}

} // namespace

ParameterPanel::ParameterPanel(QWidget* parent)
    : QWidget(parent)
{
    auto* layout = new QVBoxLayout(this);

    m_title = makeHeading(QString(), this);
    m_title->setWordWrap(true);
    m_description = new QLabel(this);
    m_description->setWordWrap(true);
    m_description->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_participants = new QLabel(this);
    m_participants->setWordWrap(true);
    // Secondary information: the palette's placeholder colour reads as muted in light and dark themes alike.
    m_participants->setForegroundRole(QPalette::PlaceholderText);
    layout->addWidget(m_title);
    layout->addWidget(m_description);
    layout->addWidget(m_participants);
    layout->addWidget(separator(this));

    layout->addWidget(makeHeading(tr("Scenario timings"), this));
    m_readOnlyNote = new QLabel(tr("The values this trace was recorded with (read-only)."), this);
    m_readOnlyNote->setWordWrap(true);
    m_readOnlyNote->setForegroundRole(QPalette::PlaceholderText);
    m_readOnlyNote->hide();
    layout->addWidget(m_readOnlyNote);
    m_noParameters = new QLabel(tr("This pattern has no timings to set."), this);
    m_noParameters->setForegroundRole(QPalette::PlaceholderText);
    m_noParameters->setWordWrap(true);
    m_noParameters->hide();
    layout->addWidget(m_noParameters);
    m_form = new QFormLayout;
    m_form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    layout->addLayout(m_form);

    // The time scale is not a parameter of any one pattern; it scales all of them, so it sits below the form.
    auto* scaleForm = new QFormLayout;
    auto* scaleRow = new QHBoxLayout;
    m_timeScale = new QSlider(Qt::Horizontal, this);
    m_timeScale->setRange(factorToPosition(MinTimeScale), factorToPosition(MaxTimeScale));
    m_timeScale->setSingleStep(5);
    m_timeScale->setPageStep(StepsPerDecade / 4);
    m_timeScale->setTickPosition(QSlider::TicksBelow);
    m_timeScale->setTickInterval(StepsPerDecade);
    m_timeScale->setValue(0);
    // Dragging reports once on release, so a run is not rescaled at every pixel; the label follows live.
    m_timeScale->setTracking(false);
    m_timeScale->setAccessibleName(tr("Time scale"));
    m_timeScale->setToolTip(tr("Multiplies every scenario timing: below 1× the run goes faster, above 1× slower"));
    m_timeScaleLabel = new QLabel(formatTimeScale(1.0), this);
    m_timeScaleLabel->setMinimumWidth(m_timeScaleLabel->fontMetrics().horizontalAdvance(formatTimeScale(0.25)));
    m_timeScaleLabel->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
    scaleRow->addWidget(m_timeScale, 1);
    scaleRow->addWidget(m_timeScaleLabel);
    auto* scaleLabel = new QLabel(tr("Time scale"), this);
    scaleLabel->setBuddy(m_timeScale);
    scaleForm->addRow(scaleLabel, scaleRow);
    layout->addLayout(scaleForm);
    layout->addStretch(1);

    connect(m_timeScale, &QSlider::sliderMoved, this,
        [this](int position) { m_timeScaleLabel->setText(formatTimeScale(positionToFactor(position))); });
    connect(m_timeScale, &QSlider::valueChanged, this, &ParameterPanel::sliderChanged);
}

ParameterPanel::~ParameterPanel() = default;

QString ParameterPanel::readableName(const QString& name)
{
    QString text = name;
    text.replace(QLatin1Char('-'), QLatin1Char(' '));
    text.replace(QLatin1Char('_'), QLatin1Char(' '));
    if (!text.isEmpty())
        text[0] = text[0].toUpper();
    return text;
}

QString ParameterPanel::formatTimeScale(double factor)
{
    // Below 1× the second decimal matters (0.25× vs 0.2×); above it one is enough.
    return QString::number(factor, 'f', factor < 0.995 ? 2 : 1) + QStringLiteral("×");
}

void ParameterPanel::setPattern(const PatternInfo& info, const ParameterSet& values)
{
    m_title->setText(info.title);
    m_description->setText(info.description);
    m_participants->setText(tr("Participants: %1").arg(info.participants.join(QStringLiteral(", "))));

    m_values = ParameterSet(info.parameters);
    m_unscaled.clear();
    for (const ParameterSpec& spec : info.parameters) {
        if (spec.unit == ParameterSpec::Unit::Text)
            m_values.setText(spec.name, values.text(spec.name));
        else if (values.contains(spec.name))
            m_values.set(spec.name, values.value(spec.name));
        else if (spec.unit == ParameterSpec::Unit::Milliseconds)
            m_values.set(spec.name, scaledValue(spec, double(spec.defaultValue), m_timeScaleFactor));
        if (spec.unit == ParameterSpec::Unit::Milliseconds)
            m_unscaled.insert(spec.name, double(m_values.value(spec.name)) / m_timeScaleFactor);
    }

    while (m_form->rowCount() > 0)
        m_form->removeRow(0);
    m_rows.clear();
    for (const ParameterSpec& spec : info.parameters) {
        Row row;
        row.name = spec.name;
        row.description = spec.description;
        row.live = spec.live;
        row.toolTip = spec.description.isEmpty() ? QString() : tr("%1 (%2)").arg(spec.description, spec.rangeText());
        row.editor = createEditor(spec, m_values.value(spec.name));
        row.label = new QLabel(readableName(spec.name), this);
        row.label->setBuddy(row.editor);
        m_form->addRow(row.label, row.editor);
        m_rows.push_back(row);
    }
    // The editors are created after the time scale slider; Tab should still walk the panel top to bottom.
    QWidget* previous = nullptr;
    for (const Row& row : m_rows) {
        if (previous)
            setTabOrder(previous, row.editor);
        previous = row.editor;
    }
    if (previous)
        setTabOrder(previous, m_timeScale);
    m_noParameters->setVisible(m_rows.empty());
    updateEnabled();
}

QWidget* ParameterPanel::createEditor(const ParameterSpec& spec, qint64 value)
{
    const QString name = spec.name;
    if (spec.unit == ParameterSpec::Unit::Text) {
        // Kept when its rule accepts it; otherwise the box says why and the last good text stays.
        auto* line = new QLineEdit(m_values.text(name), this);
        line->setAccessibleName(readableName(name));
        line->setAccessibleDescription(spec.description);
        connect(line, &QLineEdit::editingFinished, this, [this, line, name, description = spec.description] {
            QString error;
            const bool ok = m_values.setText(name, line->text(), &error);
            line->setToolTip(ok ? description : error);
            line->setStyleSheet(ok ? QString() : QStringLiteral("color: palette(link-visited)"));
        });
        return line;
    }
    if (spec.unit == ParameterSpec::Unit::Choice) {
        auto* combo = new QComboBox(this);
        combo->addItems(spec.choices);
        combo->setCurrentIndex(clampToInt(value));
        combo->setAccessibleName(readableName(name));
        combo->setAccessibleDescription(spec.description);
        connect(combo, &QComboBox::currentIndexChanged, this, [this, name](int index) {
            if (index >= 0)
                edited(name, index);
        });
        return combo;
    }

    auto* spin = new QSpinBox(this);
    spin->setRange(clampToInt(spec.minimum), clampToInt(spec.maximum));
    if (spec.unit == ParameterSpec::Unit::Milliseconds)
        spin->setSuffix(tr(" ms"));
    else if (spec.unit == ParameterSpec::Unit::Bytes)
        spin->setSuffix(tr(" B"));
    // Steps that grow with the value: 250 ms moves by 10, 5000 ms by 100, 64 KiB by 1000 bytes.
    spin->setStepType(QAbstractSpinBox::AdaptiveDecimalStepType);
    // Typing "250" must report 250 once, not 2, 25 and 250: values are reported on Enter or leaving the box.
    spin->setKeyboardTracking(false);
    spin->setAccelerated(true);
    spin->setValue(clampToInt(value));
    spin->setAccessibleName(readableName(name));
    spin->setAccessibleDescription(spec.description);
    connect(spin, &QSpinBox::valueChanged, this, [this, name](int v) { edited(name, v); });
    return spin;
}

void ParameterPanel::edited(const QString& name, qint64 value)
{
    if (!m_values.set(name, value))
        return;
    if (m_unscaled.contains(name))
        m_unscaled.insert(name, double(value) / m_timeScaleFactor);
    Q_EMIT parameterEdited(name, value);
}

bool ParameterPanel::setValue(const QString& name, qint64 value)
{
    if (!m_values.set(name, value))
        return false;
    if (m_unscaled.contains(name))
        m_unscaled.insert(name, double(value) / m_timeScaleFactor);
    for (const Row& row : m_rows) {
        if (row.name == name)
            showValue(row, value);
    }
    return true;
}

void ParameterPanel::showValue(const Row& row, qint64 value)
{
    const QSignalBlocker blocker(row.editor);
    if (auto* spin = qobject_cast<QSpinBox*>(row.editor))
        spin->setValue(clampToInt(value));
    else if (auto* combo = qobject_cast<QComboBox*>(row.editor))
        combo->setCurrentIndex(clampToInt(value));
}

QWidget* ParameterPanel::editor(const QString& name) const
{
    for (const Row& row : m_rows) {
        if (row.name == name)
            return row.editor;
    }
    return nullptr;
}

void ParameterPanel::setRunning(bool running)
{
    if (m_running == running)
        return;
    m_running = running;
    updateEnabled();
}

void ParameterPanel::setReadOnly(bool readOnly)
{
    if (m_readOnly == readOnly)
        return;
    m_readOnly = readOnly;
    updateEnabled();
}

void ParameterPanel::updateEnabled()
{
    m_readOnlyNote->setVisible(m_readOnly);
    m_timeScale->setEnabled(!m_readOnly);
    for (const Row& row : m_rows) {
        const bool enabled = !m_readOnly && (row.live || !m_running);
        row.editor->setEnabled(enabled);
        row.label->setEnabled(enabled);
        // Disabled widgets still show tooltips, so the reason is one hover away.
        const QString toolTip = enabled ? row.toolTip
            : m_readOnly                ? tr("%1 — as recorded in the opened trace").arg(row.description)
                                        : fixedToolTip(row.description);
        row.editor->setToolTip(toolTip);
        row.label->setToolTip(toolTip);
    }
}

double ParameterPanel::timeScale() const
{
    return m_timeScaleFactor;
}

void ParameterPanel::setTimeScale(double factor)
{
    // Kept exactly as given: a restored 2× stays 2×, not the slider's nearest step.
    applyTimeScale(qBound(MinTimeScale, factor, MaxTimeScale));
    const int position = factorToPosition(m_timeScaleFactor);
    {
        const QSignalBlocker blocker(m_timeScale);
        m_timeScale->setValue(position);
    }
}

void ParameterPanel::sliderChanged(int position)
{
    applyTimeScale(positionToFactor(position));
    Q_EMIT timeScaleChanged(m_timeScaleFactor);
}

void ParameterPanel::applyTimeScale(double factor)
{
    m_timeScaleFactor = factor;
    m_timeScaleLabel->setText(formatTimeScale(m_timeScaleFactor));
    // The editors show the durations in effect. While running, those that cannot change keep the value
    // the run has; they follow the scale again from there.
    for (const Row& row : m_rows) {
        const ParameterSpec* spec = m_values.spec(row.name);
        if (!spec || spec->unit != ParameterSpec::Unit::Milliseconds)
            continue;
        if (m_running && !row.live) {
            m_unscaled.insert(row.name, double(m_values.value(row.name)) / factor);
            continue;
        }
        const qint64 value = scaledValue(*spec, m_unscaled.value(row.name), factor);
        m_values.set(row.name, value);
        showValue(row, value);
    }
}

} // namespace PatternScope
