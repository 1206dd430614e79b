// SPDX-License-Identifier: GPL-3.0-or-later
#include "mainwindow.h"

#include "captionbar.h"
#include "classbar.h"
#include "classdialog.h"
#include "comparisonwindow.h"
#include "eventfilterbar.h"
#include "eventtablemodel.h"
#include "exports.h"
#include "filemenu.h"
#include "linkemulator.h"
#include "messageinspector.h"
#include "metricspanel.h"
#include "parameterpanel.h"
#include "pattern.h"
#include "playbackbar.h"
#include "playbackclock.h"
#include "presenter.h"
#include "proxydialog.h"
#include "proxypattern.h"
#include "run.h"
#include "sequencepainter.h"
#include "sequenceview.h"
#include "textbookpanel.h"
#include "tracefile.h"
#include "traceloading.h"
#include "units.h"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QCloseEvent>
#include <QComboBox>
#include <QFileInfo>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMenuBar>
#include <QMessageBox>
#include <QRegularExpressionValidator>
#include <QScrollArea>
#include <QSettings>
#include <QSignalBlocker>
#include <QSplitter>
#include <QStatusBar>
#include <QStyle>
#include <QTabWidget>
#include <QTableView>
#include <QToolBar>
#include <QVBoxLayout>

namespace PatternScope {

namespace {

// The event table's columns as wide as what they usually hold, so the message column keeps the rest: at the
// default 100 px each, a window 853 px wide (1280×720 at QT_SCALE_FACTOR 1.5) left it a few letters.
void fitTableColumns(QTableView* table)
{
    static const struct {
        int column;
        const char* widest;
    } samples[] = {
        { EventTableModel::SeqColumn, "00000" },
        { EventTableModel::SentColumn, "000.000 s" },
        { EventTableModel::FromColumn, "Subscriber A" },
        { EventTableModel::ToColumn, "Subscriber A" },
        { EventTableModel::KindColumn, "http-response" },
        { EventTableModel::DelayColumn, "0000.0 ms" },
        { EventTableModel::BytesColumn, "000000" },
        { EventTableModel::StateColumn, "delivered" },
    };
    const QFontMetrics metrics(table->font());
    const int padding = 2 * table->style()->pixelMetric(QStyle::PM_HeaderMargin, nullptr, table) + 12;
    for (const auto& sample : samples) {
        const QString title = table->model()->headerData(sample.column, Qt::Horizontal).toString();
        const int width
            = std::max(metrics.horizontalAdvance(QLatin1String(sample.widest)), metrics.horizontalAdvance(title));
        table->horizontalHeader()->resizeSection(sample.column, width + padding);
    }
}

// View menu: how long an idle gap must be to fold, and whether the filter bar's kinds also narrow the diagram
// (as Wireshark's flow graph follows its display filter). Both are remembered.
void addDiagramActions(QMenu* view, SequenceView* diagram, EventFilterModel* filter)
{
    QMenu* folding = view->addMenu(QObject::tr("&Fold idle gaps longer than…"));
    auto* foldGroup = new QActionGroup(folding);
    const qint64 foldAfterMs
        = QSettings().value(QStringLiteral("view/foldAfterMs"), SequenceGeometry::FoldAfter / 1000).toLongLong();
    for (const qint64 ms : { 2'000, 4'000, 10'000, 30'000, 0 }) {
        QAction* a = folding->addAction(
            ms > 0 ? Units::wholeDuration(ms) : QObject::tr("&Don't fold"), diagram, [diagram, ms] {
                diagram->setFoldAfter(ms * 1000);
                QSettings().setValue(QStringLiteral("view/foldAfterMs"), ms);
            });
        a->setCheckable(true);
        a->setChecked(ms == foldAfterMs);
        foldGroup->addAction(a);
    }
    diagram->setFoldAfter(std::max<qint64>(0, foldAfterMs) * 1000);

    QAction* filtered = view->addAction(QObject::tr("Filter applies to the &diagram"));
    filtered->setCheckable(true);
    filtered->setChecked(QSettings().value(QStringLiteral("view/filterDiagram"), true).toBool());
    filtered->setToolTip(QObject::tr("Kinds unticked in the filter bar disappear from the diagram too"));
    // Kinds as a bit mask, so typing a filter text (which leaves the kinds alone) does not refold the diagram.
    auto applied = std::make_shared<qint64>(-1);
    const auto apply = [diagram, filter, filtered, applied] {
        quint32 shown = 0;
        quint32 every = 0;
        for (const Message::Kind kind : allKinds()) {
            every |= 1u << unsigned(kind);
            if (!filtered->isChecked() || filter->isKindShown(kind))
                shown |= 1u << unsigned(kind);
        }
        if (*applied == qint64(shown))
            return;
        *applied = shown;
        if (shown == every)
            diagram->setKindFilter({});
        else
            diagram->setKindFilter([shown](const Message& m) { return shown & (1u << unsigned(m.kind)); });
    };
    QObject::connect(filtered, &QAction::toggled, diagram, [apply](bool on) {
        QSettings().setValue(QStringLiteral("view/filterDiagram"), on);
        apply();
    });
    QObject::connect(filter, &EventFilterModel::filterChanged, diagram, apply);
    apply();
}

} // namespace

MainWindow::MainWindow(QWidget* parent)
    : QMainWindow(parent)
    , m_files(new FileMenu(this))
    , m_clock(new PlaybackClock(this))
    , m_model(new EventTableModel(this))
    , m_filter(new EventFilterModel(this))
    , m_presenter(new Presenter(this))
{
    setWindowTitle(tr("PatternScope"));
    buildLayout();
    buildActions();
    m_presenter->restoreGeometry();
    m_statusTimer.setInterval(250);
    connect(&m_statusTimer, &QTimer::timeout, this, &MainWindow::updateStatus);
    patternChosen();
    updateStatus();
}

MainWindow::~MainWindow()
{
    m_loading->cancel();
    // Views first: they hold pointers into the trace the run owns.
    m_view->setTrace(nullptr);
    m_inspector->setTrace(nullptr);
    m_metrics->setTrace(nullptr);
    m_model->setTrace(nullptr);
    m_clock->setTrace(nullptr);
}

Trace* MainWindow::trace() const
{
    if (m_run)
        return m_run->trace();
    return m_opened.get();
}

bool MainWindow::isRunning() const
{
    return m_run && m_run->isRunning();
}

void MainWindow::buildLayout()
{
    m_parameters = new ParameterPanel(this);
    // On a small or scaled screen the panel scrolls rather than squeezing its rows.
    auto* parameters = new QScrollArea(this);
    parameters->setWidget(m_parameters);
    parameters->setWidgetResizable(true);
    parameters->setFrameShape(QFrame::NoFrame);
    parameters->setMinimumWidth(180);

    m_view = new SequenceView(this);
    m_view->setClock(m_clock);
    m_playback = new PlaybackBar(this);
    m_playback->setClock(m_clock);
    auto* centre = new QWidget(this);
    auto* centreLayout = new QVBoxLayout(centre);
    centreLayout->setContentsMargins(0, 0, 0, 0);
    centreLayout->setSpacing(0);
    m_caption = new CaptionBar(this);
    m_caption->setClock(m_clock);
    m_classBar = new ClassBar(this);
    centreLayout->addWidget(m_classBar);
    centreLayout->addWidget(m_view, 1);
    centreLayout->addWidget(m_caption);
    centreLayout->addWidget(m_playback);

    m_inspector = new MessageInspector(this);
    // A message's headers and body need more height than a 1280×720 window has beside the textbook panel:
    // the inspector scrolls rather than pushing the window past the screen's edge.
    auto* inspectorArea = new QScrollArea(this);
    inspectorArea->setWidget(m_inspector);
    inspectorArea->setWidgetResizable(true);
    inspectorArea->setFrameShape(QFrame::NoFrame);
    inspectorArea->setMinimumSize(150, 40); // not its scroll bars' hint: a 1280×720 window at scale 1.5 is short
    // The textbook's reference diagram right of the live one, above the inspector: the live diagram keeps
    // its width, and a presenter layout without the inspector leaves the column to the textbook.
    m_textbook = new TextbookPanel(this);
    m_textbook->setClock(m_clock);
    auto* right = new QSplitter(Qt::Vertical, this);
    right->setChildrenCollapsible(false);
    right->addWidget(m_textbook);
    right->addWidget(inspectorArea);
    right->setSizes({ 340, 160 });

    auto* top = new QSplitter(Qt::Horizontal, this);
    top->addWidget(parameters);
    top->addWidget(centre);
    top->addWidget(right);
    top->setStretchFactor(1, 1);
    top->setSizes({ 260, 880, 300 });

    m_filter->setSourceModel(m_model);
    m_table = new QTableView(this);
    m_table->setAccessibleName(tr("Event table"));
    m_table->setModel(m_filter);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 6);
    m_table->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_table->horizontalHeader()->setSectionResizeMode(EventTableModel::LabelColumn, QHeaderView::Stretch);
    fitTableColumns(m_table);
    // Queued: the application font reaches the table first.
    connect(
        m_presenter, &Presenter::fontScaleChanged, m_table, [this] { fitTableColumns(m_table); }, Qt::QueuedConnection);
    m_table->setAlternatingRowColors(true);
    // Its scroll bars' minimum (70 px) and the Events/Metrics tabs above it would hold a 1280×720 window
    // at scale 1.5 taller than the screen: two rows' height is enough.
    m_table->setMinimumHeight(40);
    m_filterBar = new EventFilterBar(m_filter, this);
    auto* bottom = new QWidget(this);
    auto* bottomLayout = new QVBoxLayout(bottom);
    bottomLayout->setContentsMargins(4, 4, 4, 0);
    bottomLayout->addWidget(m_filterBar);
    bottomLayout->addWidget(m_table, 1);

