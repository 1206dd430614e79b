// SPDX-License-Identifier: GPL-3.0-or-later
#include "playbackbar.h"

#include "playbackclock.h"
#include "units.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QMouseEvent>
#include <QSignalBlocker>
#include <QSlider>
#include <QStyle>
#include <QStyleOptionSlider>
#include <QToolButton>
#include <algorithm>
#include <cstdlib>

namespace PatternScope {

namespace {

constexpr int kScrubSteps = 10'000;
constexpr TimeUs kReadoutStep = 10'000; // 10 ms: what a 100 ms refresh moves at the slowest speed
constexpr TimeUs kFinestReadoutStep = 1'000; // 1 ms: events closer than that share a reading
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

// A click on the groove seeks to that point (Qt's styles mostly page towards it instead); the handle then
// sits under the pointer, so keeping the button down drags it as usual.
class ScrubSlider : public QSlider {
public:
    using QSlider::QSlider;

protected:
    void mousePressEvent(QMouseEvent* event) override
    {
        if (event->button() == Qt::LeftButton && maximum() > minimum()) {
            QStyleOptionSlider option;
            initStyleOption(&option);
            const QRect groove = style()->subControlRect(QStyle::CC_Slider, &option, QStyle::SC_SliderGroove, this);
            const QRect handle = style()->subControlRect(QStyle::CC_Slider, &option, QStyle::SC_SliderHandle, this);
            if (!handle.contains(event->position().toPoint())) {
                const int span = groove.width() - handle.width();
                const int x = int(event->position().x()) - groove.x() - handle.width() / 2;
                setValue(QStyle::sliderValueFromPosition(minimum(), maximum(), x, span, option.upsideDown));
            }
        }
        QSlider::mousePressEvent(event);
    }
};

} // namespace

QList<double> PlaybackBar::speeds()
{
    return QList<double>(std::begin(kSpeeds), std::end(kSpeeds));
}

double PlaybackBar::fasterThan(double speed)
{
    for (const double s : kSpeeds) {
        if (s > speed * 1.001)
            return s;
    }
    return std::end(kSpeeds)[-1];
}

double PlaybackBar::slowerThan(double speed)
{
    for (auto it = std::rbegin(kSpeeds); it != std::rend(kSpeeds); ++it) {
        if (*it < speed * 0.999)
            return *it;
    }
    return kSpeeds[0];
}

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
    m_scrub = new ScrubSlider(Qt::Horizontal, this);
    m_scrub->setAccessibleName(tr("Playback position"));
    m_scrub->setRange(0, kScrubSteps);
    // The scrub bar gives way first, down to a width a pointer still hits.
    m_scrub->setMinimumWidth(60);
    m_time = new QLabel(this);
    m_time->setAccessibleName(tr("Playback time"));
    m_time->setToolTip(tr("Playback position / end of the recording"));
    m_time->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
    m_live = new QToolButton(this);
    m_live->setText(tr("● Live"));
    m_live->setAccessibleName(tr("Live"));
    m_live->setToolTip(tr("Follow the head of the run (End)"));
    m_live->setCheckable(true);
    layout->addWidget(m_back);
    layout->addWidget(m_play);
    layout->addWidget(m_forward);
    m_speedLabel = new QLabel(tr("Speed"), this);
    layout->addWidget(m_speedLabel);
    layout->addWidget(m_speed);
    layout->addWidget(m_scrub, 1);
    layout->addWidget(m_time);
    layout->addWidget(m_live);
    measure();

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
    // Activated, not currentIndexChanged: choosing the speed already shown applies it too.
    connect(m_speed, &QComboBox::activated, clock,
        [this](int index) { m_clock->setSpeed(m_speed->itemData(index).toDouble()); });
    connect(clock, &PlaybackClock::changed, this, &PlaybackBar::refresh);
    refresh();
}

QString PlaybackBar::timeText() const
{
    return m_timeText;
}

void PlaybackBar::setTimeText(const QString& text)
{
    m_timeText = text;
    m_time->setText(m_compact ? text.section(QStringLiteral(" / "), 0, 0) : text);
}

int PlaybackBar::timeWidth(bool compact) const
{
    // Room for minutes, so the scrub bar does not shrink as the readout grows.
    return fontMetrics().horizontalAdvance(
               compact ? QStringLiteral("00 min 00.00 s") : QStringLiteral("00 min 00.00 s / 00 min 00.00 s"))
        + 2;
}

void PlaybackBar::applyCompact(bool compact)
{
    m_compact = compact;
    m_speedLabel->setVisible(!compact);
    m_time->setMinimumWidth(timeWidth(compact));
    setTimeText(m_timeText);
}

