// SPDX-License-Identifier: GPL-3.0-or-later
// libFuzzer target for serve --lan's door: HttpRequestFramer with JoinDoor's head check, as the door's gate
// runs them on what students' browsers (or anyone on the LAN) send. The first byte picks the chunking; the
// rest is one connection's bytes. Whatever they are, nothing may crash, every request passed on must have
// carried the right token and goes on without any `token` parameter, the first one passed goes on with the
// target the door gave it, and a refusal is a whole HTTP answer.
#include "joindoor.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

using namespace PatternScope;

namespace {

const QByteArray kToken = "c2VjcmV0LXRva2VuLTEyMw";

// Whether a query item of `target` is named `seat` (decoded), which the door takes out of what it passes.
bool hasSeat(const QByteArray& target)
{
    const qsizetype question = target.indexOf('?');
    if (question < 0)
        return false;
    for (QByteArray item : target.sliced(question + 1).split('&')) {
        const qsizetype equals = item.indexOf('=');
        if (QByteArray::fromPercentEncoding(item.left(equals < 0 ? item.size() : equals).replace('+', ' ')) == "seat")
            return true;
    }
    return false;
}

void check(bool condition, const char* what)
{
    if (!condition) {
        std::fprintf(stderr, "fuzz_joindoor: %s\n", what);
        std::abort();
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    if (size < 1)
        return 0;
    const qsizetype chunk = (data[0] & 0x3f) + 1;
    const QByteArrayView stream(reinterpret_cast<const char*>(data + 1), qsizetype(size - 1));

    const JoinDoor door(kToken, "<p>page</p>");
    HttpRequestFramer framer(8192, 4096);
    QList<QByteArray> passedLines; // "METHOD target" of each head the door let through, in order
    framer.setHeadCheck(
        [&](const QByteArray& method, const QByteArray& target) {
            const HttpRequestFramer::Verdict verdict = door.check(method, target);
            const JoinDoor::Taken before = JoinDoor::take(target, kToken);
            if (verdict.pass) {
                check(before.matches, "a request without the right token passed");
                check(!verdict.target.isEmpty(), "a passed request has an empty target");
                check(JoinDoor::take(verdict.target, kToken).count == 0, "a token parameter is still in the target");
                check(!hasSeat(verdict.target), "a seat parameter is still in the target");
                passedLines.append(method + ' ' + verdict.target + ' ');
            } else {
                check(verdict.response.startsWith("HTTP/1.1 "), "a refusal is no HTTP answer");
                check(verdict.response.contains("\r\n\r\n"), "a refusal has no end of head");
                check(verdict.status == 200 || verdict.status >= 400, "a refusal with an odd status");
                check(verdict.status != 200 || before.matches, "the page without the token");
            }
            return verdict;
        },
        JoinDoor::droppedFields());

    QByteArray forwarded;
    qsizetype requests = 0;
    for (qsizetype pos = 0; pos < stream.size(); pos += chunk) {
        const qsizetype n = std::min(chunk, stream.size() - pos);
        const HttpRequestFramer::Result result = framer.feed(stream.data() + pos, n);
        forwarded += result.forward;
        requests += result.requests.size();
    }
    check(requests <= passedLines.size(), "more requests passed than the door let through");
    if (requests > 0)
        check(forwarded.startsWith(passedLines.constFirst()), "the first request does not go on as the door said");
    if (framer.failed() && !framer.failure().response.isEmpty())
        check(framer.failure().response.startsWith("HTTP/1.1 "), "the failure's answer is no HTTP answer");
    return 0;
}
