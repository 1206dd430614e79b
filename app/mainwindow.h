// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "narration.h"
#include "parameters.h"
#include "patterninfo.h"
#include "textbook.h"
#include "tracefile.h"

#include <QMainWindow>
#include <QTimer>
#include <functional>
#include <memory>
#include <optional>

class QAction;
class QActionGroup;
class QComboBox;
class QLabel;
class QLineEdit;
class QTableView;

namespace PatternScope {

class CaptionBar;
class ClassBar;
class EventFilterBar;
class EventFilterModel;
class EventTableModel;
class FileMenu;
class MessageInspector;
class MetricsPanel;
class ParameterPanel;
class PlaybackBar;
class PlaybackClock;
class Presenter;
struct ProxyEndpoints;
class Run;
struct ServeDoor;
class SequenceView;
class TextbookPanel;
class Trace;
class TraceLoading;
struct FileError;

// The window: pick a pattern and its parameters, run it live and watch the sequence diagram grow,
// pause and step through it, inspect any message, filter the event table, open and save traces.
// Starting a run clears the diagram: one window shows one run (or one opened trace) at a time.
class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    // Picks a pattern by id; false if there is none.
    bool selectPattern(const QString& id);
    // What the next run of the selected pattern starts with: its parameters and seed (nullopt: as they are).
    void setRunSettings(const std::optional<ParameterSet>& parameters, const std::optional<quint64>& seed);
    void startRun();
    // Starts the last run over: the same pattern, parameters and seed, so the same producer schedule.
    void runAgain();
    // Relays a user's own clients and server through the link and shows what crosses, live, like a run
    // (File > Proxy a server…); parameters are ProxyPattern's. A run going ends first. False (after saying why)
    // if it cannot listen.
    bool startProxy(const ProxyEndpoints& endpoints, const ParameterSet& parameters);
    // Where the running proxy listens, or 0.
    quint16 proxyPort() const;
    // Serves `info` to a class (File > Serve to a class…): only its server side runs, with the parameters and
    // seed the panel shows; students' browsers join through `door` on `port` (0: any free) and each becomes
    // a lifeline. The class bar above the diagram shows where to join. A run going ends first. False (after
    // saying why) if it cannot listen.
    bool serveToClass(const PatternInfo& info, quint16 port, const ServeDoor& door);
    // The id of the pattern picked in the toolbar.
    QString selectedPattern() const;
    void stopRun();
    // Replays a recorded trace, or a browser's HAR (Import::isHar) as importHar does; false with the reader's
    // "file:line: reason" if it cannot (empty when the user cancelled a HAR's import).
    bool openTrace(const QString& path, QString* error);
    bool saveTrace(const QString& path, QString* error);
    // Replays a HAR file recorded by a browser; false with the reason if it cannot (Cancelled when
    // the user stopped it).
    bool importHar(const QString& path, FileError* error);
    // What a saved or exported file says about the run shown: pattern, parameters, seed, start.
    TraceHeader currentHeader() const;
    // The diagram's detail level in this window; View → Detail sets it too, and remembers the choice.
    void setDetail(DetailLevel detail);

