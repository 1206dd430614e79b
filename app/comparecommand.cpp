// SPDX-License-Identifier: GPL-3.0-or-later
// patternscope compare: several item-delivering patterns on one workload, at once, and their figures
// side by side with what theory expects. The figures are a function of the traces written, so
// `compare --from DIR` recomputes them from the files alone.
#include "cliutil.h"
#include "comparison.h"
#include "figures.h"
#include "patternregistry.h"
#include "run.h"
#include "trace.h"
#include "tracefile.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>
#include <QSocketNotifier>
#include <QTextStream>
#include <csignal>
#include <functional>
#include <memory>
#include <unistd.h>

namespace PatternScope::CommandLine {

namespace {

const QString kCommand = QStringLiteral("compare");
const QString kSuffix = QStringLiteral(".pstrace.jsonl");

// One pattern's part of the report: its figures and where its trace is.
struct Column {
    PatternFigures figures;
    QList<QPair<QString, QString>> parameters;
    QString traceFile;
};

QString delayText(TimeUs us)
{
    return us == NoTime ? QStringLiteral("-") : QStringLiteral("%1 ms").arg(double(us) / 1000.0, 0, 'f', 1);
}

QString ratioText(double value)
{
    return QString::number(value, 'f', value >= 100 ? 0 : 2);
}

QString theoryRange(const DelayTheory& t)
{
    if (!t.isKnown())
        return QStringLiteral("-");
    return QStringLiteral("%1–%2").arg(double(t.low) / 1000.0, 0, 'f', 0).arg(double(t.high) / 1000.0, 0, 'f', 0)
        + QStringLiteral(" ms");
}

void printTable(const QList<Column>& columns, const Workload& workload, qint64 drainMs)
{
    const int labelWidth = 26;
    int width = 14;
    for (const Column& c : columns)
        width = std::max(width, int(c.figures.patternId.size()) + 2);
    const auto row = [&](const QString& label, const std::function<QString(const PatternFigures&)>& cell) {
        out() << label.leftJustified(labelWidth);
        for (const Column& c : columns)
            out() << cell(c.figures).rightJustified(width);
        out() << u'\n';
    };
    if (drainMs >= 0) {
        out() << QStringLiteral("seed %1, items produced for %2 from each producer's start, then %3 more so the "
                                "last can arrive")
                     .arg(workload.seed)
                     .arg(formatDurationMs(workload.durationMs), formatDurationMs(drainMs));
        if (!workload.cutsAtMs.isEmpty()) {
            QStringList cuts;
            for (qint64 at : workload.cutsAtMs)
                cuts.append(formatDurationMs(at));
            out() << QStringLiteral("; every link cut at ") << cuts.join(QStringLiteral(", "));
        }
        out() << u'\n' << u'\n';
    }
    row(QString(), [](const PatternFigures& f) { return f.patternId; });
    row(QStringLiteral("items produced"),
        [](const PatternFigures& f) { return QString::number(f.metrics.itemsProduced); });
    row(QStringLiteral("clients"), [](const PatternFigures& f) { return QString::number(f.clients); });
    row(QStringLiteral("delivered (client, item)"),
        [](const PatternFigures& f) { return QString::number(f.metrics.deliveries); });
    row(QStringLiteral("delay mean"), [](const PatternFigures& f) -> QString {
        // A mean outside what theory expects is marked, so it stands out.
        const bool odd = f.theory.isKnown() && !f.meetsTheory();
        return delayText(f.metrics.delivery.mean) + (odd ? QStringLiteral(" !") : QString());
    });
    row(QStringLiteral("  theory"), [](const PatternFigures& f) { return f.theory.formula; });
    row(QStringLiteral("  expected mean"), [](const PatternFigures& f) { return delayText(f.theory.expected); });
    row(QStringLiteral("  mean expected within"), [](const PatternFigures& f) { return theoryRange(f.theory); });
    row(QStringLiteral("delay p50"), [](const PatternFigures& f) { return delayText(f.metrics.delivery.p50); });
    row(QStringLiteral("delay p95"), [](const PatternFigures& f) { return delayText(f.metrics.delivery.p95); });
    row(QStringLiteral("delay max"), [](const PatternFigures& f) { return delayText(f.metrics.delivery.max); });
    row(QStringLiteral("requests (HTTP)"), [](const PatternFigures& f) { return QString::number(f.metrics.requests); });
    row(QStringLiteral("requests per item"), [](const PatternFigures& f) { return ratioText(f.requestsPerItem); });
    row(QStringLiteral("empty answers (204)"),
        [](const PatternFigures& f) { return QString::number(f.metrics.emptyAnswers); });
    row(QStringLiteral("bytes on the wire"),
        [](const PatternFigures& f) { return QString::number(f.metrics.bytesOnWire); });
    row(QStringLiteral("bytes per item"), [](const PatternFigures& f) { return ratioText(f.bytesPerItem); });
    row(QStringLiteral("connections opened"),
        [](const PatternFigures& f) { return QString::number(f.metrics.connections); });
    row(QStringLiteral("peak open connections"),
        [](const PatternFigures& f) { return QString::number(f.metrics.peakOpenConnections); });
    row(QStringLiteral("lost messages"), [](const PatternFigures& f) { return QString::number(f.metrics.lost); });
    row(QStringLiteral("  close answers unheard"),
        [](const PatternFigures& f) { return QString::number(f.metrics.unheardCloseAnswers); });
    row(QStringLiteral("duplicate items"),
        [](const PatternFigures& f) { return QString::number(f.metrics.duplicates); });
    row(QStringLiteral("items never delivered"),
        [](const PatternFigures& f) { return QString::number(f.undelivered); });
    out() << u'\n';
    out() << QStringLiteral("Delays run from the item's \"produced\" note to the first copy reaching each client; "
                            "per item = per (client, item) delivered; bytes count both directions with headers.")
          << u'\n'
          << QStringLiteral("A close frame answering a peer that had already closed TCP (Qt 6.4 does not wait for "
                            "the answer) is counted as unheard, not lost.")
          << u'\n';
    out() << QStringLiteral("Theory (L = latency, P = poll interval):") << u'\n';
    for (const Column& c : columns) {
        const PatternFigures& f = c.figures;
        if (!f.theory.isKnown())
            continue;
        out() << QStringLiteral("  %1: %2 - %3").arg(f.patternId, f.theory.formula, f.theory.why);
        if (!f.meetsTheory())
            out() << QStringLiteral(" [measured mean %1 is OUTSIDE %2]")
                         .arg(delayText(f.metrics.delivery.mean), theoryRange(f.theory));
        out() << u'\n';
    }
    out() << Qt::flush;
}

QJsonValue usValue(TimeUs us)
{
    return us == NoTime ? QJsonValue() : QJsonValue(qint64(us));
}

QJsonObject columnJson(const Column& c)
{
    const PatternFigures& f = c.figures;
    const Metrics& m = f.metrics;
    QJsonObject parameters;
    for (const auto& [name, value] : c.parameters)
        parameters.insert(name, value);
    return {
        { QStringLiteral("pattern"), f.patternId },
        { QStringLiteral("trace"), c.traceFile },
        { QStringLiteral("parameters"), parameters },
        { QStringLiteral("itemsProduced"), qint64(m.itemsProduced) },
        { QStringLiteral("clients"), qint64(f.clients) },
        { QStringLiteral("deliveries"), qint64(m.deliveries) },
        { QStringLiteral("delayUs"),
            QJsonObject { { QStringLiteral("count"), qint64(m.delivery.count) },
                { QStringLiteral("mean"), usValue(m.delivery.mean) },
                { QStringLiteral("p50"), usValue(m.delivery.p50) }, { QStringLiteral("p95"), usValue(m.delivery.p95) },
                { QStringLiteral("max"), usValue(m.delivery.max) } } },
        { QStringLiteral("requests"), qint64(m.requests) },
        { QStringLiteral("requestsPerItem"), f.requestsPerItem },
        { QStringLiteral("emptyAnswers"), qint64(m.emptyAnswers) },
        { QStringLiteral("bytesOnWire"), m.bytesOnWire },
        { QStringLiteral("bytesPerItem"), f.bytesPerItem },
        { QStringLiteral("connections"), qint64(m.connections) },
        { QStringLiteral("peakOpenConnections"), qint64(m.peakOpenConnections) },
        { QStringLiteral("messages"), qint64(m.messages) },
        { QStringLiteral("lostMessages"), qint64(m.lost) },
        { QStringLiteral("unheardCloseAnswers"), qint64(m.unheardCloseAnswers) },
        { QStringLiteral("duplicates"), qint64(m.duplicates) },
        { QStringLiteral("undelivered"), qint64(f.undelivered) },
        { QStringLiteral("theory"),
            QJsonObject { { QStringLiteral("formula"), f.theory.formula },
                { QStringLiteral("expectedMeanUs"), usValue(f.theory.expected) },
                { QStringLiteral("meanLowUs"), usValue(f.theory.low) },
                { QStringLiteral("meanHighUs"), usValue(f.theory.high) }, { QStringLiteral("why"), f.theory.why },
                { QStringLiteral("meanWithin"), f.meetsTheory() } } },
    };
}

void printJson(const QList<Column>& columns, const Workload& workload, qint64 drainMs)
{
    QJsonArray patterns;
    for (const Column& c : columns)
        patterns.append(columnJson(c));
    QJsonObject root { { QStringLiteral("patterns"), patterns } };
    if (drainMs >= 0) {
        QJsonObject settings;
        for (const auto& [name, value] : workload.settings)
            settings.insert(name, value);
        QJsonArray cuts;
        for (qint64 at : workload.cutsAtMs)
            cuts.append(at);
        root.insert(QStringLiteral("workload"),
            QJsonObject { { QStringLiteral("seed"), QString::number(workload.seed) },
                { QStringLiteral("durationMs"), workload.durationMs }, { QStringLiteral("drainMs"), drainMs },
                { QStringLiteral("settings"), settings }, { QStringLiteral("cutsAtMs"), cuts } });
    }
    out() << QJsonDocument(root).toJson(QJsonDocument::Indented) << Qt::flush;
}

// Ctrl+C and SIGTERM stop the runs gracefully: the traces are closed and the table printed for what
// was recorded.
int g_stopPipe[2] = { -1, -1 };
bool g_stoppedEarly = false;

void onStopSignal(int)
{
    const char byte = 1;
    [[maybe_unused]] const auto written = ::write(g_stopPipe[1], &byte, 1);
}

void stopOnSignals(ComparisonRun* comparison)
{
    if (::pipe(g_stopPipe) != 0)
        return;
    auto* notifier = new QSocketNotifier(g_stopPipe[0], QSocketNotifier::Read, comparison);
    QObject::connect(notifier, &QSocketNotifier::activated, comparison, [comparison, notifier] {
        notifier->setEnabled(false);
        g_stoppedEarly = true;
        comparison->stop();
    });
    std::signal(SIGINT, onStopSignal);
    std::signal(SIGTERM, onStopSignal);
}

// The figures again from trace files alone: what a reader of the files can check.
int fromTraces(const QString& directory, bool json)
{
    const QDir dir(directory);
    if (!dir.exists())
        return fail(kCommand, QStringLiteral("--from: no directory '%1'").arg(directory), Usage);
    QList<Column> columns;
    const QStringList files = dir.entryList({ QStringLiteral("*") + kSuffix }, QDir::Files, QDir::Name);
    for (const QString& name : files) {
        Trace trace;
        TraceHeader header;
        TraceReader reader;
        const QString path = dir.filePath(name);
        if (!reader.read(path, &trace, &header))
            return fail(kCommand, QStringLiteral("cannot read '%1'").arg(path));
        const PatternInfo* info = PatternRegistry::find(header.pattern);
        if (!info || !ComparisonRun::comparablePatterns().contains(header.pattern))
            continue;
        ParameterSet parameters(info->parameters);
        for (const auto& [key, value] : header.parameters) {
            QString reason;
            if (parameters.spec(key) && !parameters.assign(QString(key + u'=' + value), &reason))
                return fail(kCommand, QStringLiteral("'%1': %2").arg(path, reason));
        }
        columns.append({ figuresFor(header.pattern, trace, parameters), header.parameters, path });
    }
    if (columns.isEmpty())
        return fail(kCommand, QStringLiteral("--from: no trace of a comparable pattern in '%1'").arg(directory));
    const QStringList order = ComparisonRun::comparablePatterns();
    std::stable_sort(columns.begin(), columns.end(), [&](const Column& a, const Column& b) {
        return order.indexOf(a.figures.patternId) < order.indexOf(b.figures.patternId);
    });
    if (json)
        printJson(columns, {}, -1);
    else
        printTable(columns, {}, -1);
    return Ok;
}

} // namespace

int compareCommand(const QStringList& arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Runs item-delivering patterns at once, each on its own link, on one workload (the same "
                       "seeded producer schedule, clients, latency and cuts), writes each trace and prints "
                       "their figures beside what theory expects. Comparable: %1.")
            .arg(ComparisonRun::comparablePatterns().join(QStringLiteral(", "))));
    parser.addPositionalArgument(QStringLiteral("patterns"), QStringLiteral("One or more of the comparable patterns."),
        QStringLiteral("PATTERN..."));
    const QCommandLineOption duration(QStringLiteral("duration"),
        QStringLiteral("How long items are produced (1s to 24h); the runs go on a little longer so the last item "
                       "arrives."),
        QStringLiteral("time"), QStringLiteral("20s"));
    const QCommandLineOption seed(QStringLiteral("seed"),
        QStringLiteral("Seed of the producer schedule, ids and jitter: same seed, same items."), QStringLiteral("N"),
        QStringLiteral("1"));
    const QCommandLineOption set(QStringLiteral("set"),
        QStringLiteral("A parameter for every pattern that has it, e.g. latency=100ms (repeatable); clients=N is the "
                       "number of subscribers for publish-subscribe."),
        QStringLiteral("name=value"));
    const QCommandLineOption cut(QStringLiteral("cut"),
        QStringLiteral("Cut every link of every run at this time (repeatable), e.g. --cut 8s."),
        QStringLiteral("time"));
    const QCommandLineOption output({ QStringLiteral("o"), QStringLiteral("output") },
        QStringLiteral("Directory for the traces, PATTERN.pstrace.jsonl each (default: compare-seedN)."),
        QStringLiteral("dir"));
    const QCommandLineOption json(QStringLiteral("json"), QStringLiteral("Print the figures as JSON."));
    const QCommandLineOption from(QStringLiteral("from"),
        QStringLiteral("Run nothing: recompute the figures from the traces in this directory."), QStringLiteral("dir"));
    parser.addOptions({ duration, seed, set, cut, output, json, from });
    if (int code = parseOptions(parser, kCommand, arguments); code >= 0)
        return code;

