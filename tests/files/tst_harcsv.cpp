// SPDX-License-Identifier: GPL-3.0-or-later
// CSV and HAR exports against hand-checked golden files, HAR export -> import round trip, browser HARs
// (Chrome, Firefox, with a BOM), broken HARs, and the HAR 1.2 schema check with npm's har-validator.
#include "exports.h"
#include "harjson.h"
#include "testrun.h"
#include "tracefile.h"
#include "tracefiles.h"

#include <QBuffer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace PatternScope;
using PatternScope::Test::makeMessage;
using PatternScope::Test::readFile;
using PatternScope::Test::readTrace;

namespace {

// On a mismatch, leaves what the export wrote beside the build so it can be inspected (and, once
// checked by hand, copied over the golden file).
bool sameAsGolden(const QByteArray& actual, const QString& golden, const QString& name)
{
    if (actual == readFile(golden))
        return true;
    QFile out(name + QStringLiteral(".actual"));
    if (out.open(QIODevice::WriteOnly))
        out.write(actual);
    qWarning("%s differs from %s; the export is in %s", qPrintable(name), qPrintable(golden),
        qPrintable(QFileInfo(out).absoluteFilePath()));
    return false;
}

QString mainLabel(const QString& label)
{
    const qsizetype dot = label.indexOf(QStringLiteral(" · "));
    return dot < 0 ? label : label.left(dot);
}

// What a HAR round trip must keep of an arrow: kind, direction, label, times.
struct Arrow {
    Message::Kind kind;
    bool towardServer;
    QString label;
    TimeUs sent;
    TimeUs end;
    Message::State state;
};

// Short runs of each of the seven patterns, fast enough for a test, and what each must have shown before it
// stops: enough delivered messages of the kind the pattern is about.
struct PatternRun {
    const char* pattern;
    QStringList parameters;
    Message::Kind kind;
    int count;
};

const std::vector<PatternRun>& patternRuns()
{
    static const std::vector<PatternRun> runs {
        { "request-response",
            { QStringLiteral("latency=10ms"), QStringLiteral("interval=100ms"), QStringLiteral("processing=20ms") },
            Message::Kind::HttpResponse, 4 },
        { "short-polling",
            { QStringLiteral("latency=10ms"), QStringLiteral("poll=100ms"), QStringLiteral("produce=150ms") },
            Message::Kind::HttpResponse, 4 },
        { "long-polling",
            { QStringLiteral("latency=10ms"), QStringLiteral("hold=300ms"), QStringLiteral("produce=150ms") },
            Message::Kind::HttpResponse, 4 },
        { "websockets",
            { QStringLiteral("latency=10ms"), QStringLiteral("produce=100ms"), QStringLiteral("ping=200ms"),
                QStringLiteral("send=150ms") },
            Message::Kind::WsPong, 2 },
        { "server-sent-events",
            { QStringLiteral("latency=10ms"), QStringLiteral("produce=100ms"), QStringLiteral("heartbeat=150ms") },
            Message::Kind::SseEvent, 6 },
        { "publish-subscribe", { QStringLiteral("latency=10ms"), QStringLiteral("produce=100ms") },
            Message::Kind::Deliver, 4 },
        { "request-callback",
            { QStringLiteral("latency=10ms"), QStringLiteral("interval=150ms"), QStringLiteral("processing=50ms") },
            Message::Kind::Callback, 3 },
    };
    return runs;
}

// Runs a pattern until it has shown what it is about, stops it, and gives its trace; nullptr (with a warning)
// when it does not get there.
std::unique_ptr<Run> recordPattern(const PatternRun& what)
{
    auto run = Test::startRun(QLatin1String(what.pattern), what.parameters);
    if (!run)
        return nullptr;
    const Trace& trace = *run->trace();
    const auto shown = [&] {
        return std::count_if(trace.messages().begin(), trace.messages().end(),
            [&](const Message& m) { return m.kind == what.kind && m.state == Message::State::Delivered; });
    };
    if (!Test::waitUntil([&] { return shown() >= what.count; }, 20000)) {
        qWarning(
            "%s: only %d of %d %s delivered", what.pattern, int(shown()), what.count, qPrintable(kindName(what.kind)));
        return nullptr;
    }
    if (!Test::stopAndWait(*run))
        return nullptr;
    return run;
}

bool isServer(const Trace& trace, int id)
{
    const Participant* p = trace.participant(id);
    return p && p->role == Participant::Role::Server;
}

} // namespace

