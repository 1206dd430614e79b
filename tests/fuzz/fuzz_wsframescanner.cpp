// SPDX-License-Identifier: GPL-3.0-or-later
// libFuzzer target for WebSocketFrameScanner, which reads bytes from clients nobody here wrote. The first byte of
// an input picks the side and how the rest is chunked; the rest is the stream. Whatever the bytes and the
// chunking, the scanner must not crash, must report the same frames as for the stream in one piece, and every
// frame must lie inside the bytes seen, one after another.
#include "wsframescanner.h"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

using namespace PatternScope;
using Scanner = WebSocketFrameScanner;

namespace {

void check(bool condition, const char* what)
{
    if (!condition) {
        std::fprintf(stderr, "fuzz_wsframescanner: %s\n", what);
        std::abort();
    }
}

QList<Scanner::Frame> scan(Scanner::Side side, QByteArrayView stream, qsizetype chunk, QByteArray* head)
{
    Scanner scanner(side, 64);
    QList<Scanner::Frame> frames;
    for (qsizetype pos = 0; pos < stream.size(); pos += chunk)
        frames += scanner.feed(stream.sliced(pos, std::min(chunk, stream.size() - pos)));
    *head = scanner.head();
    return frames;
}

bool same(const Scanner::Frame& a, const Scanner::Frame& b)
{
    return a.opcode == b.opcode && a.fin == b.fin && a.masked == b.masked && a.payloadLength == b.payloadLength
        && a.wireBytes == b.wireBytes && a.offset == b.offset && a.preview == b.preview;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    if (size < 1)
        return 0;
    const auto side = data[0] & 0x80 ? Scanner::Side::ServerToClient : Scanner::Side::ClientToServer;
    const qsizetype chunk = (data[0] & 0x7F) + 1;
    const QByteArrayView stream(reinterpret_cast<const char*>(data + 1), qsizetype(size - 1));

    QByteArray wholeHead;
    QByteArray chunkedHead;
    const QList<Scanner::Frame> whole = scan(side, stream, std::max<qsizetype>(1, stream.size()), &wholeHead);
    const QList<Scanner::Frame> chunked = scan(side, stream, chunk, &chunkedHead);
    check(wholeHead == chunkedHead, "the head depends on the chunking");
    check(whole.size() == chunked.size(), "the frame count depends on the chunking");
    qint64 next = wholeHead.size();
    for (qsizetype i = 0; i < whole.size(); ++i) {
        const Scanner::Frame& f = whole.at(i);
        check(same(f, chunked.at(i)), "a frame depends on the chunking");
        check(f.offset == next, "frames do not follow one another");
        check(f.wireBytes > f.payloadLength && f.payloadLength >= 0, "a frame's sizes do not add up");
        check(f.offset + f.wireBytes <= stream.size(), "a frame reaches past the bytes seen");
        check(f.preview.size() == std::min<qint64>(f.payloadLength, 64), "the preview has the wrong size");
        next = f.offset + f.wireBytes;
    }
    return 0;
}
