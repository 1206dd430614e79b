// SPDX-License-Identifier: GPL-3.0-or-later
// libFuzzer target for HAR import: the input is a HAR file from a browser, browser automation or anything
// else that writes JSON. Whatever it holds, the import must not crash or overflow the trace's clock, must say
// why when it refuses the file, and a trace it makes must be one every export takes: its own HAR export
// imports again with as many arrows.
#include "exports.h"

#include <QBuffer>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

using namespace PatternScope;

namespace {

// Ten thousand years, in microseconds: ISO 8601 dates in HAR have four-digit years.
constexpr TimeUs kLongestSpan = 10'000LL * 366 * 24 * 3600 * 1'000'000;

void check(bool condition, const char* what)
{
    if (!condition) {
        std::fprintf(stderr, "fuzz_harimport: %s\n", what);
        std::abort();
    }
}

void checkWhole(const Trace& trace)
{
    for (const Message& m : trace.messages()) {
        check(m.sentAt >= 0 && m.sentAt <= kLongestSpan, "a message outside the span a HAR can give");
        check(m.state != Message::State::InFlight, "an imported message still in flight");
        check(m.receivedAt >= m.sentAt && m.receivedAt <= kLongestSpan, "a message arrives before it left");
        check(trace.participant(m.from) && trace.participant(m.to), "a message between unknown participants");
    }
    for (const Activation& a : trace.activations())
        check(a.start >= 0 && a.end >= a.start && a.end <= kLongestSpan, "an activation outside the span");
}

QByteArray exported(const Trace& trace, const TraceHeader& header)
{
    QBuffer out;
    out.open(QIODevice::WriteOnly);
    FileError error;
    check(Export::har(trace, header, {}, &out, &error), "an imported trace does not export as HAR");
    return out.data();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const QByteArray bytes(reinterpret_cast<const char*>(data), qsizetype(size));
    Trace trace;
    TraceHeader header;
    FileError error;
    QStringList warnings;
    if (!Import::harData(bytes, QStringLiteral("fuzz.har"), &trace, &header, &error, {}, &warnings)) {
        check(error.code == FileError::Code::BadInput, "a refusal that is not about the input");
        check(error.message.startsWith(QLatin1String("fuzz.har")), "a refusal that does not name the file");
        check(trace.messages().empty() && trace.participants().empty(), "a refused file changed the trace");
        return 0;
    }
    checkWhole(trace);

    // The other exports take it too (they are pure functions of the trace).
    using Write = bool (*)(const Trace&, QIODevice*, FileError*);
    const Write writes[] = {
        [](const Trace& t, QIODevice* out, FileError* e) { return Export::mermaid(t, {}, out, e); },
        [](const Trace& t, QIODevice* out, FileError* e) {
            ExportOptions textbook;
            textbook.detail = DetailLevel::Textbook;
            return Export::mermaid(t, {}, out, e, {}, textbook);
        },
        [](const Trace& t, QIODevice* out, FileError* e) { return Export::plantUml(t, {}, out, e); },
        [](const Trace& t, QIODevice* out, FileError* e) { return Export::csv(t, {}, out, e); },
    };
    for (const Write write : writes) {
        QBuffer out;
        out.open(QIODevice::WriteOnly);
        FileError failure;
        check(write(trace, &out, &failure) || failure.code == FileError::Code::TooLarge,
            "an imported trace does not export");
    }

    // Its HAR export imports again, with as many requests and answers.
    const QByteArray har = exported(trace, header);
    Trace again;
    check(Import::harData(har, QStringLiteral("again.har"), &again, nullptr, &error), "its own export is refused");
    checkWhole(again);
    const auto count = [](const Trace& t, Message::Kind kind) {
        return std::count_if(
            t.messages().begin(), t.messages().end(), [kind](const Message& m) { return m.kind == kind; });
    };
    check(count(again, Message::Kind::HttpRequest) == count(trace, Message::Kind::HttpRequest),
        "requests change when exported and imported");
    return 0;
}
