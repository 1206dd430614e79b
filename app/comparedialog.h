// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "comparison.h"

#include <QDialog>
#include <QList>
#include <QPair>
#include <QStringList>

class QCheckBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QSpinBox;

namespace PatternScope {

// File → Compare patterns…: which of the comparable patterns (two to five), and the one workload they all
// run: the seed of the producer's schedule, how long, the link's latency and jitter, how often items come and
// how many clients get them.
class CompareDialog : public QDialog {
    Q_OBJECT
public:
    // `comparable`: the pattern ids offered, in the order shown.
    explicit CompareDialog(const QStringList& comparable, QWidget* parent = nullptr);

    static constexpr int MinPatterns = 2;
    static constexpr int MaxPatterns = 5;

    void setPatterns(const QStringList& ids);
    QStringList patterns() const; // the ticked ones, in the catalogue's order
    // The seed, how long items come, the shared settings (the poll interval only when short polling is
    // ticked) and the moment every link is cut, if one is asked for.
    Workload workload() const;
    void setWorkload(const Workload& workload);
    // What the dialog opens with.
    static Workload defaultWorkload();

private:
    void updateOk();

    QList<QPair<QString, QCheckBox*>> m_boxes;
    QLineEdit* m_seed = nullptr;
    QSpinBox* m_duration = nullptr;
    QSpinBox* m_latency = nullptr;
    QSpinBox* m_jitter = nullptr;
    QSpinBox* m_produce = nullptr;
    QSpinBox* m_clients = nullptr;
    QSpinBox* m_poll = nullptr;
    QSpinBox* m_cut = nullptr;
    QLabel* m_hint = nullptr;
    QDialogButtonBox* m_buttons = nullptr;
};

} // namespace PatternScope
