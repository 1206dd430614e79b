// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QSize>
#include <QString>

class QIODevice;
class QImage;

namespace PatternScope {

// An animated PNG (APNG, https://wiki.mozilla.org/APNG_Specification), which Qt cannot write: each frame is
// encoded as a PNG by QImageWriter, and its image data re-chunked: the first frame's IDAT chunks stay the default
// image, the others become fdAT chunks, each frame behind an fcTL that gives its delay. Every frame is as large
// as the animation; all are encoded alike (8-bit RGB), so the first frame's IHDR describes them all.
class ApngWriter {
public:
    // The number of frames goes into the header (acTL) before the first frame, so it is known up front.
    // `loops` 0: forever.
    ApngWriter(QIODevice* out, QSize size, int frames, int fps, int loops = 0);

    // False, with error(), when the frame is of another size, more frames come than announced, the PNG encoder
    // fails or the device does not take the bytes.
    bool addFrame(const QImage& frame);
    // Writes IEND once every announced frame was added.
    bool finish();
    const QString& error() const { return m_error; }
    int framesWritten() const { return m_written; }

private:
    bool writeChunk(const char type[4], const QByteArray& data);
    bool fail(const QString& error);

    QIODevice* m_out;
    QSize m_size;
    int m_frames;
    int m_fps;
    int m_loops;
    int m_written = 0;
    quint32 m_sequence = 0; // fcTL and fdAT share one count
    QString m_error;
};

} // namespace PatternScope
