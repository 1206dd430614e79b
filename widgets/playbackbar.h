// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "trace.h"

#include <QTimer>
#include <QWidget>

class QComboBox;
class QLabel;
class QSlider;
class QToolButton;

namespace PatternScope {

class PlaybackClock;

// The DVR controls under the diagram: step back, play/pause, step forward, speed, a scrub bar over
// the recorded range, the elapsed time, and Live. It refreshes only while the clock moves.
class PlaybackBar : public QWidget {
    Q_OBJECT
public:
    explicit PlaybackBar(QWidget* parent = nullptr);

    void setClock(PlaybackClock* clock);
    // "28.15 s / 1 min 50.25 s": the position and the head, read in steps of readoutStep().
    QString timeText() const;
    // 10 ms; paused, less (1 ms at the finest) when the moments a step back or forward goes to are nearer
    // than that: stepping changes the readout unless two events are under a millisecond apart, and it does
    // not change precision as it plays.
    TimeUs readoutStep() const;

    // The speeds the box offers, slowest first (0.1× to 10×); Faster and Slower go from one to the next.
    static QList<double> speeds();
    static double fasterThan(double speed);
    static double slowerThan(double speed);

    // Narrow (a presenter layout at QT_SCALE_FACTOR 2 has 640 px for everything), the bar drops its "Speed"
    // word and the readout's end of recording (both stay in tooltips) rather than push the window past the
    // screen; the minimum it asks for is the compact one.
    bool isCompact() const { return m_compact; }
    QSize minimumSizeHint() const override;

protected:
    bool event(QEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    void changeEvent(QEvent* event) override;

private:
    void refresh();
    void setTimeText(const QString& text);
    void setCompact(bool compact);
    void applyCompact(bool compact);
    // The minimum widths of the full bar and of the compact one, measured from the layout.
    void measure();
    int timeWidth(bool compact) const;
    void scrubbed(int value);
    void showSpeed(double speed);

    PlaybackClock* m_clock = nullptr;
    QToolButton* m_back = nullptr;
    QToolButton* m_play = nullptr;
    QToolButton* m_forward = nullptr;
    QComboBox* m_speed = nullptr;
    QSlider* m_scrub = nullptr;
    QLabel* m_speedLabel = nullptr;
    QLabel* m_time = nullptr;
    QString m_timeText;
    bool m_compact = false;
    QSize m_compactMinimum;
    int m_fullMinimumWidth = 0;
    QToolButton* m_live = nullptr;
    QTimer m_refresh;
    bool m_updating = false;
};

} // namespace PatternScope
