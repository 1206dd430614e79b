// SPDX-License-Identifier: GPL-3.0-or-later
// Records a real run of a pattern as `patternscope record` does, and cuts every link at a fixed
// pace as the window's "Cut the link" (Ctrl+K) does: the command line cannot cut, and the dense
// fixture traces in tests/data need runs with cuts (tests/data/README.md).
//   patternscope_record_cuts PATTERN OUTPUT DURATION_MS CUT_EVERY_MS SEED [name=value ...]
#include "linkemulator.h"
#include "patternregistry.h"
#include "run.h"
#include "trace.h"
#include "tracewriter.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QTextStream>
#include <QTimer>
#include <cstdio>

using namespace PatternScope;

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationVersion(QStringLiteral(PATTERNSCOPE_VERSION));
    QTextStream err(stderr);
    const QStringList arguments = QCoreApplication::arguments().mid(1);
    if (arguments.size() < 5) {
        err << "usage: patternscope_record_cuts PATTERN OUTPUT DURATION_MS CUT_EVERY_MS SEED [name=value ...]\n";
        return 2;
    }
    const PatternInfo* info = PatternRegistry::find(arguments[0]);
    bool durationOk = false, cutOk = false, seedOk = false;
    const int durationMs = arguments[2].toInt(&durationOk);
    const int cutEveryMs = arguments[3].toInt(&cutOk);
    const quint64 seed = arguments[4].toULongLong(&seedOk);
    if (!info || !durationOk || !cutOk || !seedOk || durationMs <= 0 || cutEveryMs <= 0) {
        err << "patternscope_record_cuts: unknown pattern or a bad number\n";
        return 2;
    }
    ParameterSet parameters(info->parameters);
    for (const QString& assignment : arguments.mid(5)) {
        QString error;
        if (!parameters.assign(assignment, &error)) {
            err << "patternscope_record_cuts: " << error << '\n';
            return 2;
        }
    }

    Run run;
    TraceWriter writer;
    TraceHeader header;
    header.appVersion = QCoreApplication::applicationVersion();
    header.pattern = info->id;
    header.parameters = parameters.formatted();
    header.seed = seed;
    header.startedAt = QDateTime::currentDateTimeUtc();
    if (!writer.open(arguments[1], header)) {
        err << "patternscope_record_cuts: " << writer.errorString() << '\n';
        return 1;
    }
    writer.attach(run.trace());
    QString reason;
    if (!run.start(*info, parameters, seed, &reason)) {
        err << "patternscope_record_cuts: cannot start " << info->id << ": " << reason << '\n';
        return 1;
    }
    int cuts = 0;
    QTimer cutter;
    QObject::connect(&cutter, &QTimer::timeout, &run, [&] {
        run.links()->cutAll();
        ++cuts;
    });
    cutter.start(cutEveryMs);
    QTimer::singleShot(durationMs, &run, [&] {
        cutter.stop();
        run.stop();
    });
    QObject::connect(&run, &Run::finished, &app, &QCoreApplication::quit);
    QCoreApplication::exec();
    writer.detach();
    if (!writer.close()) {
        err << "patternscope_record_cuts: writing failed: " << writer.errorString() << '\n';
        return 1;
    }
    QTextStream(stdout) << "recorded " << run.trace()->messages().size() << " messages with " << cuts << " cuts to "
                        << arguments[1] << '\n';
    return 0;
}
