// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QSize>
#include <QString>
#include <memory>

class QIODevice;
class QImage;

namespace PatternScope {

// A PNG written a band of rows at a time, so that a tall picture is never whole in memory: 8-bit RGB, each row
// filtered against the one above it (PNG's "Up" filter: a diagram's rows mostly repeat the row above, and deflate
// all but erases the zeros that leaves), deflated as the rows come, in IDAT chunks of at most 256 KiB. Not thread-safe;
// its calls may come from different threads one after another.
//
//     PngRows png(&file);
//     png.begin(size);
//     for (each band) png.write(band, 0, band.height());
//     png.finish();
class PngRows {
public:
    explicit PngRows(QIODevice* device);
    ~PngRows();
    PngRows(const PngRows&) = delete;
    PngRows& operator=(const PngRows&) = delete;

    // `small`: zlib's default level, for a file a third smaller; else its fastest, for tall pictures.
    bool begin(QSize size, bool small = false);
    // Rows [first, first + rows) of `band` (as wide as the picture, opaque: any alpha is dropped).
    bool write(const QImage& band, int first, int rows);
    // After the last row: the end of the image data and the IEND chunk. Fails if fewer rows came than begun with.
    bool finish();
    QString errorString() const { return m_error; }

private:
    bool deflateRows(const uchar* data, qsizetype size, bool last);
    bool chunk(const char type[4], const QByteArray& data);
    bool fail(const QString& why);

    struct Stream;
    QIODevice* m_device;
    std::unique_ptr<Stream> m_stream;
    QSize m_size;
    int m_rowsWritten = 0;
    QByteArray m_row; // filter byte and the filtered row
    QByteArray m_previous; // the row above, as the band's pixels
    QByteArray m_idat; // deflated, not yet in a chunk
    QString m_error;
};

} // namespace PatternScope
