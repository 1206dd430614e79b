// SPDX-License-Identifier: GPL-3.0-or-later
// A 15,000-message diagram to PNG: at most 3 s and at most 250 MB resident at the peak (the whole process, trace
// included, as `patternscope export` would be). The trace is generated (two clients polling a server, notes,
// activations, a request in 25 lost: tests/common/exchanges.h), or read from FILE:
//     bench_picture [FILE.pstrace.jsonl]
#include "exchanges.h"
#include "pictureexport.h"
#include "tracereader.h"

#include <QElapsedTimer>
#include <QFile>
#include <QGuiApplication>
#include <QImageReader>
#include <QTemporaryDir>
#include <cstdio>

using namespace PatternScope;
using PatternScope::Test::fillPolling;

namespace {

constexpr int kMessages = 15'000;
constexpr double kTargetSeconds = 3.0;
constexpr double kTargetMegabytes = 250.0;

// The process's peak resident set so far (VmHWM), in MB.
double peakMegabytes()
{
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray& line : status.readAll().split('\n')) {
        if (line.startsWith("VmHWM:"))
            return line.mid(6).trimmed().split(' ').front().toDouble() / 1024.0;
    }
    return -1;
}

} // namespace

int main(int argc, char** argv)
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QGuiApplication app(argc, argv);
    QTemporaryDir dir;

    Trace trace;
    if (argc > 1) {
        TraceReader reader;
        if (!reader.read(QString::fromLocal8Bit(argv[1]), &trace)) {
            std::fprintf(stderr, "bench_picture: %s\n", qPrintable(reader.errorString()));
            return 2;
        }
    } else {
        fillPolling(trace, kMessages, 100'000, 25);
    }
    std::printf("trace: %zu messages (%s); peak so far %.0f MB\n", trace.messages().size(),
        argc > 1 ? argv[1] : "generated", peakMegabytes());

    const QString path = dir.filePath(QStringLiteral("d.png"));
    FileError failure;
    QElapsedTimer timer;
    timer.start();
    const bool written = PictureExport::write(trace, {}, PictureExport::Format::Png, path, &failure);
    const double seconds = double(timer.nsecsElapsed()) / 1e9;
    const double peak = peakMegabytes();
    if (!written) {
        std::printf("error: %s\nFAIL\n", qPrintable(failure.message));
        return 1;
    }
    const QSize size = QImageReader(path).size();
    std::printf("PNG %d x %d (%.1f megapixels), %.1f MB on disk\n", size.width(), size.height(),
        double(size.width()) * size.height() / 1e6, double(QFile(path).size()) / 1e6);
    const bool fast = seconds <= kTargetSeconds;
    const bool small = peak >= 0 && peak <= kTargetMegabytes;
    std::printf("export time   %7.2f s   (target <= %.0f s)   %s\n", seconds, kTargetSeconds, fast ? "met" : "MISSED");
    std::printf("peak resident %7.0f MB  (target <= %.0f MB) %s\n", peak, kTargetMegabytes, small ? "met" : "MISSED");
    std::printf("%s\n", fast && small ? "PASS" : "FAIL");
    return fast && small ? 0 : 1;
}