class TestHarCsv : public QObject {
    Q_OBJECT

private:
    Trace m_trace;
    TraceHeader m_header;

    QByteArray exportCsv(const ExportRange& range = {})
    {
        QBuffer buffer;
        buffer.open(QIODevice::WriteOnly);
        FileError error;
        if (!Export::csv(m_trace, range, &buffer, &error))
            qWarning() << error.message;
        return buffer.data();
    }

    QByteArray exportHar(const Trace& trace, const TraceHeader& header)
    {
        QBuffer buffer;
        buffer.open(QIODevice::WriteOnly);
        FileError error;
        if (!Export::har(trace, header, {}, &buffer, &error))
            qWarning() << error.message;
        return buffer.data();
    }

    bool answered(const Message& request) const
    {
        if (request.correlation.isEmpty())
            return request.state == Message::State::Delivered; // the fixture's one such request is answered
        for (const Message& m : m_trace.messages()) {
            if (m.kind == Message::Kind::HttpResponse && m.correlation == request.correlation)
                return true;
        }
        return false;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QCOMPARE(readTrace(QFINDTESTDATA("data/http.pstrace.jsonl"), &m_trace, &m_header), QString());
        QCOMPARE(m_trace.messages().size(), size_t(23));
    }

    void csvMatchesGolden()
    {
        QVERIFY(sameAsGolden(exportCsv(), QFINDTESTDATA("data/golden/http.csv"), QStringLiteral("http.csv")));
    }

    void harMatchesGolden()
    {
        QVERIFY(sameAsGolden(
            exportHar(m_trace, m_header), QFINDTESTDATA("data/golden/http.har"), QStringLiteral("http.har")));
    }

    // RFC 4180: quote a field with a comma, a quote, CR or LF, and double its quotes.
    void csvQuoting_data()
    {
        QTest::addColumn<QString>("label");
        QTest::addColumn<QByteArray>("cell");
        QTest::addRow("plain") << QStringLiteral("GET /a") << QByteArray("GET /a");
        QTest::addRow("comma") << QStringLiteral("a,b") << QByteArray("\"a,b\"");
        QTest::addRow("quote") << QStringLiteral("say \"hi\"") << QByteArray("\"say \"\"hi\"\"\"");
        QTest::addRow("LF") << QStringLiteral("a\nb") << QByteArray("\"a\nb\"");
        QTest::addRow("CR") << QStringLiteral("a\rb") << QByteArray("\"a\rb\"");
        QTest::addRow("unicode") << QStringLiteral("€ · ü") << QStringLiteral("€ · ü").toUtf8();
        QTest::addRow("empty") << QString() << QByteArray();
    }

    void csvQuoting()
    {
        QFETCH(QString, label);
        QFETCH(QByteArray, cell);
        Trace trace;
        const int a = trace.addParticipant(QStringLiteral("A"), Participant::Role::Client);
        const int b = trace.addParticipant(QStringLiteral("B"), Participant::Role::Server);
        trace.addMessage(makeMessage(a, b, Message::Kind::HttpRequest, label, 10));
        QBuffer buffer;
        buffer.open(QIODevice::WriteOnly);
        QVERIFY(Export::csv(trace, {}, &buffer, nullptr));
        const QByteArray expected = "0,10,,in-flight,A,B,http-request," + cell + ",,,0,,,,,\r\n";
        QVERIFY(buffer.data().endsWith(expected));
        QCOMPARE(buffer.data().count("\r\n"), 2);
    }

    // The range keeps the messages sent in it, in send order.
    void csvRange()
    {
        const QByteArray csv = exportCsv({ 40'000, 44'000 });
        // Rows end in CRLF; a quoted field may hold a bare LF (the headers column does).
        QList<QByteArray> rows;
        for (qsizetype start = 0, end; (end = csv.indexOf("\r\n", start)) >= 0; start = end + 2)
            rows << csv.mid(start, end - start);
        QCOMPARE(rows.size(), 9); // header, seq 7..14
        QVERIFY(csv.endsWith("\r\n"));
        QVERIFY(rows.at(1).startsWith("7,40000,"));
        QVERIFY(rows.at(8).startsWith("14,44000,"));
    }

