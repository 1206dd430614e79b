// SPDX-License-Identifier: GPL-3.0-or-later
#include "eventtablemodel.h"

#include <algorithm>

namespace PatternScope {

QString formatRunTime(TimeUs t)
{
    if (t == NoTime)
        return {};
    return QString::number(double(t) / 1e6, 'f', 3) + QStringLiteral(" s");
}

EventTableModel::EventTableModel(QObject* parent)
    : QAbstractTableModel(parent)
{
}

void EventTableModel::setTrace(Trace* trace)
{
    beginResetModel();
    follow(trace);
    m_rows = trace ? static_cast<int>(trace->messages().size()) : 0;
    endResetModel();
}

void EventTableModel::continueWith(Trace* longer)
{
    follow(longer);
    m_rows = longer ? std::min(m_rows, static_cast<int>(longer->messages().size())) : 0;
    // The same messages, but the start may have had some still in flight that the whole has delivered.
    if (m_rows > 0)
        Q_EMIT dataChanged(index(0, 0), index(m_rows - 1, NUM_COLUMNS - 1));
}

void EventTableModel::growTo(int rows)
{
    rows = m_trace ? std::min(rows, static_cast<int>(m_trace->messages().size())) : 0;
    if (rows <= m_rows)
        return;
    beginInsertRows({}, m_rows, rows - 1);
    m_rows = rows;
    endInsertRows();
}

void EventTableModel::follow(Trace* trace)
{
    if (m_trace)
        m_trace->disconnect(this);
    m_trace = trace;
    if (trace) {
        connect(trace, &Trace::messageAdded, this, &EventTableModel::messageAdded);
        connect(trace, &Trace::messageUpdated, this, &EventTableModel::messageUpdated);
        connect(trace, &Trace::cleared, this, [this] { setTrace(m_trace); });
        connect(trace, &QObject::destroyed, this, [this] { setTrace(nullptr); });
    }
}

int EventTableModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : m_rows;
}

int EventTableModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : NUM_COLUMNS;
}

QString EventTableModel::participantName(int id) const
{
    const Participant* p = m_trace->participant(id);
    return p ? p->name : QString();
}

QVariant EventTableModel::data(const QModelIndex& index, int role) const
{
    if (!m_trace || !checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Message& m = m_trace->message(index.row());
    switch (role) {
    case SeqRole:
        return m.seq;
    case KindRole:
        return int(m.kind);
    case StateRole:
        return int(m.state);
    case SortRole:
        switch (index.column()) {
        case SeqColumn:
            return m.seq;
        case SentColumn:
            return m.sentAt;
        case DelayColumn:
            return m.oneWayDelay();
        case BytesColumn:
            return m.bytes;
        default:
            return data(index, Qt::DisplayRole);
        }
    case Qt::TextAlignmentRole:
        if (index.column() == SeqColumn || index.column() == SentColumn || index.column() == DelayColumn
            || index.column() == BytesColumn)
            return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    case Qt::DisplayRole:
        switch (index.column()) {
        case SeqColumn:
            return m.seq;
        case SentColumn:
            return formatRunTime(m.sentAt);
        case FromColumn:
            return participantName(m.from);
        case ToColumn:
            return participantName(m.to);
        case KindColumn:
            return kindName(m.kind);
        case LabelColumn:
            return m.label.toString();
        case DelayColumn:
            return m.state == Message::State::Delivered
                ? QString::number(double(m.oneWayDelay()) / 1000.0, 'f', 1) + QStringLiteral(" ms")
                : QString();
        case BytesColumn:
            return m.bytes;
        case StateColumn:
            return stateName(m.state);
        default:
            break;
        }
        break;
    default:
        break;
    }
    return {};
}

QVariant EventTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case SeqColumn:
        return tr("#");
    case SentColumn:
        return tr("Sent");
    case FromColumn:
        return tr("From");
    case ToColumn:
        return tr("To");
    case KindColumn:
        return tr("Kind");
    case LabelColumn:
        return tr("Message");
    case DelayColumn:
        return tr("Delay");
    case BytesColumn:
        return tr("Bytes");
    case StateColumn:
        return tr("State");
    default:
        break;
    }
    return {};
}

void EventTableModel::messageAdded(const Message& message)
{
    const int row = static_cast<int>(message.seq);
    if (row < m_rows)
        return;
    beginInsertRows({}, m_rows, row);
    m_rows = row + 1;
    endInsertRows();
}

void EventTableModel::messageUpdated(const Message& message)
{
    const int row = static_cast<int>(message.seq);
    if (row < 0 || row >= m_rows)
        return;
    Q_EMIT dataChanged(index(row, 0), index(row, NUM_COLUMNS - 1));
}

} // namespace PatternScope
