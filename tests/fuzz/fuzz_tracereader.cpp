// SPDX-License-Identifier: GPL-3.0-or-later
// libFuzzer target for TraceReader: the input is a .pstrace.jsonl file, as a user might hand one over, edited or
// cut short. Whatever its lines, the reader must not crash, must say why when it refuses the file, and a trace
// it accepts must be whole: written back by TraceWriter and read again, it is the same trace; and the quick path
// for the usual lines reads exactly what the strict one does.
#include "tracefile.h"

#include <QBuffer>
#include <QFile>
#include <QTemporaryDir>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <limits>

using namespace PatternScope;

namespace {

void check(bool condition, const char* what)
{
    if (!condition) {
        std::fprintf(stderr, "fuzz_tracereader: %s\n", what);
        std::abort();
    }
}

void checkWhole(const Trace& trace)
{
    check(trace.sentOrder().size() == trace.messages().size(), "a message missing from the send order");
    TimeUs previous = std::numeric_limits<TimeUs>::min();
    for (const qint64 seq : trace.sentOrder()) {
        const Message& m = trace.message(seq);
        check(m.sentAt >= previous, "the send order is not in time order");
        previous = m.sentAt;
        check(m.state == Message::State::InFlight || m.receivedAt >= m.sentAt, "a message arrives before it left");
        check(trace.participant(m.from) && trace.participant(m.to), "a message between unknown participants");
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    static QTemporaryDir scratch;
    QByteArray bytes(reinterpret_cast<const char*>(data), qsizetype(size));
    QBuffer input(&bytes);
    input.open(QIODevice::ReadOnly);
    Trace trace;
    TraceHeader header;
    TraceReader reader;
    if (!reader.read(&input, QStringLiteral("fuzz.pstrace.jsonl"), &trace, &header)) {
        check(reader.error().code == FileError::Code::BadInput, "a refusal that is not about the input");
        check(reader.errorString().startsWith(QLatin1String("fuzz.pstrace.jsonl:")), "a refusal without a line");
        return 0;
    }
    check(reader.warnings().size() <= TraceReader::MaxWarnings + 1, "more warnings than the cap");
    checkWhole(trace);

    // The quick path must read whatever it takes as QJsonDocument would, and leave the rest to it.
    QBuffer sameInput(&bytes);
    sameInput.open(QIODevice::ReadOnly);
    Trace strictTrace;
    TraceReader strict;
    strict.setFastPath(false);
    check(strict.read(&sameInput, QStringLiteral("fuzz.pstrace.jsonl"), &strictTrace), "only the quick path reads it");
    check(strict.warnings() == reader.warnings(), "the quick path warns otherwise");
    check(strictTrace.messages() == trace.messages(), "the quick path reads other messages");
    check(strictTrace.activations() == trace.activations(), "the quick path reads other activations");

    // Read from a file, the messages leave their headers and bodies in it and read them back from it: the same.
    const QString inputPath = scratch.filePath(QStringLiteral("input.pstrace.jsonl"));
    {
        QFile file(inputPath);
        check(file.open(QIODevice::WriteOnly | QIODevice::Truncate) && file.write(bytes) == bytes.size(),
            "the input cannot be written to a file");
    }
    Trace fromFile;
    TraceReader fileReader;
    check(fileReader.read(inputPath, &fromFile), "read from a buffer but not from a file");
    check(fileReader.warnings().size() == reader.warnings().size(), "a file reads with other warnings");
    check(fromFile.messages() == trace.messages(), "messages read from a file differ");

    const QString copy = scratch.filePath(QStringLiteral("copy.pstrace.jsonl"));
    QString error;
    check(TraceWriter::writeTrace(copy, header, trace, &error), "an accepted trace cannot be written");
    Trace again;
    TraceHeader againHeader;
    TraceReader second;
    check(second.read(copy, &again, &againHeader), "a written trace cannot be read");
    check(second.warnings().isEmpty(), "a written trace reads with warnings");
    check(againHeader == header, "the header changes when written and read");
    check(again.participants() == trace.participants(), "participants change when written and read");
    check(again.messages() == trace.messages(), "messages change when written and read");
    check(again.activations() == trace.activations(), "activations change when written and read");
    check(again.notes() == trace.notes(), "notes change when written and read");
    check(again.connections() == trace.connections(), "connections change when written and read");
    return 0;
}
