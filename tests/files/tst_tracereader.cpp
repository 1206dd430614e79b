// SPDX-License-Identifier: GPL-3.0-or-later
// Reading damaged trace files: a bad line is skipped with a warning naming it, a file cut short
// reads up to its last whole line, and a file that is not a trace is refused, leaving the trace alone.
#include "tracefiles.h"

#include <QTest>

using namespace PatternScope;
using namespace PatternScope::Test;

class TestTraceReader : public QObject {
    Q_OBJECT

private:
    ScratchFiles m_files;

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
    void initTestCase() { QVERIFY(m_files.isValid()); }

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
        const QString path = m_files.newPath();
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

    // The quick path reads what TraceLines writes; every other line goes through QJsonDocument. Whatever the
    // line, both ways must leave the same trace and the same warnings.
    void quickPathReadsAsStrict_data()
    {
        badLine_data();
        const auto row
            = [](const char* name, const char* line) { QTest::addRow("%s", name) << QByteArray(line) << QString(); };
        row("all fields",
            R"({"t":"message","seq":1,"from":0,"to":1,"kind":"http-request","label":"GET /a","conn":3,"corr":"c1","bytes":87,"items":[2,4],"headers":[["Accept","a/b"],["X","y"]],"body":"eyJpdGVtcyI6W119","method":"GET","target":"/a","upgrade":true,"status":0,"opcode":1,"close":1000,"reason":"r","name":"n","ref":"7","callback":"http://x/cb","sent":50})");
        row("escapes",
            R"({"t":"message","seq":1,"from":0,"to":1,"kind":"ws-text","label":"a\"b\\c\/d\n\t\u00e9\ud83d\ude00","sent":50})");
        row("utf-8",
            "{\"t\":\"message\",\"seq\":1,\"from\":0,\"to\":1,\"kind\":\"ws-text\",\"label\":\"200 OK \xc2\xb7 "
            "\xe2\x82\xac \xf0\x9f\x98\x80\",\"sent\":50}");
        row("bad utf-8",
            "{\"t\":\"message\",\"seq\":1,\"from\":0,\"to\":1,\"kind\":\"ws-text\",\"label\":\"\xc0\xaf\",\"sent\":"
            "50}");
        row("lone surrogate", R"({"t":"message","seq":1,"from":0,"to":1,"kind":"ws-text","label":"\ud83d","sent":50})");
        row("raw control character",
            "{\"t\":\"message\",\"seq\":1,\"from\":0,\"to\":1,\"kind\":\"ws-text\",\"label\":\"a\tb\",\"sent\":50}");
        row("header bytes",
            R"({"t":"message","seq":1,"from":0,"to":1,"kind":"ws-text","headers":[["N\u00ff","\u0000\u20ac"]],"sent":50})");
        row("empty headers and body",
            R"({"t":"message","seq":1,"from":0,"to":1,"kind":"ws-text","headers":[],"body":"","sent":50})");
        row("unknown field",
            R"({"t":"message","seq":1,"from":0,"to":1,"kind":"ws-text","extra":{"a":[1,null]},"sent":50})");
        row("field twice",
            R"({"t":"message","seq":1,"from":0,"to":1,"kind":"ws-text","label":"a","label":"b","sent":50})");
        row("type twice", R"({"t":"message","seq":1,"from":0,"to":1,"kind":"ws-text","t":"other","sent":50})");
        row("spaces", R"({ "t": "message", "seq": 1, "from": 0, "to": 1, "kind": "ws-text", "sent": 50 })");
        row("type not first", R"({"seq":1,"t":"message","from":0,"to":1,"kind":"ws-text","sent":50})");
        row("exponent", R"({"t":"message","seq":1,"from":0,"to":1,"kind":"ws-text","sent":5e1})");
        row("leading zero", R"({"t":"message","seq":1,"from":0,"to":1,"kind":"ws-text","sent":050})");
        row("huge number", R"({"t":"message","seq":1,"from":0,"to":1,"kind":"ws-text","sent":123456789012345678901})");
        row("negative zero", R"({"t":"message","seq":1,"from":0,"to":1,"kind":"ws-text","sent":-0})");
        row("from out of range", R"({"t":"message","seq":1,"from":4294967296,"to":1,"kind":"ws-text","sent":50})");
        row("opcode out of range",
            R"({"t":"message","seq":1,"from":0,"to":1,"kind":"ws-text","opcode":40000,"sent":50})");
        row("items negative", R"({"t":"message","seq":1,"from":0,"to":1,"kind":"ws-text","items":[-1,2],"sent":50})");
        row("escaped kind", R"({"t":"message","seq":1,"from":0,"to":1,"kind":"ws\u002dtext","sent":50})");
        row("carriage return", "{\"t\":\"message\",\"seq\":1,\"from\":0,\"to\":1,\"kind\":\"ws-text\",\"sent\":50}\r");
        row("delivered again", R"({"t":"delivered","seq":0,"received":30,"conn":2,"bytes":9})");
        row("lost unknown", R"({"t":"lost","seq":-1,"at":30})");
        row("activation", R"({"t":"activation","id":0,"participant":1,"label":"work","start":5})");
        row("activation without start", R"({"t":"activation","id":0,"participant":1})");
    }

