// SPDX-License-Identifier: GPL-3.0-or-later
#include "pngrows.h"

#include <QIODevice>
#include <QImage>
#include <QtEndian>
#include <cstring>
#include <zlib.h>

namespace PatternScope {

namespace {

const QByteArray kSignature("\x89PNG\r\n\x1a\n", 8);
constexpr qsizetype kChunkBytes = 256 * 1024;
constexpr uchar kFilterUp = 2;

void appendBe32(QByteArray& bytes, quint32 value)
{
    char be[4];
    qToBigEndian(value, be);
    bytes.append(be, 4);
}

} // namespace

struct PngRows::Stream {
    z_stream z {};
    bool open = false;
    ~Stream()
    {
        if (open)
            deflateEnd(&z);
    }
};

PngRows::PngRows(QIODevice* device)
    : m_device(device)
{
}

PngRows::~PngRows() = default;

bool PngRows::fail(const QString& why)
{
    if (m_error.isEmpty())
        m_error = why;
    return false;
}

bool PngRows::chunk(const char type[4], const QByteArray& data)
{
    QByteArray bytes;
    bytes.reserve(12 + data.size());
    appendBe32(bytes, quint32(data.size()));
    bytes.append(type, 4);
    bytes.append(data);
    uLong crc = crc32(0L, Z_NULL, 0);
    crc = crc32(crc, reinterpret_cast<const Bytef*>(bytes.constData() + 4), uInt(4 + data.size()));
    appendBe32(bytes, quint32(crc));
    if (m_device->write(bytes) != bytes.size())
        return fail(m_device->errorString());
    return true;
}

bool PngRows::begin(QSize size, bool small)
{
    if (size.isEmpty())
        return fail(QStringLiteral("an empty picture"));
    m_size = size;
    m_stream = std::make_unique<Stream>();
    // Fast: level 1 with run-length matches only. The filtered rows are mostly runs of zeros, and this is the fastest
    // of zlib's strategies that still finds them.
    const int level = small ? Z_DEFAULT_COMPRESSION : 1;
    if (deflateInit2(&m_stream->z, level, Z_DEFLATED, 15, 8, small ? Z_DEFAULT_STRATEGY : Z_RLE) != Z_OK)
        return fail(QStringLiteral("zlib cannot start"));
    m_stream->open = true;
    if (m_device->write(kSignature) != kSignature.size())
        return fail(m_device->errorString());
    QByteArray header;
    appendBe32(header, quint32(size.width()));
    appendBe32(header, quint32(size.height()));
    header.append(char(8)); // bits per sample
    header.append(char(2)); // truecolour, no alpha
    header.append(char(0)); // deflate
    header.append(char(0)); // adaptive filtering (a filter byte per row)
    header.append(char(0)); // not interlaced
    m_previous = QByteArray(qsizetype(size.width()) * qsizetype(sizeof(QRgb)), '\0'); // above the first: zeros
    m_row.resize(1 + qsizetype(size.width()) * 3);
    return chunk("IHDR", header);
}

bool PngRows::write(const QImage& band, int first, int rows)
{
    if (!m_stream || !m_error.isEmpty())
        return false;
    if (band.width() != m_size.width() || first < 0 || rows < 0 || first + rows > band.height() || m_rowsWritten + rows > m_size.height())
        return fail(QStringLiteral("a band that does not fit the picture"));
    const QImage rgb32 = band.format() == QImage::Format_RGB32 || band.format() == QImage::Format_ARGB32
            || band.format() == QImage::Format_ARGB32_Premultiplied
        ? band
        : band.convertToFormat(QImage::Format_RGB32);
    const int width = m_size.width();
    auto* previous = reinterpret_cast<QRgb*>(m_previous.data());
    for (int y = 0; y < rows; ++y) {
        const auto* pixels = reinterpret_cast<const QRgb*>(rgb32.constScanLine(first + y));
        auto* out = reinterpret_cast<uchar*>(m_row.data());
        out[0] = kFilterUp;
        if (std::memcmp(pixels, previous, size_t(width) * sizeof(QRgb)) == 0) {
            std::memset(out + 1, 0, size_t(width) * 3); // as the row above: most of a diagram's rows
        } else {
            uchar* o = out + 1;
            for (int x = 0; x < width; ++x, o += 3) {
                // Red, green and blue each minus the one above, modulo 256, in one subtraction.
                const quint32 c = pixels[x];
                const quint32 a = previous[x];
                const quint32 d = ((c | 0x80808080u) - (a & 0x7f7f7f7fu)) ^ ((c ^ ~a) & 0x80808080u);
                o[0] = uchar(d >> 16);
                o[1] = uchar(d >> 8);
                o[2] = uchar(d);
            }
            std::memcpy(previous, pixels, size_t(width) * sizeof(QRgb));
        }
        ++m_rowsWritten;
        if (!deflateRows(out, m_row.size(), false))
            return false;
    }
    return true;
}

bool PngRows::deflateRows(const uchar* data, qsizetype size, bool last)
{
    z_stream& z = m_stream->z;
    z.next_in = const_cast<Bytef*>(data);
    z.avail_in = uInt(size);
    char buffer[64 * 1024];
    int status = Z_OK;
    do {
        z.next_out = reinterpret_cast<Bytef*>(buffer);
        z.avail_out = sizeof buffer;
        status = deflate(&z, last ? Z_FINISH : Z_NO_FLUSH);
        if (status == Z_STREAM_ERROR)
            return fail(QStringLiteral("zlib failed"));
        m_idat.append(buffer, qsizetype(sizeof buffer - z.avail_out));
        while (m_idat.size() >= kChunkBytes) {
            if (!chunk("IDAT", m_idat.left(kChunkBytes)))
                return false;
            m_idat.remove(0, kChunkBytes);
        }
    } while (z.avail_out == 0 || (last && status != Z_STREAM_END));
    return true;
}

bool PngRows::finish()
{
    if (!m_stream || !m_error.isEmpty())
        return false;
    if (m_rowsWritten != m_size.height())
        return fail(QStringLiteral("%1 of %2 rows written").arg(m_rowsWritten).arg(m_size.height()));
    if (!deflateRows(nullptr, 0, true))
        return false;
    if (!m_idat.isEmpty() && !chunk("IDAT", m_idat))
        return false;
    m_idat.clear();
    return chunk("IEND", {});
}

} // namespace PatternScope
