// SPDX-License-Identifier: GPL-3.0-or-later
// libFuzzer target for HttpRequestFramer, which reads the bytes of clients nobody here wrote before any server
// sees them. The first byte of an input picks the chunking and the limits; the rest is what a client sends on
// one connection. Whatever the bytes, the limits and the chunking, the framer must not crash, must frame the
// stream as it does in one piece (what passes, the requests, 100 Continue, the failure), must let nothing through
// once it has failed, and must fail with a 4xx/5xx.
#include "httprequestframer.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

using namespace PatternScope;

namespace {

void check(bool condition, const char* what)
{
    if (!condition) {
        std::fprintf(stderr, "fuzz_httprequestframer: %s\n", what);
        std::abort();
    }
}

struct Outcome {
    QByteArray forwarded;
    QList<HttpRequestFramer::Request> requests;
    QList<qint64> continues; // each 100 Continue asked for: after how many answers
    bool failed = false;
    int status = 0;
    bool tunnel = false;
};

Outcome frame(QByteArrayView stream, qsizetype chunk, int maxHeaderBytes, qint64 maxBodyBytes)
{
    HttpRequestFramer framer(maxHeaderBytes, maxBodyBytes);
    Outcome outcome;
    for (qsizetype pos = 0; pos < stream.size(); pos += chunk) {
        const bool failedBefore = framer.failed();
        const qsizetype size = std::min(chunk, stream.size() - pos);
        const HttpRequestFramer::Result result = framer.feed(stream.data() + pos, size);
        check(!failedBefore || (result.forward.isEmpty() && result.requests.isEmpty()), "bytes pass after a failure");
        check(result.failed == framer.failed(), "the result and the framer disagree on failure");
        outcome.forwarded += result.forward;
        outcome.requests += result.requests;
        if (result.continueAfter)
            outcome.continues.append(*result.continueAfter);
    }
    outcome.failed = framer.failed();
    outcome.status = framer.failure().status;
    outcome.tunnel = framer.tunnel();
    check(framer.requestLine().size() <= 256 + 3, "the request line shown is not cut");
    return outcome;
}

bool sameRequests(const QList<HttpRequestFramer::Request>& a, const QList<HttpRequestFramer::Request>& b)
{
    return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](const auto& x, const auto& y) {
        return x.head == y.head && x.closeAfter == y.closeAfter && x.keepAlive10 == y.keepAlive10;
    });
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    if (size < 1)
        return 0;
    const uint8_t selector = data[0];
    const QByteArrayView stream(reinterpret_cast<const char*>(data + 1), qsizetype(size - 1));
    static const int headerLimits[] = { 64, 256, 8192, 64 * 1024 };
    static const qint64 bodyLimits[] = { 0, 16, 1000, 1 << 20 };
    const int maxHeaderBytes = headerLimits[selector & 3];
    const qint64 maxBodyBytes = bodyLimits[(selector >> 2) & 3];
    const qsizetype chunk = (selector >> 4) + 1;

    const Outcome whole = frame(stream, std::max<qsizetype>(1, stream.size()), maxHeaderBytes, maxBodyBytes);
    if (whole.failed)
        check(whole.status >= 400 && whole.status <= 599, "a failure without a 4xx or 5xx status");
    // A head ends with its request line's LF and an empty line's.
    check(whole.requests.size() * 2 <= stream.count('\n'), "a request passed without a complete head");

    const Outcome chunked = frame(stream, chunk, maxHeaderBytes, maxBodyBytes);
    check(chunked.forwarded == whole.forwarded, "what passes depends on the chunking");
    check(sameRequests(chunked.requests, whole.requests), "the requests depend on the chunking");
    // A 100 Continue is owed only to a request whose body has not arrived yet (RFC 9110 10.1.1 lets a
    // server omit it otherwise), so smaller pieces may owe more of them, never fewer: every one the
    // whole stream owes is owed when it comes in pieces too.
    check(std::all_of(whole.continues.cbegin(), whole.continues.cend(),
              [&](qint64 after) { return chunked.continues.contains(after); }),
        "a 100 Continue lost by the chunking");
    check(chunked.failed == whole.failed && chunked.status == whole.status, "the failure depends on the chunking");
    check(chunked.tunnel == whole.tunnel, "the upgrade depends on the chunking");
    return 0;
}
