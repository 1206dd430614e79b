// SPDX-License-Identifier: GPL-3.0-or-later
#include "eventfiltermodel.h"

#include "eventtablemodel.h"

#include <algorithm>

namespace PatternScope {

namespace {

constexpr int KindCount = MessageKindCount;
} // namespace

QList<Message::Kind> kindsInCategory(KindCategory category)
{
    using K = Message::Kind;
    switch (category) {
    case KindCategory::Http:
        return { K::HttpRequest, K::HttpResponse };
    case KindCategory::Sse:
        return { K::SseEvent };
    case KindCategory::WebSocket:
        return { K::WsText, K::WsBinary, K::WsPing, K::WsPong, K::WsClose };
    case KindCategory::PubSub:
        return { K::Publish, K::Deliver, K::BrokerControl };
    case KindCategory::Callback:
        return { K::Callback };
    case KindCategory::Tcp:
        return { K::Connect, K::Close };
    }
    return {};
}

QString categoryName(KindCategory category)
{
    switch (category) {
    case KindCategory::Http:
        return EventFilterModel::tr("HTTP");
    case KindCategory::Sse:
        return EventFilterModel::tr("SSE");
    case KindCategory::WebSocket:
        return EventFilterModel::tr("WS");
    case KindCategory::PubSub:
        return EventFilterModel::tr("Pub/Sub");
    case KindCategory::Callback:
        return EventFilterModel::tr("Callback");
    case KindCategory::Tcp:
        return EventFilterModel::tr("TCP");
    }
    return {};
}

QSet<Message::Kind> allKinds()
{
    QSet<Message::Kind> kinds;
    for (int k = 0; k < KindCount; ++k)
        kinds.insert(static_cast<Message::Kind>(k));
    return kinds;
}

EventFilterModel::EventFilterModel(QObject* parent)
    : QSortFilterProxyModel(parent)
{
    setSortRole(EventTableModel::SortRole);
}

EventFilterModel::~EventFilterModel() = default;

void EventFilterModel::setSourceModel(QAbstractItemModel* model)
{
    if (sourceModel())
        sourceModel()->disconnect(this);
    m_events = qobject_cast<EventTableModel*>(model);
    forgetParticipantMatches();
    // Before the proxy refilters: a new trace has new participants behind the same ids.
    if (model)
        connect(model, &QAbstractItemModel::modelAboutToBeReset, this, &EventFilterModel::forgetParticipantMatches);
    QSortFilterProxyModel::setSourceModel(model);
}

void EventFilterModel::setFilterText(const QString& text)
{
    if (text == m_text)
        return;
    m_text = text;
    m_needle.clear();
    m_error.clear();
    m_isRegex = text.size() >= 2 && text.startsWith(QLatin1Char('/')) && text.endsWith(QLatin1Char('/'));
    if (m_isRegex) {
        m_regex = QRegularExpression(text.mid(1, text.size() - 2), QRegularExpression::CaseInsensitiveOption);
        if (m_regex.isValid()) {
            m_regex.optimize();
        } else {
            m_error = tr("%1 (at character %2)").arg(m_regex.errorString()).arg(m_regex.patternErrorOffset() + 2);
            // Filter nothing by text while the expression is broken; see the class comment.
            m_regex = QRegularExpression();
        }
    } else {
        m_regex = QRegularExpression();
        m_needle = text;
    }
    rebuildKindMatches();
    forgetParticipantMatches();
    invalidateFilter();
    Q_EMIT filterChanged();
}

void EventFilterModel::setKindsShown(const QSet<Message::Kind>& kinds)
{
    quint32 mask = 0;
    for (Message::Kind kind : kinds)
        mask |= kindBit(kind);
    if (mask == m_kindMask)
        return;
    m_kindMask = mask;
    invalidateFilter();
    Q_EMIT filterChanged();
}

QSet<Message::Kind> EventFilterModel::kindsShown() const
{
    QSet<Message::Kind> kinds;
    for (int k = 0; k < KindCount; ++k) {
        if (isKindShown(static_cast<Message::Kind>(k)))
            kinds.insert(static_cast<Message::Kind>(k));
    }
    return kinds;
}

void EventFilterModel::setCategoryShown(KindCategory category, bool shown)
{
    QSet<Message::Kind> kinds = kindsShown();
    for (Message::Kind kind : kindsInCategory(category)) {
        if (shown)
            kinds.insert(kind);
        else
            kinds.remove(kind);
    }
    setKindsShown(kinds);
}

bool EventFilterModel::isCategoryShown(KindCategory category) const
{
    const QList<Message::Kind> kinds = kindsInCategory(category);
    return std::all_of(kinds.cbegin(), kinds.cend(), [this](Message::Kind kind) { return isKindShown(kind); });
}

bool EventFilterModel::textMatches(const QString& text) const
{
    if (m_isRegex)
        return m_regex.match(text).hasMatch();
    return text.contains(m_needle, Qt::CaseInsensitive);
}

void EventFilterModel::rebuildKindMatches()
{
    m_kindNameMatches.fill(false);
    for (int k = 0; k < KindCount; ++k)
        m_kindNameMatches[static_cast<size_t>(k)] = textMatches(kindName(static_cast<Message::Kind>(k)));
}

bool EventFilterModel::participantMatches(const Trace& trace, int id) const
{
    if (id < 0)
        return false;
    const auto index = static_cast<size_t>(id);
    if (index >= m_participantMatches.size())
        m_participantMatches.resize(index + 1, -1);
    if (m_participantMatches[index] < 0) {
        const Participant* participant = trace.participant(id);
        m_participantMatches[index] = participant && textMatches(participant->name) ? 1 : 0;
    }
    return m_participantMatches[index] == 1;
}

void EventFilterModel::setPlaybackTime(TimeUs t)
{
    if (t == m_until)
        return;
    m_until = t;
    invalidateRowsFilter();
}

bool EventFilterModel::filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const
{
    // Nothing to look for: an empty text, "//", or a broken expression.
    const bool byText = m_isRegex ? !m_regex.pattern().isEmpty() : !m_needle.isEmpty();
    // Nothing narrows the table (how it opens, and a live run): every row is kept without reading its message,
    // which for a million rows is most of what mapping them costs.
    constexpr quint32 everyKind = (1u << KindCount) - 1;
    if (!byText && m_until == NoTime && (m_kindMask & everyKind) == everyKind)
        return true;

    const Trace* trace = m_events ? m_events->trace() : nullptr;
    if (trace && sourceRow >= 0 && size_t(sourceRow) < trace->messages().size()) {
        // The event table's row is the message's seq.
        const Message& m = trace->message(sourceRow);
        if (!(m_kindMask & kindBit(m.kind)))
            return false;
        if (m_until != NoTime && m.sentAt > m_until)
            return false;
        if (!byText)
            return true;
        return m_kindNameMatches[static_cast<size_t>(m.kind)] || textMatches(m.label)
            || participantMatches(*trace, m.from) || participantMatches(*trace, m.to);
    }

    // Any other source: go through its data, slower but still correct.
    const QAbstractItemModel* source = sourceModel();
    const QVariant kind = source->index(sourceRow, 0, sourceParent).data(EventTableModel::KindRole);
    if (kind.isValid() && !(m_kindMask & kindBit(static_cast<Message::Kind>(kind.toInt()))))
        return false;
    if (!byText)
        return true;
    for (int column : { EventTableModel::LabelColumn, EventTableModel::FromColumn, EventTableModel::ToColumn,
             EventTableModel::KindColumn }) {
        if (column < source->columnCount(sourceParent)
            && textMatches(source->index(sourceRow, column, sourceParent).data().toString()))
            return true;
    }
    return false;
}

} // namespace PatternScope
