// SPDX-License-Identifier: GPL-3.0-or-later
#include "textbookpanel.h"

#include "heading.h"
#include "playbackclock.h"
#include "sequencepainter.h"

#include <QAction>
#include <QEvent>
#include <QFontMetricsF>
#include <QLabel>
#include <QPainter>
#include <QPainterPath>
#include <QSettings>
#include <QVBoxLayout>
#include <cmath>

namespace PatternScope {

namespace {

constexpr int kFollowMs = 100; // how often a moving clock is asked where it is
constexpr double kMarkerWidth = 22.0; // left of the first lane: where the "you are here" marker goes
constexpr double kMargin = 6.0;
const QString kSettingsKey = QStringLiteral("view/textbookPanel");

} // namespace

// The reference diagram itself: a small trace recorded from the reference (Textbook::recordReference),
// fitted to the widget's width and height and painted with SequencePainter, the current step on a band.
class ReferenceCanvas : public QWidget {
public:
    explicit ReferenceCanvas(QWidget* parent)
        : QWidget(parent)
        , m_theme(Theme::fromPalette(palette()))
    {
        setAccessibleName(tr("Textbook reference diagram"));
        setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
        m_geometry.setFoldAfter(0);
        m_lane.setWrap(true);
    }

    void setDiagram(const Textbook::ReferenceDiagram& diagram)
    {
        m_geometry.setTrace(nullptr);
        m_reference = std::make_unique<Trace>();
        m_seqs = Textbook::recordReference(diagram, m_reference.get());
        m_steps = diagram.steps.size();
        m_geometry.setTrace(m_reference.get());
        updateGeometry();
        update();
    }

    void setStep(int step)
    {
        m_step = step;
        update();
    }

protected:
    void paintEvent(QPaintEvent*) override
    {
        QPainter p(this);
        p.setRenderHint(QPainter::Antialiasing);
        p.fillRect(rect(), m_theme.background);
        if (m_steps == 0) {
            p.setPen(m_theme.mutedText);
            p.drawText(QRectF(rect()).adjusted(kMargin, kMargin, -kMargin, -kMargin),
                Qt::AlignCenter | Qt::TextWordWrap, tr("No textbook diagram for this trace."));
            return;
        }
        SequencePainter painter(m_geometry, m_theme);
        painter.setFont(font());
        painter.setDetail(DetailLevel::Wire); // the reference's labels are already the textbook's words
        painter.setAsOf(m_reference->endTime() + 1);
        painter.setNotesLane(&m_lane);
        painter.setHighlight(-1, stepSeq());
        // Narrower than every name needs (a small window, a large scale factor): drawn whole, smaller.
        const double natural = naturalWidth();
        const double scale = width() < natural ? width() / natural : 1.0;
        p.scale(scale, scale);
        const double w = width() / scale;
        const double h = height() / scale;
        fit(painter, w, h);

        const double header = SequencePainter::HeaderHeight;
        const QRectF body(0, header, w, h - header);
        const QRectF content(0, m_top, w, body.height());
        p.save();
        p.setClipRect(body);
        p.translate(0, header - m_top);
        paintBand(p, w);
        painter.paintContent(p, content);
        p.restore();
        painter.paintHeaders(p, 0, w);
    }

    void changeEvent(QEvent* event) override
    {
        if (event->type() == QEvent::PaletteChange || event->type() == QEvent::StyleChange)
            m_theme = Theme::fromPalette(palette());
        QWidget::changeEvent(event);
    }

private:
    qint64 stepSeq() const { return m_step >= 0 && size_t(m_step) < m_seqs.size() ? m_seqs[size_t(m_step)] : -1; }

    // The narrowest the diagram can be drawn at full size, every participant's name whole and its notes
    // wrapped: what it asks for. Narrower, it is drawn smaller, so a small window still fits.
    double naturalWidth() const
    {
        if (m_steps == 0)
            return 0;
        SequencePainter painter(m_geometry, m_theme);
        painter.setFont(font());
        painter.setNotesLane(&m_lane); // measures notes in the painter's small font
        fitWidth(0);
        return m_geometry.contentWidth() + kMargin;
    }
    QSize minimumSizeHint() const override { return QSize(120, 200); }
    QSize sizeHint() const override { return QSize(std::max(260, int(std::ceil(naturalWidth()))), 300); }

