// SPDX-License-Identifier: GPL-3.0-or-later
#include "clirun.h"
#include "exchanges.h"
#include "exportformats.h"
#include "pictures.h"
#include "trace.h"
#include "tracefiles.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QImage>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QProcessEnvironment>
#include <QSet>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <algorithm>
#include <vector>

using namespace PatternScope;

namespace {

using Result = PatternScope::Test::CliResult;

Result runCli(const QStringList& arguments, int timeoutMs = 60000,
    const QProcessEnvironment& environment = QProcessEnvironment::systemEnvironment())
{
    return PatternScope::Test::runProgram(
        QStringLiteral(PATTERNSCOPE_BINARY), arguments, timeoutMs, QString(), environment);
}

// Messages of this kind that brought items to a client.
int deliveredCarriers(const Trace& trace, Message::Kind carrier)
{
    return int(std::count_if(trace.messages().begin(), trace.messages().end(), [carrier](const Message& m) {
        return m.kind == carrier && m.carriesItems() && m.state == Message::State::Delivered;
    }));
}

// Records PATTERN for 3 s with these options and reads what it wrote into `trace`; `problems` is what
// reading the file said (see readTrace), or "not run" when the command failed.
Result recordFor3s(const QString& pattern, const QStringList& options, Trace* trace, QString* problems)
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("run.pstrace.jsonl"));
    const Result r
        = runCli(QStringList { QStringLiteral("record"), pattern, QStringLiteral("--duration"), QStringLiteral("3s") }
            + options + QStringList { QStringLiteral("-o"), path });
    *problems = r.exitCode == 0 ? Test::readTrace(path, trace) : QStringLiteral("not run");
    return r;
}

bool waitForLine(QProcess& process, const QString& start)
{
    for (int i = 0; i < 100 && !process.canReadLine(); ++i)
        process.waitForReadyRead(100);
    return process.canReadLine() && QString::fromUtf8(process.peek(4096)).startsWith(start);
}

// Starts `serve websockets --set latency=0ms -o path` and returns the port it serves on (0 on failure).
quint16 serveWebSockets(QProcess& serve, const QString& path)
{
    serve.start(QStringLiteral(PATTERNSCOPE_BINARY),
        { QStringLiteral("serve"), QStringLiteral("websockets"), QStringLiteral("--set"), QStringLiteral("latency=0ms"),
            QStringLiteral("-o"), path });
    if (!serve.waitForStarted() || !waitForLine(serve, QStringLiteral("serving websockets on ws://127.0.0.1:")))
        return 0;
    const QString banner = QString::fromUtf8(serve.readLine());
    return banner.section(u':', 2, 2).section(u' ', 0, 0).toUShort();
}

// An outside WebSocket client made by hand: the opening handshake, then whatever frames the test writes.
void openFloodClient(QTcpSocket& client, quint16 port)
{
    client.connectToHost(QHostAddress::LocalHost, port);
    QVERIFY(client.waitForConnected(10000));
    client.write("GET /feed?client=flood HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                 "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                 "Sec-WebSocket-Version: 13\r\n\r\n");
    QByteArray answer;
    while (!answer.contains("\r\n\r\n") && client.waitForReadyRead(10000))
        answer += client.readAll();
    QVERIFY2(answer.startsWith("HTTP/1.1 101"), answer.constData());
}

// Chats 1..count as masked client text frames (RFC 6455, 5.2), one after the other.
QByteArray chatFrames(int count)
{
    QByteArray flood;
    for (int i = 1; i <= count; ++i) {
        const QByteArray payload = QStringLiteral("{\"type\":\"chat\",\"id\":%1,\"text\":\"hello\"}").arg(i).toUtf8();
        flood += char(0x81);
        flood += char(0x80 | payload.size()); // masked, under 126 bytes
        const char mask[4] = { 0x12, 0x34, 0x56, 0x78 };
        flood.append(mask, 4);
        for (qsizetype b = 0; b < payload.size(); ++b)
            flood += char(payload.at(b) ^ mask[b % 4]);
    }
    return flood;
}

} // namespace

// What the bottom right corner of an exported picture shows: paper, a dark window, high contrast's black.
enum class Corner { White, Dark, Black };

class TestCli : public QObject {
    Q_OBJECT

private:
    // The rows of the *FailsCleanly tests: the arguments, with @OUT@ (a file in an empty temporary
    // folder) and @DIR@ (that folder) filled in, and how the command must fail.
    static void failureColumns()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<int>("exitCode");
        QTest::addColumn<QString>("message");
    }

    // A command refuses bad input the same way whichever it is: its exit code, nothing on stdout, one
    // line on stderr that names the problem, and no output presented as good.
    static void failsCleanly()
    {
        QFETCH(QStringList, arguments);
        QFETCH(int, exitCode);
        QFETCH(QString, message);
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        for (QString& a : arguments) {
            a.replace(QStringLiteral("@OUT@"), dir.filePath(QStringLiteral("out.pstrace.jsonl")));
            a.replace(QStringLiteral("@DIR@"), dir.path());
        }
        const Result r = runCli(arguments);
        QCOMPARE(r.exitCode, exitCode);
        QCOMPARE(r.out, QString());
        QVERIFY2(r.err.startsWith(message), qPrintable(r.err));
        QCOMPARE(r.err.count(u'\n'), 1);
        QVERIFY2(QDir(dir.path()).isEmpty(), qPrintable(QDir(dir.path()).entryList().join(u' ')));
    }

