// SPDX-License-Identifier: GPL-3.0-or-later
#include "exportformats.h"

#include "pictureexport.h"
#include "videoexport.h"

namespace PatternScope::ExportFormats {

const QList<ExportFormat>& all()
{
    static const QList<ExportFormat> formats = Export::textFormats() + PictureExport::formats() + VideoExport::formats();
    return formats;
}

const ExportFormat* find(QStringView id)
{
    for (const ExportFormat& format : all()) {
        if (format.id == id)
            return &format;
    }
    return nullptr;
}

QStringList ids()
{
    QStringList ids;
    for (const ExportFormat& format : all())
        ids.append(format.id);
    return ids;
}

} // namespace PatternScope::ExportFormats