    auto* main = new QSplitter(Qt::Vertical, this);
    main->addWidget(top);
    // The run's figures and delay chart share the bottom with the event table: at 1280×720 only it is wide
    // enough for a chart over time, and the right column has the textbook and the inspector.
    m_metrics = new MetricsPanel(this);
    auto* lower = new QTabWidget(this);
    lower->setDocumentMode(true);
    lower->addTab(bottom, tr("Events"));
    lower->addTab(m_metrics, tr("Metrics"));
    m_metrics->showIn(lower);
    main->addWidget(lower);
    m_presenter->setSidePanes({ parameters, inspectorArea, lower });
    main->setStretchFactor(0, 3);
    main->setStretchFactor(1, 1);
    main->setSizes({ 640, 200 });
    setCentralWidget(main);

    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("runStatus"));
    m_status->setAccessibleName(tr("Run status"));
    // A long status line is cut at the window's edge rather than widening the window past the screen's.
    m_status->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    statusBar()->addWidget(m_status, 1);
    m_loading = new TraceLoading(statusBar(), this);
    connect(m_loading, &TraceLoading::finished, this, &MainWindow::wholeTraceLoaded);
    connect(m_loading, &TraceLoading::narrated, this, &MainWindow::wholeTraceNarrated);

    connect(m_view, &SequenceView::messageActivated, this, &MainWindow::selectFromView);
    // The table follows playback: during a replay it lists what has happened by the playback time.
    connect(m_caption, &CaptionBar::positionChanged, this,
        [this](TimeUs position, bool live) { m_filter->setPlaybackTime(live ? NoTime : position); });
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this, &MainWindow::selectFromTable);
    connect(m_parameters, &ParameterPanel::parameterEdited, this, [this](const QString& name, qint64 value) {
        if (!m_run || !m_run->isRunning())
            return;
        const ParameterSpec* spec = m_run->pattern()->parameters().spec(name);
        QString error;
        if (spec && !m_run->setParameter(name, value, &error))
            statusBar()->showMessage(error, 5000);
    });
    connect(m_parameters, &ParameterPanel::timeScaleChanged, this, [this] {
        if (!m_run || !m_run->isRunning())
            return;
        // Every live duration follows the new scale at once: the panel shows them stretched.
        const ParameterSet values = m_parameters->values();
        const ParameterSet& running = m_run->pattern()->parameters();
        for (const ParameterSpec& spec : m_run->info().parameters) {
            if (spec.live && spec.unit == ParameterSpec::Unit::Milliseconds
                && running.value(spec.name) != values.value(spec.name))
                m_run->setParameter(spec.name, values.value(spec.name));
        }
    });
}