private Q_SLOTS:
    void listShowsPatternsAndParameters()
    {
        const Result r = runCli({ QStringLiteral("list") });
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(r.err, QString());
        QVERIFY(r.out.contains(QStringLiteral("request-response - Request-response")));
        for (const char* name : { "interval", "processing", "latency", "jitter", "body" })
            QVERIFY2(r.out.contains(QLatin1String(name)), name);
        QVERIFY(r.out.contains(QStringLiteral("default 250ms")));
        QVERIFY(r.out.contains(QStringLiteral("range 0ms to 10s")));
    }

    void recordWritesARealTrace()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString path = dir.filePath(QStringLiteral("run.pstrace.jsonl"));
        const Result r = runCli({ QStringLiteral("record"), QStringLiteral("request-response"),
            QStringLiteral("--duration"), QStringLiteral("4s"), QStringLiteral("--seed"), QStringLiteral("1"),
            QStringLiteral("--set"), QStringLiteral("latency=100ms"), QStringLiteral("-o"), path });
        QCOMPARE(r.err, QString());
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.out.startsWith(QStringLiteral("recorded ")));

        Trace trace;
        TraceHeader header;
        TraceReader reader;
        QVERIFY2(reader.read(path, &trace, &header), qPrintable(reader.errorString()));
        QCOMPARE(reader.warnings(), QStringList());
        QCOMPARE(header.pattern, QStringLiteral("request-response"));
        QCOMPARE(header.seed, quint64(1));
        QVERIFY(header.parameters.contains(qMakePair(QStringLiteral("latency"), QStringLiteral("100ms"))));

        QHash<QString, const Message*> requests;
        std::vector<TimeUs> delays;
        int pairs = 0;
        for (const Message& m : trace.messages()) {
            if (m.kind == Message::Kind::HttpRequest) {
                requests.insert(m.correlation, &m);
            } else if (m.kind == Message::Kind::HttpResponse) {
                const Message* request = requests.value(m.correlation);
                QVERIFY2(request, qPrintable(m.label));
                // The link holds each byte 100 ms: never much less; more only as late as a loaded machine
                // runs the timer (a CI neighbour compiling on both cores added 10+ ms here, and once a
                // stall of 88 ms to one message beside the package tests). One late message is the machine;
                // a typical one late, or any under 95 ms, is the link.
                for (const Message* each : { request, &m }) {
                    const TimeUs delay = each->oneWayDelay();
                    QVERIFY2(delay >= 95'000 && delay <= 400'000,
                        qPrintable(QStringLiteral("%1: %2 µs one way").arg(each->label).arg(delay)));
                    delays.push_back(delay);
                }
                ++pairs;
            }
        }
        QVERIFY2(pairs >= 3, qPrintable(QString::number(pairs)));
        std::sort(delays.begin(), delays.end());
        const TimeUs median = delays[delays.size() / 2];
        QVERIFY2(median <= 125'000, qPrintable(QStringLiteral("median %1 µs one way").arg(median)));
    }

    // Each pattern with its defaults, and with options set, one of them (poll) short polling's own.
    void recordEachPattern_data()
    {
        QTest::addColumn<QString>("pattern");
        QTest::addColumn<Message::Kind>("carrier"); // the kind of message that brings items to clients
        QTest::addColumn<QStringList>("options");
        const QStringList set { QStringLiteral("--set"), QStringLiteral("latency=50ms"), QStringLiteral("--set"),
            QStringLiteral("produce=300ms"), QStringLiteral("--set"), QStringLiteral("poll=500ms") };
        const QStringList defaults { QStringLiteral("--seed"), QStringLiteral("4"), QStringLiteral("--set"),
            QStringLiteral("produce=300ms") };
        const std::pair<const char*, Message::Kind> patterns[] = { { "short-polling", Message::Kind::HttpResponse },
            { "long-polling", Message::Kind::HttpResponse }, { "server-sent-events", Message::Kind::SseEvent },
            { "websockets", Message::Kind::WsText }, { "publish-subscribe", Message::Kind::Deliver } };
        for (const auto& [pattern, carrier] : patterns) {
            QTest::addRow("%s, options set", pattern) << QString::fromLatin1(pattern) << carrier << set;
            QTest::addRow("%s, defaults", pattern) << QString::fromLatin1(pattern) << carrier << defaults;
        }
    }

    void recordEachPattern()
    {
        QFETCH(QString, pattern);
        QFETCH(Message::Kind, carrier);
        QFETCH(QStringList, options);
        Trace trace;
        QString problems;
        const Result r = recordFor3s(pattern, options, &trace, &problems);
        // poll is short polling's own parameter; the others reject it by name.
        if (options.contains(QStringLiteral("poll=500ms")) && pattern != QStringLiteral("short-polling")) {
            QCOMPARE(r.exitCode, 2);
            QVERIFY(r.err.contains(QStringLiteral("unknown parameter 'poll'")));
            return;
        }
        QCOMPARE(r.err, QString());
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(problems, QString());
        const int carried = deliveredCarriers(trace, carrier);
        QVERIFY2(carried >= 2, qPrintable(QString::number(carried)));
        // A finished run leaves nothing in flight: every client hung up cleanly.
        QCOMPARE(trace.inFlightCount(), 0);
    }

    // A run that cannot start (its port is taken) fails with the reason and leaves the trace already at the
    // output path as it was: an earlier recording is not lost to a typo in --port.
    void aRunThatCannotStartKeepsAnEarlierTrace_data()
    {
        QTest::addColumn<QStringList>("arguments"); // @PORT@ is a port that is taken, @OUT@ the existing trace
        QTest::addColumn<QString>("error");
        QTest::newRow("serve") << QStringList { QStringLiteral("serve"), QStringLiteral("short-polling"),
            QStringLiteral("--port"), QStringLiteral("@PORT@"), QStringLiteral("-o"), QStringLiteral("@OUT@") }
                               << QStringLiteral("patternscope serve: cannot start short-polling: cannot listen");
        QTest::newRow("proxy") << QStringList { QStringLiteral("proxy"), QStringLiteral("--to"),
            QStringLiteral("127.0.0.1:9"), QStringLiteral("--listen"), QStringLiteral("127.0.0.1:@PORT@"),
            QStringLiteral("-o"), QStringLiteral("@OUT@") } << QStringLiteral("patternscope proxy: --listen: ");
    }

    void aRunThatCannotStartKeepsAnEarlierTrace()
    {
        QFETCH(QStringList, arguments);
        QFETCH(QString, error);
        QTcpServer taken;
        QVERIFY(taken.listen(QHostAddress::LocalHost, 0));
        QTemporaryDir dir;
        const QString out = dir.filePath(QStringLiteral("earlier.pstrace.jsonl"));
        QFile earlier(out);
        QVERIFY(earlier.open(QIODevice::WriteOnly));
        const QByteArray content = "an earlier recording\n";
        earlier.write(content);
        earlier.close();
        for (QString& argument : arguments) {
            argument.replace(QStringLiteral("@PORT@"), QString::number(taken.serverPort()));
            argument.replace(QStringLiteral("@OUT@"), out);
        }
        const Result r = runCli(arguments);
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.startsWith(error), qPrintable(r.err));
        QVERIFY(earlier.open(QIODevice::ReadOnly));
        QCOMPARE(earlier.readAll(), content);
    }

    void servePrintsAFloodAsACount()
    {
        // A flood of WebSocket messages: serve prints at most 20 a second and counts the rest, and the
        // trace still has every one of them.
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("flood.pstrace.jsonl"));
        QProcess serve;
        const quint16 port = serveWebSockets(serve, path);
        QVERIFY(port > 0);

        // An outside client: the opening handshake by hand, then every chat in one write.
        QTcpSocket client;
        openFloodClient(client, port);
        if (QTest::currentTestFailed())
            return;
        constexpr int kChats = 400;
        QElapsedTimer clock;
        clock.start();
        client.write(chatFrames(kChats));
        QVERIFY(client.waitForBytesWritten(10000));

        QByteArray output;
        for (int i = 0; i < 200 && !output.contains("more messages"); ++i) {
            serve.waitForReadyRead(100);
            output += serve.readAllStandardOutput();
        }
        const qint64 seconds = clock.elapsed() / 1000 + 1;
        serve.terminate();
        QVERIFY(serve.waitForFinished(15000));
        QCOMPARE(serve.exitCode(), 0);
        output += serve.readAllStandardOutput();
        QVERIFY2(output.contains("more messages"), output.right(2000).constData());
        const qsizetype lines = output.count("flood -> Server  chat ");
        QVERIFY2(lines >= 1 && lines <= 20 * (seconds + 1),
            qPrintable(QStringLiteral("%1 chat lines in about %2 s").arg(lines).arg(seconds)));

        Trace trace;
        TraceReader reader;
        QVERIFY2(reader.read(path, &trace), qPrintable(reader.errorString()));
        int chats = 0;
        for (const Message& m : trace.messages())
            chats += m.kind == Message::Kind::WsText && m.label.startsWith(QLatin1String("chat "))
                && m.state == Message::State::Delivered;
        QCOMPARE(chats, kChats);
    }

    void serveKilledInAFloodLeavesAReadablePrefix()
    {
        // kill -9 in the middle of a flood (docs/trace-format.md, "When the writer dies"): the file is
        // what was recorded up to then, whole lines, the last one perhaps cut short; it reads back, and
        // its chats are the first ones sent, in order, none missing in between. (How close to the kill
        // the newest line is, is a matter of timing: bench/kill_flood.py measures it.)
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("killed.pstrace.jsonl"));
        QProcess serve;
        const quint16 port = serveWebSockets(serve, path);
        QVERIFY(port > 0);
        QTcpSocket client;
        openFloodClient(client, port);
        if (QTest::currentTestFailed())
            return;
        constexpr int kChats = 200'000;
        client.write(chatFrames(kChats));
        // Killed once a good part is in the file, while the rest is still coming.
        qint64 seen = 0;
        QTRY_VERIFY_WITH_TIMEOUT((client.flush(), seen = QFileInfo(path).size()) >= 4'000'000, 60'000);
        serve.kill(); // SIGKILL
        QVERIFY(serve.waitForFinished(15000));
        QCOMPARE(serve.exitStatus(), QProcess::CrashExit);

        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray data = file.readAll();
        QVERIFY(data.size() >= seen); // what was in the file stays
        QList<QByteArray> split = data.split('\n');
        const QByteArray cut = split.takeLast(); // after the last newline: nothing, or a line cut short
        for (qsizetype i = 0; i < split.size(); ++i) {
            QJsonParseError error;
            QJsonDocument::fromJson(split.at(i), &error);
            QVERIFY2(error.error == QJsonParseError::NoError, qPrintable(QStringLiteral("line %1: %2: %3")
                                                                     .arg(i + 1)
                                                                     .arg(error.errorString(), QString::fromUtf8(split.at(i)))));
        }
        if (!cut.isEmpty()) {
            QJsonParseError error;
            QJsonDocument::fromJson(cut, &error);
            QVERIFY2(error.error != QJsonParseError::NoError, "a whole last line without its newline");
        }
        Trace trace;
        TraceReader reader;
        QVERIFY2(reader.read(path, &trace), qPrintable(reader.errorString()));
        qint64 expected = 1;
        for (const Message& m : trace.messages()) {
            if (m.kind == Message::Kind::WsText && m.label.startsWith(QLatin1String("chat "))) {
                QCOMPARE(m.label.toString().section(u' ', 1, 1).toLongLong(), expected);
                ++expected;
            }
        }
        QVERIFY2(expected > 1000, qPrintable(QString::number(expected - 1)));
    }

    void serveLetsOutsideClientsJoin()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("served.pstrace.jsonl"));
        QProcess serve;
        serve.start(QStringLiteral(PATTERNSCOPE_BINARY),
            { QStringLiteral("serve"), QStringLiteral("long-polling"), QStringLiteral("--set"),
                QStringLiteral("produce=200ms"), QStringLiteral("--set"), QStringLiteral("latency=20ms"),
                QStringLiteral("-o"), path });
        QVERIFY(serve.waitForStarted());
        // The first line names the URL to use.
        QVERIFY(waitForLine(serve, QStringLiteral("serving long-polling on http://127.0.0.1:")));
        const QString banner = QString::fromUtf8(serve.readLine());
        const quint16 port = banner.section(u':', 2, 2).section(u' ', 0, 0).toUShort();
        QVERIFY2(port > 0, qPrintable(banner));

        // Two clients, each with connections of its own, as two programs would have.
        for (const char* who : { "alice", "bob" }) {
            QNetworkAccessManager nam;
            QNetworkReply* reply = nam.get(QNetworkRequest(
                QUrl(QStringLiteral("http://127.0.0.1:%1/poll?since=0&client=%2").arg(port).arg(QLatin1String(who)))));
            QSignalSpy done(reply, &QNetworkReply::finished);
            QVERIFY(done.wait(10000));
            QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
            QVERIFY(reply->readAll().contains("\"items\""));
            delete reply;
        }
        serve.terminate(); // SIGTERM: a graceful stop that closes the trace
        QVERIFY(serve.waitForFinished(15000));
        QCOMPARE(serve.exitStatus(), QProcess::NormalExit);
        QCOMPARE(serve.exitCode(), 0);
        QVERIFY(serve.readAllStandardOutput().contains("alice -> Server  GET /poll?since=0&client=alice"));

        Trace trace;
        TraceReader reader;
        QVERIFY2(reader.read(path, &trace), qPrintable(reader.errorString()));
        QStringList names;
        for (const Participant& p : trace.participants())
            names.append(p.name);
        QVERIFY2(names.contains(QStringLiteral("alice")) && names.contains(QStringLiteral("bob")),
            qPrintable(names.join(u',')));
        int answered = 0;
        for (const Message& m : trace.messages()) {
            const QString to = trace.participant(m.to)->name;
            if (m.kind == Message::Kind::HttpResponse
                && (to == QStringLiteral("alice") || to == QStringLiteral("bob"))) {
                QCOMPARE(m.state, Message::State::Delivered); // the link saw it reach them
                QVERIFY(m.carriesItems());
                ++answered;
            }
        }
        QCOMPARE(answered, 2);
    }

    void badInputFailsCleanly_data()
    {
        failureColumns();
        const QString rr = QStringLiteral("request-response");
        const QString out = QStringLiteral("@OUT@");
        QTest::addRow("unknown pattern") << QStringList { QStringLiteral("record"), QStringLiteral("telepathy"),
            QStringLiteral("-o"), out } << 2
                                         << QStringLiteral("patternscope record: unknown pattern 'telepathy'");
        QTest::addRow("unknown parameter") << QStringList {
            QStringLiteral("record"), rr, QStringLiteral("--set"), QStringLiteral("speed=3"), QStringLiteral("-o"), out
        } << 2 << QStringLiteral("patternscope record: --set: unknown parameter 'speed'");
        QTest::addRow("out of range") << QStringList { QStringLiteral("record"), rr, QStringLiteral("--set"),
            QStringLiteral("latency=11s"), QStringLiteral("-o"),
            out } << 2 << QStringLiteral("patternscope record: --set: latency: 11s is out of range (0ms to 10s)");
        QTest::addRow("bad duration") << QStringList { QStringLiteral("record"), rr, QStringLiteral("--duration"),
            QStringLiteral("soon"), QStringLiteral("-o"),
            out } << 2 << QStringLiteral("patternscope record: --duration: 'soon' is not a duration");
        QTest::addRow("duration without unit") << QStringList {
            QStringLiteral("record"), rr, QStringLiteral("--duration"), QStringLiteral("4"), QStringLiteral("-o"), out
        } << 2 << QStringLiteral("patternscope record: --duration: '4' needs a unit");
        QTest::addRow("duration out of range") << QStringList {
            QStringLiteral("record"), rr, QStringLiteral("--duration"), QStringLiteral("2ms"), QStringLiteral("-o"), out
        } << 2 << QStringLiteral("patternscope record: --duration: 2ms is out of range (100ms to 24h)");
        QTest::addRow("bad seed") << QStringList { QStringLiteral("record"), rr, QStringLiteral("--seed"),
            QStringLiteral("x"), QStringLiteral("-o"), out }
                                  << 2 << QStringLiteral("patternscope record: --seed: 'x' is not a whole number");
        QTest::addRow("no output") << QStringList { QStringLiteral("record"), rr } << 2
                                   << QStringLiteral("patternscope record: missing -o FILE");
        QTest::addRow("unwritable output") << QStringList { QStringLiteral("record"), rr, QStringLiteral("--duration"),
            QStringLiteral("1s"), QStringLiteral("-o"), QStringLiteral("@DIR@/no/such/dir/run.pstrace.jsonl") }
                                           << 1 << QStringLiteral("patternscope record: ");
        QTest::addRow("unknown option") << QStringList { QStringLiteral("record"), QStringLiteral("--fast") } << 2
                                        << QStringLiteral("patternscope record: Unknown option 'fast'");
        QTest::addRow("unknown command") << QStringList { QStringLiteral("recrod") } << 2
                                         << QStringLiteral("patternscope: unknown command 'recrod'");
    }

    void badInputFailsCleanly() { failsCleanly(); }

    void screenshotRendersTheWindowOffscreen()
    {
        QTemporaryDir dir;
        const QString png = dir.filePath(QStringLiteral("window.png"));
        // No display needed: the screenshot is rendered offscreen whatever the environment says.
        const Result r = runCli({ QStringLiteral("--screenshot"), png, QStringLiteral("--pattern"),
            QStringLiteral("long-polling"), QStringLiteral("--after"), QStringLiteral("1500ms") });
        QCOMPARE(r.err.contains(QStringLiteral("patternscope:")), false);
        QCOMPARE(r.exitCode, 0);
        QImage image(png);
        QVERIFY(!image.isNull());
        QVERIFY(image.width() >= 800 && image.height() >= 500);
        // Not a blank picture: many distinct colours (text, arrows, boxes).
        const qsizetype colours = Test::distinctColours(image, 7);
        QVERIFY2(colours > 20, qPrintable(QString::number(colours)));
    }

    // `open` takes a browser's HAR as File → Import HAR does, whatever its name: Playwright's one-line HAR
    // saved as .json opens too, and so does `export` of it.
    void openAndExportTakeAHar()
    {
        QTemporaryDir dir;
        const QString har = QFINDTESTDATA("../files/data/har/playwright.har");
        const QString renamed = dir.filePath(QStringLiteral("recording.json"));
        QVERIFY(QFile::copy(har, renamed));
        for (const QString& input : { har, renamed }) {
            const QString png = dir.filePath(QStringLiteral("window.png"));
            QFile::remove(png);
            const Result r = runCli({ QStringLiteral("open"), input, QStringLiteral("--screenshot"), png,
                QStringLiteral("--after"), QStringLiteral("200ms") });
            QVERIFY2(!r.err.contains(QStringLiteral("patternscope:")), qPrintable(r.err));
            QCOMPARE(r.exitCode, 0);
            const QImage image(png);
            QVERIFY(!image.isNull());
            QVERIFY2(Test::distinctColours(image, 7) > 20, qPrintable(input));
        }
        const QString csv = dir.filePath(QStringLiteral("out.csv"));
        const Result r = runCli({ QStringLiteral("export"), renamed, QStringLiteral("-f"), QStringLiteral("csv"),
            QStringLiteral("-o"), csv });
        QCOMPARE(r.err, QString());
        QCOMPARE(r.exitCode, 0);
        QVERIFY(Test::readFile(csv).contains(",Browser,127.0.0.1:18931,ws-text,"));
        // What it could not use is named as parts of the HAR, not as lines.
        const Result skipped
            = runCli({ QStringLiteral("export"), QFINDTESTDATA("../files/data/har/entry-missing-request.har"),
                QStringLiteral("-f"), QStringLiteral("csv"), QStringLiteral("-o"), csv });
        QCOMPARE(skipped.exitCode, 0);
        QVERIFY2(skipped.err.startsWith(QStringLiteral("patternscope export: 2 part(s) of the HAR skipped, first: ")),
            qPrintable(skipped.err));
    }

    void windowOptionsFailCleanly_data()
    {
        failureColumns();
        QTest::addRow("unknown pattern") << QStringList { QStringLiteral("--pattern"), QStringLiteral("telepathy"),
            QStringLiteral("--screenshot"), QStringLiteral("@DIR@/x.png") }
                                         << 2 << QStringLiteral("patternscope: --pattern: unknown pattern 'telepathy'");
        QTest::addRow("bad after") << QStringList { QStringLiteral("--screenshot"), QStringLiteral("@DIR@/x.png"),
            QStringLiteral("--after"), QStringLiteral("soon") }
                                   << 2 << QStringLiteral("patternscope: --after: 'soon' is not a duration");
        QTest::addRow("missing trace") << QStringList { QStringLiteral("open"),
            QStringLiteral("/nonexistent/run.jsonl"), QStringLiteral("--screenshot"), QStringLiteral("@DIR@/x.png") }
                                       << 1 << QStringLiteral("patternscope: /nonexistent/run.jsonl: cannot open");
        QTest::addRow("bad detail") << QStringList {
            QStringLiteral("--detail"), QStringLiteral("full"), QStringLiteral("--screenshot"),
            QStringLiteral("@DIR@/x.png")
        } << 2 << QStringLiteral("patternscope: --detail: unknown level 'full' (one of: wire, textbook)");
        QTest::addRow("unknown parameter") << QStringList { QStringLiteral("--pattern"),
            QStringLiteral("long-polling"), QStringLiteral("--set"), QStringLiteral("colour=red"),
            QStringLiteral("--screenshot"), QStringLiteral("@DIR@/x.png") }
                                           << 2 << QStringLiteral("patternscope: --set: unknown parameter 'colour'");
        QTest::addRow("parameter out of range") << QStringList { QStringLiteral("--pattern"),
            QStringLiteral("long-polling"), QStringLiteral("--set"), QStringLiteral("clients=99"),
            QStringLiteral("--screenshot"), QStringLiteral("@DIR@/x.png") }
                                                << 2 << QStringLiteral("patternscope: --set: clients: ");
        QTest::addRow("set with compare") << QStringList { QStringLiteral("--compare"),
            QStringLiteral("short-polling,long-polling"), QStringLiteral("--set"), QStringLiteral("latency=10ms"),
            QStringLiteral("--screenshot"), QStringLiteral("@DIR@/x.png") }
                                          << 2 << QStringLiteral("patternscope: --set: applies to --pattern's run");
        QTest::addRow("bad seed") << QStringList { QStringLiteral("--seed"), QStringLiteral("-3"),
            QStringLiteral("--screenshot"), QStringLiteral("@DIR@/x.png") }
                                  << 2 << QStringLiteral("patternscope: --seed: '-3' is not a whole number");
        QTest::addRow("open without a file")
            << QStringList { QStringLiteral("open"), QStringLiteral("--screenshot"), QStringLiteral("@DIR@/x.png") }
            << 2 << QStringLiteral("patternscope: usage: patternscope open FILE");
        // Serving the window's pattern to a class: the same checks as serve --lan.
        QTest::addRow("port without lan") << QStringList { QStringLiteral("--port"), QStringLiteral("8123"),
            QStringLiteral("--screenshot"), QStringLiteral("@DIR@/x.png") }
                                          << 2 << QStringLiteral("patternscope: --port applies to --lan only");
        QTest::addRow("listen without lan") << QStringList { QStringLiteral("--listen"), QStringLiteral("127.0.0.1"),
            QStringLiteral("--screenshot"), QStringLiteral("@DIR@/x.png") }
                                            << 2 << QStringLiteral("patternscope: --listen applies to --lan only");
        QTest::addRow("lan port out of range") << QStringList { QStringLiteral("--lan"), QStringLiteral("--listen"),
            QStringLiteral("127.0.0.1"), QStringLiteral("--port"), QStringLiteral("70000"),
            QStringLiteral("--screenshot"), QStringLiteral("@DIR@/x.png") }
                                               << 2
                                               << QStringLiteral("patternscope: --port: '70000' is not a port number "
                                                                 "from 1 to 65535");
        QTest::addRow("lan too many clients") << QStringList { QStringLiteral("--lan"), QStringLiteral("--listen"),
            QStringLiteral("127.0.0.1"), QStringLiteral("--max-clients"), QStringLiteral("0"),
            QStringLiteral("--screenshot"), QStringLiteral("@DIR@/x.png") }
                                              << 2
                                              << QStringLiteral("patternscope: --max-clients: '0' is not a whole "
                                                                "number from 1 to 250");
        QTest::addRow("lan with compare") << QStringList { QStringLiteral("--lan"), QStringLiteral("--listen"),
            QStringLiteral("127.0.0.1"), QStringLiteral("--compare"), QStringLiteral("short-polling,long-polling"),
            QStringLiteral("--screenshot"), QStringLiteral("@DIR@/x.png") }
                                          << 2 << QStringLiteral("patternscope: --lan: serves --pattern to a class");
    }

    void windowOptionsFailCleanly() { failsCleanly(); }

    // Every row of the format table the window's dialog offers too.
    // A trace, and a HAR recorded by browser automation (Playwright's, whose frame times are milliseconds).
    void exportWritesEachFormat_data()
    {
        QTest::addColumn<QString>("input");
        QTest::addColumn<QString>("format");
        QTest::addColumn<QByteArray>("start"); // what a file of that format begins with
        const QHash<QString, QByteArray> starts { { QStringLiteral("mermaid"), "sequenceDiagram" },
            { QStringLiteral("plantuml"), "@startuml" }, { QStringLiteral("csv"), "seq," },
            { QStringLiteral("har"), "{" }, { QStringLiteral("svg"), "<?xml" }, { QStringLiteral("png"), "\x89PNG" },
            { QStringLiteral("pdf"), "%PDF" }, { QStringLiteral("webm"), "\x1a\x45\xdf\xa3" },
            { QStringLiteral("mp4"), "ftyp" }, { QStringLiteral("apng"), "\x89PNG" },
            { QStringLiteral("vtt"), "WEBVTT" } };
        for (const char* input : { "small.pstrace.jsonl", "har/playwright.har" }) {
            for (const QString& id : ExportFormats::ids())
                QTest::addRow("%s %s", input, qPrintable(id))
                    << QFINDTESTDATA(QStringLiteral("../files/data/") + QLatin1String(input)) << id << starts.value(id);
        }
    }

    void exportWritesEachFormat()
    {
        QFETCH(QString, input);
        QFETCH(QString, format);
        QFETCH(QByteArray, start);
        QVERIFY2(!start.isEmpty(), "a new format needs its first bytes in the _data function");
        QTemporaryDir dir;
        const QString out = dir.filePath(QStringLiteral("out.") + format);
        const bool video = ExportFormats::find(format)->kind == ExportFormat::Kind::Video;
        if (video && format != QLatin1String("apng")
            && QStandardPaths::findExecutable(QStringLiteral("ffmpeg")).isEmpty())
            QSKIP("ffmpeg is not installed (Debian package ffmpeg)");
        const Result r = runCli(
            { QStringLiteral("export"), input, QStringLiteral("--format"), format, QStringLiteral("-o"), out });
        if (video) {
            // A video says how far it got on stderr, and nothing else.
            const QStringList lines = r.err.split(u'\n', Qt::SkipEmptyParts);
            QVERIFY(!lines.isEmpty());
            for (const QString& line : lines)
                QVERIFY2(line.startsWith(QStringLiteral("patternscope export: ") + format) && line.contains(u'%'),
                    qPrintable(line));
            QVERIFY2(r.out.contains(QStringLiteral(" frames at 25 fps")), qPrintable(r.out));
        } else {
            QCOMPARE(r.err, QString());
        }
        QCOMPARE(r.exitCode, 0);
        QFile file(out);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray head = file.read(32);
        // An MP4 begins with its first box's size, then "ftyp".
        QVERIFY2((format == QLatin1String("mp4") ? head.mid(4) : head).startsWith(start), qPrintable(format));
    }

    void exportFailsCleanly_data()
    {
        failureColumns();
        const QString small = QFINDTESTDATA("../files/data/small.pstrace.jsonl");
        const QString broken = QFINDTESTDATA("../files/data/har/not-json.har");
        QTest::addRow("unknown format") << QStringList { QStringLiteral("export"), small, QStringLiteral("--format"),
            QStringLiteral("gif"), QStringLiteral("-o"), QStringLiteral("@DIR@/x.gif") }
                                        << 2 << QStringLiteral("patternscope export: unknown format 'gif' (one of:");
        QTest::addRow("missing input") << QStringList { QStringLiteral("export"),
            QStringLiteral("/nonexistent/t.jsonl"), QStringLiteral("-f"), QStringLiteral("csv"), QStringLiteral("-o"),
            QStringLiteral("@DIR@/x.csv") }
                                       << 1 << QStringLiteral("patternscope export: /nonexistent/t.jsonl: cannot open");
        QTest::addRow("broken har") << QStringList { QStringLiteral("export"), broken, QStringLiteral("-f"),
            QStringLiteral("mermaid"), QStringLiteral("-o"), QStringLiteral("@DIR@/x.mmd") }
                                    << 1 << QStringLiteral("patternscope export: ") + broken + u':';
        QTest::addRow("unwritable output")
            << QStringList { QStringLiteral("export"), small, QStringLiteral("-f"), QStringLiteral("svg"),
                   QStringLiteral("-o"), QStringLiteral("/nonexistent/dir/x.svg") }
            << 1 << QStringLiteral("patternscope export: cannot write /nonexistent/dir/x.svg");
        QTest::addRow("no output") << QStringList { QStringLiteral("export"), small, QStringLiteral("-f"),
            QStringLiteral("csv") } << 2
                                   << QStringLiteral("patternscope export: missing -o FILE");
        QTest::addRow("bad range") << QStringList { QStringLiteral("export"), small, QStringLiteral("-f"),
            QStringLiteral("csv"), QStringLiteral("-o"), QStringLiteral("@DIR@/x.csv"), QStringLiteral("--from"),
            QStringLiteral("soon") }
                                   << 2 << QStringLiteral("patternscope export: --from: 'soon' is not a duration");
        QTest::addRow("bad theme") << QStringList { QStringLiteral("export"), small, QStringLiteral("-f"),
            QStringLiteral("png"), QStringLiteral("-o"), QStringLiteral("@DIR@/x.png"), QStringLiteral("--theme"),
            QStringLiteral("sepia") }
                                   << 2
                                   << QStringLiteral("patternscope export: --theme: unknown theme 'sepia' (one of: "
                                                     "print, window, light, dark, contrast)");
        QTest::addRow("theme for text") << QStringList { QStringLiteral("export"), small, QStringLiteral("-f"),
            QStringLiteral("csv"), QStringLiteral("-o"), QStringLiteral("@DIR@/x.csv"), QStringLiteral("--theme"),
            QStringLiteral("window") } << 2
                                        << QStringLiteral("patternscope export: --format csv has no colours: --theme");
        const auto video = [&small](const char* format, const char* flag, const char* value) {
            return QStringList { QStringLiteral("export"), small, QStringLiteral("-f"), QLatin1String(format),
                QStringLiteral("-o"), QStringLiteral("@DIR@/x.") + QLatin1String(format), QLatin1String(flag),
                QLatin1String(value) };
        };
        QTest::addRow("speed too fast") << video("apng", "--speed", "20") << 2
                                        << QStringLiteral("patternscope export: --speed must be between 0.1 and 10");
        QTest::addRow("speed not a number")
            << video("webm", "--speed", "fast") << 2
            << QStringLiteral("patternscope export: --speed must be a number between 0.1 and 10 (times real time), "
                              "not 'fast'");
        QTest::addRow("size not WxH") << video("mp4", "--size", "720p") << 2
                                      << QStringLiteral("patternscope export: --size must be WIDTHxHEIGHT");
        QTest::addRow("size too large")
            << video("apng", "--size", "8000x4000") << 2
            << QStringLiteral("patternscope export: --size must be WIDTHxHEIGHT within 160x120 and 3840x2160, not "
                              "8000x4000");
        QTest::addRow("odd size for yuv420p")
            << video("mp4", "--size", "1279x720") << 2
            << QStringLiteral("patternscope export: --size 1279x720: MP4 (yuv420p) needs an even width and height");
        QTest::addRow("bad captions")
            << video("webm", "--captions", "subtitles") << 2
            << QStringLiteral("patternscope export: --captions: unknown value 'subtitles' (one of: burn, vtt, none)");
        QTest::addRow("size for captions") << video("vtt", "--size", "640x360") << 2
                                           << QStringLiteral("patternscope export: --format vtt is not a video");
        QTest::addRow("speed for a picture")
            << video("png", "--speed", "2") << 2 << QStringLiteral("patternscope export: --format png is not a video");
        QTest::addRow("vtt captions to stdout")
            << QStringList { QStringLiteral("export"), small, QStringLiteral("-f"), QStringLiteral("apng"),
                   QStringLiteral("-o"), QStringLiteral("-"), QStringLiteral("--captions"), QStringLiteral("vtt") }
            << 2 << QStringLiteral("patternscope export: --captions vtt writes OUT.vtt beside the video: give -o a file");
    }

    // `-o -` writes the export to standard output, byte for byte what `-o FILE` writes, and says what it did
    // on stderr, so the output can be piped.
    void exportToStandardOutput_data()
    {
        QTest::addColumn<QString>("format");
        for (const char* format : { "mermaid", "csv", "har", "png" })
            QTest::newRow(format) << QString::fromLatin1(format);
    }

    void exportToStandardOutput()
    {
        QFETCH(QString, format);
        const QString small = QFINDTESTDATA("../files/data/small.pstrace.jsonl");
        QTemporaryDir dir;
        const QString file = dir.filePath(QStringLiteral("out.") + format);
        const Result toFile = runCli({ QStringLiteral("export"), small, QStringLiteral("-f"), format,
            QStringLiteral("-o"), file });
        QCOMPARE(toFile.exitCode, 0);
        QFile written(file);
        QVERIFY(written.open(QIODevice::ReadOnly));
        const QByteArray expected = written.readAll();
        QVERIFY(!expected.isEmpty());

        // Read raw: a PNG on stdout is bytes, not text.
        QProcess process;
        process.setWorkingDirectory(dir.path());
        process.start(QStringLiteral(PATTERNSCOPE_BINARY),
            { QStringLiteral("export"), small, QStringLiteral("-f"), format, QStringLiteral("-o"), QStringLiteral("-") });
        QVERIFY(process.waitForFinished(60000));
        QCOMPARE(process.exitStatus(), QProcess::NormalExit);
        const QString err = QString::fromUtf8(process.readAllStandardError());
        QVERIFY2(process.exitCode() == 0, qPrintable(err));
        QCOMPARE(process.readAllStandardOutput(), expected);
        QVERIFY2(err.startsWith(QStringLiteral("exported ")) && err.contains(QStringLiteral(" to standard output")),
            qPrintable(err));
        // Nothing was left behind: no file named "-" in the working directory.
        QVERIFY(!QFile::exists(dir.filePath(QStringLiteral("-"))));
    }

    // Without ffmpeg, WebM and MP4 say so before anything is painted, naming the program and its package.
    void exportVideoWithoutFfmpegNamesIt_data()
    {
        QTest::addColumn<QString>("format");
        QTest::addRow("webm") << QStringLiteral("webm");
        QTest::addRow("mp4") << QStringLiteral("mp4");
    }

    void exportVideoWithoutFfmpegNamesIt()
    {
        QFETCH(QString, format);
        QTemporaryDir dir;
        QTemporaryDir emptyPath;
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.insert(QStringLiteral("PATH"), emptyPath.path());
        const Result r = runCli(
            { QStringLiteral("export"), QFINDTESTDATA("../files/data/small.pstrace.jsonl"), QStringLiteral("-f"),
                format, QStringLiteral("-o"), dir.filePath(QStringLiteral("x.") + format) },
            60000, environment);
        QCOMPARE(r.exitCode, 1);
        QCOMPARE(r.out, QString());
        QVERIFY2(r.err.startsWith(QStringLiteral("patternscope export: WebM and MP4 are encoded by ffmpeg")),
            qPrintable(r.err));
        QVERIFY2(r.err.contains(QStringLiteral("Debian package ffmpeg")), qPrintable(r.err));
        QCOMPARE(r.err.count(u'\n'), 1);
        QVERIFY(QDir(dir.path()).isEmpty());
    }

    void exportFailsCleanly() { failsCleanly(); }

    // A picture is light for print unless asked for the window's theme, which is the one the window is set to
    // (View → Theme, or the older dark switch), not the palette this console process happens to get; a video's
    // frames follow it alike.
    void exportThemeIsPrintUnlessWindowIsAsked_data()
    {
        QTest::addColumn<QByteArray>("settings");
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<int>("corner");
        const QByteArray oldDark("[view]\ndark=true\n");
        const QByteArray contrast("[view]\ntheme=contrast\n");
        const auto theme = [](const char* name) {
            return QStringList { QStringLiteral("--theme"), QLatin1String(name) };
        };
        QTest::addRow("default") << oldDark << QStringList() << int(Corner::White);
        QTest::addRow("print") << contrast << theme("print") << int(Corner::White);
        QTest::addRow("window, dark remembered the old way") << oldDark << theme("window") << int(Corner::Dark);
        QTest::addRow("Window") << oldDark << theme("Window") << int(Corner::Dark);
        QTest::addRow("window, high contrast") << contrast << theme("window") << int(Corner::Black);
        QTest::addRow("contrast named") << QByteArray("[view]\ntheme=light\n") << theme("contrast")
                                        << int(Corner::Black);
        QTest::addRow("dark named") << contrast << theme("dark") << int(Corner::Dark);
        QTest::addRow("video frames, high contrast")
            << contrast
            << QStringList { QStringLiteral("--theme"), QStringLiteral("window"), QStringLiteral("-f"),
                   QStringLiteral("apng"), QStringLiteral("--size"), QStringLiteral("320x180"),
                   QStringLiteral("--speed"), QStringLiteral("10") }
            << int(Corner::Black);
    }

    void exportThemeIsPrintUnlessWindowIsAsked()
    {
        QFETCH(QByteArray, settings);
        QFETCH(QStringList, arguments);
        QFETCH(int, corner);
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        QVERIFY(QDir(dir.path()).mkpath(QStringLiteral("config/PatternScope")));
        QFile file(dir.filePath(QStringLiteral("config/PatternScope/patternscope.conf")));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(settings);
        file.close();
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.insert(QStringLiteral("XDG_CONFIG_HOME"), dir.filePath(QStringLiteral("config")));
        // A picture unless the row names a video format.
        const qsizetype f = arguments.indexOf(QStringLiteral("-f"));
        if (f < 0)
            arguments << QStringLiteral("-f") << QStringLiteral("png");
        const QString out
            = dir.filePath(QStringLiteral("out.") + arguments.value(f < 0 ? arguments.size() - 1 : f + 1));
        const Result r = runCli(QStringList { QStringLiteral("export"),
                                    QFINDTESTDATA("../files/data/small.pstrace.jsonl"), QStringLiteral("-o"), out }
                + arguments,
            60000, environment);
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        // A video reports its progress; a picture says nothing.
        if (!out.endsWith(QLatin1String(".apng")))
            QCOMPARE(r.err, QString());
        const QImage image(out);
        QVERIFY(!image.isNull());
        const QColor pixel = image.pixelColor(image.width() - 1, image.height() - 1);
        switch (Corner(corner)) {
        case Corner::White:
            QCOMPARE(pixel, QColor(Qt::white));
            break;
        case Corner::Dark:
            QVERIFY2(pixel.lightness() < 60 && pixel != QColor(Qt::black), qPrintable(pixel.name()));
            break;
        case Corner::Black:
            QCOMPARE(pixel, QColor(Qt::black));
            break;
        }
    }

    void exportDetailFailsCleanly_data()
    {
        failureColumns();
        const QString small = QFINDTESTDATA("../files/data/small.pstrace.jsonl");
        QTest::addRow("unknown level") << QStringList { QStringLiteral("export"), small, QStringLiteral("-f"),
            QStringLiteral("svg"), QStringLiteral("-o"), QStringLiteral("@DIR@/x.svg"), QStringLiteral("--detail"),
            QStringLiteral("Full") } << 2
                                       << QStringLiteral("patternscope export: --detail: unknown level 'Full' (one "
                                                         "of: wire, textbook)");
        QTest::addRow("empty level") << QStringList {
            QStringLiteral("export"),
            small,
            QStringLiteral("-f"),
            QStringLiteral("mermaid"),
            QStringLiteral("-o"),
            QStringLiteral("@DIR@/x.mmd"),
            QStringLiteral("--detail="),
        } << 2 << QStringLiteral("patternscope export: --detail: unknown level '' (one of: wire, textbook)");
        QTest::addRow("not a diagram") << QStringList { QStringLiteral("export"), small, QStringLiteral("-f"),
            QStringLiteral("csv"), QStringLiteral("-o"), QStringLiteral("@DIR@/x.csv"), QStringLiteral("--detail"),
            QStringLiteral("textbook") }
                                       << 2
                                       << QStringLiteral("patternscope export: --format csv is not a diagram: no "
                                                         "--detail");
        QTest::addRow("har") << QStringList { QStringLiteral("export"), small, QStringLiteral("-f"),
            QStringLiteral("har"), QStringLiteral("-o"), QStringLiteral("@DIR@/x.har"), QStringLiteral("--detail"),
            QStringLiteral("wire") }
                             << 2 << QStringLiteral("patternscope export: --format har is not a diagram: no --detail");
    }

    void exportDetailFailsCleanly() { failsCleanly(); }

    // A recorded long-polling run exported at each level, and the window shown at the Textbook level.
    void detailLevelsOfARecordedRun()
    {
        QTemporaryDir dir;
        const QString trace = dir.filePath(QStringLiteral("lp.pstrace.jsonl"));
        const Result recorded
            = runCli({ QStringLiteral("record"), QStringLiteral("long-polling"), QStringLiteral("--duration"),
                QStringLiteral("3s"), QStringLiteral("--set"), QStringLiteral("latency=30ms"), QStringLiteral("--set"),
                QStringLiteral("hold=300ms"), QStringLiteral("--set"), QStringLiteral("produce=800ms"),
                QStringLiteral("--set"), QStringLiteral("arrivals=fixed"), QStringLiteral("-o"), trace });
        QCOMPARE(recorded.exitCode, 0);
        const auto exported = [&](const QString& format, const QStringList& detail) {
            const QString out = dir.filePath(QStringLiteral("out.") + format);
            QFile::remove(out);
            const Result r = runCli(
                QStringList { QStringLiteral("export"), trace, QStringLiteral("-f"), format, QStringLiteral("-o"), out }
                + detail);
            return r.exitCode == 0 && r.err.isEmpty() ? Test::readFile(out) : QByteArray("failed: ") + r.err.toUtf8();
        };
        const QStringList textbook { QStringLiteral("--detail"), QStringLiteral("textbook") };
        const QByteArray mermaid = exported(QStringLiteral("mermaid"), textbook);
        QVERIFY2(mermaid.contains(": Request\n"), mermaid.constData());
        QVERIFY(mermaid.contains(": Response (data ready)\n"));
        QVERIFY(mermaid.contains(": Response (no data)\n"));
        QVERIFY(mermaid.contains("participant P0 as Server\n")
            && mermaid.contains("Note right of P0: Wait until data is ready\n"));
        QVERIFY(!mermaid.contains("GET /poll"));
        QVERIFY(!mermaid.contains(": TCP "));
        const QByteArray plantUml = exported(QStringLiteral("plantuml"), textbook);
        QVERIFY(plantUml.contains(": Response (data ready)\n") && !plantUml.contains("GET /poll"));
        // Wire, said or not, is every message as it went.
        for (const QStringList& wire : { QStringList {}, QStringList { QStringLiteral("--detail=WIRE") } }) {
            const QByteArray text = exported(QStringLiteral("mermaid"), wire);
            QVERIFY(text.contains(": GET /poll?since=0\n") && text.contains(": TCP connect\n"));
            QVERIFY(!text.contains("Response (data ready)"));
        }
        const QByteArray svg = exported(QStringLiteral("svg"), textbook);
        QVERIFY(svg.contains(">Wait until data is ready<") && svg.contains(">Response (no data)<"));
        QVERIFY(!svg.contains(">GET /poll"));

        const QString png = dir.filePath(QStringLiteral("window.png"));
        const Result shown
            = runCli({ QStringLiteral("open"), trace, QStringLiteral("--detail"), QStringLiteral("textbook"),
                QStringLiteral("--screenshot"), png, QStringLiteral("--after"), QStringLiteral("200ms") });
        QVERIFY2(!shown.err.contains(QStringLiteral("patternscope:")), qPrintable(shown.err));
        QCOMPARE(shown.exitCode, 0);
        QVERIFY(Test::distinctColours(QImage(png), 7) > 20);
    }

    void exportHelpNamesEveryFormat()
    {
        const Result r = runCli({ QStringLiteral("export"), QStringLiteral("--help") });
        QCOMPARE(r.exitCode, 0);
        // The help wraps long lines: compare with its white space made single spaces.
        QVERIFY2(r.out.simplified().contains(
                     QStringLiteral("One of: %1.").arg(ExportFormats::ids().join(QStringLiteral(", ")))),
            qPrintable(r.out));
    }

    // Too large for Mermaid: nothing written, and the command lists time ranges that each fit.
    void exportOffersTheMermaidSplit()
    {
        Trace trace;
        Test::fillExchanges(trace, 2'000, 10'000);
        QTemporaryDir dir;
        const QString input = dir.filePath(QStringLiteral("long.pstrace.jsonl"));
        QString error;
        QVERIFY2(TraceWriter::writeTrace(input, TraceHeader(), trace, &error), qPrintable(error));
        const QString out = dir.filePath(QStringLiteral("long.mmd"));
        const Result r = runCli({ QStringLiteral("export"), input, QStringLiteral("-f"), QStringLiteral("mermaid"),
            QStringLiteral("-o"), out });
        QCOMPARE(r.exitCode, 1);
        QCOMPARE(r.out, QString());
        QVERIFY(!QFile::exists(out));
        const QStringList lines = r.err.split(u'\n', Qt::SkipEmptyParts);
        QVERIFY2(lines.value(0).startsWith(QStringLiteral("patternscope export: the Mermaid diagram would be ")),
            qPrintable(r.err));
        QVERIFY2(lines.value(1).startsWith(QStringLiteral("patternscope export: in ")), qPrintable(r.err));
        QVERIFY(lines.size() > 3);
        for (const QString& line : lines.mid(2))
            QVERIFY2(line.startsWith(QStringLiteral("  --from ")) && line.contains(QStringLiteral("ms --to ")),
                qPrintable(line));
        // The first piece it offers renders.
        const QStringList piece = lines.value(2).trimmed().split(u' ');
        const Result first = runCli({ QStringLiteral("export"), input, QStringLiteral("-f"), QStringLiteral("mermaid"),
            QStringLiteral("-o"), out, piece.value(0), piece.value(1), piece.value(2), piece.value(3) });
        QCOMPARE(first.err, QString());
        QCOMPARE(first.exitCode, 0);
    }

    void helpAndVersion()
    {
        const Result help = runCli({ QStringLiteral("--help") });
        QCOMPARE(help.exitCode, 0);
        QVERIFY(help.out.contains(QStringLiteral("record PATTERN -o FILE")));
        const Result recordHelp = runCli({ QStringLiteral("record"), QStringLiteral("--help") });
        QCOMPARE(recordHelp.exitCode, 0);
        QVERIFY(recordHelp.out.contains(QStringLiteral("patternscope record [options] pattern")));
        QVERIFY(recordHelp.out.contains(QStringLiteral("--duration")));
        // The window's own help, however it is asked for, is the overview with its Window section.
        for (const QStringList& arguments : { QStringList { QStringLiteral("open"), QStringLiteral("--help") },
                 QStringList { QStringLiteral("--pattern"), QStringLiteral("long-polling"), QStringLiteral("-h") },
                 QStringList { QStringLiteral("trace.pstrace.jsonl"), QStringLiteral("--help") } }) {
            const Result windowHelp = runCli(arguments);
            QVERIFY2(
                windowHelp.exitCode == 0, qPrintable(arguments.join(u' ') + QStringLiteral(": ") + windowHelp.err));
            QVERIFY(windowHelp.out.contains(QStringLiteral("[open] FILE")));
        }
        const Result version = runCli({ QStringLiteral("--version") });
        QCOMPARE(version.exitCode, 0);
        QVERIFY(version.out.startsWith(QStringLiteral("patternscope ")));
    }
};

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
