// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "parameters.h"

#include <QWidget>
#include <vector>

class QFormLayout;
class QLabel;
class QSlider;

namespace PatternScope {

struct PatternInfo;

// The left panel: what the chosen pattern is, one editor per scenario timing, and the global time scale.
// Signals report what the user changed; setting values from code stays silent so the owner never hears
// its own echo.
class ParameterPanel : public QWidget {
    Q_OBJECT
public:
    explicit ParameterPanel(QWidget* parent = nullptr);
    ~ParameterPanel() override;

    // Rebuilds the header and the form for this pattern, showing `values` (defaults where unset): values
    // in effect, at the current time scale.
    void setPattern(const PatternInfo& info, const ParameterSet& values);
    // The values in effect, the time scale applied: what the editors show and what a run is given.
    ParameterSet values() const { return m_values; }
    // Shows a value that changed elsewhere (command line, a restored session) without emitting.
    bool setValue(const QString& name, qint64 value);

    // While a run is going only live parameters can change; the others are disabled.
    void setRunning(bool running);
    bool isRunning() const { return m_running; }
    // An opened trace: the panel shows the values it was recorded with, and nothing can be edited.
    void setReadOnly(bool readOnly);
    bool isReadOnly() const { return m_readOnly; }

    // Factor applied to every scenario timing: 0.1× (ten times faster) to 10×; 1× is as specified. Moving
    // it stretches every duration shown alike (from the values as set at 1×, so going back restores them);
    // a value typed in is a value in effect at the current scale.
    double timeScale() const;
    void setTimeScale(double factor);

    // The editor of a parameter, for tests and for focusing it from elsewhere; nullptr if unknown.
    QWidget* editor(const QString& name) const;

    // "max-message" -> "Max message"
    static QString readableName(const QString& name);
    // "1.0×", "0.25×"
    static QString formatTimeScale(double factor);

Q_SIGNALS:
    // A value in effect the user changed.
    void parameterEdited(const QString& name, qint64 value);
    // The scale moved; values() holds the durations stretched by it (live ones while running, else all).
    void timeScaleChanged(double factor);

private:
    struct Row {
        QString name;
        QString description;
        QString toolTip; // while editable: the description and the range
        bool live = false;
        QLabel* label = nullptr;
        QWidget* editor = nullptr;
    };

    QWidget* createEditor(const ParameterSpec& spec, qint64 value);
    void showValue(const Row& row, qint64 value);
    void edited(const QString& name, qint64 value);
    void updateEnabled();
    void sliderChanged(int position);
    void applyTimeScale(double factor);

    ParameterSet m_values;
    QHash<QString, double> m_unscaled; // durations as they would be at 1×
    std::vector<Row> m_rows;
    bool m_running = false;
    bool m_readOnly = false;
    double m_timeScaleFactor = 1.0;

    QLabel* m_title = nullptr;
    QLabel* m_description = nullptr;
    QLabel* m_participants = nullptr;
    QLabel* m_noParameters = nullptr;
    QLabel* m_readOnlyNote = nullptr;
    QFormLayout* m_form = nullptr;
    QSlider* m_timeScale = nullptr;
    QLabel* m_timeScaleLabel = nullptr;
};

} // namespace PatternScope