void MainWindow::buildActions()
{
    QMenu* file = menuBar()->addMenu(tr("&File"));
    m_files->addTo(file);
    file->addSeparator();
    file->addAction(tr("Com&pare patterns…"), this, [this] { ComparisonWindow::ask(this); });
    file->addAction(tr("Pro&xy a server…"), this, [this] { askProxy(this); });
    QAction* serve = file->addAction(tr("Serve to a c&lass…"), this, [this] { askServeToClass(this); });
    serve->setObjectName(QStringLiteral("serveToClassAction"));
    serve->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_L));
    file->addSeparator();
    file->addAction(tr("&Quit"), QKeySequence::Quit, this, &QWidget::close);

    auto* toolbar = addToolBar(tr("Run"));
    toolbar->setObjectName(QStringLiteral("runToolbar"));
    toolbar->setMovable(false);
    m_patternBox = new QComboBox(toolbar);
    m_patternBox->setObjectName(QStringLiteral("patternBox"));
    m_patternBox->setAccessibleName(tr("Pattern"));
    for (const PatternInfo& info : PatternRegistry::all())
        m_patternBox->addItem(info.title, info.id);
    m_patternBox->setToolTip(tr("The communication pattern to run"));
    connect(m_patternBox, &QComboBox::currentIndexChanged, this, &MainWindow::patternChosen);
    toolbar->addWidget(m_patternBox);

    QMenu* run = menuBar()->addMenu(tr("&Run"));
    m_startAction = run->addAction(tr("&Start"), this, &MainWindow::startRun);
    m_startAction->setObjectName(QStringLiteral("startAction"));
    m_startAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_R));
    m_startAction->setToolTip(tr("Start a new run; the diagram starts afresh (Ctrl+R)"));
    m_stopAction = run->addAction(tr("S&top"), this, &MainWindow::stopRun);
    m_stopAction->setObjectName(QStringLiteral("stopAction"));
    m_stopAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Period));
    m_stopAction->setToolTip(tr("Stop the run; exchanges in flight finish first (Ctrl+.)"));
    m_stopAction->setEnabled(false);
    run->addSeparator();
    m_cutAction = run->addAction(tr("&Cut the link"), this, [this] {
        if (m_run)
            m_run->links()->cutAll();
    });
    m_cutAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_K));
    m_cutAction->setToolTip(tr("Break every open connection, as a network failure would (Ctrl+K)"));
    m_stallAction = run->addAction(tr("S&tall the link 2 s"), this, [this] {
        if (m_run)
            m_run->links()->stallAll(2'000'000);
    });
    m_stallAction->setToolTip(tr("Hold every byte on the wire for two seconds"));
    m_againAction = run->addAction(tr("Run &again"), this, &MainWindow::runAgain);
    m_againAction->setObjectName(QStringLiteral("runAgainAction"));
    m_againAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_R));
    m_againAction->setToolTip(tr("Start the last run over: same pattern, parameters and seed (Ctrl+Shift+R)"));
    m_againAction->setEnabled(false);
    // A fixed seed gives the same ids, jitter and data schedule every time; empty picks one at random.
    m_seedEdit = new QLineEdit(toolbar);
    m_seedEdit->setObjectName(QStringLiteral("seedEdit"));
    m_seedEdit->setAccessibleName(tr("Seed"));
    m_seedEdit->setPlaceholderText(tr("random"));
    m_seedEdit->setToolTip(tr("Seed of the next run: the same seed and parameters give the same schedule. "
                              "Empty: a random seed (shown in the status bar)."));
    m_seedEdit->setValidator(
        new QRegularExpressionValidator(QRegularExpression(QStringLiteral("[0-9]{0,19}")), m_seedEdit));
    m_seedEdit->setMaximumWidth(m_seedEdit->fontMetrics().horizontalAdvance(QStringLiteral("0000000000")) + 16);
    connect(m_seedEdit, &QLineEdit::returnPressed, this, &MainWindow::startRun);
    toolbar->addWidget(new QLabel(tr(" Seed "), toolbar));
    toolbar->addWidget(m_seedEdit);
    toolbar->addAction(m_startAction);
    toolbar->addAction(m_againAction);
    toolbar->addAction(m_stopAction);
    toolbar->addSeparator();
    toolbar->addAction(m_cutAction);
    toolbar->addAction(m_stallAction);

    QMenu* view = menuBar()->addMenu(tr("&View"));
    m_axisGroup = new QActionGroup(this);
    QAction* timeAxis = view->addAction(tr("&Time-proportional"));
    QAction* compactAxis = view->addAction(tr("&Compact (one row per message)"));
    for (QAction* a : { timeAxis, compactAxis }) {
        a->setCheckable(true);
        m_axisGroup->addAction(a);
    }
    timeAxis->setChecked(true);
    timeAxis->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_1));
    compactAxis->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_2));
    connect(timeAxis, &QAction::triggered, this, [this] { m_view->setAxis(SequenceGeometry::Axis::Time); });
    connect(compactAxis, &QAction::triggered, this, [this] { m_view->setAxis(SequenceGeometry::Axis::Compact); });
    addDetailActions(view);
    view->addAction(m_textbook->toggleAction());
    view->addAction(m_metrics->toggleAction());
    view->addSeparator();
    m_presenter->addThemeMenu(view);
    view->addSeparator();
    view->addAction(tr("Zoom &in"), QKeySequence::ZoomIn, m_view, &SequenceView::zoomIn);
    view->addAction(tr("Zoom &out"), QKeySequence::ZoomOut, m_view, &SequenceView::zoomOut);
    view->addSeparator();
    addDiagramActions(view, m_view, m_filter);
    view->addSeparator();
    m_presenter->addActions(view);
    toolbar->addSeparator();
    toolbar->addAction(timeAxis);
    toolbar->addAction(compactAxis);

    QMenu* playback = menuBar()->addMenu(tr("&Playback"));
    const auto add = [&](const QString& text, const QKeySequence& key, auto slot) {
        QAction* a = playback->addAction(text, key, m_clock, slot);
        a->setShortcutContext(Qt::WindowShortcut);
        return a;
    };
    add(tr("&Play / pause"), QKeySequence(Qt::Key_Space), &PlaybackClock::togglePlay);
    for (QAction* step : { add(tr("Step &forward"), QKeySequence(Qt::Key_Right), &PlaybackClock::stepForward),
             add(tr("Step &back"), QKeySequence(Qt::Key_Left), &PlaybackClock::stepBack) })
        connect(step, &QAction::triggered, this, &MainWindow::selectStepped);
    add(tr("&Live"), QKeySequence(Qt::Key_End), &PlaybackClock::goLive);
    playback->addAction(tr("&Faster"), QKeySequence(Qt::CTRL | Qt::Key_BracketRight), this,
        [this] { m_clock->setSpeed(PlaybackBar::fasterThan(m_clock->speed())); });
    playback->addAction(tr("&Slower"), QKeySequence(Qt::CTRL | Qt::Key_BracketLeft), this,
        [this] { m_clock->setSpeed(PlaybackBar::slowerThan(m_clock->speed())); });
}