    SequenceView* sequenceView() const { return m_view; }
    TextbookPanel* textbookPanel() const { return m_textbook; }
    PlaybackClock* clock() const { return m_clock; }
    Trace* trace() const;
    QTableView* table() const { return m_table; }
    MessageInspector* inspector() const { return m_inspector; }
    MetricsPanel* metricsPanel() const { return m_metrics; }
    CaptionBar* captionBar() const { return m_caption; }
    ClassBar* classBar() const { return m_classBar; }
    EventFilterModel* filterModel() const { return m_filter; }
    ParameterPanel* parameterPanel() const { return m_parameters; }
    Presenter* presenter() const { return m_presenter; }
    bool isRunning() const;
    // The run shown (running or ended), or nullptr when a trace is opened.
    Run* run() const { return m_run.get(); }

protected:
    void closeEvent(QCloseEvent* event) override;

private:
    void buildActions();
    void addDetailActions(QMenu* view);
    void buildLayout();
    void patternChosen();
    // `captions`: the trace's, made already (on the thread that read it); else the caption bar narrates it.
    void showTrace(Trace* trace, bool recording, QList<Caption> captions = {});
    void selectFromView(qint64 seq);
    void selectFromTable();
    // After a step: the event it landed on is selected in the diagram, the table and the inspector.
    void selectStepped();
    void updateStatus();
    // The run is over (finished, or stopped because a trace was opened): Start, the picker and every
    // parameter can be used again.
    void runEnded();
    // Stops a going run and waits (bounded) until its connections have closed.
    void finishRun(int graceMs, int waitMs);
    // A new run (Run again, a proxy, a class's run) replaces the one going: it ends, bounded, before the new
    // one listens, and the window is as after any run's end.
    void endRunGoing();
    void clearShown();
    // Starts a run of `info` as Start does, or as `begin` starts it (a proxy, a class's served run).
    using Begin = std::function<bool(Run& run, QString* error)>;
    bool startWith(const PatternInfo& info, const ParameterSet& parameters, quint64 seed, const Begin& begin = {});
    // The seed box's value, or a random one when it holds none.
    quint64 chosenSeed() const;
    void adopt(
        std::unique_ptr<Trace> trace, const TraceHeader& header, const QString& path, QList<Caption> captions = {});
    void wholeTraceLoaded();
    void wholeTraceNarrated(); // the captions of the whole, written on the loading thread
    // The whole of a large file replaces the start shown while it loaded, a part of the window in each turn of
    // the event loop (diagram, then table, then captions and panels, then the window's own trace and status):
    // each takes tens of milliseconds for a million messages, and all at once held the window for 150-250 ms.
    void adoptWhole(std::unique_ptr<Trace> whole);
    // The table shows the rest of `incoming` a slice of rows per turn, then `then` runs in a later turn.
    void growTable(Trace* incoming, std::function<void()> then);
    // Runs `step` in a later turn, unless the window has shown another trace meanwhile.
    void inLaterTurn(std::function<void()> step);
    void showSkippedLines(const QStringList& warnings);

    FileMenu* m_files = nullptr;
    QComboBox* m_patternBox = nullptr;
    QAction* m_startAction = nullptr;
    QAction* m_stopAction = nullptr;
    QAction* m_againAction = nullptr;
    QLineEdit* m_seedEdit = nullptr;
    // What Run again repeats.
    QString m_lastPattern;
    ParameterSet m_lastParameters;
    quint64 m_lastSeed = 0;
    QAction* m_cutAction = nullptr;
    QAction* m_stallAction = nullptr;
    QActionGroup* m_axisGroup = nullptr;
    QAction* m_wireAction = nullptr;
    QAction* m_textbookAction = nullptr;
    ParameterPanel* m_parameters = nullptr;
    SequenceView* m_view = nullptr;
    TextbookPanel* m_textbook = nullptr;
    PlaybackClock* m_clock = nullptr;
    PlaybackBar* m_playback = nullptr;
    CaptionBar* m_caption = nullptr;
    ClassBar* m_classBar = nullptr;
    MessageInspector* m_inspector = nullptr;
    MetricsPanel* m_metrics = nullptr;
    EventTableModel* m_model = nullptr;
    EventFilterModel* m_filter = nullptr;
    EventFilterBar* m_filterBar = nullptr;
    QTableView* m_table = nullptr;
    QLabel* m_status = nullptr;
    QTimer m_statusTimer;
    std::unique_ptr<Run> m_run;
    std::unique_ptr<Trace> m_opened; // a trace read from a file
    QString m_openedPath;
    TraceHeader m_openedHeader;
    TraceLoading* m_loading = nullptr; // reads a large file whole while its start is shown
    const Trace* m_loadingStart = nullptr; // the start shown meanwhile, which the whole replaces
    std::unique_ptr<Trace> m_incoming; // the whole, while adoptWhole hands it to the window's parts
    int m_shown = 0; // counts showTrace calls: a later turn of adoptWhole checks nothing replaced its trace
    Presenter* m_presenter = nullptr;
    bool m_syncingSelection = false;
};

} // namespace PatternScope
