// SPDX-License-Identifier: GPL-3.0-or-later
#include "exportdialog.h"

#include "exportformats.h"
#include "videoexport.h"

#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QMessageBox>
#include <QProgressDialog>
#include <QPushButton>
#include <QRadioButton>

namespace PatternScope {

ExportDialog::ExportDialog(const Trace& trace, QWidget* parent)
    : QDialog(parent)
{
    setWindowTitle(tr("Export"));
    auto* form = new QFormLayout(this);
    m_format = new QComboBox(this);
    m_format->setAccessibleName(tr("Format"));
    for (const ExportFormat& f : ExportFormats::all())
        m_format->addItem(f.title, f.id);
    form->addRow(tr("&Format:"), m_format);

    m_detail = new QComboBox(this);
    m_detail->setObjectName(QStringLiteral("detail"));
    m_detail->setAccessibleName(tr("Detail"));
    m_detail->addItem(tr("Wire: every message"), QVariant::fromValue(int(DetailLevel::Wire)));
    m_detail->addItem(tr("Textbook: the steps a textbook draws"), QVariant::fromValue(int(DetailLevel::Textbook)));
    form->addRow(tr("&Detail:"), m_detail);

    const double end = double(trace.endTime()) / 1e6;
    m_whole = new QRadioButton(tr("The &whole trace (%1 s)").arg(end, 0, 'f', 1), this);
    m_part = new QRadioButton(tr("&Messages sent from"), this);
    m_whole->setChecked(true);
    m_from = new QDoubleSpinBox(this);
    m_to = new QDoubleSpinBox(this);
    for (QDoubleSpinBox* box : { m_from, m_to }) {
        box->setRange(0, std::max(0.1, end));
        box->setDecimals(2);
        box->setSuffix(tr(" s"));
        box->setEnabled(false);
        connect(m_part, &QRadioButton::toggled, box, &QWidget::setEnabled);
    }
    m_from->setAccessibleName(tr("From"));
    m_to->setAccessibleName(tr("To"));
    m_to->setValue(end);
    auto* range = new QHBoxLayout;
    range->addWidget(m_part);
    range->addWidget(m_from);
    range->addWidget(new QLabel(tr("to"), this));
    range->addWidget(m_to);
    form->addRow(tr("Range:"), m_whole);
    form->addRow(QString(), range);
    // Pictures go on paper and slides: light unless asked otherwise, whatever the window looks like.
    m_windowTheme = new QCheckBox(tr("&Keep the window's theme (otherwise light, for print)"), this);
    m_windowTheme->setAccessibleName(tr("Keep the window's theme"));
    form->addRow(tr("Colours:"), m_windowTheme);
    // Videos: the trace played back at a speed, into frames of a size.
    m_speed = new QDoubleSpinBox(this);
    m_speed->setAccessibleName(tr("Speed"));
    m_speed->setRange(ExportOptions::MinSpeed, ExportOptions::MaxSpeed);
    m_speed->setDecimals(2);
    m_speed->setSingleStep(0.25);
    m_speed->setSuffix(tr(" × real time"));
    m_speed->setValue(1.0);
    form->addRow(tr("&Speed:"), m_speed);
    m_size = new QComboBox(this);
    m_size->setAccessibleName(tr("Video size"));
    for (const QSize size : { QSize(1280, 720), QSize(1920, 1080), QSize(854, 480), QSize(640, 360) })
        m_size->addItem(tr("%1 × %2").arg(size.width()).arg(size.height()), size);
    form->addRow(tr("Video si&ze:"), m_size);
    m_captions = new QComboBox(this);
    m_captions->setAccessibleName(tr("Captions"));
    m_captions->addItem(tr("Burned in under the diagram"), int(ExportOptions::Captions::Burn));
    m_captions->addItem(tr("Beside the video, as a WebVTT file"), int(ExportOptions::Captions::Vtt));
    m_captions->addItem(tr("None"), int(ExportOptions::Captions::None));
    form->addRow(tr("&Captions:"), m_captions);

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    buttons->button(QDialogButtonBox::Ok)->setText(tr("Export…"));
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    form->addRow(buttons);
    connect(m_format, &QComboBox::currentIndexChanged, this, &ExportDialog::formatChosen);
    formatChosen();
}

const ExportFormat& ExportDialog::format() const
{
    return ExportFormats::all().at(m_format->currentIndex());
}

void ExportDialog::formatChosen()
{
    // A format that always covers the whole trace offers no range to choose.
    const bool takesRange = format().takesRange;
    if (!takesRange)
        m_whole->setChecked(true);
    m_part->setEnabled(takesRange);
    m_windowTheme->setEnabled(format().kind != ExportFormat::Kind::Text);
    const bool video = format().kind == ExportFormat::Kind::Video;
    m_speed->setEnabled(video || format().id == QLatin1String("vtt"));
    m_size->setEnabled(video);
    m_captions->setEnabled(video);
    m_detail->setEnabled(format().takesDetail);
}

void ExportDialog::setDetail(DetailLevel detail)
{
    m_detail->setCurrentIndex(m_detail->findData(int(detail)));
}

ExportRange ExportDialog::range() const
{
    if (m_whole->isChecked() || !format().takesRange)
        return {};
    return { TimeUs(m_from->value() * 1e6), TimeUs(std::max(m_from->value(), m_to->value()) * 1e6) };
}

ExportOptions ExportDialog::options() const
{
    ExportOptions options;
    if (m_windowTheme->isChecked() && format().kind != ExportFormat::Kind::Text)
        options.theme = ExportOptions::Theme::Window;
    if (format().id == QLatin1String("vtt"))
        options.speed = m_speed->value();
    if (format().kind == ExportFormat::Kind::Video) {
        options.captions = ExportOptions::Captions(m_captions->currentData().toInt());
        options.speed = m_speed->value();
        const QSize size = m_size->currentData().toSize();
        options.width = size.width();
        options.height = size.height();
    }
    if (format().takesDetail)
        options.detail = DetailLevel(m_detail->currentData().toInt());
    return options;
}

QString ExportDialog::run(const Trace& trace, const TraceHeader& header, QWidget* parent, DetailLevel detail)
{
    ExportDialog dialog(trace, parent);
    dialog.setDetail(detail);
    if (dialog.exec() != QDialog::Accepted)
        return {};
    const ExportFormat& format = dialog.format();
    const QString path = QFileDialog::getSaveFileName(parent, tr("Export as %1").arg(format.title),
        QStringLiteral("sequence.%1").arg(format.suffix), QStringLiteral("%1 (*.%2)").arg(format.title, format.suffix));
    if (path.isEmpty())
        return {};
    // Said before any frame is painted: WebM and MP4 cannot be made without ffmpeg.
    if (format.kind == ExportFormat::Kind::Video && format.id != QLatin1String("apng")
        && VideoExport::ffmpegProgram().isEmpty()) {
        QMessageBox::warning(parent, tr("Export failed"), VideoExport::ffmpegMissingMessage());
        return {};
    }

    // Long exports show their progress and can be cancelled; the window goes on drawing meanwhile.
    QProgressDialog progress(
        format.kind == ExportFormat::Kind::Video ? tr("Painting and encoding the video…") : tr("Exporting…"),
        tr("Cancel"), 0, 1000, parent);
    progress.setWindowModality(Qt::WindowModal);
    progress.setMinimumDuration(300);
    FileError error;
    const bool ok
        = format.write(trace, header, dialog.range(), dialog.options(), path, &error, [&progress](double done) {
              progress.setValue(int(done * 1000));
              QCoreApplication::processEvents();
              return !progress.wasCanceled();
          });
    progress.reset();
    if (!ok) {
        if (!error.isCancelled())
            QMessageBox::warning(parent, tr("Export failed"), error.message);
        return {};
    }
    return path;
}

} // namespace PatternScope