// View → Detail: Wire (every message) or Textbook (the seed's steps, in its words); remembered.
void MainWindow::addDetailActions(QMenu* view)
{
    view->addSeparator();
    auto* group = new QActionGroup(this);
    m_wireAction = view->addAction(tr("Detail: &Wire (every message)"));
    m_wireAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_W));
    m_wireAction->setToolTip(tr("Every message as it went over the wire: connects, pings, heartbeats (Ctrl+Shift+W)"));
    m_textbookAction = view->addAction(tr("Detail: Te&xtbook (the steps a textbook draws)"));
    m_textbookAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_T));
    m_textbookAction->setToolTip(
        tr("The pattern as a textbook draws it, in its words; the plumbing left out (Ctrl+Shift+T)"));
    for (QAction* a : { m_wireAction, m_textbookAction }) {
        a->setCheckable(true);
        group->addAction(a);
        connect(a, &QAction::triggered, this, [this, a] {
            const DetailLevel detail = a == m_textbookAction ? DetailLevel::Textbook : DetailLevel::Wire;
            QSettings().setValue(QStringLiteral("view/detail"), Textbook::detailName(detail));
            m_view->setDetail(detail);
        });
    }
    DetailLevel saved = DetailLevel::Wire;
    Textbook::detailFromName(QSettings().value(QStringLiteral("view/detail")).toString(), &saved);
    setDetail(saved);
}