    void exportsAreDeterministic() { QCOMPARE(exportHar(m_trace, m_header), exportHar(m_trace, m_header)); }

    void writeErrorIsReported()
    {
        QBuffer closed;
        FileError failure;
        QVERIFY(!Export::csv(m_trace, {}, &closed, &failure));
        QVERIFY(!failure.message.isEmpty());
        QCOMPARE(failure.code, FileError::Code::Io);
        FileError error;
        QVERIFY(!Export::har(m_trace, m_header, {}, &closed, &error));
        QVERIFY(!error.message.isEmpty());
        QCOMPARE(error.code, FileError::Code::Io);
    }

    // Export to HAR, import it: the same HTTP exchanges (request lines, status lines, send and arrival times
    // to the millisecond), every WebSocket frame and SSE block (lost where it did not arrive), in the same order.
    void harRoundTrip()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString path = dir.filePath(QStringLiteral("round.har"));
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(exportHar(m_trace, m_header));
        file.close();

        Trace imported;
        TraceHeader header;
        FileError error;
        QStringList warnings;
        QVERIFY2(Import::har(path, &imported, &header, &error, {}, &warnings), qPrintable(error.message));
        QCOMPARE(warnings, QStringList());
        QCOMPARE(header.pattern, QStringLiteral("har-import"));
        QCOMPARE(header.startedAt, m_header.startedAt.addMSecs(2)); // the first request left at 2 ms

        // What the HAR can carry of the original: its exchanges, and every frame and event at one moment each.
        std::vector<Arrow> expected;
        for (const qint64 seq : m_trace.sentOrder()) {
            const Message& m = m_trace.message(seq);
            const bool up = isServer(m_trace, m.to);
            switch (m.kind) {
            case Message::Kind::HttpRequest:
                // An entry without an answer (status 0) comes back as a lost request: HAR cannot tell
                // lost from unanswered.
                expected.push_back({ m.kind, up, mainLabel(m.label), m.sentAt,
                    m.receivedAt == NoTime ? m_trace.endTime() : m.receivedAt,
                    answered(m) ? Message::State::Delivered : Message::State::Lost });
                break;
            case Message::Kind::HttpResponse:
                expected.push_back({ m.kind, up, mainLabel(m.label), m.sentAt, m.receivedAt, m.state });
                break;
            default: {
                // Frames and events, each at one moment: a sent frame when it left, else when it arrived or was
                // lost, or when it left if it was still on its way. What never arrived comes back lost.
                const bool delivered = m.state == Message::State::Delivered;
                const TimeUs t = up || (!delivered && m.receivedAt == NoTime) ? m.sentAt : m.receivedAt;
                // A block that dispatched no event is labelled by its comment: only events keep their label.
                const bool sameLabel = m.kind != Message::Kind::SseEvent || m.label.startsWith(QLatin1String("event:"));
                expected.push_back({ m.kind, up, sameLabel ? m.label.toString() : QString(), t, t,
                    delivered ? Message::State::Delivered : Message::State::Lost });
                break;
            }
            }
        }
        std::stable_sort(
            expected.begin(), expected.end(), [](const Arrow& a, const Arrow& b) { return a.sent < b.sent; });

