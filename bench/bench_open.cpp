// SPDX-License-Identifier: GPL-3.0-or-later
// Opening a big trace: how long until the first messages can be drawn, how long the whole index takes,
// and how many bytes each message keeps resident once the trace is read.
//
//   bench_open                         generates a 1,000,000-message trace in a temporary directory and reads it
//   bench_open --generate FILE [N]     only writes the trace (N messages, 1,000,000 by default), for the window
//   bench_open FILE                    reads an existing trace
#include "trace.h"
#include "tracefile.h"
#include "tracelines.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QTemporaryDir>
#include <algorithm>
#include <cstdio>
#include <malloc.h>
#include <unistd.h>

using namespace PatternScope;

namespace {

constexpr qint64 kMessages = 1'000'000;
constexpr qint64 kFirstMessages = 10'000; // more than a window shows at once
constexpr int kRuns = 3;
constexpr double kFirstTargetMs = 1000;
constexpr double kIndexTargetMs = 1500;
constexpr double kBytesTarget = 250;

// What a long request-response recording looks like: two clients take turns asking one server on their
// own connection; each request carries a traceparent header, each answer a small JSON body.
bool generate(const QString& path, qint64 messages)
{
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate)) {
        std::fprintf(stderr, "%s: %s\n", qPrintable(path), qPrintable(file.errorString()));
        return false;
    }
    TraceHeader header;
    header.appVersion = QStringLiteral(PATTERNSCOPE_VERSION);
    header.pattern = QStringLiteral("request-response");
    header.parameters = { { QStringLiteral("latency"), QStringLiteral("50ms") } };
    header.seed = 1;
    QByteArray out;
    TraceLines::append(out, header);
    const char* const names[] = { "Server", "Client 1", "Client 2" };
    for (int id = 0; id < 3; ++id) {
        Participant p;
        p.id = id;
        p.name = QLatin1String(names[id]);
        p.role = id == 0 ? Participant::Role::Server : Participant::Role::Client;
        TraceLines::append(out, p);
    }
    for (int id = 0; id < 2; ++id) {
        Connection c;
        c.id = id;
        c.client = id + 1;
        c.server = 0;
        c.openedAt = id * 100;
        TraceLines::append(out, c);
    }
    const QString okLabel = QString::fromUtf8("200 OK · 1 item");
    for (qint64 seq = 0; seq < messages; ++seq) {
        const qint64 k = seq / 2;
        const int client = 1 + int(k % 2);
        const TimeUs t = 1000 + k * 2000;
        Message m;
        m.seq = seq;
        m.connection = client - 1;
        m.correlation = QString::number(k);
        if (seq % 2 == 0) {
            m.from = client;
            m.to = 0;
            m.kind = Message::Kind::HttpRequest;
            m.fields.method = QStringLiteral("GET");
            m.fields.target = QStringLiteral("/poll?since=%1").arg(k);
            m.label = m.fields.method + QLatin1Char(' ') + m.fields.target;
            m.bytes = 160;
            m.setHeaders({ { "traceparent",
                "00-" + QByteArray::number(0x4bf92f3577b34da6LL + k, 16) + "a3ce929d0e0e4736-"
                    + QByteArray::number(0x00f067aa0ba902b7LL + k, 16) + "-01" } });
            m.sentAt = t;
            m.receivedAt = t + 600;
        } else {
            m.from = 0;
            m.to = client;
            m.kind = Message::Kind::HttpResponse;
            m.fields.status = 200;
            m.fields.reason = QStringLiteral("OK");
            m.label = okLabel;
            m.bytes = 180;
            m.setBodyPreview("{\"items\":[{\"id\":" + QByteArray::number(k) + ",\"v\":\"ok\"}]}");
            m.sentAt = t + 900;
            m.receivedAt = t + 1500;
        }
        m.state = Message::State::Delivered;
        TraceLines::append(out, m);
        TraceLines::appendEnd(out, m);
        if (out.size() > (1 << 20)) {
            if (file.write(out) != out.size())
                break;
            out.clear();
        }
    }
    if (file.write(out) != out.size() || !file.flush()) {
        std::fprintf(stderr, "%s: %s\n", qPrintable(path), qPrintable(file.errorString()));
        return false;
    }
    return true;
}