void MainWindow::setDetail(DetailLevel detail)
{
    (detail == DetailLevel::Textbook ? m_textbookAction : m_wireAction)->setChecked(true);
    m_view->setDetail(detail);
}

bool MainWindow::selectPattern(const QString& id)
{
    const int index = m_patternBox->findData(id);
    if (index < 0)
        return false;
    m_patternBox->setCurrentIndex(index);
    return true;
}

void MainWindow::setRunSettings(const std::optional<ParameterSet>& parameters, const std::optional<quint64>& seed)
{
    const PatternInfo* info = PatternRegistry::find(selectedPattern());
    if (info && parameters)
        m_parameters->setPattern(*info, *parameters);
    if (seed)
        m_seedEdit->setText(QString::number(*seed));
}

void MainWindow::patternChosen()
{
    // Another pattern: the diagram of the last run or opened trace is not about it, so it goes.
    clearShown();
    const PatternInfo* info = PatternRegistry::find(selectedPattern());
    m_parameters->setReadOnly(false);
    if (info)
        m_parameters->setPattern(*info, ParameterSet(info->parameters));
    m_textbook->setPattern(info ? info->id : QString(), info ? info->title : QString());
}

void MainWindow::clearShown()
{
    if (isRunning())
        return;
    showTrace(nullptr, false);
    m_run.reset();
    m_opened.reset();
    m_openedPath.clear();
    m_openedHeader = TraceHeader();
    setWindowTitle(tr("PatternScope"));
}

void MainWindow::showTrace(Trace* trace, bool recording, QList<Caption> captions)
{
    // The trace shown may be the one the loading thread narrates: it stops before that trace can go.
    m_loading->cancel();
    ++m_shown; // what adoptWhole has yet to do is not done
    m_inspector->showMessage(-1);
    m_clock->setTrace(trace);
    m_clock->setRecording(recording);
    m_view->setTrace(trace);
    m_view->setFollowing(true);
    m_textbook->setTrace(trace);
    m_metrics->setTrace(trace);
    m_model->setTrace(trace);
    m_inspector->setTrace(trace);
    m_caption->setTrace(trace, std::move(captions));
    updateStatus();
    m_incoming.reset(); // no part of the window shows it any more
}

void MainWindow::inLaterTurn(std::function<void()> step)
{
    // A timer, not a zero-time call: those are posted events, which run one after another before the event loop
    // looks at its timers, input or painting again.
    QTimer::singleShot(1, Qt::PreciseTimer, this, [this, shown = m_shown, step = std::move(step)] {
        if (shown == m_shown)
            step();
    });
}

void MainWindow::adoptWhole(std::unique_ptr<Trace> whole)
{
    // The start stays the window's trace (trace(), saving, the status line) until every part shows the whole;
    // meanwhile the parts still on the start show the same first messages, under the same numbers.
    m_incoming = std::move(whole);
    Trace* incoming = m_incoming.get();
    m_clock->setTrace(incoming);
    m_view->setTrace(incoming);
    m_view->setFollowing(true);
    inLaterTurn([this, incoming] {
        m_model->continueWith(incoming);
        growTable(incoming, [this, incoming] {
            m_inspector->showMessage(-1);
            m_inspector->setTrace(incoming);
            m_textbook->setTrace(incoming);
            m_metrics->setTrace(incoming);
            // Its captions are being written on the loading thread, seconds for a million messages.
            if (m_loading->narratedTrace() == incoming)
                m_caption->setTrace(incoming, m_loading->takeCaptions());
            else
                m_caption->awaitCaptions(incoming);
            inLaterTurn([this] {
                m_opened = std::move(m_incoming); // the start goes: nothing shows it now
                updateStatus();
            });
        });
    });
}

