// SPDX-License-Identifier: GPL-3.0-or-later
#include "eventfiltermodel.h"

#include "eventtablemodel.h"

#include <QCheckBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QSignalBlocker>
#include <QTimer>
#include <algorithm>

namespace PatternScope {

namespace {

constexpr int KindCount = static_cast<int>(Message::Kind::Close) + 1;
// Long enough not to refilter a 100k-row table at every keystroke, short enough to feel immediate.
constexpr int TypingPauseMs = 150;

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
        return { K::Publish, K::Deliver };
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
        return EventFilterBar::tr("HTTP");
    case KindCategory::Sse:
        return EventFilterBar::tr("SSE");
    case KindCategory::WebSocket:
        return EventFilterBar::tr("WS");
    case KindCategory::PubSub:
        return EventFilterBar::tr("Pub/Sub");
    case KindCategory::Callback:
        return EventFilterBar::tr("Callback");
    case KindCategory::Tcp:
        return EventFilterBar::tr("TCP");
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

bool EventFilterModel::filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const
{
    // Nothing to look for: an empty text, "//", or a broken expression.
    const bool byText = m_isRegex ? !m_regex.pattern().isEmpty() : !m_needle.isEmpty();

    const Trace* trace = m_events ? m_events->trace() : nullptr;
    if (trace && sourceRow >= 0 && size_t(sourceRow) < trace->messages().size()) {
        // The event table's row is the message's seq.
        const Message& m = trace->message(sourceRow);
        if (!(m_kindMask & kindBit(m.kind)))
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

EventFilterBar::EventFilterBar(EventFilterModel* model, QWidget* parent)
    : QWidget(parent)
    , m_model(model)
{
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);

    m_lineEdit = new QLineEdit(this);
    m_lineEdit->setPlaceholderText(tr("Filter (text or /regex/)…"));
    m_lineEdit->setClearButtonEnabled(true);
    m_lineEdit->setAccessibleName(tr("Filter messages"));
    layout->addWidget(m_lineEdit, 1);

    auto* kindsLabel = new QLabel(tr("Kinds:"), this);
    layout->addWidget(kindsLabel);
    for (int c = 0; c < KindCategoryCount; ++c) {
        const auto category = static_cast<KindCategory>(c);
        auto* box = new QCheckBox(categoryName(category), this);
        QStringList names;
        for (Message::Kind kind : kindsInCategory(category))
            names.append(kindName(kind));
        box->setAccessibleName(tr("Show %1 messages").arg(categoryName(category)));
        box->setToolTip(tr("Show %1").arg(names.join(QStringLiteral(", "))));
        connect(box, &QCheckBox::toggled, this, [this, category](bool on) {
            if (m_model)
                m_model->setCategoryShown(category, on);
        });
        m_boxes[static_cast<size_t>(c)] = box;
        layout->addWidget(box);
    }

    m_typingPause = new QTimer(this);
    m_typingPause->setSingleShot(true);
    m_typingPause->setInterval(TypingPauseMs);
    connect(m_typingPause, &QTimer::timeout, this, &EventFilterBar::applyText);
    connect(m_lineEdit, &QLineEdit::textChanged, this, [this](const QString& text) {
        // Clearing is never expensive to wait for: show everything again at once.
        if (text.isEmpty())
            applyText();
        else
            m_typingPause->start();
    });
    connect(m_lineEdit, &QLineEdit::returnPressed, this, &EventFilterBar::applyText);

    if (m_model) {
        m_lineEdit->setText(m_model->filterText());
        connect(m_model, &EventFilterModel::filterChanged, this, [this] {
            showFilterState();
            syncBoxes();
        });
    }
    showFilterState();
    syncBoxes();
}

EventFilterBar::~EventFilterBar() = default;

void EventFilterBar::applyText()
{
    m_typingPause->stop();
    if (m_model)
        m_model->setFilterText(m_lineEdit->text());
}

void EventFilterBar::showFilterState()
{
    const bool valid = !m_model || m_model->filterValid();
    if (valid) {
        // Back to the inherited palette, so a theme change later still reaches the line edit.
        m_lineEdit->setPalette(QPalette());
        m_lineEdit->setToolTip(tr("Matches the label, sender, receiver or kind; /…/ is a regular expression"));
        m_lineEdit->setAccessibleDescription(QString());
        return;
    }
    // No palette role means "error", so take red at the lightness of the palette's own text: dark red on a
    // light base, light red on a dark one, as readable as the text it replaces.
    QPalette palette = this->palette();
    const int lightness = qBound(90, palette.color(QPalette::Text).lightness(), 190);
    palette.setColor(QPalette::Text, QColor::fromHsl(0, 200, lightness));
    m_lineEdit->setPalette(palette);
    m_lineEdit->setToolTip(m_model->filterError());
    m_lineEdit->setAccessibleDescription(m_model->filterError());
}

void EventFilterBar::syncBoxes()
{
    for (int c = 0; c < KindCategoryCount; ++c) {
        QCheckBox* box = m_boxes[static_cast<size_t>(c)];
        const QSignalBlocker blocker(box);
        box->setChecked(!m_model || m_model->isCategoryShown(static_cast<KindCategory>(c)));
        box->setEnabled(!m_model.isNull());
    }
}

} // namespace PatternScope
