// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "textbook.h"

#include <QPointer>
#include <QTimer>
#include <QWidget>
#include <memory>

class QAction;
class QLabel;

namespace PatternScope {

class PlaybackClock;
class ReferenceCanvas;

// The textbook's reference diagram of the pattern shown (Textbook::referenceDiagram), drawn by the same
// painter as the live diagram, beside it, with the step the run is at by the playback time highlighted
// (Textbook::stepAt). Headed as the textbook reference, so nobody takes it for traffic. Asks the clock
// where it is only while the clock moves (playing, or live on a run still recording): idle when paused.
class TextbookPanel : public QWidget {
    Q_OBJECT
public:
    explicit TextbookPanel(QWidget* parent = nullptr);
    ~TextbookPanel() override;

    // The pattern whose reference is drawn ("long-polling"); its title heads the panel. Unknown or empty:
    // the panel says it has no textbook diagram for it.
    void setPattern(const QString& id, const QString& title);
    QString pattern() const { return m_pattern; }
    // The run or opened trace the highlight follows; nullptr: nothing highlighted.
    void setTrace(const Trace* trace);
    void setClock(PlaybackClock* clock);

    // The step highlighted (index into the reference's steps), -1 for none.
    int currentStep() const { return m_step; }
    const Textbook::ReferenceDiagram& diagram() const { return m_diagram; }
    // Whether it is asking the clock again and again (only while the clock moves).
    bool isFollowing() const { return m_follow.isActive(); }
    // The line under the diagram: "Now: step 2 of 3, Wait until data is ready".
    QString nowText() const;

    // View → Textbook reference: shows and hides the panel; shown unless hidden before (QSettings).
    QAction* toggleAction() const { return m_toggle; }

Q_SIGNALS:
    void currentStepChanged(int step);

protected:
    void showEvent(QShowEvent* event) override;
    void hideEvent(QHideEvent* event) override;
    void changeEvent(QEvent* event) override;

private:
    void follow();
    void updateFollowing();
    void updateFonts();

    QString m_pattern;
    Textbook::ReferenceDiagram m_diagram;
    QPointer<const Trace> m_trace;
    QPointer<PlaybackClock> m_clock;
    int m_step = -1;
    QTimer m_follow;
    QLabel* m_heading = nullptr;
    QLabel* m_subtitle = nullptr;
    QLabel* m_now = nullptr;
    ReferenceCanvas* m_canvas = nullptr;
    QAction* m_toggle = nullptr;
};

} // namespace PatternScope
