// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "exportformat.h"

#include <QDialog>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QRadioButton;

namespace PatternScope {

// File → Export…: which format and which part of the trace. Then asks where, and writes it with
// a progress dialog that can cancel; the window keeps drawing meanwhile.
class ExportDialog : public QDialog {
    Q_OBJECT
public:
    ExportDialog(const Trace& trace, QWidget* parent = nullptr);

    // The chosen row of ExportFormats::all().
    const ExportFormat& format() const;
    ExportRange range() const;
    // The detail level a diagram is drawn at (the window's, unless changed here); Wire for other formats.
    void setDetail(DetailLevel detail);
    // Pictures in the print theme unless "keep the window's theme" is ticked; diagrams at the chosen detail;
    // videos at the chosen speed and size.
    ExportOptions options() const;

    // The whole flow: this dialog, the file dialog, the export. Returns the path written, or empty.
    static QString run(
        const Trace& trace, const TraceHeader& header, QWidget* parent, DetailLevel detail = DetailLevel::Wire);

private:
    void formatChosen();

    QComboBox* m_format = nullptr;
    QComboBox* m_detail = nullptr;
    QRadioButton* m_part = nullptr;
    QRadioButton* m_whole = nullptr;
    QDoubleSpinBox* m_from = nullptr;
    QDoubleSpinBox* m_to = nullptr;
    QCheckBox* m_windowTheme = nullptr;
    QDoubleSpinBox* m_speed = nullptr;
    QComboBox* m_size = nullptr;
    QComboBox* m_captions = nullptr;
};

} // namespace PatternScope
