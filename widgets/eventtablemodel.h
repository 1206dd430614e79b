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

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    void messageAdded(const Message& message);
    void messageUpdated(const Message& message);
    QString participantName(int id) const;

    QPointer<Trace> m_trace;
    int m_rows = 0;
};

// "1.234 s": run-clock times as the table and inspector show them.
QString formatRunTime(TimeUs t);

} // namespace PatternScope