        std::vector<Arrow> actual;
        for (const qint64 seq : imported.sentOrder()) {
            const Message& m = imported.message(seq);
            const bool up = isServer(imported, m.to);
            const bool http = m.kind == Message::Kind::HttpRequest || m.kind == Message::Kind::HttpResponse;
            const bool comment = m.kind == Message::Kind::SseEvent && !m.label.startsWith(QLatin1String("event:"));
            actual.push_back({ m.kind, up,
                http          ? mainLabel(m.label)
                    : comment ? QString()
                              : m.label.toString(),
                m.sentAt + 2000, m.receivedAt + 2000, m.state });
        }
        QCOMPARE(actual.size(), expected.size());
        for (size_t i = 0; i < actual.size(); ++i) {
            const Arrow& a = actual[i];
            const Arrow& e = expected[i];
            const QByteArray where = QByteArray::number(qulonglong(i)) + ": " + e.label.toUtf8();
            QVERIFY2(a.kind == e.kind, where.constData());
            QVERIFY2(a.towardServer == e.towardServer, where.constData());
            QCOMPARE(a.label, e.label);
            QVERIFY2(qAbs(a.sent - e.sent) <= 1000, where.constData());
            if (e.kind == Message::Kind::HttpRequest && e.state == Message::State::Lost)
                continue; // where a lost request ends is checked below
            QVERIFY2(qAbs(a.end - e.end) <= 1000, where.constData());
            QVERIFY2(a.state == e.state, where.constData());
        }
        // Lost on the way: the arrow ends at the loss.
        const auto lost = std::find_if(
            actual.begin(), actual.end(), [](const Arrow& a) { return a.label == QLatin1String("GET /api/slow"); });
        QVERIFY(lost != actual.end());
        QCOMPARE(lost->state, Message::State::Lost);
        QCOMPARE(lost->end, TimeUs(12'000));
        // The server's time became an activation.
        QCOMPARE(imported.activations().size(), size_t(5)); // every answered exchange with server time
    }

    void importBrowserHar_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QStringList>("participants");
        QTest::addColumn<QStringList>("labels");
        QTest::addColumn<QString>("startedAt");
        const QStringList chrome { QStringLiteral("GET /"), QStringLiteral("200 OK · 1.2 kB"),
            QStringLiteral("POST /api/orders?dry=1"), QStringLiteral("201 Created · 2.0 kB"),
            QStringLiteral("GET /down"), QStringLiteral("GET /ws"), QStringLiteral("101 Switching Protocols · 0 B"),
            QStringLiteral("text · 16 B"), QStringLiteral("text · 8 B"), QStringLiteral("binary · 4 B") };
        const QStringList chromeHosts { QStringLiteral("Browser"), QStringLiteral("localhost:8080"),
            QStringLiteral("localhost:9000") };
        QTest::addRow("chrome") << QStringLiteral("data/har/chrome.har") << chromeHosts << chrome
                                << QStringLiteral("2024-05-01T12:00:00.100Z");
        QTest::addRow("chrome with BOM and CRLF") << QStringLiteral("data/har/chrome-bom.har") << chromeHosts << chrome
                                                  << QStringLiteral("2024-05-01T12:00:00.100Z");
        QTest::addRow("firefox") << QStringLiteral("data/har/firefox.har")
                                 << QStringList { QStringLiteral("Browser"), QStringLiteral("127.0.0.1:8080") }
                                 << QStringList { QStringLiteral("GET /events"), QStringLiteral("200 OK · 0 B"),
                                        QStringLiteral("GET /api/items?since=4&client=fx"),
                                        QStringLiteral("304 Not Modified · 0 B") }
                                 << QStringLiteral("2024-05-01T12:00:00.150Z");
        // Recorded by Playwright's recordHar (headless Chromium) against `patternscope serve websockets` and
        // `serve server-sent-events`, trimmed: its _webSocketMessages times are epoch milliseconds.
        const QString text = QStringLiteral("text · 44 B");
        QTest::addRow("playwright") << QStringLiteral("data/har/playwright.har")
                                    << QStringList { QStringLiteral("Browser"), QStringLiteral("127.0.0.1:18930"),
                                           QStringLiteral("127.0.0.1:18931"), QStringLiteral("127.0.0.1:18932") }
                                    << QStringList { QStringLiteral("GET /index.html"), QStringLiteral("200 OK · 91 B"),
                                           QStringLiteral("GET /feed?client=chromium"),
                                           QStringLiteral("101 Switching Protocols"),
                                           QStringLiteral("GET /events?client=chromium"), QStringLiteral("text · 41 B"),
                                           QStringLiteral("200 OK"), QStringLiteral("text · 43 B"), text, text,
                                           QStringLiteral("text · 30 B"), text, text, text }
                                    << QStringLiteral("2026-12-06T11:17:54.572Z");
    }