    // Columns wide enough for the participants' names; a note wraps narrower rather than widen the diagram
    // past `width`; then the columns take what is left.
    void fitWidth(double width) const
    {
        const QFontMetricsF fm(font());
        double column = 40;
        for (const Participant& p : m_reference->participants())
            column = std::max(column, fm.horizontalAdvance(p.name) + 28);
        m_geometry.setColumns(kMarkerWidth, column);
        for (double wrap = std::max(60.0, width * 0.45);; wrap -= 10) {
            m_lane.setWrap(true, wrap);
            const auto lanes = m_lane.neededWidths(m_geometry);
            m_geometry.setLanes(lanes.first, lanes.second);
            if (wrap <= 60 || m_geometry.contentWidth() + kMargin <= width)
                break;
        }
        double narrow = column;
        double wide = std::max(column, 600.0);
        for (int i = 0; i < 24; ++i) {
            const double middle = (narrow + wide) / 2;
            m_geometry.setColumns(kMarkerWidth, middle);
            (m_geometry.contentWidth() + kMargin > width ? wide : narrow) = middle;
        }
        m_geometry.setColumns(kMarkerWidth, narrow);
    }

    // One step a row, as tall as the height allows (within reason), and columns as wide as the width allows.
    void fit(const SequencePainter& painter, double width, double height)
    {
        const double line = QFontMetricsF(font()).lineSpacing();
        const double room = height - SequencePainter::HeaderHeight - 2 * line;
        const double row = std::clamp(room / (double(m_steps) + 0.5), 2.4 * line, 4.5 * line);
        m_geometry.setPixelsPerSecond(row * 1e6 / double(Textbook::ReferenceStepSpacing));
        fitWidth(width);
        // Room above the first row for its label.
        const QRectF all(0, -row, width, row * (double(m_steps) + 1));
        m_top = std::min(-line, std::floor(painter.layOut(all).labelsTop()) - kMargin);
    }

    // The current step on a band across the diagram, with a marker at the left: where the run is.
    void paintBand(QPainter& p, double width) const
    {
        if (m_step < 0 || size_t(m_step) >= m_seqs.size())
            return;
        const double line = QFontMetricsF(font()).lineSpacing();
        const double y = m_geometry.timeToY(TimeUs(m_step) * Textbook::ReferenceStepSpacing);
        QRectF band(0, y - 1.5 * line, width, 2.1 * line);
        if (m_seqs[size_t(m_step)] < 0) {
            // A note: the band covers its box, wherever the lane put it.
            for (const NotesLane::Entry& entry : m_lane.entries(m_geometry)) {
                if (entry.kind == NotesLane::Entry::Kind::Note
                    && entry.first == TimeUs(m_step) * Textbook::ReferenceStepSpacing)
                    band = QRectF(0, entry.box.top() - 4, width, entry.box.height() + 8)
                               .united(QRectF(0, y - 4, width, 8));
            }
        }
        QColor fill = m_theme.highlight;
        fill.setAlphaF(0.22f);
        p.fillRect(band, fill);
        QPainterPath marker;
        const double cy = band.center().y();
        const double h = std::min(line, 14.0);
        marker.moveTo(4, cy - h / 2);
        marker.lineTo(4 + h * 0.8, cy);
        marker.lineTo(4, cy + h / 2);
        marker.closeSubpath();
        p.fillPath(marker, m_theme.highlight);
    }

