// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "eventfiltermodel.h"

#include <QPointer>
#include <QWidget>
#include <array>

class QCheckBox;
class QLineEdit;
class QTimer;

namespace PatternScope {

// The line above the event table: a filter text and one checkbox per kind category, driving an
// EventFilterModel. The text is applied a moment after typing stops, or at once on Enter.
class EventFilterBar : public QWidget {
    Q_OBJECT
public:
    explicit EventFilterBar(EventFilterModel* model, QWidget* parent = nullptr);
    ~EventFilterBar() override;

    EventFilterModel* model() const { return m_model; }
    QLineEdit* lineEdit() const { return m_lineEdit; }
    QCheckBox* categoryBox(KindCategory category) const { return m_boxes[static_cast<size_t>(category)]; }

    // Applies the typed text now instead of after the pause.
    void applyText();

private:
    // Long enough not to refilter a 100k-row table at every keystroke, short enough to feel immediate.
    static constexpr int TypingPauseMs = 150;

    void showFilterState();
    void syncBoxes();

    QPointer<EventFilterModel> m_model;
    QLineEdit* m_lineEdit = nullptr;
    std::array<QCheckBox*, KindCategoryCount> m_boxes = {};
    QTimer* m_typingPause = nullptr;
};

} // namespace PatternScope
