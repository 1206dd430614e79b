// SPDX-License-Identifier: GPL-3.0-or-later
// Writing trace files: while recording and in one block, headers, escaping, the structured message
// fields and the documented example, each read back as what was written; and failures to write.
#include "tracefiles.h"

#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QStringDecoder>
#include <QTest>
#include <limits>
#include <thread>

using namespace PatternScope;
using namespace PatternScope::Test;

class TestTraceWriter : public QObject {
    Q_OBJECT

private:
    ScratchFiles m_files;

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_files.isValid()); }

    void roundTripWhileRecording()
    {
        const QString path = m_files.newPath();
        const TraceHeader header = sampleHeader();
        Trace trace;

        // Some of the run happens before the writer is attached; it must still reach the file.
        const int client = trace.addParticipant(QStringLiteral("Client \"A\""), Participant::Role::Client);
        const int server = trace.addParticipant(QStringLiteral("Sérvér ✓ 服务器"), Participant::Role::Server);
        const int broker = trace.addParticipant(QStringLiteral("Broker\\1"), Participant::Role::Broker);
        const int early = trace.openConnection(client, server, 10);
        const qint64 first = trace.addMessage(makeMessage(
            client, server, Message::Kind::HttpRequest, QStringLiteral("GET /"), 20, early, QStringLiteral("r1"), 120));
        trace.completeMessage(first, 40, early, 130); // the receiver counted a different size
        const qint64 busy = trace.beginActivation(server, QStringLiteral("handle GET /"), 25);
        trace.endActivation(busy, 35);
        trace.closeConnection(early, 300, 500, QStringLiteral("cut"), 100);

        TraceWriter writer;
        QSignalSpy failed(&writer, &TraceWriter::writeFailed);
        QVERIFY2(writer.open(path, header), qPrintable(writer.errorString()));
        writer.attach(&trace);

        Message odd = makeMessage(client, broker, Message::Kind::Publish,
            QStringLiteral("tab\there\nnew line \x01 \x1f quote\" backslash\\ é ✓ 🛰 \u2028"), 150, -1,
            QStringLiteral("c\"1\\"), 42);
        odd.setHeaders({ { "Content-Type", R"(text/plain; charset="utf-8")" },
            { QByteArray("X-Bin\x00", 6), QByteArray("\x00\xff\x80\x7f ok", 7) }, { "", "" } });
        odd.setBodyPreview(QByteArray("\x00\x01\x02\xfe\xff binary", 12));
        const qint64 lost = trace.addMessage(odd);
        // Each event is handed to the OS when the event-loop turn that caused it ends.
        QCoreApplication::processEvents();
        QVERIFY(readFile(path).endsWith(TraceLines::line(trace.message(lost))));
        trace.loseMessage(lost, 200);
        QCoreApplication::processEvents();
        QVERIFY(readFile(path).endsWith(TraceLines::endLine(trace.message(lost))));

        const int late = trace.openConnection(broker, server, 210);
        trace.addMessage(
            makeMessage(broker, server, Message::Kind::Deliver, QStringLiteral("in flight 🛰"), 220, late));
        Message carrying = makeMessage(server, client, Message::Kind::WsText, {}, 230);
        carrying.firstItem = 5;
        carrying.lastItem = 7;
        const qint64 later = trace.addMessage(carrying);
        // Sent earlier than the previous one: seq order and time order may differ.
        const qint64 earlier
            = trace.addMessage(makeMessage(client, server, Message::Kind::WsBinary, QStringLiteral("e"), 215));
        trace.completeMessage(later, 260, late, 64); // size known only on arrival
        trace.completeMessage(earlier, 215);
        trace.beginActivation(broker, QStringLiteral("waiting"), 240); // never ends
        const qint64 quick = trace.beginActivation(client, {}, 250);
        trace.endActivation(quick, 255);
        trace.addNote(broker, QStringLiteral("line one\nline two \"quoted\""), 270);
        trace.addNote(client, {}, 280);
        trace.addNote(server, QStringLiteral("item 7 produced"), 285, 7);
        trace.addNote(-1, QStringLiteral("about the whole run"), 290);
        trace.addParticipant(QStringLiteral("External"), Participant::Role::External);
        QVERIFY(writer.close());
        QCOMPARE(failed.count(), 0);

        Trace restored;
        TraceHeader readHeader;
        QCOMPARE(readTrace(path, &restored, &readHeader), QString());
        QCOMPARE(readHeader, header);
        compareTraces(restored, trace);
        if (QTest::currentTestFailed())
            return;

        // The whole-trace writer follows the same rule for finished records: the same trace again.
        const QString copy = m_files.newPath();
        QString error;
        QVERIFY2(TraceWriter::writeTrace(copy, header, trace, &error), qPrintable(error));
        Trace again;
        QCOMPARE(readTrace(copy, &again), QString());
        compareTraces(again, trace);
    }

    void headerRoundTrip_data()
    {
        QTest::addColumn<TraceHeader>("header");
        QTest::addColumn<QByteArray>("fragment"); // must appear in the header line

        TraceHeader plain = sampleHeader();
        QTest::addRow("plain") << plain << QByteArray(R"("params":{"latency":"50ms","loss":"0%"},"seed":7,)");

        TraceHeader order = plain;
        order.parameters = { { QStringLiteral("zeta"), QStringLiteral("1") },
            { QStringLiteral("alpha"), QStringLiteral("2") }, { QStringLiteral("mid"), QStringLiteral("3") } };
        QTest::addRow("parameter order kept") << order << QByteArray(R"({"zeta":"1","alpha":"2","mid":"3"})");

        TraceHeader none = plain;
        none.parameters.clear();
        QTest::addRow("no parameters") << none << QByteArray(R"("params":{})");

        TraceHeader exact = plain;
        exact.seed = quint64(1) << 53;
        QTest::addRow("seed 2^53 as number") << exact << QByteArray(R"("seed":9007199254740992,)");

        TraceHeader big = plain;
        big.seed = (quint64(1) << 53) + 1;
        QTest::addRow("seed above 2^53 as string") << big << QByteArray(R"("seed":"9007199254740993",)");

        TraceHeader max = plain;
        max.seed = std::numeric_limits<quint64>::max();
        QTest::addRow("largest seed") << max << QByteArray(R"("seed":"18446744073709551615",)");

        TraceHeader unstarted = plain;
        unstarted.startedAt = QDateTime();
        QTest::addRow("no start time") << unstarted << QByteArray(R"("seed":7})");

        TraceHeader offset = plain;
        offset.startedAt = QDateTime::fromString(QStringLiteral("2024-05-01T14:00:00.250+02:00"), Qt::ISODateWithMs);
        QTest::addRow("start time written as UTC") << offset << QByteArray(R"("started":"2024-05-01T12:00:00.250Z")");

        TraceHeader odd = plain;
        odd.pattern = QStringLiteral("pub/sub \"fan-out\" ✓");
        odd.parameters = { { QStringLiteral("topic \\ name"), QStringLiteral("a\nb") } };
        QTest::addRow("escaped text") << odd << QByteArray(R"("params":{"topic \\ name":"a\u000ab"})");
    }

    void headerRoundTrip()
    {
        QFETCH(TraceHeader, header);
        QFETCH(QByteArray, fragment);

        const QByteArray line = TraceLines::line(header);
        QVERIFY2(line.contains(fragment), line.constData());
        QVERIFY(line.endsWith('\n'));
        QCOMPARE(line.count('\n'), 1);

        const QString path = m_files.newPath();
        TraceWriter writer;
        QVERIFY2(writer.open(path, header), qPrintable(writer.errorString()));
        QVERIFY(writer.close());
        QCOMPARE(readFile(path), line);

        Trace trace;
        TraceHeader read;
        QCOMPARE(readTrace(path, &trace, &read), QString());
        QCOMPARE(read, header);
    }

    void stringEscaping_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QByteArray>("json"); // the encoded value, quotes included
        QTest::addColumn<QString>("decoded"); // what a JSON parser reads back

        const auto row = [](const char* name, const QString& text, const QByteArray& json) {
            QTest::addRow("%s", name) << text << json << text;
        };
        row("plain", QStringLiteral("hello"), R"("hello")");
        row("quote", QStringLiteral("a\"b"), "\"a\\\"b\""); // moc misreads raw strings with \" or unpaired quotes
        row("backslash", QStringLiteral("a\\b"), R"("a\\b")");
        row("newline", QStringLiteral("a\nb"), R"("a\u000ab")");
        row("nul", QString(QChar(0)), R"("\u0000")");
        row("unit separator", QStringLiteral("\x1f"), R"("\u001f")");
        row("delete passes", QStringLiteral("\x7f"), "\"\x7f\"");
        row("two-byte UTF-8", QStringLiteral("é"), "\"\xc3\xa9\"");
        row("three-byte UTF-8", QStringLiteral("✓"), "\"\xe2\x9c\x93\"");
        row("surrogate pair", QStringLiteral("🛰"), "\"\xf0\x9f\x9b\xb0\"");
        row("line separator", QStringLiteral("\u2028"), "\"\xe2\x80\xa8\"");
        QTest::addRow("lone surrogate") << QString(QChar(0xd800)) << QByteArray("\"\xef\xbf\xbd\"")
                                        << QString(QChar::ReplacementCharacter);
    }

    void stringEscaping()
    {
        QFETCH(QString, text);
        QFETCH(QByteArray, json);
        QFETCH(QString, decoded);

        Note note;
        note.id = 0;
        note.participant = 0;
        note.at = 5;
        note.text = text;
        const QByteArray line = TraceLines::line(note);
        QVERIFY2(line.contains(QByteArray(R"("text":)" + json + '}')), line.constData());

        QStringDecoder utf8(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
        const QString asText = utf8(line);
        QVERIFY2(!utf8.hasError(), "the line is not valid UTF-8");
        QVERIFY(!asText.isEmpty());
        for (qsizetype i = 0; i + 1 < line.size(); ++i)
            QVERIFY2(static_cast<unsigned char>(line[i]) >= 0x20, "raw control character in the line");

        QJsonParseError error;
        const QJsonDocument document = QJsonDocument::fromJson(line, &error);
        QCOMPARE(error.error, QJsonParseError::NoError);
        QCOMPARE(document.object().value(QLatin1String("text")).toString(), decoded);
    }

    void expectedFile()
    {
        const QString expectedPath = QFINDTESTDATA("data/small.pstrace.jsonl");
        QVERIFY(!expectedPath.isEmpty());
        const QByteArray expected = readFile(expectedPath);
        QVERIFY(!expected.isEmpty());

        const QString path = m_files.newPath();
        Trace trace;
        TraceWriter writer;
        QVERIFY2(writer.open(path, sampleHeader()), qPrintable(writer.errorString()));
        writer.attach(&trace);
        recordSmallRun(trace);
        QVERIFY(writer.close());
        QCOMPARE(readFile(path), expected);

        // And the documented example reads back as the run that produced it.
        Trace restored;
        TraceHeader header;
        QCOMPARE(readTrace(expectedPath, &restored, &header), QString());
        QCOMPARE(header, sampleHeader());
        compareTraces(restored, trace);
    }

    void importThenExportIsIdentical_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addRow("small") << QStringLiteral("data/small.pstrace.jsonl");
        QTest::addRow("every kind") << QStringLiteral("data/diagram.pstrace.jsonl");
        QTest::addRow("http") << QStringLiteral("data/http.pstrace.jsonl");
    }

    // A trace read and written again (in one block, as File → Save does) gives the same bytes the
    // second time round: nothing is lost or reordered by a round trip.
    void importThenExportIsIdentical()
    {
        QFETCH(QString, file);
        const QString source = QFINDTESTDATA(file);
        QVERIFY(!source.isEmpty());
        QByteArray previous;
        QString path = source;
        for (int round = 0; round < 2; ++round) {
            Trace trace;
            TraceHeader header;
            QCOMPARE(readTrace(path, &trace, &header), QString());
            path = m_files.newPath();
            QString error;
            QVERIFY2(TraceWriter::writeTrace(path, header, trace, &error), qPrintable(error));
            const QByteArray written = readFile(path);
            if (round > 0)
                QCOMPARE(written, previous);
            previous = written;
        }
    }

    void messageFields_data()
    {
        QTest::addColumn<QByteArray>("line");
        QTest::addColumn<MessageFields>("fields");

        const auto row = [](const char* name, const char* fieldsJson, MessageFields fields) {
            QTest::addRow("%s", name) << QByteArray(fieldsJson) << fields;
        };
        MessageFields request;
        request.method = QStringLiteral("GET");
        request.target = QStringLiteral("/feed?since=3");
        request.upgrade = true;
        row("upgrade request", R"("method":"GET","target":"/feed?since=3","upgrade":true,)", request);
        MessageFields response;
        response.status = 204;
        response.reason = QStringLiteral("No Content");
        row("response", R"("status":204,"reason":"No Content",)", response);
        MessageFields close;
        close.opcode = 8;
        close.closeCode = 1001;
        close.reason = QStringLiteral("going \"away\"");
        row("close", "\"opcode\":8,\"close\":1001,\"reason\":\"going \\\"away\\\"\",", close);
        MessageFields event;
        event.name = QStringLiteral("price");
        event.id = QStringLiteral("42");
        row("event", R"("name":"price","ref":"42",)", event);
        MessageFields callback;
        callback.method = QStringLiteral("POST");
        callback.target = QStringLiteral("/callbacks/1");
        callback.id = QStringLiteral("j-1");
        row("callback", R"("method":"POST","target":"/callbacks/1","ref":"j-1",)", callback);
        MessageFields job;
        job.method = QStringLiteral("POST");
        job.target = QStringLiteral("/jobs");
        job.callback = QStringLiteral("http://127.0.0.1:9/callbacks/1");
        row("job with its callback", R"("method":"POST","target":"/jobs","callback":"http://127.0.0.1:9/callbacks/1",)",
            job);
        MessageFields subscribe;
        subscribe.method = QStringLiteral("subscribe");
        subscribe.target = QStringLiteral("prices, news");
        row("subscribe", R"("method":"subscribe","target":"prices, news",)", subscribe);
        row("none (a file written before the fields)", "", MessageFields());
    }

    // Each field is written where the format says, only when it is not its default, and reads back.
    void messageFields()
    {
        QFETCH(QByteArray, line);
        QFETCH(MessageFields, fields);

        Message m = makeMessage(0, 1, Message::Kind::WsText, {}, 50);
        m.seq = 0;
        m.fields = fields;
        const QByteArray expected
            = R"({"t":"message","seq":0,"from":0,"to":1,"kind":"ws-text",)" + line + R"("sent":50})" + '\n';
        QCOMPARE(TraceLines::line(m), expected);

        const QString path = m_files.newPath();
        writeFile(path, TraceLines::line(sampleHeader()) + R"({"t":"participant","id":0,"name":"A","role":"client"}
{"t":"participant","id":1,"name":"B","role":"server"}
)" + expected);
        Trace trace;
        QCOMPARE(readTrace(path, &trace), QString());
        QCOMPARE(trace.messages().size(), size_t(1));
        QVERIFY(trace.message(0).fields == fields);
    }

    void unwritableOutput()
    {
        const QString path = m_files.filePath(QStringLiteral("no-such-directory/out.pstrace.jsonl"));
        TraceWriter writer;
        QVERIFY(!writer.open(path, sampleHeader()));
        QVERIFY(!writer.isOpen());
        QVERIFY(writer.hasError());
        QVERIFY2(writer.errorString().startsWith(path + QStringLiteral(": cannot open for writing: ")),
            qPrintable(writer.errorString()));
        QVERIFY(writer.errorString().size() > path.size() + 27);

        Trace trace;
        QString error;
        QVERIFY(!TraceWriter::writeTrace(path, sampleHeader(), trace, &error));
        QCOMPARE(error, writer.errorString());
    }

    void fullDisk()
    {
        if (!QFile::exists(QStringLiteral("/dev/full")))
            QSKIP("needs /dev/full");
        TraceWriter writer;
        QSignalSpy failed(&writer, &TraceWriter::writeFailed);
        QVERIFY(!writer.open(QStringLiteral("/dev/full"), sampleHeader()));
        QVERIFY(writer.hasError());
        QVERIFY2(writer.errorString().startsWith(QStringLiteral("/dev/full: cannot write: ")),
            qPrintable(writer.errorString()));
        QCOMPARE(failed.count(), 1);
    }

    // Lines of one event-loop turn go out together when it ends: one write, not one per line.
    void aTurnsLinesReachTheFileWhenItEnds()
    {
        const QString path = m_files.newPath();
        Trace trace;
        TraceWriter writer;
        QVERIFY(writer.open(path, sampleHeader()));
        writer.attach(&trace);
        const int client = trace.addParticipant(QStringLiteral("Client"), Participant::Role::Client);
        const int server = trace.addParticipant(QStringLiteral("Server"), Participant::Role::Server);
        qint64 last = -1;
        for (int i = 0; i < 5; ++i) {
            last = trace.addMessage(makeMessage(client, server, Message::Kind::WsText, QStringLiteral("hi"), 10 + i));
            trace.completeMessage(last, 20 + i);
        }
        QCoreApplication::processEvents(); // the end of this turn
        const QByteArray file = readFile(path);
        QVERIFY(file.endsWith(TraceLines::endLine(trace.message(last))));
        QCOMPARE(file.count('\n'), 1 + 2 + 2 * 5);
        QVERIFY(writer.close());
    }

    // A turn that goes on (a flood, a blocked event loop) does not hold its lines: the flusher hands
    // them to the OS once the oldest has waited MaxHoldMs. Polled without returning to the event loop.
    void aLongTurnStillWritesWithinTheBound()
    {
        const QString path = m_files.newPath();
        Trace trace;
        TraceWriter writer;
        QVERIFY(writer.open(path, sampleHeader()));
        writer.attach(&trace);
        const int client = trace.addParticipant(QStringLiteral("Client"), Participant::Role::Client);
        QElapsedTimer held;
        held.start();
        const QByteArray line = TraceLines::line(trace.participants().at(size_t(client)));
        while (!readFile(path).endsWith(line) && held.elapsed() < 5000)
            std::this_thread::yield();
        const qint64 ms = held.elapsed();
        qInfo("a line written in a turn that did not end reached the file after %lld ms", qlonglong(ms));
        QVERIFY(readFile(path).endsWith(line));
        // MaxHoldMs, plus what a loaded 2-core machine may take to run the flusher thread.
        QVERIFY2(ms < TraceWriter::MaxHoldMs + 1000, qPrintable(QString::number(ms)));
        QVERIFY(writer.close());
    }

    void clearingDetaches()
    {
        const QString path = m_files.newPath();
        Trace trace;
        TraceWriter writer;
        QVERIFY(writer.open(path, sampleHeader()));
        writer.attach(&trace);
        trace.addParticipant(QStringLiteral("Before"), Participant::Role::Client);
        writer.flush();
        const QByteArray before = readFile(path);
        QVERIFY(before.contains("Before"));
        trace.clear();
        trace.addParticipant(QStringLiteral("After"), Participant::Role::Client);
        writer.flush();
        QCOMPARE(readFile(path), before);
        QVERIFY(writer.close());
    }
};

QTEST_GUILESS_MAIN(TestTraceWriter)
#include "tst_tracewriter.moc"
