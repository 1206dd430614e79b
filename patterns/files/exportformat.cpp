// SPDX-License-Identifier: GPL-3.0-or-later
// The text rows of the export format table, and writing a device export to a file atomically.
#include "exportformat.h"

#include <QSaveFile>

namespace PatternScope {

namespace {

// An export to a device: the diagrams and the table need no header, HAR does; only the diagrams take options.
using DeviceExport = bool (*)(const Trace&, const ExportRange&, QIODevice*, FileError*, const ExportProgress&);
using DiagramExport
    = bool (*)(const Trace&, const ExportRange&, QIODevice*, FileError*, const ExportProgress&, const ExportOptions&);
using HeaderDeviceExport
    = bool (*)(const Trace&, const TraceHeader&, const ExportRange&, QIODevice*, FileError*, const ExportProgress&);

// Through a QSaveFile, committed only once the export succeeded: a failure or a cancel leaves the
// file as it was rather than half written.
bool writeFile(const QString& path, FileError* error, const std::function<bool(QIODevice* out)>& write)
{
    QSaveFile file(path);
    const auto cannotWrite = [&] {
        return FileError::fail(
            error, FileError::Code::Io, QStringLiteral("cannot write %1: %2").arg(path, file.errorString()));
    };
    if (!file.open(QIODevice::WriteOnly))
        return cannotWrite();
    if (!write(&file))
        return false; // the export said why
    return file.commit() || cannotWrite();
}

ExportFormat textFormat(const QString& id, const QString& title, const QString& suffix, HeaderDeviceExport deviceExport)
{
    ExportFormat format;
    format.id = id;
    format.title = title;
    format.suffix = suffix;
    format.write = [deviceExport](const Trace& trace, const TraceHeader& header, const ExportRange& range,
                       const ExportOptions&, const QString& path, FileError* error, const ExportProgress& progress) {
        return writeFile(
            path, error, [&](QIODevice* out) { return deviceExport(trace, header, range, out, error, progress); });
    };
    return format;
}

ExportFormat diagramFormat(const QString& id, const QString& title, const QString& suffix, DiagramExport diagram)
{
    ExportFormat format;
    format.id = id;
    format.title = title;
    format.suffix = suffix;
    format.takesDetail = true;
    format.write
        = [diagram](const Trace& trace, const TraceHeader&, const ExportRange& range, const ExportOptions& options,
              const QString& path, FileError* error, const ExportProgress& progress) {
              return writeFile(
                  path, error, [&](QIODevice* out) { return diagram(trace, range, out, error, progress, options); });
          };
    return format;
}

template <DeviceExport deviceExport>
bool withoutHeader(const Trace& trace, const TraceHeader&, const ExportRange& range, QIODevice* out, FileError* error,
    const ExportProgress& progress)
{
    return deviceExport(trace, range, out, error, progress);
}

} // namespace

const QList<ExportFormat>& Export::textFormats()
{
    static const QList<ExportFormat> formats = [] {
        QList<ExportFormat> list;
        ExportFormat mermaid = diagramFormat(QStringLiteral("mermaid"), QStringLiteral("Mermaid sequence diagram"),
            QStringLiteral("mmd"), &Export::mermaid);
        mermaid.split = &Export::splitForMermaid;
        list.append(mermaid);
        list.append(diagramFormat(
            QStringLiteral("plantuml"), QStringLiteral("PlantUML"), QStringLiteral("puml"), &Export::plantUml));
        list.append(textFormat(
            QStringLiteral("csv"), QStringLiteral("CSV table"), QStringLiteral("csv"), &withoutHeader<&Export::csv>));
        list.append(textFormat(QStringLiteral("har"), QStringLiteral("HAR 1.2 (browsers' network log)"),
            QStringLiteral("har"), &Export::har));
        return list;
    }();
    return formats;
}

} // namespace PatternScope
