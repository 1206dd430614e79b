// SPDX-License-Identifier: GPL-3.0-or-later
#include "tracefile.h"
#include "tracelines.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QStringDecoder>
#include <QTemporaryDir>
#include <QTest>
#include <limits>

using namespace PatternScope;

class TestTraceFile : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    int m_fileCount = 0;

    // A fresh file name per call, so data rows never see each other's files.
    QString newPath() { return m_dir.filePath(QStringLiteral("trace-%1.pstrace.jsonl").arg(++m_fileCount)); }

    static void writeFile(const QString& path, const QByteArray& content)
    {
        QFile file(path);
        QVERIFY2(file.open(QIODevice::WriteOnly | QIODevice::Truncate), qPrintable(file.errorString()));
        QCOMPARE(file.write(content), content.size());
    }

    static QByteArray readFile(const QString& path)
    {
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly))
            return {};
        return file.readAll();
    }

    static TraceHeader sampleHeader()
    {
        TraceHeader header;
        header.appVersion = QStringLiteral("0.1.0");
        header.pattern = QStringLiteral("request-response");
        header.parameters = { { QStringLiteral("latency"), QStringLiteral("50ms") },
            { QStringLiteral("loss"), QStringLiteral("0%") } };
        header.seed = 7;
        header.startedAt = QDateTime::fromString(QStringLiteral("2024-05-01T12:00:00.250Z"), Qt::ISODateWithMs);
        return header;
    }

    static Message message(int from, int to, Message::Kind kind, const QString& label, TimeUs sent, int connection = -1,
        const QString& correlation = {}, qint64 bytes = 0)
    {
        Message m;
        m.from = from;
        m.to = to;
        m.kind = kind;
        m.label = label;
        m.sentAt = sent;
        m.connection = connection;
        m.correlation = correlation;
        m.bytes = bytes;
        return m;
    }

    // The run behind tests/files/data/small.pstrace.jsonl, recorded in this order.
    static void recordSmallRun(Trace& trace)
    {
        const int browser = trace.addParticipant(QStringLiteral("Browser"), Participant::Role::Client);
        const int server = trace.addParticipant(QStringLiteral("Server"), Participant::Role::Server);
        const int conn = trace.openConnection(browser, server, 1000);
        Message get = message(browser, server, Message::Kind::HttpRequest, QStringLiteral("GET /api/items?id=1"), 1200,
            conn, QStringLiteral("r1"), 87);
        get.headers = { { "Accept", "application/json" } };
        get.fields.method = QStringLiteral("GET");
        get.fields.target = QStringLiteral("/api/items?id=1");
        const qint64 request = trace.addMessage(get);
        trace.completeMessage(request, 1450);
        const qint64 handling = trace.beginActivation(server, QStringLiteral("handle GET"), 1450);
        trace.endActivation(handling, 1700);
        Message ok = message(server, browser, Message::Kind::HttpResponse, QStringLiteral("200 OK"), 1700, conn,
            QStringLiteral("r1"), 142);
        ok.headers = { { "Content-Type", "application/json" } };
        ok.bodyPreview = R"({"items":[]})";
        ok.fields.status = 200;
        ok.fields.reason = QStringLiteral("OK");
        const qint64 response = trace.addMessage(ok);
        trace.addNote(browser, QStringLiteral("retry after \"timeout\""), 1800);
        trace.completeMessage(response, 1950);
        Message slowGet = message(browser, server, Message::Kind::HttpRequest, QStringLiteral("GET /api/slow"), 2000,
            conn, QStringLiteral("r2"), 80);
        slowGet.fields.method = QStringLiteral("GET");
        slowGet.fields.target = QStringLiteral("/api/slow");
        const qint64 slow = trace.addMessage(slowGet);
        trace.loseMessage(slow, 5000);
        trace.closeConnection(conn, 167, 142, QStringLiteral("cut"), 5000);
    }

    // Compares line by line first, so a failure shows the record, then exactly with operator==.
    template <typename Record, typename Describe>
    static void compareRecords(
        const std::vector<Record>& actual, const std::vector<Record>& expected, Describe describe)
    {
        QCOMPARE(actual.size(), expected.size());
        for (size_t i = 0; i < actual.size(); ++i)
            QCOMPARE(describe(actual[i]), describe(expected[i]));
        QVERIFY(actual == expected);
    }

    static void compareTraces(const Trace& actual, const Trace& expected)
    {
        compareRecords(actual.participants(), expected.participants(), &TraceLines::line<Participant>);
        if (QTest::currentTestFailed())
            return;
        compareRecords(actual.messages(), expected.messages(),
            [](const Message& m) -> QByteArray { return TraceLines::line(m) + TraceLines::endLine(m); });
        if (QTest::currentTestFailed())
            return;
        compareRecords(actual.activations(), expected.activations(),
            [](const Activation& a) -> QByteArray { return TraceLines::line(a) + TraceLines::endLine(a); });
        if (QTest::currentTestFailed())
            return;
        compareRecords(actual.notes(), expected.notes(), &TraceLines::line<Note>);
        if (QTest::currentTestFailed())
            return;
        compareRecords(actual.connections(), expected.connections(),
            [](const Connection& c) -> QByteArray { return TraceLines::line(c) + TraceLines::endLine(c); });
    }

    // Header, two participants, a delivered message: lines 1 to 5 of every bad-line file.
    static QByteArray goodStart()
    {
        return TraceLines::line(sampleHeader()) + R"({"t":"participant","id":0,"name":"Client","role":"client"}
{"t":"participant","id":1,"name":"Server","role":"server"}
{"t":"message","seq":0,"from":0,"to":1,"kind":"ws-text","label":"hello","sent":10}
{"t":"delivered","seq":0,"received":20}
)";
    }

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void roundTripWhileRecording()
    {
        const QString path = newPath();
        const TraceHeader header = sampleHeader();
        Trace trace;

        // Some of the run happens before the writer is attached; it must still reach the file.
        const int client = trace.addParticipant(QStringLiteral("Client \"A\""), Participant::Role::Client);
        const int server = trace.addParticipant(QStringLiteral("Sérvér ✓ 服务器"), Participant::Role::Server);
        const int broker = trace.addParticipant(QStringLiteral("Broker\\1"), Participant::Role::Broker);
        const int early = trace.openConnection(client, server, 10);
        const qint64 first = trace.addMessage(message(
            client, server, Message::Kind::HttpRequest, QStringLiteral("GET /"), 20, early, QStringLiteral("r1"), 120));
        trace.completeMessage(first, 40, early, 130); // the receiver counted a different size
        const qint64 busy = trace.beginActivation(server, QStringLiteral("handle GET /"), 25);
        trace.endActivation(busy, 35);
        trace.closeConnection(early, 300, 500, QStringLiteral("cut"), 100);

        TraceWriter writer;
        QSignalSpy failed(&writer, &TraceWriter::writeFailed);
        QVERIFY2(writer.open(path, header), qPrintable(writer.errorString()));
        writer.attach(&trace);

        Message odd = message(client, broker, Message::Kind::Publish,
            QStringLiteral("tab\there\nnew line \x01 \x1f quote\" backslash\\ é ✓ 🛰 \u2028"), 150, -1,
            QStringLiteral("c\"1\\"), 42);
        odd.headers = { { "Content-Type", R"(text/plain; charset="utf-8")" },
            { QByteArray("X-Bin\x00", 6), QByteArray("\x00\xff\x80\x7f ok", 7) }, { "", "" } };
        odd.bodyPreview = QByteArray("\x00\x01\x02\xfe\xff binary", 12);
        const qint64 lost = trace.addMessage(odd);
        // Each event is handed to the OS before the call that caused it returns.
        QVERIFY(readFile(path).endsWith(TraceLines::line(trace.message(lost))));
        trace.loseMessage(lost, 200);
        QVERIFY(readFile(path).endsWith(TraceLines::endLine(trace.message(lost))));

        const int late = trace.openConnection(broker, server, 210);
        trace.addMessage(message(broker, server, Message::Kind::Deliver, QStringLiteral("in flight 🛰"), 220, late));
        Message carrying = message(server, client, Message::Kind::WsText, {}, 230);
        carrying.firstItem = 5;
        carrying.lastItem = 7;
        const qint64 later = trace.addMessage(carrying);
        // Sent earlier than the previous one: seq order and time order may differ.
        const qint64 earlier
            = trace.addMessage(message(client, server, Message::Kind::WsBinary, QStringLiteral("e"), 215));
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
        TraceReader reader;
        QVERIFY2(reader.read(path, &restored, &readHeader), qPrintable(reader.errorString()));
        QCOMPARE(reader.warnings(), QStringList());
        QCOMPARE(readHeader, header);
        compareTraces(restored, trace);
        if (QTest::currentTestFailed())
            return;

        // The whole-trace writer follows the same rule for finished records: the same trace again.
        const QString copy = newPath();
        QString error;
        QVERIFY2(TraceWriter::writeTrace(copy, header, trace, &error), qPrintable(error));
        Trace again;
        QVERIFY2(reader.read(copy, &again, nullptr), qPrintable(reader.errorString()));
        QCOMPARE(reader.warnings(), QStringList());
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

        const QString path = newPath();
        TraceWriter writer;
        QVERIFY2(writer.open(path, header), qPrintable(writer.errorString()));
        QVERIFY(writer.close());
        QCOMPARE(readFile(path), line);

        Trace trace;
        TraceHeader read;
        TraceReader reader;
        QVERIFY2(reader.read(path, &trace, &read), qPrintable(reader.errorString()));
        QCOMPARE(reader.warnings(), QStringList());
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

        const QString path = newPath();
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
        TraceReader reader;
        QVERIFY2(reader.read(expectedPath, &restored, &header), qPrintable(reader.errorString()));
        QCOMPARE(reader.warnings(), QStringList());
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
            TraceReader reader;
            QVERIFY2(reader.read(path, &trace, &header), qPrintable(reader.errorString()));
            QCOMPARE(reader.warnings(), QStringList());
            path = newPath();
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
        row("none (a file written before the fields)", "", MessageFields());
    }

    // Each field is written where the format says, only when it is not its default, and reads back.
    void messageFields()
    {
        QFETCH(QByteArray, line);
        QFETCH(MessageFields, fields);

        Message m;
        m.seq = 0;
        m.from = 0;
        m.to = 1;
        m.kind = Message::Kind::WsText;
        m.sentAt = 50;
        m.fields = fields;
        const QByteArray expected
            = R"({"t":"message","seq":0,"from":0,"to":1,"kind":"ws-text",)" + line + R"("sent":50})" + '\n';
        QCOMPARE(TraceLines::line(m), expected);

        const QString path = newPath();
        writeFile(path, TraceLines::line(sampleHeader()) + R"({"t":"participant","id":0,"name":"A","role":"client"}
{"t":"participant","id":1,"name":"B","role":"server"}
)" + expected);
        Trace trace;
        TraceReader reader;
        QVERIFY2(reader.read(path, &trace), qPrintable(reader.errorString()));
        QCOMPARE(reader.warnings(), QStringList());
        QCOMPARE(trace.messages().size(), size_t(1));
        QVERIFY(trace.message(0).fields == fields);
    }

    void badLine_data()
    {
        QTest::addColumn<QByteArray>("line");
        QTest::addColumn<QString>("reason");

        const auto row = [](const char* name, const char* line, const char* reason) {
            QTest::addRow("%s", name) << QByteArray(line) << QString::fromUtf8(reason);
        };
        row("invalid JSON", R"({"t":"message","seq":1,)", "not valid JSON: ");
        row("not an object", "[1,2,3]", "not a JSON object");
        row("no type", R"({"seq":1})", "missing field 't'");
        row("unknown type", R"({"t":"teleport","seq":1})", "unknown record type 'teleport'");
        row("missing seq", R"({"t":"message","from":0,"to":1,"kind":"ws-text","sent":50})", "missing field 'seq'");
        row("seq is a string", R"({"t":"message","seq":"1","from":0,"to":1,"kind":"ws-text","sent":50})",
            "field 'seq' is not an integer");
        row("seq is fractional", R"({"t":"message","seq":1.5,"from":0,"to":1,"kind":"ws-text","sent":50})",
            "field 'seq' is not an integer");
        row("label is a number", R"({"t":"message","seq":1,"from":0,"to":1,"kind":"ws-text","label":3,"sent":50})",
            "field 'label' is not a string");
        row("unknown participant", R"({"t":"message","seq":1,"from":0,"to":9,"kind":"ws-text","sent":50})",
            "message 1 refers to unknown participant 9");
        row("seq out of order", R"({"t":"message","seq":7,"from":0,"to":1,"kind":"ws-text","sent":50})",
            "sequence number 7 out of order, expected 1");
        row("duplicate seq", R"({"t":"message","seq":0,"from":0,"to":1,"kind":"ws-text","sent":50})",
            "sequence number 0 out of order, expected 1");
        row("unknown kind", R"({"t":"message","seq":1,"from":0,"to":1,"kind":"pigeon","sent":50})",
            "unknown message kind 'pigeon'");
        row("bad body", R"({"t":"message","seq":1,"from":0,"to":1,"kind":"ws-text","body":"!!","sent":50})",
            "field 'body' is not valid base64");
        row("bad headers", R"({"t":"message","seq":1,"from":0,"to":1,"kind":"ws-text","headers":[["a"]],"sent":50})",
            "field 'headers' is not an array of [name, value] pairs");
        row("items reversed", R"({"t":"message","seq":1,"from":0,"to":1,"kind":"ws-text","items":[7,5],"sent":50})",
            "field 'items' is not a [first, last] pair of item ids");
        row("items not a pair", R"({"t":"message","seq":1,"from":0,"to":1,"kind":"ws-text","items":[7],"sent":50})",
            "field 'items' is not a [first, last] pair of item ids");
        row("negative time", R"({"t":"message","seq":1,"from":0,"to":1,"kind":"ws-text","sent":-1})",
            "field 'sent' is a negative time");
        row("delivered unknown message", R"({"t":"delivered","seq":42,"received":60})",
            "delivered refers to unknown message 42");
        row("lost after delivered", R"({"t":"lost","seq":0,"at":60})", "message 0 is already delivered");
        row("lost without time", R"({"t":"lost","seq":0})", "missing field 'at'");
        row("duplicate participant", R"({"t":"participant","id":0,"name":"Again","role":"client"})",
            "participant id 0 out of order, expected 2");
        row("unknown role", R"({"t":"participant","id":2,"name":"X","role":"emperor"})",
            "unknown participant role 'emperor'");
        row("activation of unknown participant", R"({"t":"activation","id":0,"participant":5,"start":1})",
            "activation 0 refers to unknown participant 5");
        row("end of unknown activation", R"({"t":"activation-end","id":3,"end":9})",
            "activation-end refers to unknown activation 3");
        row("note out of order", R"({"t":"note","id":4,"participant":0,"at":1})", "note id 4 out of order, expected 0");
        row("connection to unknown participant", R"({"t":"connection","id":0,"client":0,"server":7,"opened":1})",
            "connection 0 refers to unknown participant 7");
        row("connection id out of range", R"({"t":"connection","id":99999999999,"client":0,"server":1,"opened":1})",
            "field 'id' is out of range");
        row("close of unknown connection", R"({"t":"connection-closed","id":2,"closed":9})",
            "connection-closed refers to unknown connection 2");
        row("second header", R"({"t":"header","format":"pstrace","version":1})", "unexpected second header");
        row("method is a number",
            R"({"t":"message","seq":1,"from":0,"to":1,"kind":"http-request","method":1,"sent":50})",
            "field 'method' is not a string");
        row("target is an array",
            R"({"t":"message","seq":1,"from":0,"to":1,"kind":"http-request","target":["/"],"sent":50})",
            "field 'target' is not a string");
        row("status is a string",
            R"({"t":"message","seq":1,"from":0,"to":1,"kind":"http-response","status":"200","sent":50})",
            "field 'status' is not an integer");
        row("status out of range",
            R"({"t":"message","seq":1,"from":0,"to":1,"kind":"http-response","status":70000,"sent":50})",
            "field 'status' is out of range");
        row("upgrade is a string",
            R"({"t":"message","seq":1,"from":0,"to":1,"kind":"http-request","upgrade":"yes","sent":50})",
            "field 'upgrade' is not true or false");
        row("opcode is fractional",
            R"({"t":"message","seq":1,"from":0,"to":1,"kind":"ws-text","opcode":1.5,"sent":50})",
            "field 'opcode' is not an integer");
        row("close code is a string",
            R"({"t":"message","seq":1,"from":0,"to":1,"kind":"ws-close","close":"1000","sent":50})",
            "field 'close' is not an integer");
        row("reason is a number", R"({"t":"message","seq":1,"from":0,"to":1,"kind":"ws-close","reason":5,"sent":50})",
            "field 'reason' is not a string");
        row("event name is null", R"({"t":"message","seq":1,"from":0,"to":1,"kind":"sse-event","name":null,"sent":50})",
            "field 'name' is not a string");
        row("ref is a number", R"({"t":"message","seq":1,"from":0,"to":1,"kind":"sse-event","ref":3,"sent":50})",
            "field 'ref' is not a string");
    }

    void badLine()
    {
        QFETCH(QByteArray, line);
        QFETCH(QString, reason);

        // Line 6 is bad; the good lines before and after it are still read.
        const QString path = newPath();
        writeFile(path,
            goodStart() + line + '\n'
                + R"({"t":"message","seq":1,"from":1,"to":0,"kind":"ws-text","label":"after","sent":70}
{"t":"lost","seq":1,"at":90}
)");
        Trace trace;
        TraceReader reader;
        QVERIFY2(reader.read(path, &trace, nullptr), qPrintable(reader.errorString()));
        const QStringList warnings = reader.warnings();
        QCOMPARE(warnings.size(), 1);
        const QString expected = path + QStringLiteral(":6: ") + reason;
        QVERIFY2(warnings.first().startsWith(expected),
            qPrintable(QStringLiteral("got \"%1\", expected \"%2\"").arg(warnings.first(), expected)));

        QCOMPARE(trace.participants().size(), size_t(2));
        QCOMPARE(trace.messages().size(), size_t(2));
        QCOMPARE(trace.message(0).state, Message::State::Delivered);
        QCOMPARE(trace.message(0).receivedAt, 20);
        QCOMPARE(trace.message(1).label, QStringLiteral("after"));
        QCOMPARE(trace.message(1).state, Message::State::Lost);
        QVERIFY(trace.activations().empty());
        QVERIFY(trace.notes().empty());
        QVERIFY(trace.connections().empty());
    }

    void lineNumbersCountEveryLine()
    {
        // Blank lines and CRLF endings still count as lines.
        const QString path = newPath();
        writeFile(path,
            TraceLines::line(sampleHeader())
                + "\r\n"
                  R"({"t":"participant","id":0,"name":"Client","role":"client"})"
                  "\r\n"
                  "oops\n"
                  "\n"
                  R"({"t":"note","id":0,"participant":0,"at":3,"text":"kept"})"
                  "\r\n"
                  R"({"t":"note","id":0,"participant":0,"at":4})"
                  "\n");
        Trace trace;
        TraceReader reader;
        QVERIFY2(reader.read(path, &trace, nullptr), qPrintable(reader.errorString()));
        const QStringList warnings = reader.warnings();
        QCOMPARE(warnings.size(), 2);
        QVERIFY2(warnings.at(0).startsWith(path + QStringLiteral(":4: not valid JSON")), qPrintable(warnings.at(0)));
        QCOMPARE(warnings.at(1), path + QStringLiteral(":7: note id 0 out of order, expected 1"));
        QCOMPARE(trace.participants().size(), size_t(1));
        QCOMPARE(trace.notes().size(), size_t(1));
        QCOMPARE(trace.notes().front().text, QStringLiteral("kept"));
    }

    void warningsAreCapped()
    {
        const QString path = newPath();
        QByteArray content = TraceLines::line(sampleHeader());
        const int bad = TraceReader::MaxWarnings + 5;
        for (int i = 0; i < bad; ++i)
            content += "{}\n";
        writeFile(path, content);
        Trace trace;
        TraceReader reader;
        QVERIFY(reader.read(path, &trace, nullptr));
        const QStringList warnings = reader.warnings();
        QCOMPARE(warnings.size(), TraceReader::MaxWarnings + 1);
        QCOMPARE(warnings.first(), path + QStringLiteral(":2: missing field 't'"));
        QCOMPARE(warnings.last(), path + QStringLiteral(": 5 more warnings not listed"));
    }

    void lastLine_data()
    {
        QTest::addColumn<int>("cut"); // bytes removed from the end of a complete file
        QTest::addColumn<QByteArray>("tail"); // appended after the cut
        QTest::addColumn<QString>("warning"); // for the last line; empty: none

        QTest::addRow("killed mid-line") << 0 << QByteArray("{\"t\":\"message\",\"seq\":3,\"from\":0,\"to")
                                         << QStringLiteral("truncated last line ignored");
        QTest::addRow("killed mid-string")
            << 0 << QByteArray("{\"t\":\"note\",\"id\":1,\"participant\":0,\"at\":9,\"text\":\"unfin")
            << QStringLiteral("truncated last line ignored");
        QTest::addRow("complete line without newline") << 1 << QByteArray() << QString();
        QTest::addRow("broken line with newline") << 0 << QByteArray("{\"t\":\n") << QStringLiteral("not valid JSON: ");
    }

    void lastLine()
    {
        QFETCH(int, cut);
        QFETCH(QByteArray, tail);
        QFETCH(QString, warning);

        Trace trace;
        recordSmallRun(trace);
        const QString path = newPath();
        QString error;
        QVERIFY2(TraceWriter::writeTrace(path, sampleHeader(), trace, &error), qPrintable(error));
        QByteArray content = readFile(path);
        const qsizetype lines = content.count('\n');
        content.chop(cut);
        writeFile(path, content + tail);

        Trace restored;
        TraceReader reader;
        QVERIFY2(reader.read(path, &restored, nullptr), qPrintable(reader.errorString()));
        if (warning.isEmpty()) {
            QCOMPARE(reader.warnings(), QStringList());
        } else {
            QCOMPARE(reader.warnings().size(), 1);
            const QString expected
                = path + QLatin1Char(':') + QString::number(lines + 1) + QStringLiteral(": ") + warning;
            QVERIFY2(reader.warnings().first().startsWith(expected), qPrintable(reader.warnings().first()));
        }
        compareTraces(restored, trace);
    }

    void fatalError_data()
    {
        QTest::addColumn<QByteArray>("content");
        QTest::addColumn<QString>("error"); // after "<file>"

        const QString notHeader = QStringLiteral(":1: not a pstrace file: the first line is not a pstrace header");
        QTest::addRow("empty file") << QByteArray() << QStringLiteral(":1: empty file, expected a pstrace header");
        QTest::addRow("not JSON") << QByteArray("hello\n") << notHeader;
        QTest::addRow("blank first line") << QByteArray("\n" + TraceLines::line(sampleHeader())) << notHeader;
        QTest::addRow("participant first") << QByteArray(R"({"t":"participant","id":0,"name":"Client","role":"client"})"
                                                         "\n")
                                           << notHeader;
        QTest::addRow("another format") << QByteArray(R"({"t":"header","format":"pcap","version":1})") << notHeader;
        QTest::addRow("newer version") << QByteArray(R"({"t":"header","format":"pstrace","version":2})"
                                                     "\n")
                                       << QStringLiteral(":1: format version 2 is newer than supported (1)");
        QTest::addRow("no version") << QByteArray(R"({"t":"header","format":"pstrace"})"
                                                  "\n")
                                    << QStringLiteral(":1: header: missing field 'version'");
        QTest::addRow("version zero") << QByteArray(R"({"t":"header","format":"pstrace","version":0})"
                                                    "\n")
                                      << QStringLiteral(":1: invalid format version 0");
    }

    void fatalError()
    {
        QFETCH(QByteArray, content);
        QFETCH(QString, error);

        const QString path = newPath();
        writeFile(path, content);
        Trace trace;
        trace.addParticipant(QStringLiteral("Untouched"), Participant::Role::Client);
        TraceHeader header;
        header.pattern = QStringLiteral("untouched");
        TraceReader reader;
        QVERIFY(!reader.read(path, &trace, &header));
        QCOMPARE(reader.errorString(), path + error);
        // A file that is not accepted leaves the trace and the header alone.
        QCOMPARE(trace.participants().size(), size_t(1));
        QCOMPARE(header.pattern, QStringLiteral("untouched"));
    }

    void missingInput()
    {
        const QString path = m_dir.filePath(QStringLiteral("does-not-exist.pstrace.jsonl"));
        Trace trace;
        TraceReader reader;
        QVERIFY(!reader.read(path, &trace, nullptr));
        QVERIFY2(reader.errorString().startsWith(path + QStringLiteral(": cannot open: ")),
            qPrintable(reader.errorString()));
        QVERIFY(reader.errorString().size() > path.size() + 15);
    }

    void unwritableOutput()
    {
        const QString path = m_dir.filePath(QStringLiteral("no-such-directory/out.pstrace.jsonl"));
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

    void clearingDetaches()
    {
        const QString path = newPath();
        Trace trace;
        TraceWriter writer;
        QVERIFY(writer.open(path, sampleHeader()));
        writer.attach(&trace);
        trace.addParticipant(QStringLiteral("Before"), Participant::Role::Client);
        const QByteArray before = readFile(path);
        trace.clear();
        trace.addParticipant(QStringLiteral("After"), Participant::Role::Client);
        QCOMPARE(readFile(path), before);
        QVERIFY(writer.close());
    }
};

QTEST_GUILESS_MAIN(TestTraceFile)
#include "tst_tracewriter.moc"