    void importBrowserHar()
    {
        QFETCH(QString, file);
        QFETCH(QStringList, participants);
        QFETCH(QStringList, labels);
        QFETCH(QString, startedAt);
        Trace trace;
        TraceHeader header;
        FileError error;
        QStringList warnings;
        QVERIFY2(Import::har(QFINDTESTDATA(file), &trace, &header, &error, {}, &warnings), qPrintable(error.message));
        QCOMPARE(warnings, QStringList());
        QStringList names;
        for (const Participant& p : trace.participants())
            names << p.name;
        QCOMPARE(names, participants);
        QCOMPARE(trace.participants().front().role, Participant::Role::Client);
        QStringList seen;
        for (const qint64 seq : trace.sentOrder())
            seen << trace.message(seq).label;
        QCOMPARE(seen, labels);
        QCOMPARE(header.startedAt.toString(Qt::ISODateWithMs), startedAt);
        QCOMPARE(header.pattern, QStringLiteral("har-import"));
        // Every arrow ends at or after it starts, and the trace writes and reads back cleanly.
        for (const Message& m : trace.messages())
            QVERIFY(m.receivedAt >= m.sentAt);
    }

    // Chrome's timings: blocked + dns + connect before the request leaves, send, wait on the server, receive.
    void importTimings()
    {
        Trace trace;
        FileError error;
        QVERIFY(Import::har(QFINDTESTDATA("data/har/chrome.har"), &trace, nullptr, &error));
        const Message& request = trace.message(0);
        QCOMPARE(request.sentAt, TimeUs(1200 + 300 + 500));
        QCOMPARE(request.receivedAt, TimeUs(2000 + 100));
        const Message& response = trace.message(1);
        QCOMPARE(response.sentAt, TimeUs(2100 + 9800));
        QCOMPARE(response.receivedAt, TimeUs(11'900 + 600));
        QCOMPARE(trace.activations().front().label, QStringLiteral("handle GET"));
        QCOMPARE(trace.activations().front().end - trace.activations().front().start, TimeUs(9800));
        // net::ERR_CONNECTION_REFUSED: a lost request, no response
        const Message& failed = trace.message(4);
        QCOMPARE(failed.label, QStringLiteral("GET /down"));
        QCOMPARE(failed.state, Message::State::Lost);
        // WebSocket frames are horizontal, at their one timestamp
        const Message& frame = trace.message(trace.messages().size() - 1);
        QCOMPARE(frame.kind, Message::Kind::WsBinary);
        QCOMPARE(frame.sentAt, frame.receivedAt);
        QCOMPARE(frame.sentAt, TimeUs(500'000));
        QCOMPARE(frame.bodyPreview(), QByteArray::fromHex("00ff1080"));
    }

    // Chrome writes a frame's time in epoch seconds, Playwright in epoch milliseconds: either way the frame
    // lands where it happened, near its entry's start. A time near neither is left out and said so.
    void webSocketTimeInEitherUnit_data()
    {
        QTest::addColumn<double>("factor");
        QTest::addColumn<double>("offset");
        QTest::addColumn<bool>("kept");
        QTest::addRow("seconds (Chrome)") << 1.0 << 0.0 << true;
        QTest::addRow("milliseconds (Playwright)") << 1000.0 << 0.0 << true;
        QTest::addRow("seconds, a day late") << 1.0 << 86'400.0 << true;
        QTest::addRow("milliseconds, a day late") << 1000.0 << 86'400'000.0 << true;
        QTest::addRow("microseconds: neither") << 1e6 << 0.0 << false;
        QTest::addRow("zero: neither") << 0.0 << 0.0 << false;
        QTest::addRow("far future: neither") << 1e12 << 0.0 << false;
    }

    void webSocketTimeInEitherUnit()
    {
        QFETCH(double, factor);
        QFETCH(double, offset);
        QFETCH(bool, kept);
        const QString path = QFINDTESTDATA("data/har/chrome.har");
        Trace original;
        QVERIFY(Import::har(path, &original, nullptr, nullptr));

        QJsonObject root = QJsonDocument::fromJson(readFile(path)).object();
        QJsonObject log = root.value(QLatin1String("log")).toObject();
        QJsonArray entries = log.value(QLatin1String("entries")).toArray();
        QJsonObject socket = entries.last().toObject();
        QJsonArray frames = socket.value(QLatin1String("_webSocketMessages")).toArray();
        const qsizetype frameCount = frames.size();
        QVERIFY(frameCount >= 3);
        for (qsizetype i = 0; i < frames.size(); ++i) {
            QJsonObject frame = frames.at(i).toObject();
            frame.insert(QLatin1String("time"), frame.value(QLatin1String("time")).toDouble() * factor + offset);
            frames.replace(i, frame);
        }
        socket.insert(QLatin1String("_webSocketMessages"), frames);
        entries.replace(entries.size() - 1, socket);
        log.insert(QLatin1String("entries"), entries);
        root.insert(QLatin1String("log"), log);

        Trace trace;
        FileError error;
        QStringList warnings;
        QVERIFY2(Import::harData(QJsonDocument(root).toJson(), QStringLiteral("changed.har"), &trace, nullptr, &error,
                     {}, &warnings),
            qPrintable(error.message));
        const auto frameTimes = [](const Trace& t) {
            QList<TimeUs> times;
            for (const qint64 seq : t.sentOrder()) {
                if (webSocketOpcode(t.message(seq)) >= 0)
                    times << t.message(seq).sentAt;
            }
            return times;
        };
        const QList<TimeUs> expected = frameTimes(original);
        QCOMPARE(expected.size(), frameCount);
        if (!kept) {
            QCOMPARE(frameTimes(trace), QList<TimeUs>());
            QCOMPARE(warnings.size(), frameCount);
            const QString where = QStringLiteral("changed.har: log.entries[%1]._webSocketMessages[0]: ");
            QVERIFY2(warnings.first().startsWith(where.arg(entries.size() - 1)), qPrintable(warnings.first()));
            QVERIFY2(warnings.first().endsWith(QStringLiteral("is not within a year of the entry's start; left out")),
                qPrintable(warnings.first()));
            return;
        }
        QCOMPARE(warnings, QStringList());
        const QList<TimeUs> times = frameTimes(trace);
        QCOMPARE(times.size(), expected.size());
        const TimeUs late = TimeUs(offset / factor * 1e6);
        for (qsizetype i = 0; i < times.size(); ++i)
            QVERIFY2(qAbs(times.at(i) - (expected.at(i) + late)) <= 1, qPrintable(QString::number(times.at(i))));
    }

    // A HAR from browser automation spans the seconds it took, not the ages its milliseconds would be as
    // seconds: every frame comes after its WebSocket entry started (at 84 ms), within the 3.5 s recorded.
    void playwrightFramesLieInTheirEntry()
    {
        Trace trace;
        FileError error;
        QVERIFY2(
            Import::har(QFINDTESTDATA("data/har/playwright.har"), &trace, nullptr, &error), qPrintable(error.message));
        QVERIFY2(trace.endTime() < 4'000'000, qPrintable(QString::number(trace.endTime())));
        qsizetype frames = 0;
        for (const Message& m : trace.messages()) {
            if (m.kind != Message::Kind::WsText)
                continue;
            ++frames;
            QVERIFY2(m.sentAt >= 84'000 && m.sentAt < 3'500'000, qPrintable(QString::number(m.sentAt)));
        }
        QCOMPARE(frames, qsizetype(8));
        // The first frame Chromium sent, at 1796555875319.4458 ms: 747.446 ms after the first entry started.
        const auto first = std::find_if(trace.messages().begin(), trace.messages().end(),
            [](const Message& m) { return m.kind == Message::Kind::WsText; });
        QVERIFY(qAbs(first->sentAt - 747'446) <= 1);
    }

    // Found by fuzz_harimport: a Host header that makes no URL (its port "189.0") gave an entry HAR import
    // refuses; the URL falls back to the server's name. Times before 1970 kept their fraction's sign wrong.
    void harExportWritesWhatImportReads()
    {
        Trace trace;
        const int client = trace.addParticipant(QStringLiteral("Browser"), Participant::Role::Client);
        const int server = trace.addParticipant(QStringLiteral("example.org"), Participant::Role::Server);
        Message request = makeMessage(client, server, Message::Kind::HttpRequest, QStringLiteral("GET /x"), 1000);
        request.fields.method = QStringLiteral("GET");
        request.fields.target = QStringLiteral("/x?a=1");
        request.setHeaders({ { QByteArray("Host"), QByteArray("127.0.0.1:189.0") } });
        trace.completeMessage(trace.addMessage(request), 2000);
        TraceHeader header;
        header.startedAt = QDateTime::fromMSecsSinceEpoch(-2'000, Qt::UTC); // 1969-12-31T23:59:58Z
        const QJsonObject entry = QJsonDocument::fromJson(exportHar(trace, header))
                                      .object()
                                      .value(QLatin1String("log"))
                                      .toObject()
                                      .value(QLatin1String("entries"))
                                      .toArray()
                                      .first()
                                      .toObject();
        QCOMPARE(entry.value(QLatin1String("request")).toObject().value(QLatin1String("url")).toString(),
            QStringLiteral("http://example.org/x?a=1"));
        QCOMPARE(Har::epochSecondsText(-1'250'000), QByteArray("-1.25"));
        QCOMPARE(Har::epochSecondsText(-250'000), QByteArray("-0.25"));
        QCOMPARE(Har::epochSecondsText(1'250'000), QByteArray("1.25"));
    }

    void importBroken_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("error");
        QTest::addRow("not JSON") << QStringLiteral("data/har/not-json.har")
                                  << QStringLiteral("not-json.har:5: not valid JSON: ");
        QTest::addRow("no log") << QStringLiteral("data/har/no-log.har")
                                << QStringLiteral("no-log.har: not a HAR file: no 'log' object at the top level");
        QTest::addRow("entries not an array")
            << QStringLiteral("data/har/entries-not-array.har")
            << QStringLiteral("entries-not-array.har: not a HAR file: 'log.entries' is not an array");
        QTest::addRow("missing file") << QStringLiteral("data/har/") + QStringLiteral("nonexistent.har")
                                      << QStringLiteral("nonexistent.har: cannot open: ");
    }

    void importBroken()
    {
        QFETCH(QString, file);
        QFETCH(QString, error);
        const QString path = file.endsWith(QLatin1String("nonexistent.har"))
            ? QFINDTESTDATA("data/har") + QStringLiteral("/nonexistent.har")
            : QFINDTESTDATA(file);
        Trace trace;
        trace.addParticipant(QStringLiteral("kept"), Participant::Role::Client);
        FileError failure;
        QVERIFY(!Import::har(path, &trace, nullptr, &failure));
        const QString& message = failure.message;
        QVERIFY2(message.startsWith(path.left(path.lastIndexOf(u'/') + 1)), qPrintable(message));
        QVERIFY2(message.contains(error), qPrintable(message));
        QCOMPARE(trace.participants().size(), size_t(1)); // untouched
    }

    void importSkipsBadEntries()
    {
        const QString path = QFINDTESTDATA("data/har/entry-missing-request.har");
        Trace trace;
        FileError error;
        QStringList warnings;
        QVERIFY2(Import::har(path, &trace, nullptr, &error, {}, &warnings), qPrintable(error.message));
        QCOMPARE(warnings,
            QStringList({ path + QStringLiteral(": log.entries[1]: missing 'request'; entry skipped"),
                path + QStringLiteral(": log.entries[2]: missing 'startedDateTime'; entry skipped") }));
        QCOMPARE(trace.messages().size(), size_t(2 + 2 + 3)); // GET / and its answer, the upgrade, 3 frames
    }

    // Every message of every pattern is in its HAR (TCP's own connect and close aside, which HAR has no
    // place for): each request and callback an entry of its own, each answer in its request's entry, each
    // WebSocket frame (publish and deliver envelopes too) in its connection's _webSocketMessages, each
    // event-stream block in its stream's _eventSourceMessages. Delivered or not.
    void harHoldsEveryMessageOfEveryPattern_data()
    {
        QTest::addColumn<int>("index");
        for (size_t i = 0; i < patternRuns().size(); ++i)
            QTest::addRow("%s", patternRuns()[i].pattern) << int(i);
    }

    void harHoldsEveryMessageOfEveryPattern()
    {
        QFETCH(int, index);
        const auto run = recordPattern(patternRuns()[size_t(index)]);
        QVERIFY(run);
        const Trace& trace = *run->trace();
        TraceHeader header;
        header.appVersion = QStringLiteral("test");
        header.startedAt = QDateTime::currentDateTimeUtc();
        const QJsonDocument har = QJsonDocument::fromJson(exportHar(trace, header));
        QVERIFY(har.isObject());

        qsizetype requests = 0;
        qsizetype answers = 0;
        qsizetype frames = 0;
        qsizetype blocks = 0;
        qsizetype plumbing = 0;
        for (const Message& m : trace.messages()) {
            switch (m.kind) {
            case Message::Kind::HttpRequest:
            case Message::Kind::Callback:
                ++requests;
                break;
            case Message::Kind::HttpResponse:
                ++answers;
                break;
            case Message::Kind::SseEvent:
                ++blocks;
                break;
            case Message::Kind::Connect:
            case Message::Kind::Close:
                ++plumbing;
                break;
            default: // ws-*, publish, deliver
                ++frames;
                break;
            }
        }
        qsizetype entries = 0;
        qsizetype answered = 0;
        qsizetype listedFrames = 0;
        qsizetype listedBlocks = 0;
        for (const QJsonValue& value :
            har.object().value(QLatin1String("log")).toObject().value(QLatin1String("entries")).toArray()) {
            const QJsonObject entry = value.toObject();
            ++entries;
            answered += entry.value(QLatin1String("response")).toObject().value(QLatin1String("status")).toInt() != 0;
            listedFrames += entry.value(QLatin1String("_webSocketMessages")).toArray().size();
            listedBlocks += entry.value(QLatin1String("_eventSourceMessages")).toArray().size();
        }
        qInfo("%s: %lld requests and callbacks, %lld answers, %lld frames, %lld stream blocks (and %lld TCP connects "
              "and closes)",
            patternRuns()[size_t(index)].pattern, qlonglong(requests), qlonglong(answers), qlonglong(frames),
            qlonglong(blocks), qlonglong(plumbing));
        QVERIFY(requests > 0);
        QCOMPARE(entries, requests);
        QCOMPARE(answered, answers);
        QCOMPARE(listedFrames, frames);
        QCOMPARE(listedBlocks, blocks);
    }

    // The HAR 1.2 schema check by npm's har-validator (tests/tools/check-har.mjs) on the fixture and on
    // real recordings. Run as its own CTest test, tst_harcsv_validator, which sets PATTERNSCOPE_CHECK_HAR;
    // there a missing node or package is a failure.
    void harValidator()
    {
        const QByteArray script = qgetenv("PATTERNSCOPE_CHECK_HAR");
        if (script.isEmpty())
            QSKIP("run by the tst_harcsv_validator CTest test");
        const QString node = QStandardPaths::findExecutable(QStringLiteral("node"));
        QVERIFY2(!node.isEmpty(), "node is not installed; CI installs it (see tests/tools/package.json)");
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        QStringList files;
        const auto save = [&](const QString& name, const QByteArray& har) {
            QFile file(dir.filePath(name));
            QVERIFY(file.open(QIODevice::WriteOnly));
            file.write(har);
            files << file.fileName();
        };
        save(QStringLiteral("fixture.har"), exportHar(m_trace, m_header));
        // Real recordings of every pattern over loopback.
        for (const PatternRun& what : patternRuns()) {
            const auto run = recordPattern(what);
            QVERIFY2(run, what.pattern);
            TraceHeader header;
            header.appVersion = QStringLiteral("test");
            header.pattern = QLatin1String(what.pattern);
            header.startedAt = QDateTime::currentDateTimeUtc();
            save(QLatin1String(what.pattern) + QStringLiteral(".har"), exportHar(*run->trace(), header));
        }
        QProcess check;
        check.setProcessChannelMode(QProcess::MergedChannels);
        check.start(node, QStringList { QString::fromLocal8Bit(script) } + files);
        QVERIFY(check.waitForFinished(60000));
        const QByteArray output = check.readAll();
        qInfo("%s", output.constData());
        QVERIFY2(check.exitStatus() == QProcess::NormalExit && check.exitCode() == 0, output.constData());
    }
};

QTEST_GUILESS_MAIN(TestHarCsv)
#include "tst_harcsv.moc"