    if (parser.isSet(from)) {
        if (!parser.positionalArguments().isEmpty())
            return fail(kCommand, QStringLiteral("--from reads traces: name no patterns"), Usage);
        return fromTraces(parser.value(from), parser.isSet(json));
    }

    Workload workload;
    QString reason;
    if (!parseDurationMs(parser.value(duration), &workload.durationMs, &reason))
        return fail(kCommand, QStringLiteral("--duration: ") + reason, Usage);
    if (workload.durationMs < 1000 || workload.durationMs > 24 * 3600 * 1000)
        return fail(kCommand,
            QStringLiteral("--duration: %1 is out of range (1s to 24h)").arg(formatDurationMs(workload.durationMs)),
            Usage);
    bool ok = false;
    workload.seed = parser.value(seed).toULongLong(&ok);
    if (!ok)
        return fail(kCommand,
            QStringLiteral("--seed: '%1' is not a whole number from 0 to 18446744073709551615").arg(parser.value(seed)),
            Usage);
    for (const QString& assignment : parser.values(set)) {
        const qsizetype eq = assignment.indexOf(u'=');
        if (eq <= 0)
            return fail(kCommand, QStringLiteral("--set: '%1' is not name=value").arg(assignment), Usage);
        workload.settings.append({ assignment.left(eq).trimmed(), assignment.mid(eq + 1).trimmed() });
    }
    for (const QString& text : parser.values(cut)) {
        qint64 at = 0;
        if (!parseDurationMs(text, &at, &reason))
            return fail(kCommand, QStringLiteral("--cut: ") + reason, Usage);
        if (at <= 0 || at >= workload.durationMs)
            return fail(kCommand,
                QStringLiteral("--cut: %1 is outside the run (after 0 s, before the --duration %2)")
                    .arg(formatDurationMs(at), formatDurationMs(workload.durationMs)),
                Usage);
        workload.cutsAtMs.append(at);
    }
    const QStringList patterns = parser.positionalArguments();
    const QString comparable = ComparisonRun::comparablePatterns().join(QStringLiteral(", "));
    if (patterns.isEmpty())
        return fail(kCommand, QStringLiteral("which patterns? (one or more of: %1)").arg(comparable), Usage);
    for (const QString& id : patterns) {
        if (!PatternRegistry::find(id))
            return fail(kCommand, QStringLiteral("unknown pattern '%1' (comparable: %2)").arg(id, comparable), Usage);
        if (!ComparisonRun::comparablePatterns().contains(id))
            return fail(kCommand,
                QStringLiteral("'%1' cannot be compared: it does not deliver a stream of items (comparable: %2)")
                    .arg(id, comparable),
                Usage);
    }
    if (QSet<QString>(patterns.begin(), patterns.end()).size() != patterns.size())
        return fail(kCommand, QStringLiteral("a pattern is named twice: %1").arg(patterns.join(u' ')), Usage);
    // The patterns are fine, so what is left to refuse is a setting.
    if (!ComparisonRun::validate(patterns, workload, &reason))
        return fail(kCommand, QStringLiteral("--set: ") + reason, Usage);

