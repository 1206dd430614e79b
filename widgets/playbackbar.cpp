// SPDX-License-Identifier: GPL-3.0-or-later
#include "playbackbar.h"

#include "playbackclock.h"
#include "units.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QSlider>
#include <QStyle>
#include <QToolButton>
#include <algorithm>
#include <cstdlib>

namespace PatternScope {

namespace {

constexpr int kScrubSteps = 10'000;
constexpr TimeUs kReadoutStep = 10'000; // 10 ms: what a 100 ms refresh moves at the slowest speed
const double kSpeeds[] = { 0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0 };

// Text glyphs rather than the style's icons: they take the palette's text colour, light or dark.
QToolButton* button(QWidget* parent, const QString& glyph, const QString& name, const QString& tip)
{
    auto* b = new QToolButton(parent);
    b->setText(glyph);
    b->setAccessibleName(name);
    b->setToolTip(tip);
    b->setAutoRaise(true);
    return b;
}

} // namespace

PlaybackBar::PlaybackBar(QWidget* parent)
    : QWidget(parent)
{
    setAccessibleName(tr("Playback"));
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(8, 4, 8, 4);
    m_back = button(this, QStringLiteral("|◀"), tr("Step back"), tr("Previous message (←)"));
    m_play = button(this, QStringLiteral("▮▮"), tr("Pause"), tr("Pause or play (Space)"));
    m_forward = button(this, QStringLiteral("▶|"), tr("Step forward"), tr("Next message (→)"));
    m_speed = new QComboBox(this);
    m_speed->setAccessibleName(tr("Playback speed"));
    for (double speed : kSpeeds)
        m_speed->addItem(QStringLiteral("%1×").arg(speed), speed);
    m_speed->setCurrentIndex(3);
    m_scrub = new QSlider(Qt::Horizontal, this);
    m_scrub->setAccessibleName(tr("Playback position"));
    m_scrub->setRange(0, kScrubSteps);
    m_time = new QLabel(this);
    m_time->setAccessibleName(tr("Playback time"));
    // Room for minutes, so the scrub bar does not shrink as the readout grows.
    m_time->setMinimumWidth(fontMetrics().horizontalAdvance(QStringLiteral("00 min 00.00 s / 00 min 00.00 s")));
    m_time->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
    m_live = new QToolButton(this);
    m_live->setText(tr("● Live"));
    m_live->setAccessibleName(tr("Live"));
    m_live->setToolTip(tr("Follow the head of the run (End)"));
    m_live->setCheckable(true);
    layout->addWidget(m_back);
    layout->addWidget(m_play);
    layout->addWidget(m_forward);
    layout->addWidget(new QLabel(tr("Speed"), this));
    layout->addWidget(m_speed);
    layout->addWidget(m_scrub, 1);
    layout->addWidget(m_time);
    layout->addWidget(m_live);

    m_refresh.setInterval(100);
    connect(&m_refresh, &QTimer::timeout, this, &PlaybackBar::refresh);
    connect(m_scrub, &QSlider::valueChanged, this, &PlaybackBar::scrubbed);
    setClock(nullptr);
}

void PlaybackBar::setClock(PlaybackClock* clock)
{
    if (m_clock)
        m_clock->disconnect(this);
    m_clock = clock;
    setEnabled(clock != nullptr);
    if (!clock)
        return;
    connect(m_back, &QToolButton::clicked, clock, &PlaybackClock::stepBack);
    connect(m_forward, &QToolButton::clicked, clock, &PlaybackClock::stepForward);
    connect(m_play, &QToolButton::clicked, clock, &PlaybackClock::togglePlay);
    connect(m_live, &QToolButton::clicked, clock, &PlaybackClock::goLive);
    connect(m_speed, &QComboBox::currentIndexChanged, clock,
        [this](int index) { m_clock->setSpeed(m_speed->itemData(index).toDouble()); });
    connect(clock, &PlaybackClock::changed, this, &PlaybackBar::refresh);
    refresh();
}

QString PlaybackBar::timeText() const
{
    return m_time->text();
}

TimeUs PlaybackBar::readoutStep() const
{
    TimeUs step = kReadoutStep;
    // Only paused is there stepping; while the time moves the precision stays put.
    if (!m_clock || m_clock->mode() != PlaybackClock::Mode::Paused)
        return step;
    const TimeUs position = m_clock->position();
    for (const TimeUs neighbour : { m_clock->previousEvent(position), m_clock->nextEvent(position) }) {
        if (neighbour != NoTime && neighbour != position)
            step = std::min(step, std::abs(neighbour - position));
    }
    return step;
}

void PlaybackBar::refresh()
{
    if (!m_clock)
        return;
    const PlaybackClock::Mode mode = m_clock->mode();
    const TimeUs head = m_clock->head();
    const TimeUs position = m_clock->position();
    m_updating = true;
    m_scrub->setValue(head > 0 ? int(double(position) / double(head) * kScrubSteps) : kScrubSteps);
    m_updating = false;
    const TimeUs step = readoutStep();
    m_time->setText(QStringLiteral("%1 / %2").arg(Units::clockAtStep(position, step), Units::clockAtStep(head, step)));
    const bool running = mode != PlaybackClock::Mode::Paused;
    m_play->setText(running ? QStringLiteral("▮▮") : QStringLiteral("▶"));
    m_play->setAccessibleName(running ? tr("Pause") : tr("Play"));
    m_live->setChecked(mode == PlaybackClock::Mode::Live);
    // The time moves on its own while live with a run going, or while playing.
    const bool moving
        = mode == PlaybackClock::Mode::Playing || (mode == PlaybackClock::Mode::Live && m_clock->isRecording());
    if (moving && !m_refresh.isActive())
        m_refresh.start();
    else if (!moving)
        m_refresh.stop();
}

void PlaybackBar::scrubbed(int value)
{
    if (m_updating || !m_clock)
        return;
    m_clock->seek(TimeUs(double(m_clock->head()) * value / kScrubSteps));
}

} // namespace PatternScope