void MainWindow::growTable(Trace* incoming, std::function<void()> then)
{
    // A slice of rows a turn: the table's proxy and row header take a few milliseconds for each.
    constexpr int rowsPerTurn = 100'000;
    m_model->growTo(m_model->rowCount() + rowsPerTurn);
    if (m_model->rowCount() < int(incoming->messages().size())) {
        inLaterTurn([this, incoming, then = std::move(then)]() mutable { growTable(incoming, std::move(then)); });
        return;
    }
    inLaterTurn(std::move(then));
}

void MainWindow::startRun()
{
    const PatternInfo* info = PatternRegistry::find(selectedPattern());
    if (!info || isRunning())
        return;
    // The panel shows the values in effect, the time scale applied: the run gets what it shows.
    startWith(*info, m_parameters->values(), chosenSeed());
}

quint64 MainWindow::chosenSeed() const
{
    bool fixed = false;
    const quint64 seed = m_seedEdit->text().toULongLong(&fixed);
    return fixed ? seed : QRandomGenerator::global()->generate();
}

QString MainWindow::selectedPattern() const
{
    return m_patternBox->currentData().toString();
}

void MainWindow::runAgain()
{
    const PatternInfo* info = PatternRegistry::find(m_lastPattern);
    if (!info)
        return;
    endRunGoing();
    {
        const QSignalBlocker blocker(m_patternBox);
        selectPattern(info->id);
    }
    m_parameters->setReadOnly(false);
    m_parameters->setPattern(*info, m_lastParameters); // the values of the run, now in effect again
    startWith(*info, m_lastParameters, m_lastSeed);
}

void MainWindow::endRunGoing()
{
    finishRun(0, 3000);
    if (m_run && m_run->isRunning())
        runEnded();
}

bool MainWindow::startProxy(const ProxyEndpoints& endpoints, const ParameterSet& parameters)
{
    endRunGoing();
    const PatternInfo info = ProxyPattern::info(endpoints);
    m_parameters->setPattern(info, parameters); // the link's knobs, live while it runs
    return startWith(
        info, parameters, 1, [&](Run& run, QString* error) { return run.startProxy(endpoints, parameters, 1, error); });
}

bool MainWindow::serveToClass(const PatternInfo& info, quint16 port, const ServeDoor& door)
{
    endRunGoing();
    if (selectedPattern() != info.id)
        selectPattern(info.id);
    const ParameterSet parameters = m_parameters->values();
    const quint64 seed = chosenSeed();
    const bool started = startWith(info, parameters, seed, [&](Run& run, QString* error) {
        run.setServe(port);
        run.setServeDoor(door);
        return run.start(info, parameters, seed, error);
    });
    if (started)
        setWindowTitle(tr("%1, served to a class — PatternScope").arg(info.title));
    return started;
}

quint16 MainWindow::proxyPort() const
{
    const auto* proxy = m_run && m_run->isRunning() ? qobject_cast<ProxyPattern*>(m_run->pattern()) : nullptr;
    return proxy ? proxy->port() : 0;
}

bool MainWindow::startWith(
    const PatternInfo& patternInfo, const ParameterSet& parameters, quint64 seed, const Begin& begin)
{
    const PatternInfo info = patternInfo; // a copy: the registry's entry outlives us, but be safe with re-entry
    m_loading->cancel();
    showTrace(nullptr, false);
    m_opened.reset();
    m_openedPath.clear();
    m_openedHeader = TraceHeader();
    // An opened trace's values stay as the values of the new run; from now on they are editable.
    m_parameters->setReadOnly(false);
    m_run = std::make_unique<Run>();
    connect(m_run.get(), &Run::finished, this, &MainWindow::runEnded);
    QString error;
    const bool started = begin ? begin(*m_run, &error) : m_run->start(info, parameters, seed, &error);
    if (!started) {
        QMessageBox::warning(this, tr("Cannot start"), tr("%1 could not start: %2").arg(info.title, error));
        m_run.reset();
        updateStatus();
        return false;
    }
    m_lastPattern = info.id;
    m_lastParameters = parameters;
    m_lastSeed = seed;
    m_againAction->setEnabled(!begin); // a proxy or a class's run is started from its dialog
    m_textbook->setPattern(info.id, info.title);
    showTrace(m_run->trace(), true);
    m_classBar->setRun(m_run->pattern(), m_run->trace()); // shown only for a class's run
    m_startAction->setEnabled(false);
    m_stopAction->setEnabled(true);
    m_parameters->setRunning(true);
    m_patternBox->setEnabled(false);
    m_statusTimer.start();
    setWindowTitle(tr("%1 — PatternScope").arg(info.title));
    return true;
}