    std::unique_ptr<Trace> m_reference;
    std::vector<qint64> m_seqs;
    size_t m_steps = 0;
    int m_step = -1;
    Theme m_theme;
    mutable SequenceGeometry m_geometry; // fitted to the widget on each paint
    mutable NotesLane m_lane;
    double m_top = 0;
};

TextbookPanel::TextbookPanel(QWidget* parent)
    : QWidget(parent)
{
    setAccessibleName(tr("Textbook reference"));
    m_heading = makeHeading(tr("Textbook reference"), this);
    m_heading->setWordWrap(true);
    m_subtitle = new QLabel(tr("The canonical steps, not this run's traffic"), this);
    m_subtitle->setWordWrap(true);
    m_subtitle->setForegroundRole(QPalette::PlaceholderText);
    m_canvas = new ReferenceCanvas(this);
    m_now = new QLabel(this);
    m_now->setWordWrap(true);
    m_now->setAccessibleName(tr("Textbook step now"));

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->setSpacing(2);
    layout->addWidget(m_heading);
    layout->addWidget(m_subtitle);
    layout->addWidget(m_canvas, 1);
    layout->addWidget(m_now);

    m_follow.setInterval(kFollowMs);
    connect(&m_follow, &QTimer::timeout, this, &TextbookPanel::follow);

    m_toggle = new QAction(tr("&Textbook reference beside the diagram"), this);
    m_toggle->setCheckable(true);
    m_toggle->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_B));
    m_toggle->setToolTip(
        tr("The textbook's sequence diagram of the pattern, with the step the run is at (Ctrl+Shift+B)"));
    m_toggle->setChecked(QSettings().value(kSettingsKey, true).toBool());
    setVisible(m_toggle->isChecked());
    connect(m_toggle, &QAction::toggled, this, [this](bool on) {
        QSettings().setValue(kSettingsKey, on);
        setVisible(on);
    });
    updateFonts();
    setPattern({}, {});
}

TextbookPanel::~TextbookPanel() = default;

void TextbookPanel::setPattern(const QString& id, const QString& title)
{
    m_pattern = id;
    m_diagram = Textbook::referenceDiagram(id);
    m_heading->setText(
        m_diagram.isEmpty() || title.isEmpty() ? tr("Textbook reference") : tr("Textbook reference: %1").arg(title));
    m_canvas->setDiagram(m_diagram);
    m_step = -2; // whatever follow() finds is news
    updateFollowing();
}

QString TextbookPanel::nowText() const
{
    return m_now->text();
}

void TextbookPanel::setTrace(const Trace* trace)
{
    if (m_trace)
        m_trace->disconnect(this);
    m_trace = trace;
    if (trace)
        connect(trace, &Trace::cleared, this, &TextbookPanel::follow);
    updateFollowing();
}

void TextbookPanel::setClock(PlaybackClock* clock)
{
    if (m_clock)
        m_clock->disconnect(this);
    m_clock = clock;
    if (clock)
        connect(clock, &PlaybackClock::changed, this, &TextbookPanel::updateFollowing);
    updateFollowing();
}

void TextbookPanel::showEvent(QShowEvent* event)
{
    QWidget::showEvent(event);
    updateFollowing();
}

void TextbookPanel::hideEvent(QHideEvent* event)
{
    QWidget::hideEvent(event);
    updateFollowing();
}

void TextbookPanel::changeEvent(QEvent* event)
{
    if (event->type() == QEvent::FontChange)
        updateFonts();
    QWidget::changeEvent(event);
}

void TextbookPanel::updateFonts()
{
    QFont now = font();
    now.setBold(true);
    m_now->setFont(now);
}

// Only a moving clock is asked again and again; a paused or finished one once, when it changes.
void TextbookPanel::updateFollowing()
{
    const bool moving = isVisible() && m_trace && m_clock && !m_diagram.isEmpty()
        && (m_clock->mode() == PlaybackClock::Mode::Playing || (m_clock->isLive() && m_clock->isRecording()));
    if (moving && !m_follow.isActive())
        m_follow.start();
    else if (!moving)
        m_follow.stop();
    follow();
}

void TextbookPanel::follow()
{
    const int step
        = m_trace && m_clock && !m_diagram.isEmpty() ? Textbook::stepAt(m_pattern, *m_trace, m_clock->position()) : -1;
    if (step == m_step)
        return;
    m_step = step;
    m_canvas->setStep(step);
    if (m_diagram.isEmpty())
        m_now->setText(QString());
    else if (step < 0)
        m_now->setText(m_trace ? tr("The run has not reached the first step yet.")
                               : tr("Start a run or open a trace: its step is marked here."));
    else
        m_now->setText(tr("Now: step %1 of %2, %3")
                           .arg(step + 1)
                           .arg(m_diagram.steps.size())
                           .arg(m_diagram.steps[size_t(step)].text));
    Q_EMIT currentStepChanged(step);
}

} // namespace PatternScope
