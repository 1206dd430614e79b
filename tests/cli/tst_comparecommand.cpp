// SPDX-License-Identifier: GPL-3.0-or-later
// patternscope compare as a user meets it: the real binary, run as a child process.
#include "clirun.h"
#include "waituntil.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <csignal>

namespace {

using Result = PatternScope::Test::CliResult;

Result runCli(const QStringList& arguments, const QString& workingDirectory = QString(), int timeoutMs = 90000)
{
    return PatternScope::Test::runProgram(QStringLiteral(PATTERNSCOPE_BINARY), arguments, timeoutMs, workingDirectory);
}

QJsonArray patternsOf(const QString& json)
{
    return QJsonDocument::fromJson(json.toUtf8()).object().value(QStringLiteral("patterns")).toArray();
}

} // namespace

class TestCompareCommand : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void badInputFailsCleanly_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<QString>("message");
        const QString sp = QStringLiteral("short-polling");
        const QString ws = QStringLiteral("websockets");
        QTest::addRow("no patterns") << QStringList {}
                                     << QStringLiteral("which patterns? (one or more of: short-polling, long-polling");
        QTest::addRow("not comparable")
            << QStringList { sp, QStringLiteral("request-response") }
            << QStringLiteral("'request-response' cannot be compared: it does not deliver a stream of items "
                              "(comparable: short-polling, long-polling, server-sent-events, websockets, "
                              "publish-subscribe)");
        QTest::addRow("unknown pattern") << QStringList { QStringLiteral("telepathy") }
                                         << QStringLiteral("unknown pattern 'telepathy' (comparable: short-polling");
        QTest::addRow("twice") << QStringList { ws, ws } << QStringLiteral("a pattern is named twice");
        QTest::addRow("unknown parameter") << QStringList { sp, ws, QStringLiteral("--set"), QStringLiteral("hold=1s") }
                                           << QStringLiteral("--set: no pattern here has a parameter 'hold'");
        QTest::addRow("out of range") << QStringList { sp, ws, QStringLiteral("--set"), QStringLiteral("latency=11s") }
                                      << QStringLiteral("--set: latency: 11s is out of range (0ms to 10s)");
        QTest::addRow("not name=value") << QStringList { sp, QStringLiteral("--set"), QStringLiteral("latency") }
                                        << QStringLiteral("--set: 'latency' is not name=value");
        QTest::addRow("bad duration") << QStringList { sp, QStringLiteral("--duration"), QStringLiteral("soon") }
                                      << QStringLiteral("--duration: 'soon' is not a duration");
        QTest::addRow("duration out of range") << QStringList { sp, QStringLiteral("--duration"),
            QStringLiteral("500ms") } << QStringLiteral("--duration: 500ms is out of range (1s to 24h)");
        QTest::addRow("cut after the end") << QStringList { sp, QStringLiteral("--duration"), QStringLiteral("5s"),
            QStringLiteral("--cut"), QStringLiteral("9s") }
                                           << QStringLiteral("--cut: 9s is outside the run");
        QTest::addRow("bad seed") << QStringList { sp, QStringLiteral("--seed"), QStringLiteral("-1") }
                                  << QStringLiteral("--seed: '-1' is not a whole number");
        QTest::addRow("from and patterns") << QStringList { sp, QStringLiteral("--from"), QStringLiteral(".") }
                                           << QStringLiteral("--from reads traces: name no patterns");
    }

    // Exit code 2, nothing on stdout, one line on stderr naming the flag, and no directory made.
    void badInputFailsCleanly()
    {
        QFETCH(QStringList, arguments);
        QFETCH(QString, message);
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const Result r = runCli(QStringList { QStringLiteral("compare") } + arguments, dir.path());
        QCOMPARE(r.exitCode, 2);
        QCOMPARE(r.out, QString());
        QVERIFY2(r.err.startsWith(QStringLiteral("patternscope compare: ") + message), qPrintable(r.err));
        QCOMPARE(r.err.count(u'\n'), 1);
        QVERIFY2(QDir(dir.path()).isEmpty(), qPrintable(QDir(dir.path()).entryList().join(u' ')));
    }

    // A short comparison writes one trace per pattern, and the figures it printed come back the same
    // from those files alone.
    void figuresRecomputeFromTheTraces()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString out = dir.filePath(QStringLiteral("run"));
        const Result r
            = runCli({ QStringLiteral("compare"), QStringLiteral("short-polling"), QStringLiteral("server-sent-events"),
                QStringLiteral("websockets"), QStringLiteral("--duration"), QStringLiteral("2s"),
                QStringLiteral("--seed"), QStringLiteral("5"), QStringLiteral("--set"), QStringLiteral("latency=20ms"),
                QStringLiteral("--set"), QStringLiteral("produce=200ms"), QStringLiteral("--set"),
                QStringLiteral("poll=100ms"), QStringLiteral("-o"), out, QStringLiteral("--json") });
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(r.err, QString());
        const QJsonObject root = QJsonDocument::fromJson(r.out.toUtf8()).object();
        QCOMPARE(root.value(QStringLiteral("workload")).toObject().value(QStringLiteral("seed")).toString(),
            QStringLiteral("5"));
        const QJsonArray patterns = root.value(QStringLiteral("patterns")).toArray();
        QCOMPARE(patterns.size(), 3);
        const qint64 produced = patterns.at(0).toObject().value(QStringLiteral("itemsProduced")).toInteger();
        QVERIFY(produced > 0);
        for (const QJsonValue& v : patterns) {
            const QJsonObject p = v.toObject();
            QVERIFY(QFile::exists(p.value(QStringLiteral("trace")).toString()));
            QCOMPARE(p.value(QStringLiteral("itemsProduced")).toInteger(), produced);
            QCOMPARE(p.value(QStringLiteral("deliveries")).toInteger(), produced);
            QVERIFY(p.value(QStringLiteral("theory")).toObject().contains(QStringLiteral("meanLowUs")));
        }
        QVERIFY(QFile::exists(out + QStringLiteral("/short-polling.pstrace.jsonl")));
        QVERIFY(QFile::exists(out + QStringLiteral("/server-sent-events.pstrace.jsonl")));
        // WebSockets ends with a close handshake Qt 6.4 does not wait out: its answer is unheard, not lost.
        const QJsonObject ws = patterns.at(2).toObject();
        QCOMPARE(ws.value(QStringLiteral("lostMessages")).toInteger(), 0);
        QVERIFY(ws.value(QStringLiteral("unheardCloseAnswers")).toInteger() <= 1);

        const Result again
            = runCli({ QStringLiteral("compare"), QStringLiteral("--from"), out, QStringLiteral("--json") });
        QCOMPARE(again.exitCode, 0);
        QCOMPARE(patternsOf(again.out), patterns);

        // And a reader of the files, with the definitions in docs/patterns/figures.py and no PatternScope
        // code, gets the same numbers.
        if (QStandardPaths::findExecutable(QStringLiteral("python3")).isEmpty())
            QSKIP("python3 is not installed");
        QProcess python;
        python.start(QStringLiteral("python3"),
            { QStringLiteral(PATTERNSCOPE_SOURCE_DIR "/docs/patterns/figures.py"),
                out + QStringLiteral("/short-polling.pstrace.jsonl"),
                out + QStringLiteral("/server-sent-events.pstrace.jsonl"),
                out + QStringLiteral("/websockets.pstrace.jsonl") });
        QVERIFY(python.waitForFinished(30000));
        QCOMPARE(python.exitCode(), 0);
        const QJsonArray independent = QJsonDocument::fromJson(python.readAllStandardOutput()).array();
        QCOMPARE(independent.size(), 3);
        for (qsizetype i = 0; i < 3; ++i) {
            const QJsonObject mine = patterns.at(i).toObject();
            const QJsonObject theirs = independent.at(i).toObject();
            for (const QString& key : theirs.keys()) {
                if (key == QLatin1String("requestsPerItem") || key == QLatin1String("bytesPerItem"))
                    QVERIFY(qAbs(mine.value(key).toDouble() - theirs.value(key).toDouble()) < 1e-9);
                else
                    QVERIFY2(mine.value(key) == theirs.value(key), qPrintable(key));
            }
        }
    }

    void tableReadsLikeAReport()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString out = dir.filePath(QStringLiteral("run"));
        // A cut half-way: the items produced while the client waits its 1 s to reconnect arrive late,
        // so the mean lies far outside theory's (which assumes no cut) and the table must say so.
        const Result run = runCli({ QStringLiteral("compare"), QStringLiteral("websockets"),
            QStringLiteral("--duration"), QStringLiteral("2s"), QStringLiteral("--set"),
            QStringLiteral("produce=100ms"), QStringLiteral("--set"), QStringLiteral("arrivals=fixed"),
            QStringLiteral("--cut"), QStringLiteral("1s"), QStringLiteral("-o"), out });
        QCOMPARE(run.exitCode, 0);
        QVERIFY2(run.out.contains(QStringLiteral("every link cut at 1s")), qPrintable(run.out));
        QVERIFY2(run.out.contains(QStringLiteral(" ms !")), qPrintable(run.out));
        QVERIFY2(run.out.contains(QStringLiteral("[measured mean "))
                && run.out.contains(QStringLiteral("is OUTSIDE 250–27")),
            qPrintable(run.out));
        // The table says the same to a person, theory beside it.
        const Result table = runCli({ QStringLiteral("compare"), QStringLiteral("--from"), out });
        QCOMPARE(table.exitCode, 0);
        for (const char* row : { "delay mean", "theory", "websockets", "requests per item", "bytes per item",
                 "peak open connections", "items never delivered" })
            QVERIFY2(table.out.contains(QLatin1String(row)), row);
    }

    // Ctrl+C ends the runs gracefully: the traces are closed, the table covers what was recorded.
    void interruptPrintsWhatWasRecorded()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        QProcess process;
        process.start(QStringLiteral(PATTERNSCOPE_BINARY),
            { QStringLiteral("compare"), QStringLiteral("long-polling"), QStringLiteral("websockets"),
                QStringLiteral("--duration"), QStringLiteral("60s"), QStringLiteral("--set"),
                QStringLiteral("produce=100ms"), QStringLiteral("-o"), dir.path() });
        QVERIFY(process.waitForReadyRead(10000));
        QVERIFY(process.readLine().startsWith("comparing long-polling, websockets"));
        // Once an item has reached the WebSocket client (its trace streams to the file), interrupt.
        const QString trace = dir.filePath(QStringLiteral("websockets.pstrace.jsonl"));
        QVERIFY(PatternScope::Test::waitUntil(
            [&] {
                QFile file(trace);
                return file.open(QIODevice::ReadOnly) && file.readAll().contains("\"items\":[");
            },
            15000));
        ::kill(pid_t(process.processId()), SIGINT);
        QVERIFY(process.waitForFinished(20000));
        QCOMPARE(process.exitStatus(), QProcess::NormalExit);
        QCOMPARE(process.exitCode(), 0);
        const QString err = QString::fromUtf8(process.readAllStandardError());
        QVERIFY2(err.startsWith(QStringLiteral("patternscope compare: stopped at ")), qPrintable(err));
        const QString out = QString::fromUtf8(process.readAllStandardOutput());
        QVERIFY2(out.contains(QStringLiteral("delay mean")), qPrintable(out));
        QVERIFY(QFile::exists(dir.filePath(QStringLiteral("websockets.pstrace.jsonl"))));
        const Result again = runCli({ QStringLiteral("compare"), QStringLiteral("--from"), dir.path() });
        QCOMPARE(again.exitCode, 0);
        QVERIFY(again.out.contains(QStringLiteral("long-polling")));
    }

    void helpNamesTheComparablePatterns()
    {
        const Result r = runCli({ QStringLiteral("compare"), QStringLiteral("--help") });
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.out.contains(QStringLiteral("publish-subscribe")));
        QVERIFY(r.out.contains(QStringLiteral("--from")));
        const Result overview = runCli({ QStringLiteral("--help") });
        QVERIFY(overview.out.contains(QStringLiteral("compare P1 P2")));
    }
};

QTEST_GUILESS_MAIN(TestCompareCommand)
#include "tst_comparecommand.moc"
