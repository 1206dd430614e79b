// SPDX-License-Identifier: GPL-3.0-or-later
#include "exportdialog.h"

#include "exportcommon.h"
#include "pictureexport.h"

#include <QApplication>
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
#include <QSaveFile>

namespace PatternScope {

namespace {

struct FormatInfo {
    const char* id;
    const char* title;
    const char* suffix;
};

constexpr FormatInfo kFormats[] = {
    { "mermaid", "Mermaid sequence diagram", "mmd" },
    { "plantuml", "PlantUML", "puml" },
    { "csv", "CSV table", "csv" },
    { "har", "HAR 1.2 (browsers' network log)", "har" },
    { "svg", "SVG picture", "svg" },
    { "png", "PNG picture", "png" },
    { "pdf", "PDF document", "pdf" },
};

} // namespace

ExportDialog::ExportDialog(const Trace& trace, QWidget* parent)
    : QDialog(parent)
{
    setWindowTitle(tr("Export"));
    auto* form = new QFormLayout(this);
    m_format = new QComboBox(this);
    m_format->setAccessibleName(tr("Format"));
    for (const FormatInfo& f : kFormats)
        m_format->addItem(tr(f.title), QString::fromLatin1(f.id));
    form->addRow(tr("&Format:"), m_format);

    const double end = double(trace.endTime()) / 1e6;
    m_whole = new QRadioButton(tr("The &whole trace (%1 s)").arg(end, 0, 'f', 1), this);
    auto* part = new QRadioButton(tr("&Messages sent from"), this);
    m_whole->setChecked(true);
    m_from = new QDoubleSpinBox(this);
    m_to = new QDoubleSpinBox(this);
    for (QDoubleSpinBox* box : { m_from, m_to }) {
        box->setRange(0, std::max(0.1, end));
        box->setDecimals(2);
        box->setSuffix(tr(" s"));
        box->setEnabled(false);
        connect(part, &QRadioButton::toggled, box, &QWidget::setEnabled);
    }
    m_from->setAccessibleName(tr("From"));
    m_to->setAccessibleName(tr("To"));
    m_to->setValue(end);
    auto* range = new QHBoxLayout;
    range->addWidget(part);
    range->addWidget(m_from);
    range->addWidget(new QLabel(tr("to"), this));
    range->addWidget(m_to);
    form->addRow(tr("Range:"), m_whole);
    form->addRow(QString(), range);

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    buttons->button(QDialogButtonBox::Ok)->setText(tr("Export…"));
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    form->addRow(buttons);
}

QString ExportDialog::format() const
{
    return m_format->currentData().toString();
}

ExportRange ExportDialog::range() const
{
    if (m_whole->isChecked())
        return {};
    return { TimeUs(m_from->value() * 1e6), TimeUs(std::max(m_from->value(), m_to->value()) * 1e6) };
}

bool ExportDialog::write(const QString& format, const Trace& trace, const TraceHeader& header, const ExportRange& range,
    const QString& path, FileError* error, const ExportProgress& progress)
{
    PictureExport::Format picture;
    if (PictureExport::formatFromName(format, &picture))
        return PictureExport::write(trace, range, picture, path, error, progress);
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return FileError::fail(error, FileError::Code::Io, tr("cannot write %1: %2").arg(path, file.errorString()));
    bool ok = false;
    if (format == QLatin1String("mermaid"))
        ok = Export::mermaid(trace, range, &file, error, progress);
    else if (format == QLatin1String("plantuml"))
        ok = Export::plantUml(trace, range, &file, error, progress);
    else if (format == QLatin1String("csv"))
        ok = Export::csv(trace, range, &file, error, progress);
    else if (format == QLatin1String("har"))
        ok = ExportCommon::withCode(
            progress, FileError::Code::Io, error, [&](const ExportProgress& watched, QString* reason) {
                return Export::har(trace, header, range, &file, reason, watched);
            });
    else
        FileError::fail(error, FileError::Code::BadInput, tr("unknown format %1").arg(format));
    if (ok && !file.commit())
        ok = FileError::fail(error, FileError::Code::Io, tr("cannot write %1: %2").arg(path, file.errorString()));
    return ok;
}

QString ExportDialog::run(const Trace& trace, const TraceHeader& header, QWidget* parent)
{
    ExportDialog dialog(trace, parent);
    if (dialog.exec() != QDialog::Accepted)
        return {};
    const QString format = dialog.format();
    QString suffix;
    QString title;
    for (const FormatInfo& f : kFormats) {
        if (format == QLatin1String(f.id)) {
            suffix = QString::fromLatin1(f.suffix);
            title = tr(f.title);
        }
    }
    const QString path = QFileDialog::getSaveFileName(parent, tr("Export as %1").arg(title),
        QStringLiteral("sequence.%1").arg(suffix), QStringLiteral("%1 (*.%2)").arg(title, suffix));
    if (path.isEmpty())
        return {};

    // Long exports show their progress and can be cancelled; the window goes on drawing meanwhile.
    QProgressDialog progress(tr("Exporting…"), tr("Cancel"), 0, 1000, parent);
    progress.setWindowModality(Qt::WindowModal);
    progress.setMinimumDuration(300);
    FileError error;
    const bool ok = write(format, trace, header, dialog.range(), path, &error, [&progress](double done) {
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