    const QString directory
        = parser.isSet(output) ? parser.value(output) : QStringLiteral("compare-seed%1").arg(workload.seed);
    if (!QDir().mkpath(directory))
        return fail(kCommand, QStringLiteral("-o: cannot create the directory '%1'").arg(directory));

    ComparisonRun comparison;
    if (!comparison.start(patterns, workload, &reason))
        return fail(kCommand, reason);
    // Each trace streams to its file as it is recorded: attaching writes what the first moments held.
    std::vector<std::unique_ptr<TraceWriter>> writers;
    QList<Column> columns;
    for (int i = 0; i < comparison.count(); ++i) {
        TraceHeader header;
        header.appVersion = QCoreApplication::applicationVersion();
        header.pattern = comparison.patternId(i);
        header.parameters = comparison.parameters(i).formatted();
        header.seed = workload.seed;
        header.startedAt = comparison.run(i)->startedAt();
        const QString path = QDir(directory).filePath(comparison.patternId(i) + kSuffix);
        auto writer = std::make_unique<TraceWriter>();
        if (!writer->open(path, header)) {
            comparison.stop();
            return fail(kCommand, writer->errorString());
        }
        writer->attach(comparison.run(i)->trace());
        writers.push_back(std::move(writer));
        columns.append({ {}, header.parameters, path });
    }
    if (!parser.isSet(json)) {
        out() << QStringLiteral("comparing %1 for %2 (+%3 to drain); traces go to %4/")
                     .arg(patterns.join(QStringLiteral(", ")), formatDurationMs(workload.durationMs),
                         formatDurationMs(comparison.drainMs()), directory)
              << Qt::endl;
    }
    QObject::connect(&comparison, &ComparisonRun::finished, QCoreApplication::instance(), &QCoreApplication::quit);
    stopOnSignals(&comparison);
    QCoreApplication::exec();

    for (size_t i = 0; i < writers.size(); ++i) {
        writers[i]->detach();
        if (!writers[i]->close())
            return fail(kCommand,
                QStringLiteral("writing '%1' failed: %2").arg(writers[i]->fileName(), writers[i]->errorString()));
    }
    for (int i = 0; i < comparison.count(); ++i)
        columns[i].figures = comparison.figures(i);
    if (g_stoppedEarly) {
        const TimeUs end = comparison.run(0)->trace()->endTime();
        err() << QStringLiteral("patternscope compare: stopped at %1 s; the figures cover what was recorded")
                     .arg(double(end) / 1e6, 0, 'f', 1)
              << Qt::endl;
    }
    if (parser.isSet(json))
        printJson(columns, workload, comparison.drainMs());
    else
        printTable(columns, workload, comparison.drainMs());
    return Ok;
}

} // namespace PatternScope::CommandLine
