// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "figures.h"
#include "metrics.h"
#include "parameters.h"
#include "trace.h"

#include <QList>
#include <QPointer>
#include <QTimer>
#include <QWidget>

class QGridLayout;
class QLabel;
class QPainter;
class QSplitter;

namespace PatternScope {

class ComparisonCharts;
class PlaybackBar;
class PlaybackClock;
class SequenceView;

// Two to five patterns' diagrams side by side, each headed by its name and its key figures, on one time
// axis: one PlaybackClock moves them all (pause, speed, scrub and Live act on every diagram), idle gaps are
// not folded, so a height means the same time in each, and scrolling or zooming one scrolls or zooms all.
// Under them the charts of the same runs, and one playback bar. The traces are the caller's (a comparison's runs,
// recording live); the view only reads them.
class ComparisonView : public QWidget {
    Q_OBJECT
public:
    struct Pane {
        QString title; // the pattern's name
        Trace* trace = nullptr;
        QString patternId; // with the parameters it ran with: what theory expects of it (none if empty)
        ParameterSet parameters;
    };

    explicit ComparisonView(QWidget* parent = nullptr);
    ~ComparisonView() override;

    // Replaces the diagrams; the traces' clocks are the playback clock's (the runs start together), and a step
    // (→/←) goes to the next (previous) event of any of them, each diagram selecting its own event there.
    void setPanes(const QList<Pane>& panes);
    // Whether the traces are still being recorded (the clock's head is then the run's now, and the figures
    // refresh a few times a second).
    void setRecording(bool recording);

    int count() const { return int(m_panes.size()); }
    SequenceView* diagram(int index) const;
    QLabel* figuresLabel(int index) const;
    PlaybackClock* clock() const { return m_clock; }
    PlaybackBar* playbackBar() const { return m_bar; }

    // The charts under the diagrams: each pattern's delay spread, requests and bytes per item, open connections.
    ComparisonCharts* charts() const { return m_charts; }

    // The figures a header shows, in words a reader can take in at a glance.
    // `bytes`: on the wire, both directions, headers included. Rich text: a mean delay outside what theory
    // expects is marked.
    static QString figuresText(const PatternFigures& figures, qint64 bytes);
    static QString figuresToolTip(const PatternFigures& figures, qint64 bytes);
    // The figures of pane `index` as last refreshed.
    PatternFigures figures(int index) const;
    // Works the figures out again now (they refresh by themselves while recording).
    void refreshFigures();

    // The whole view as it is on screen (headers, diagrams, charts, the time), as SVG or PNG by the file's
    // suffix; false with the reason if it cannot be written.
    bool exportTo(const QString& path, QString* error) const;

Q_SIGNALS:
    void figuresRefreshed();

protected:
    void changeEvent(QEvent* event) override;

private:
    struct PaneWidgets {
        Pane pane;
        QLabel* title = nullptr;
        QLabel* figuresLabel = nullptr;
        SequenceView* view = nullptr;
        PatternFigures figures;
    };

    void clearPanes();
    void paintForSvg(QPainter* painter);
    void colourTitles();
    void syncScroll(SequenceView* from);
    void followTogether(SequenceView* from);
    void syncZoom(SequenceView* from);
    void updateFrameTick();
    void frameTick();

    PlaybackClock* m_clock = nullptr;
    PlaybackBar* m_bar = nullptr;
    QSplitter* m_split = nullptr;
    QWidget* m_diagrams = nullptr;
    QGridLayout* m_grid = nullptr;
    ComparisonCharts* m_charts = nullptr;
    QList<PaneWidgets> m_panes;
    QTimer m_figuresTimer;
    // One frame tick for every diagram: they paint in one pass of the window.
    QTimer m_frameTick;
    bool m_syncing = false;
};

} // namespace PatternScope
