// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "trace.h"

#include <QAbstractTableModel>
#include <QPointer>

namespace PatternScope {

// The trace's messages as rows, in recording order, kept current as the trace grows.
class EventTableModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Columns {
        SeqColumn,
        SentColumn,
        FromColumn,
        ToColumn,
        KindColumn,
        LabelColumn,
        DelayColumn,
        BytesColumn,
        StateColumn,
        NUM_COLUMNS
    };
    enum Roles { SeqRole = Qt::UserRole, SortRole, KindRole, StateRole };

    explicit EventTableModel(QObject* parent = nullptr);

    void setTrace(Trace* trace);
    Trace* trace() const { return m_trace; }
    // Shows `longer`, a trace that begins with the messages shown now under the same numbers (the whole of a
    // file whose start is shown), without a reset: the rows shown stay, told they changed, and the rest are
    // inserted by growTo(). A reset of a million rows held the window for 60-70 ms (the view's proxy and
    // header map every row at once); inserted a slice per event-loop turn, they do not.
    void continueWith(Trace* longer);
    // Inserts rows for the trace's messages up to `rows` (no more than it has).
    void growTo(int rows);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    void follow(Trace* trace);
    void messageAdded(const Message& message);
    void messageUpdated(const Message& message);
    QString participantName(int id) const;

    QPointer<Trace> m_trace;
    int m_rows = 0;
};

// "1.234 s": run-clock times as the table and inspector show them.
QString formatRunTime(TimeUs t);

} // namespace PatternScope