void MainWindow::runEnded()
{
    if (m_run && m_run->info().id == QLatin1String("proxy")) {
        // The panel showed the link's knobs: back to the chosen pattern's, for the next Start.
        if (const PatternInfo* chosen = PatternRegistry::find(selectedPattern()))
            m_parameters->setPattern(*chosen, ParameterSet(chosen->parameters));
    }
    if (!m_classBar->joinUrl().isEmpty())
        statusBar()->showMessage(tr("The class's run has ended: %1.").arg(m_classBar->countsText()), 30000);
    m_classBar->setRun(nullptr, nullptr);
    m_clock->setRecording(false);
    m_startAction->setEnabled(true);
    m_stopAction->setEnabled(false);
    m_parameters->setRunning(false);
    m_patternBox->setEnabled(true);
    m_statusTimer.stop();
    updateStatus();
}

void MainWindow::finishRun(int graceMs, int waitMs)
{
    if (!m_run || !m_run->isRunning())
        return;
    // Let the run end cleanly: the servers and clients close their connections first.
    QEventLoop wait;
    connect(m_run.get(), &Run::finished, &wait, &QEventLoop::quit);
    QTimer::singleShot(waitMs, &wait, &QEventLoop::quit);
    m_run->stop(graceMs);
    if (m_run->isRunning())
        wait.exec();
}

void MainWindow::stopRun()
{
    if (m_run && m_run->isRunning())
        m_run->stop();
    m_stopAction->setEnabled(false);
}

bool MainWindow::openTrace(const QString& path, QString* error)
{
    if (Import::isHar(path)) {
        // A browser's HAR opens as File → Import HAR would open it.
        FileError failure;
        const bool imported = importHar(path, &failure);
        if (!imported)
            *error = failure.isCancelled() ? QString() : failure.message;
        return imported;
    }
    m_loading->cancel();
    auto trace = std::make_unique<Trace>();
    TraceReader reader;
    TraceHeader header;
    // A large file shows its start at once; the whole is read on a thread meanwhile and replaces it.
    constexpr qint64 kFirstPart = 1 << 20;
    reader.setStopAfter(kFirstPart);
    if (!reader.read(path, trace.get(), &header)) {
        *error = reader.errorString();
        return false;
    }
    const Trace* start = trace.get();
    adopt(std::move(trace), header, path);
    if (!reader.readWhole()) {
        m_loadingStart = start;
        m_loading->start(path);
        // Said in the status line itself: a temporary message was drawn over it under some window systems.
        updateStatus();
        return true;
    }
    showSkippedLines(reader.warnings());
    return true;
}

void MainWindow::wholeTraceLoaded()
{
    // Only while the start of that file is still what the window shows: not after a run or another file.
    if (!m_opened || m_opened.get() != m_loadingStart || m_openedPath != m_loading->path()) {
        m_loading->cancel(); // the trace it read goes, and the narrating of it stops
        return;
    }
    std::unique_ptr<Trace> whole = m_loading->takeTrace();
    m_loadingStart = nullptr;
    updateStatus();
    if (!whole) {
        const FileError& failure = m_loading->error();
        statusBar()->showMessage(failure.isCancelled()
                ? tr("Loading stopped: the first %n message(s) are shown", nullptr, int(m_opened->messages().size()))
                : failure.message,
            15000);
        return;
    }
    // The same file, header and path: only the trace changes.
    adoptWhole(std::move(whole));
    statusBar()->clearMessage();
    showSkippedLines(m_loading->warnings());
}

void MainWindow::wholeTraceNarrated()
{
    const Trace* told = m_loading->narratedTrace();
    if (told && m_caption->isAwaiting(told))
        m_caption->setTrace(told, m_loading->takeCaptions());
}

void MainWindow::showSkippedLines(const QStringList& warnings)
{
    if (!warnings.isEmpty())
        statusBar()->showMessage(
            tr("%n line(s) skipped; first: %1", nullptr, int(warnings.size())).arg(warnings.first()), 15000);
}

TraceHeader MainWindow::currentHeader() const
{
    TraceHeader header;
    header.appVersion = QCoreApplication::applicationVersion();
    if (m_run) {
        header.pattern = m_run->info().id;
        header.parameters = m_run->pattern() ? m_run->pattern()->parameters().formatted() : header.parameters;
        header.seed = m_run->seed();
        header.startedAt = m_run->startedAt();
    } else {
        header = m_openedHeader;
    }
    return header;
}

