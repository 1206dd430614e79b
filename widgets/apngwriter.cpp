// SPDX-License-Identifier: GPL-3.0-or-later
#include "apngwriter.h"

#include <QBuffer>
#include <QIODevice>
#include <QImage>
#include <QImageWriter>
#include <QtEndian>
#include <array>

namespace PatternScope {

namespace {

const QByteArray kSignature("\x89PNG\r\n\x1a\n", 8);

QByteArray be32(quint32 value)
{
    QByteArray bytes(4, '\0');
    qToBigEndian(value, bytes.data());
    return bytes;
}

QByteArray be16(quint16 value)
{
    QByteArray bytes(2, '\0');
    qToBigEndian(value, bytes.data());
    return bytes;
}

// The CRC-32 of PNG chunks (ISO 3309, as zlib's crc32), over the chunk's type and data.
quint32 crc32(const char* data, qsizetype size)
{
    static const std::array<quint32, 256> table = [] {
        std::array<quint32, 256> t {};
        for (quint32 n = 0; n < 256; ++n) {
            quint32 c = n;
            for (int k = 0; k < 8; ++k)
                c = (c & 1) ? 0xedb88320u ^ (c >> 1) : c >> 1;
            t[n] = c;
        }
        return t;
    }();
    quint32 crc = 0xffffffffu;
    for (qsizetype i = 0; i < size; ++i)
        crc = table[(crc ^ quint8(data[i])) & 0xff] ^ (crc >> 8);
    return crc ^ 0xffffffffu;
}

struct Chunk {
    QByteArray type;
    QByteArray data;
};

// The chunks of a whole PNG file, or an empty list if it is not one.
QList<Chunk> chunksOf(const QByteArray& png)
{
    QList<Chunk> chunks;
    if (!png.startsWith(kSignature))
        return {};
    qsizetype at = kSignature.size();
    while (at + 12 <= png.size()) {
        const quint32 length = qFromBigEndian<quint32>(png.constData() + at);
        if (at + 12 + qsizetype(length) > png.size())
            return {};
        chunks.append({ png.mid(at + 4, 4), png.mid(at + 8, length) });
        at += 12 + length;
    }
    return chunks;
}

} // namespace

ApngWriter::ApngWriter(QIODevice* out, QSize size, int frames, int fps, int loops)
    : m_out(out)
    , m_size(size)
    , m_frames(frames)
    , m_fps(fps)
    , m_loops(loops)
{
}

bool ApngWriter::fail(const QString& error)
{
    m_error = error;
    return false;
}

bool ApngWriter::writeChunk(const char type[4], const QByteArray& data)
{
    QByteArray chunk = be32(quint32(data.size()));
    chunk.append(type, 4);
    chunk.append(data);
    chunk.append(be32(crc32(chunk.constData() + 4, chunk.size() - 4)));
    if (m_out->write(chunk) != chunk.size())
        return fail(QStringLiteral("cannot write: %1").arg(m_out->errorString()));
    return true;
}

bool ApngWriter::addFrame(const QImage& frame)
{
    if (frame.size() != m_size)
        return fail(QStringLiteral("a frame of %1 x %2 in an animation of %3 x %4")
                        .arg(frame.width())
                        .arg(frame.height())
                        .arg(m_size.width())
                        .arg(m_size.height()));
    if (m_written >= m_frames)
        return fail(QStringLiteral("more frames than the %1 announced").arg(m_frames));
    QBuffer buffer;
    buffer.open(QIODevice::WriteOnly);
    QImageWriter writer(&buffer, "png");
    // Every frame 8-bit RGB, so that the first frame's IHDR holds for all.
    if (!writer.write(frame.format() == QImage::Format_RGB888 ? frame : frame.convertToFormat(QImage::Format_RGB888)))
        return fail(QStringLiteral("cannot encode a frame as PNG: %1").arg(writer.errorString()));
    const QList<Chunk> chunks = chunksOf(buffer.data());
    if (chunks.isEmpty() || chunks.constFirst().type != "IHDR")
        return fail(QStringLiteral("the PNG encoder wrote something else than a PNG"));

    if (m_written == 0) {
        if (m_out->write(kSignature) != kSignature.size())
            return fail(QStringLiteral("cannot write: %1").arg(m_out->errorString()));
        if (!writeChunk("IHDR", chunks.constFirst().data))
            return false;
        // acTL: frames, then plays (0: forever).
        if (!writeChunk("acTL", be32(quint32(m_frames)) + be32(quint32(m_loops))))
            return false;
    }
    // fcTL: sequence, width, height, x, y, delay numerator and denominator (1/fps s), dispose op (none), blend op
    // (source: the frame replaces what was there).
    QByteArray control = be32(m_sequence++) + be32(quint32(m_size.width())) + be32(quint32(m_size.height())) + be32(0)
        + be32(0) + be16(1) + be16(quint16(m_fps));
    control.append('\0').append('\0');
    if (!writeChunk("fcTL", control))
        return false;
    for (const Chunk& chunk : chunks) {
        if (chunk.type != "IDAT")
            continue;
        if (m_written == 0) {
            if (!writeChunk("IDAT", chunk.data))
                return false;
        } else if (!writeChunk("fdAT", be32(m_sequence++) + chunk.data)) {
            return false;
        }
    }
    ++m_written;
    return true;
}

bool ApngWriter::finish()
{
    if (m_written != m_frames)
        return fail(QStringLiteral("%1 frames written of the %2 announced").arg(m_written).arg(m_frames));
    return writeChunk("IEND", {});
}

} // namespace PatternScope
