// SPDX-License-Identifier: GPL-3.0-or-later
#include "classbar.h"

#include "pattern.h"
#include "trace.h"

#include <QApplication>
#include <QClipboard>
#include <QEvent>
#include <QFontDatabase>
#include <QFontMetrics>
#include <QGridLayout>
#include <QLabel>
#include <QPushButton>
#include <algorithm>

namespace PatternScope {

ClassBar::ClassBar(QWidget* parent)
    : QFrame(parent)
{
    setObjectName(QStringLiteral("classBar"));
    setAccessibleName(tr("Class join address"));
    setFrameShape(QFrame::StyledPanel);
    setAutoFillBackground(true);
    setBackgroundRole(QPalette::AlternateBase);

    auto* title = new QLabel(tr("Students open"), this);
    m_urlLabel = new QLabel(this);
    m_urlLabel->setObjectName(QStringLiteral("joinUrl"));
    m_urlLabel->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    // Read off a projector from the back of a room: larger and bold, in a font where 0/O and l/1 differ.
    QFont large = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    large.setBold(true);
    m_urlLabel->setFont(large);
    // Its width is what the bar leaves it; fitUrl() picks the size that shows all of it there.
    m_urlLabel->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    m_urlLabel->installEventFilter(this);
    m_copy = new QPushButton(tr("&Copy link"), this);
    m_copy->setObjectName(QStringLiteral("copyJoinUrl"));
    m_copy->setToolTip(tr("Copy the join address with its token, to paste into a chat or a slide"));
    connect(m_copy, &QPushButton::clicked, this, [this] { QApplication::clipboard()->setText(m_url); });
    m_reach = new QLabel(this);
    m_reach->setObjectName(QStringLiteral("classReach"));
    m_reach->setWordWrap(true);
    m_counts = new QLabel(this);
    m_counts->setObjectName(QStringLiteral("classCounts"));
    m_counts->setWordWrap(true);

    auto* layout = new QGridLayout(this);
    layout->setContentsMargins(8, 4, 8, 4);
    layout->setVerticalSpacing(2);
    layout->addWidget(title, 0, 0);
    layout->addWidget(m_urlLabel, 0, 1, 1, 2);
    layout->addWidget(m_reach, 1, 0, 1, 2);
    layout->addWidget(m_copy, 1, 2, 2, 1, Qt::AlignRight | Qt::AlignVCenter);
    layout->addWidget(m_counts, 2, 0, 1, 2);
    layout->setColumnStretch(1, 1);
    hide();
}

void ClassBar::setRun(const Pattern* pattern, const Trace* trace)
{
    const bool open = pattern && trace && pattern->door().isOpen();
    m_pattern = open ? pattern : nullptr;
    m_trace = open ? trace : nullptr;
    if (!open) {
        m_url.clear();
        hide();
        return;
    }
    m_ownLifelines = int(trace->participants().size());
    const QStringList urls = pattern->joinUrls();
    m_url = urls.value(0);
    m_urlLabel->setText(m_url);
    fitUrl();
    // Every address the door listens on, for a machine on several networks (wired and Wi-Fi, say).
    m_urlLabel->setToolTip(urls.join(u'\n'));
    const ServeDoor& door = pattern->door();
    const bool loopbackOnly = std::all_of(
        door.addresses.begin(), door.addresses.end(), [](const QHostAddress& a) { return a.isLoopback(); });
    QString reach = loopbackOnly ? tr("Only programs on this machine can join.")
                                 : tr("Machines on this computer's networks can join, with the token in the link.");
    if (urls.size() > 1)
        reach += u' ' + tr("Also on: %1").arg(urls.mid(1).join(QStringLiteral(", ")));
    m_reach->setText(reach);
    refresh();
    show();
}

int ClassBar::students() const
{
    return m_trace ? std::max(0, int(m_trace->participants().size()) - m_ownLifelines) : 0;
}

QString ClassBar::countsText() const
{
    if (!m_pattern)
        return {};
    const QHash<int, int> answers = m_pattern->doorAnswers();
    const int students = this->students();
    const int open = m_pattern->doorConnections();
    const int pages = answers.value(200);
    return QStringList { students == 1 ? tr("1 student on the diagram")
                                       : tr("%1 students on the diagram").arg(students),
        open == 1 ? tr("1 connection open") : tr("%1 connections open").arg(open),
        pages == 1 ? tr("1 join page given out") : tr("%1 join pages given out").arg(pages),
        tr("turned away: %1 without the token, %2 over the limits")
            .arg(answers.value(403))
            .arg(answers.value(429) + answers.value(503)) }
        .join(QStringLiteral(" · "));
}

bool ClassBar::eventFilter(QObject* watched, QEvent* event)
{
    if (watched == m_urlLabel && event->type() == QEvent::Resize)
        fitUrl();
    return QFrame::eventFilter(watched, event);
}

void ClassBar::fitUrl()
{
    QFont fitted = m_urlLabel->font();
    const qreal base = font().pointSizeF();
    const int room = m_urlLabel->contentsRect().width();
    // From one and a half times the bar's text size down in half points, to two thirds of it at the least.
    for (qreal size = base * 1.5; size >= base * 0.66; size -= 0.5) {
        fitted.setPointSizeF(size);
        if (QFontMetrics(fitted).horizontalAdvance(m_url) <= room)
            break;
    }
    if (fitted != m_urlLabel->font())
        m_urlLabel->setFont(fitted);
}

void ClassBar::refresh()
{
    if (m_pattern)
        m_counts->setText(countsText());
}

} // namespace PatternScope
