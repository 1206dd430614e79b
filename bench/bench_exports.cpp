// SPDX-License-Identifier: GPL-3.0-or-later
// Export speed: a 100k-message trace to JSON Lines, Mermaid and CSV (each at most 0.5 s), and a
// 2,000-message diagram to SVG against PlantUML rendering our own .puml of it (at least 50x
// faster), both measured in this run. PlantUML is Debian's `plantuml`; without it that comparison
// is reported as not measured.
#include "exchanges.h"
#include "exports.h"
#include "pictureexport.h"
#include "tracefile.h"

#include <QBuffer>
#include <QElapsedTimer>
#include <QGuiApplication>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <cstdio>
#include <functional>

using namespace PatternScope;
using PatternScope::Test::fillPolling;

namespace {

constexpr double kTextTargetSeconds = 0.5;
constexpr double kSvgFactorTarget = 50.0;
// Two clients polling a server, an exchange every 100 ms, with processing, notes and one request in
// 25 lost.
constexpr TimeUs kEvery = 100'000;
constexpr int kLoseEvery = 25;

double seconds(const std::function<bool()>& work)
{
    QElapsedTimer timer;
    timer.start();
    if (!work())
        return -1;
    return double(timer.nsecsElapsed()) / 1e9;
}

bool report(const char* what, double s)
{
    const bool ok = s >= 0 && s <= kTextTargetSeconds;
    std::printf("%-28s %7.3f s  (target <= %.1f s) %s\n", what, s, kTextTargetSeconds, ok ? "ok" : "FAIL");
    return ok;
}

} // namespace

int main(int argc, char** argv)
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QGuiApplication app(argc, argv);
    QTemporaryDir dir;
    bool ok = true;

    Trace large;
    fillPolling(large, 100'000, kEvery, kLoseEvery);
    std::printf("trace: %zu messages\n", large.messages().size());
    TraceHeader header;
    header.pattern = QStringLiteral("long-polling");
    QString error;
    FileError failure;
    ok &= report("100k to JSON Lines", seconds([&] {
        return TraceWriter::writeTrace(dir.filePath(QStringLiteral("t.jsonl")), header, large, &error);
    }));
    // Mermaid would refuse 100k messages (over 50,000 characters): measure the text it builds for
    // each of the pieces the split gives, which is what a user exports.
    ok &= report("100k to Mermaid (split)", seconds([&] {
        for (const ExportRange& piece : Export::splitForMermaid(large, {})) {
            QBuffer buffer;
            buffer.open(QIODevice::WriteOnly);
            if (!Export::mermaid(large, piece, &buffer, &failure))
                return false;
        }
        return true;
    }));
    ok &= report("100k to CSV", seconds([&] {
        QBuffer buffer;
        buffer.open(QIODevice::WriteOnly);
        return Export::csv(large, {}, &buffer, &failure);
    }));

    Trace diagram;
    fillPolling(diagram, 2'000, kEvery, kLoseEvery);
    const QString svg = dir.filePath(QStringLiteral("d.svg"));
    const double ours
        = seconds([&] { return PictureExport::write(diagram, {}, PictureExport::Format::Svg, svg, &failure); });
    std::printf("2,000 messages to SVG       %7.3f s\n", ours);
    const QString plantuml = QStandardPaths::findExecutable(QStringLiteral("plantuml"));
    if (plantuml.isEmpty()) {
        std::printf("PlantUML not installed (apt-get install plantuml): comparison not measured\n");
    } else {
        QFile puml(dir.filePath(QStringLiteral("d.puml")));
        puml.open(QIODevice::WriteOnly);
        Export::plantUml(diagram, {}, &puml, &failure);
        puml.close();
        const double theirs = seconds([&] {
            return QProcess::execute(plantuml,
                       { QStringLiteral("-tsvg"), QStringLiteral("-Djava.awt.headless=true"), puml.fileName() })
                == 0;
        });
        const double factor = theirs / ours;
        const bool fast = ours > 0 && theirs > 0 && factor >= kSvgFactorTarget;
        std::printf("PlantUML renders our .puml  %7.3f s: ours is %.0fx faster (target >= %.0fx) %s\n", theirs, factor,
            kSvgFactorTarget, fast ? "ok" : "FAIL");
        ok &= fast;
    }
    for (const QString& message : { error, failure.message }) {
        if (!message.isEmpty())
            std::printf("error: %s\n", qPrintable(message));
    }
    std::printf("%s\n", ok ? "PASS" : "FAIL");
    return ok ? 0 : 1;
}