    void quickPathReadsAsStrict()
    {
        QFETCH(QByteArray, line);
        const QString path = m_files.newPath();
        writeFile(path,
            goodStart() + line + '\n'
                + R"({"t":"message","seq":1,"from":1,"to":0,"kind":"ws-text","label":"after","sent":70}
{"t":"activation-end","id":0,"end":80}
{"t":"lost","seq":1,"at":90}
)");
        Trace quick;
        TraceReader quickReader;
        QVERIFY2(quickReader.read(path, &quick), qPrintable(quickReader.errorString()));
        Trace strict;
        TraceReader strictReader;
        strictReader.setFastPath(false);
        QVERIFY2(strictReader.read(path, &strict), qPrintable(strictReader.errorString()));
        QCOMPARE(quickReader.warnings(), strictReader.warnings());
        QCOMPARE(quick.participants(), strict.participants());
        QVERIFY(quick.messages() == strict.messages());
        QVERIFY(quick.activations() == strict.activations());
        QCOMPARE(quick.notes(), strict.notes());
        QCOMPARE(quick.connections(), strict.connections());
    }

    void quickPathReadsTestDataAsStrict_data()
    {
        QTest::addColumn<QString>("file");
        for (const char* name : { "small", "http", "diagram" })
            QTest::addRow("%s", name) << QFINDTESTDATA(
                QStringLiteral("data/%1.pstrace.jsonl").arg(QLatin1String(name)));
    }

    void quickPathReadsTestDataAsStrict()
    {
        QFETCH(QString, file);
        QVERIFY(!file.isEmpty());
        Trace quick;
        TraceReader quickReader;
        QVERIFY2(quickReader.read(file, &quick), qPrintable(quickReader.errorString()));
        Trace strict;
        TraceReader strictReader;
        strictReader.setFastPath(false);
        QVERIFY2(strictReader.read(file, &strict), qPrintable(strictReader.errorString()));
        QVERIFY(!quick.messages().empty());
        QCOMPARE(quickReader.warnings(), strictReader.warnings());
        QVERIFY(quick.messages() == strict.messages());
        QVERIFY(quick.activations() == strict.activations());
        QCOMPARE(quick.notes(), strict.notes());
        QCOMPARE(quick.connections(), strict.connections());
    }

    void requestConnectionOnItsLineOrOnlyOnItsDelivery()
    {
        // Requests are recorded with their connection now; older files name it on `delivered` only.
        const QString path = m_files.newPath();
        writeFile(path,
            goodStart()
                + "{\"t\":\"connection\",\"id\":0,\"client\":0,\"server\":1,\"opened\":30}\n"
                  "{\"t\":\"message\",\"seq\":1,\"from\":0,\"to\":1,\"kind\":\"http-request\",\"conn\":0,"
                  "\"method\":\"GET\",\"target\":\"/new\",\"sent\":40}\n"
                  "{\"t\":\"delivered\",\"seq\":1,\"received\":50,\"bytes\":80}\n"
                  "{\"t\":\"message\",\"seq\":2,\"from\":0,\"to\":1,\"kind\":\"http-request\","
                  "\"method\":\"GET\",\"target\":\"/old\",\"sent\":60}\n"
                  "{\"t\":\"delivered\",\"seq\":2,\"received\":70,\"conn\":0,\"bytes\":80}\n");
        Trace trace;
        QCOMPARE(readTrace(path, &trace), QString());
        QCOMPARE(trace.messages().size(), size_t(3));
        for (const qint64 seq : { 1, 2 }) {
            QCOMPARE(trace.message(seq).connection, 0);
            QCOMPARE(trace.message(seq).state, Message::State::Delivered);
            QCOMPARE(trace.message(seq).bytes, 80);
        }
        // Written back, each request's own line names its connection.
        QByteArray lines;
        for (const Message& m : trace.messages())
            lines += TraceLines::line(m);
        QCOMPARE(lines.count("\"kind\":\"http-request\""), 2);
        QCOMPARE(lines.count("\"conn\":0"), 2);
    }

