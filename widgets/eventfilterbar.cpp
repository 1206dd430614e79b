// SPDX-License-Identifier: GPL-3.0-or-later
#include "eventfilterbar.h"

#include <QCheckBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QSignalBlocker>
#include <QTimer>

namespace PatternScope {

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