void PlaybackBar::measure()
{
    const bool compact = m_compact;
    for (const bool c : { true, false }) {
        applyCompact(c);
        layout()->invalidate();
        const QSize minimum = layout()->totalMinimumSize();
        if (c)
            m_compactMinimum = minimum;
        else
            m_fullMinimumWidth = minimum.width();
    }
    applyCompact(compact);
    layout()->invalidate();
}

QSize PlaybackBar::minimumSizeHint() const
{
    return m_compactMinimum;
}

void PlaybackBar::setCompact(bool compact)
{
    if (compact == m_compact)
        return;
    applyCompact(compact);
    // Laid out again now, not at the next turn of the event loop: no frame shows the controls squeezed.
    layout()->activate();
}

void PlaybackBar::resizeEvent(QResizeEvent* event)
{
    QWidget::resizeEvent(event);
    // Either way the minimum asked for is the same, so the window's layout does not move for it.
    setCompact(width() < m_fullMinimumWidth);
}

bool PlaybackBar::event(QEvent* event)
{
    // The style's polish changes the controls' sizes: measured again once they have it.
    if (event->type() == QEvent::Polish) {
        const bool handled = QWidget::event(event);
        for (QWidget* child : findChildren<QWidget*>(Qt::FindDirectChildrenOnly))
            child->ensurePolished();
        measure();
        return handled;
    }
    return QWidget::event(event);
}

void PlaybackBar::changeEvent(QEvent* event)
{
    QWidget::changeEvent(event);
    // A larger text (the presenter's font scale) needs a wider readout.
    if (event->type() == QEvent::FontChange || event->type() == QEvent::StyleChange) {
        for (QWidget* child : findChildren<QWidget*>(Qt::FindDirectChildrenOnly))
            child->ensurePolished();
        measure();
        setCompact(width() < m_fullMinimumWidth);
        updateGeometry();
    }
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
    // Milliseconds at most, as everywhere else: "1.482 s", never "1.482317 s".
    return std::max(step, kFinestReadoutStep);
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
    showSpeed(m_clock->speed());
    const TimeUs step = readoutStep();
    setTimeText(QStringLiteral("%1 / %2").arg(Units::clockAtStep(position, step), Units::clockAtStep(head, step)));
    // A finished trace held at its end is stopped, not live: Play replays it, and there is no head to follow.
    const bool stopped = mode == PlaybackClock::Mode::Live && !m_clock->isRecording();
    const bool running = mode != PlaybackClock::Mode::Paused && !stopped;
    m_play->setText(running ? QStringLiteral("▮▮") : QStringLiteral("▶"));
    m_play->setAccessibleName(running ? tr("Pause") : tr("Play"));
    m_live->setChecked(mode == PlaybackClock::Mode::Live && !stopped);
    m_live->setEnabled(m_clock->isRecording());
    m_live->setToolTip(m_clock->isRecording() ? tr("Follow the head of the run (End)")
                                              : tr("The run has ended: there is no head to follow"));
    // The time moves on its own while live with a run going, or while playing.
    const bool moving
        = mode == PlaybackClock::Mode::Playing || (mode == PlaybackClock::Mode::Live && m_clock->isRecording());
    // Paused while the run records, only the head moves: the readout says so once a second.
    const int interval = moving ? 100 : m_clock->isRecording() ? 1000 : 0;
    if (interval == 0)
        m_refresh.stop();
    else if (!m_refresh.isActive() || m_refresh.interval() != interval)
        m_refresh.start(interval);
}

void PlaybackBar::showSpeed(double speed)
{
    // The box says the speed the clock plays at, however it was set (the box, Ctrl+] / Ctrl+[, code).
    int index = -1;
    for (int i = 0; i < m_speed->count(); ++i) {
        if (std::abs(m_speed->itemData(i).toDouble() - speed) < 1e-9)
            index = i;
    }
    if (index < 0) {
        index = 0;
        while (index < m_speed->count() && m_speed->itemData(index).toDouble() < speed)
            ++index;
        m_speed->insertItem(index, QStringLiteral("%1×").arg(speed), speed);
    }
    if (m_speed->currentIndex() != index) {
        const QSignalBlocker blocker(m_speed);
        m_speed->setCurrentIndex(index);
    }
}

void PlaybackBar::scrubbed(int value)
{
    if (m_updating || !m_clock)
        return;
    m_clock->seek(TimeUs(double(m_clock->head()) * value / kScrubSteps));
}

} // namespace PatternScope