bool MainWindow::saveTrace(const QString& path, QString* error)
{
    const Trace* current = trace();
    if (!current) {
        *error = tr("there is no trace to save yet");
        return false;
    }
    return TraceWriter::writeTrace(path, currentHeader(), *current, error);
}

bool MainWindow::importHar(const QString& path, FileError* error)
{
    m_loading->cancel();
    auto trace = std::make_unique<Trace>();
    TraceHeader header;
    QStringList warnings;
    if (!m_files->readHar(path, trace.get(), &header, error, &warnings))
        return false;
    adopt(std::move(trace), header, path);
    if (!warnings.isEmpty())
        statusBar()->showMessage(
            tr("%n part(s) of the HAR skipped; first: %1", nullptr, int(warnings.size())).arg(warnings.first()), 15000);
    return true;
}

void MainWindow::adopt(
    std::unique_ptr<Trace> trace, const TraceHeader& header, const QString& path, QList<Caption> captions)
{
    // A run going on is stopped, quickly but cleanly, and the window is ready for the next Start.
    finishRun(0, 3000);
    if (m_run)
        runEnded();
    showTrace(nullptr, false);
    m_run.reset();
    m_opened = std::move(trace);
    m_openedPath = path;
    m_openedHeader = header;
    showTrace(m_opened.get(), false, std::move(captions));
    {
        // The trace's own pattern and the values it was recorded with, for reading, not for a new run.
        const QSignalBlocker blocker(m_patternBox);
        selectPattern(header.pattern);
    }
    const PatternInfo* info = PatternRegistry::find(header.pattern);
    m_textbook->setPattern(header.pattern, info ? info->title : QString()); // a HAR's: none
    if (info) {
        ParameterSet recorded(info->parameters);
        for (const auto& [name, value] : header.parameters)
            recorded.assign(QStringLiteral("%1=%2").arg(name, value), nullptr);
        m_parameters->setPattern(*info, recorded);
        m_parameters->setReadOnly(true);
    }
    setWindowTitle(tr("%1 — PatternScope").arg(QFileInfo(path).fileName()));
}

void MainWindow::selectFromView(qint64 seq)
{
    m_inspector->showMessage(seq);
    if (m_syncingSelection)
        return;
    m_syncingSelection = true;
    const QModelIndex source = seq >= 0 ? m_model->index(int(seq), 0) : QModelIndex();
    const QModelIndex row = m_filter->mapFromSource(source);
    if (row.isValid()) {
        m_table->setCurrentIndex(row);
        m_table->scrollTo(row);
    } else {
        m_table->clearSelection();
    }
    m_syncingSelection = false;
}

void MainWindow::selectStepped()
{
    const Trace* current = trace();
    // A step onto a caption between messages (a cut, an item produced) selects nothing: no message is it.
    const qint64 seq = current ? m_caption->steppedMessage() : -1;
    m_view->selectMessage(seq);
    selectFromView(seq);
}

void MainWindow::selectFromTable()
{
    if (m_syncingSelection)
        return;
    const QModelIndex current = m_table->currentIndex();
    const qint64 seq = current.isValid() ? current.data(EventTableModel::SeqRole).toLongLong() : -1;
    m_syncingSelection = true;
    m_view->selectMessage(seq);
    m_inspector->showMessage(seq);
    m_syncingSelection = false;
}

void MainWindow::updateStatus()
{
    m_classBar->refresh();
    const Trace* current = trace();
    if (!current) {
        m_status->setText(tr("No run. Pick a pattern and press Start (Ctrl+R), or open a trace (Ctrl+O)."));
        return;
    }
    qint64 bytes = 0;
    for (const Message& m : current->messages())
        bytes += m.bytes;
    int open = 0;
    for (const Connection& c : current->connections())
        open += c.isOpen();
    const QString file = QFileInfo(m_openedPath).fileName();
    const QString state = m_run                              ? (m_run->isRunning() ? tr("Recording") : tr("Stopped"))
        : m_loadingStart && m_opened.get() == m_loadingStart ? tr("Loading %1: its first part is shown").arg(file)
                                                             : tr("Replaying %1").arg(file);
    const qsizetype messages = current->messages().size();
    QStringList parts { state, messages == 1 ? tr("1 message") : tr("%1 messages").arg(messages),
        Units::decimalSize(bytes, 4), open == 1 ? tr("1 connection open") : tr("%1 connections open").arg(open),
        tr("run %1").arg(Units::clockDuration(m_run && m_run->isRunning() ? current->now() : current->endTime())) };
    // The seed makes the run repeatable: Run again, or the seed field, gives the same schedule.
    if (m_run)
        parts << tr("seed %1").arg(m_run->seed());
    else if (!m_openedHeader.pattern.isEmpty())
        parts << tr("seed %1").arg(m_openedHeader.seed);
    m_status->setText(parts.join(QStringLiteral(" · ")));
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    finishRun(1000, 3000);
    m_presenter->saveGeometry();
    event->accept();
}

} // namespace PatternScope