    void headersAndBodiesAreReadBackFromTheFile()
    {
        // A message read from a file leaves its headers and body in the file; they read back as written, also
        // after the file was renamed, and the line's neighbours do not get mixed in.
        const QString path = m_files.newPath();
        writeFile(path,
            goodStart()
                + R"({"t":"message","seq":1,"from":0,"to":1,"kind":"http-request","headers":[["Accept","a/b"],["N\u00ff","\u0000\u20ac"]],"body":"eyJpdGVtcyI6W119","sent":40}
{"t":"message","seq":2,"from":1,"to":0,"kind":"http-response","headers":[],"body":"","sent":50}
{"t":"message","seq":3,"from":1,"to":0,"kind":"http-response","body":"AAEC","sent":60}
)");
        Trace trace;
        QCOMPARE(readTrace(path, &trace), QString());
        QCOMPARE(trace.messages().size(), size_t(4));
        const QString renamed = path + QStringLiteral(".renamed");
        QVERIFY(QFile::rename(path, renamed));
        const Message& request = trace.message(1);
        QVERIFY(request.hasHeaders() && request.hasBodyPreview());
        const HeaderList expected { { "Accept", "a/b" }, { QByteArray("N\xff"), QByteArray("\x00\xe2\x82\xac", 4) } };
        QCOMPARE(request.headers(), expected);
        QCOMPARE(request.bodyPreview(), QByteArray(R"({"items":[]})"));
        QVERIFY(!trace.message(2).hasHeaders() && !trace.message(2).hasBodyPreview());
        QCOMPARE(trace.message(2).headers(), HeaderList());
        QCOMPARE(trace.message(3).headers(), HeaderList());
        QCOMPARE(trace.message(3).bodyPreview(), QByteArray("\x00\x01\x02", 3));
        // A copy of the message outlives the trace and still reads them.
        const Message copy = request;
        trace.clear();
        QCOMPARE(copy.headers(), expected);
    }

    void savedOverTheFileItWasReadFrom()
    {
        // Saving a trace read from a file over that file: the file is replaced, not cut short under the
        // messages that read their headers and bodies from it, so the saved file is the same again.
        Trace recorded;
        recordSmallRun(recorded);
        const QString path = m_files.newPath();
        QString error;
        QVERIFY2(TraceWriter::writeTrace(path, sampleHeader(), recorded, &error), qPrintable(error));
        const QByteArray written = readFile(path);
        QVERIFY(written.contains("\"headers\":") && written.contains("\"body\":"));
        Trace trace;
        TraceHeader header;
        QCOMPARE(readTrace(path, &trace, &header), QString());
        QVERIFY2(TraceWriter::writeTrace(path, header, trace, &error), qPrintable(error));
        QCOMPARE(readFile(path), written);
        QVERIFY(!QFile::exists(path + QStringLiteral(".saving")));
        compareTraces(trace, recorded);
    }

    void lineNumbersCountEveryLine()
    {
        // Blank lines and CRLF endings still count as lines.
        const QString path = m_files.newPath();
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
        const QString path = m_files.newPath();
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
        const QString path = m_files.newPath();
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

        const QString path = m_files.newPath();
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
        const QString path = m_files.filePath(QStringLiteral("does-not-exist.pstrace.jsonl"));
        Trace trace;
        TraceReader reader;
        QVERIFY(!reader.read(path, &trace, nullptr));
        QVERIFY2(reader.errorString().startsWith(path + QStringLiteral(": cannot open: ")),
            qPrintable(reader.errorString()));
        QVERIFY(reader.errorString().size() > path.size() + 15);
    }
};

QTEST_GUILESS_MAIN(TestTraceReader)
#include "tst_tracereader.moc"
