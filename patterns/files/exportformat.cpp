// SPDX-License-Identifier: GPL-3.0-or-later
// The text rows of the export format table, and writing a device export to a file atomically.
#include "exportformat.h"

#include "exportcommon.h"

#include <QSaveFile>

namespace PatternScope {

namespace {

using DeviceExport = bool (*)(const Trace&, const ExportRange&, QIODevice*, FileError*, const ExportProgress&);

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

ExportFormat textFormat(const QString& id, const QString& title, const QString& suffix, DeviceExport deviceExport)
{
    ExportFormat format;
    format.id = id;
    format.title = title;
    format.suffix = suffix;
    format.write = [deviceExport](const Trace& trace, const TraceHeader&, const ExportRange& range, const QString& path,
                       FileError* error, const ExportProgress& progress) {
        return writeFile(path, error, [&](QIODevice* out) { return deviceExport(trace, range, out, error, progress); });
    };
    return format;
}

} // namespace

const QList<ExportFormat>& Export::textFormats()
{
    static const QList<ExportFormat> formats = [] {
        QList<ExportFormat> list;
        ExportFormat mermaid = textFormat(QStringLiteral("mermaid"), QStringLiteral("Mermaid sequence diagram"),
            QStringLiteral("mmd"), &Export::mermaid);
        mermaid.split = &Export::splitForMermaid;
        list.append(mermaid);
        list.append(textFormat(
            QStringLiteral("plantuml"), QStringLiteral("PlantUML"), QStringLiteral("puml"), &Export::plantUml));
        list.append(
            textFormat(QStringLiteral("csv"), QStringLiteral("CSV table"), QStringLiteral("csv"), &Export::csv));
        ExportFormat har;
        har.id = QStringLiteral("har");
        har.title = QStringLiteral("HAR 1.2 (browsers' network log)");
        har.suffix = QStringLiteral("har");
        har.write = [](const Trace& trace, const TraceHeader& header, const ExportRange& range, const QString& path,
                        FileError* error, const ExportProgress& progress) {
            return writeFile(path, error, [&](QIODevice* out) {
                // Its only failures besides a cancel are writes.
                return ExportCommon::withCode(
                    progress, FileError::Code::Io, error, [&](const ExportProgress& watched, QString* reason) {
                        return Export::har(trace, header, range, out, reason, watched);
                    });
            });
        };
        list.append(har);
        return list;
    }();
    return formats;
}

} // namespace PatternScope
