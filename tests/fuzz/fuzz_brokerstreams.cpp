// SPDX-License-Identifier: GPL-3.0-or-later
// libFuzzer target for MqttScanner and RespScanner, which read what real brokers and their clients send through
// the link. The first byte of an input picks the scanner (top bit) and how the rest is chunked; the rest is the
// stream. Whatever the bytes and the chunking, a scanner must not crash, must report the same units as for the
// stream in one piece, and every unit must lie inside the bytes seen, one after another.
#include "mqttscanner.h"
#include "respscanner.h"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>

using namespace PatternScope;

namespace {

void check(bool condition, const char* what)
{
    if (!condition) {
        std::fprintf(stderr, "fuzz_brokerstreams: %s\n", what);
        std::abort();
    }
}

std::unique_ptr<StreamScanner> scanner(bool mqtt)
{
    if (mqtt)
        return std::make_unique<MqttScanner>(64);
    return std::make_unique<RespScanner>(4096);
}

QList<StreamUnit> scan(bool mqtt, QByteArrayView stream, qsizetype chunk, bool* failed)
{
    const auto s = scanner(mqtt);
    QList<StreamUnit> units;
    for (qsizetype pos = 0; pos < stream.size(); pos += chunk)
        units += s->feed(stream.sliced(pos, std::min(chunk, stream.size() - pos)));
    *failed = s->failed();
    return units;
}

bool same(const StreamUnit& a, const StreamUnit& b)
{
    return a.offset == b.offset && a.wireBytes == b.wireBytes && a.type == b.type && a.flags == b.flags
        && a.packetId == b.packetId && a.codes == b.codes && a.words == b.words && a.payload == b.payload
        && a.payloadLength == b.payloadLength;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    if (size < 1)
        return 0;
    const bool mqtt = data[0] & 0x80;
    const qsizetype chunk = (data[0] & 0x7F) + 1;
    const QByteArrayView stream(reinterpret_cast<const char*>(data + 1), qsizetype(size - 1));

    bool wholeFailed = false;
    bool chunkedFailed = false;
    const QList<StreamUnit> whole = scan(mqtt, stream, std::max<qsizetype>(1, stream.size()), &wholeFailed);
    const QList<StreamUnit> chunked = scan(mqtt, stream, chunk, &chunkedFailed);
    check(wholeFailed == chunkedFailed || !mqtt, "failing depends on the chunking");
    check(whole.size() == chunked.size() || (!mqtt && (wholeFailed || chunkedFailed)),
        "the unit count depends on the chunking");
    qint64 next = 0;
    for (qsizetype i = 0; i < std::min(whole.size(), chunked.size()); ++i) {
        const StreamUnit& u = whole.at(i);
        check(same(u, chunked.at(i)), "a unit depends on the chunking");
        check(u.offset == next, "units do not follow one another");
        check(u.wireBytes > 0, "an empty unit");
        check(u.offset + u.wireBytes <= stream.size(), "a unit reaches past the bytes seen");
        check(u.payload.size() <= 64 || !mqtt, "the preview is too long");
        next = u.offset + u.wireBytes;
    }
    return 0;
}