qint64 residentBytes()
{
    QFile statm(QStringLiteral("/proc/self/statm"));
    if (!statm.open(QIODevice::ReadOnly))
        return 0;
    const QList<QByteArray> fields = statm.readAll().split(' ');
    return fields.size() > 1 ? fields[1].toLongLong() * sysconf(_SC_PAGESIZE) : 0;
}

struct Reading {
    double firstMs = 0; // until the first kFirstMessages messages are in the trace
    double wholeMs = 0;
    qint64 messages = 0;
    qint64 resident = 0; // bytes the read trace added to the process
    qint64 heap = 0; // of those, bytes malloc handed out (the messages' vector and what their texts hold)
};

qint64 heapBytes()
{
    const struct mallinfo2 info = mallinfo2();
    return qint64(info.uordblks + info.hblkhd); // small blocks and the mmap'd large ones
}

Reading readOnce(const QString& path)
{
    Reading result;
    const qint64 before = residentBytes();
    const qint64 heapBefore = heapBytes();
    Trace trace;
    QElapsedTimer timer;
    timer.start();
    QObject::connect(&trace, &Trace::messageAdded, &trace, [&](const Message& m) {
        if (m.seq == kFirstMessages - 1)
            result.firstMs = double(timer.nsecsElapsed()) / 1e6;
    });
    TraceReader reader;
    if (!reader.read(path, &trace)) {
        std::fprintf(stderr, "%s\n", qPrintable(reader.errorString()));
        return result;
    }
    result.wholeMs = double(timer.nsecsElapsed()) / 1e6;
    result.messages = qint64(trace.messages().size());
    result.resident = residentBytes() - before;
    result.heap = heapBytes() - heapBefore;
    return result;
}

bool report(const char* what, double value, const char* unit, double target)
{
    const bool met = value <= target;
    std::printf("%s: %.0f %s (target <= %.0f %s: %s)\n", what, value, unit, target, unit, met ? "met" : "MISSED");
    return met;
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments().mid(1);
    if (args.value(0) == QLatin1String("--generate") && args.size() >= 2) {
        const qint64 messages = args.size() > 2 ? args[2].toLongLong() : kMessages;
        return generate(args[1], messages) ? 0 : 2;
    }
    QTemporaryDir dir;
    QString path = args.value(0);
    if (path.isEmpty()) {
        path = dir.filePath(QStringLiteral("big.pstrace.jsonl"));
        std::printf("generating %lld messages into %s\n", static_cast<long long>(kMessages), qPrintable(path));
        if (!generate(path, kMessages))
            return 2;
    }
    std::printf("reading %s (%.0f MB), best of %d runs\n", qPrintable(path), double(QFile(path).size()) / 1e6, kRuns);
    Reading best;
    for (int run = 0; run < kRuns; ++run) {
        const Reading r = readOnce(path);
        if (r.messages == 0)
            return 2;
        // The first run's memory is the honest one: later runs reuse what the allocator kept.
        if (run == 0)
            best = r;
        best.firstMs = std::min(best.firstMs, r.firstMs);
        best.wholeMs = std::min(best.wholeMs, r.wholeMs);
    }
    std::printf("%lld messages\n", static_cast<long long>(best.messages));
    bool met = report("first messages readable", best.firstMs, "ms", kFirstTargetMs);
    met = report("whole index", best.wholeMs, "ms", kIndexTargetMs) && met;
    met = report("resident per message", double(best.resident) / double(best.messages), "B", kBytesTarget) && met;
    std::printf("  of which malloc'd: %.0f B per message; a Message is %zu B in place, its index entry %zu B\n",
        double(best.heap) / double(best.messages), sizeof(Message), sizeof(qint64));
    return met ? 0 : 1;
}
