// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "trace.h"

#include <QList>
#include <QPointer>
#include <QRegularExpression>
#include <QSet>
#include <QSortFilterProxyModel>
#include <array>
#include <vector>

namespace PatternScope {

class EventTableModel;

// Qt 6.4 has no qHash for scoped enums; QSet<Message::Kind> needs one.
inline size_t qHash(Message::Kind kind, size_t seed = 0) noexcept
{
    return ::qHash(static_cast<int>(kind), seed);
}

// The groups of kinds a person filters by: one checkbox each in the filter bar.
enum class KindCategory { Http, Sse, WebSocket, PubSub, Callback, Tcp };
constexpr int KindCategoryCount = 6;
QList<Message::Kind> kindsInCategory(KindCategory category);
QString categoryName(KindCategory category); // "HTTP", "SSE", "WS", "Pub/Sub", "Callback", "TCP"
QSet<Message::Kind> allKinds();

// The event table's rows narrowed by a text and by kind.
//
// Plain text matches the label, the sender, the receiver or the kind name, ignoring case. Text of the
// form /regex/ is a regular expression matched the same way (also ignoring case; "(?-i)" turns that
// off). An invalid expression filters nothing by text: the table keeps showing every row of the
// chosen kinds while the bar shows the error, rather than going blank at every half-typed pattern.
//
// Rows are matched straight from the trace when the source is an EventTableModel, so filtering a
// 100k-message trace does not build a QVariant or a QString per row; names of participants and kinds
// are matched once per filter change, not once per row.
class EventFilterModel : public QSortFilterProxyModel {
    Q_OBJECT
public:
    explicit EventFilterModel(QObject* parent = nullptr);
    ~EventFilterModel() override;

    void setSourceModel(QAbstractItemModel* model) override;

    void setFilterText(const QString& text);
    QString filterText() const { return m_text; }
    bool filterIsRegularExpression() const { return m_isRegex; }
    // false while the text is a /regex/ that does not compile; filterError() says why.
    bool filterValid() const { return m_error.isEmpty(); }
    QString filterError() const { return m_error; }

    void setKindsShown(const QSet<Message::Kind>& kinds);
    QSet<Message::Kind> kindsShown() const;
    bool isKindShown(Message::Kind kind) const { return m_kindMask & kindBit(kind); }
    // Shows or hides every kind of a category at once.
    void setCategoryShown(KindCategory category, bool shown);
    // True when every kind of the category is shown.
    bool isCategoryShown(KindCategory category) const;

    // During a replay the table lists only what has happened by the playback time: rows sent after
    // `t` are left out. NoTime lists every row (live).
    void setPlaybackTime(TimeUs t);
    TimeUs playbackTime() const { return m_until; }

Q_SIGNALS:
    void filterChanged();

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override;

private:
    static quint32 kindBit(Message::Kind kind) { return 1u << static_cast<unsigned>(kind); }
    bool textMatches(const QString& text) const;
    bool participantMatches(const Trace& trace, int id) const;
    void rebuildKindMatches();
    void forgetParticipantMatches() { m_participantMatches.clear(); }

    QPointer<EventTableModel> m_events;
    QString m_text; // as typed
    QString m_needle; // the plain text to look for, or empty
    QRegularExpression m_regex;
    bool m_isRegex = false;
    QString m_error;
    quint32 m_kindMask = ~0u;
    TimeUs m_until = NoTime;
    // Per filter text: does each kind's name match
    std::array<bool, 32> m_kindNameMatches = {};
    // Per participant id, whether its name matches; -1 not yet known. Filled lazily while filtering.
    mutable std::vector<signed char> m_participantMatches;
};

} // namespace PatternScope
