// SPDX-License-Identifier: GPL-3.0-or-later
// The Mermaid and PlantUML exports: byte-for-byte against hand-checked golden files, time ranges,
// escaping, and Mermaid's size limit with the split that keeps each piece under it.
#include "exchanges.h"
#include "exports.h"
#include "tracefiles.h"

#include <QBuffer>
#include <QFile>
#include <QSet>
#include <QTest>

using namespace PatternScope;
using namespace PatternScope::Test;

namespace {

using ExportFunction
    = bool (*)(const Trace&, const ExportRange&, QIODevice*, FileError*, const ExportProgress&, const ExportOptions&);

QByteArray exported(
    ExportFunction function, const Trace& trace, const ExportRange& range = {}, const ExportOptions& options = {})
{
    QBuffer buffer;
    buffer.open(QIODevice::WriteOnly);
    FileError error;
    if (!function(trace, range, &buffer, &error, {}, options)) {
        qWarning("export failed: %s", qPrintable(error.message));
        return {};
    }
    return buffer.data();
}

} // namespace

class TestTextExports : public QObject {
    Q_OBJECT

private:
    static void readFixture(Trace* trace)
    {
        const QString path = QFINDTESTDATA("data/diagram.pstrace.jsonl");
        QVERIFY(!path.isEmpty());
        QCOMPARE(readTrace(path, trace), QString());
    }

private Q_SLOTS:
    void fixtureCoversEverything()
    {
        Trace trace;
        readFixture(&trace);
        QSet<Message::Kind> kinds;
        QSet<Message::State> states;
        for (const Message& m : trace.messages()) {
            kinds.insert(m.kind);
            states.insert(m.state);
        }
        QCOMPARE(kinds.size(), 13);
        QCOMPARE(states.size(), 3);
        QCOMPARE(trace.participants().size(), size_t(6));
        bool openActivation = false;
        for (const Activation& a : trace.activations())
            openActivation |= a.end == NoTime;
        QVERIFY(openActivation);
    }

    void golden_data()
    {
        QTest::addColumn<int>("format");
        QTest::addColumn<QString>("golden");
        QTest::addRow("mermaid") << 0 << QStringLiteral("data/golden/diagram.mmd");
        QTest::addRow("plantuml") << 1 << QStringLiteral("data/golden/diagram.puml");
    }

    void golden()
    {
        QFETCH(int, format);
        QFETCH(QString, golden);
        Trace trace;
        readFixture(&trace);
        const QByteArray actual = exported(format == 0 ? &Export::mermaid : &Export::plantUml, trace);
        const QString path = QFINDTESTDATA(golden);
        QVERIFY(!path.isEmpty());
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray expected = file.readAll();
        // Line by line first, so a failure names the line; then every byte.
        const QList<QByteArray> actualLines = actual.split('\n');
        const QList<QByteArray> expectedLines = expected.split('\n');
        for (qsizetype i = 0; i < std::min(actualLines.size(), expectedLines.size()); ++i)
            QCOMPARE(actualLines[i], expectedLines[i]);
        QCOMPARE(actual, expected);
    }

    void range_data()
    {
        QTest::addColumn<int>("format");
        QTest::addColumn<QByteArray>("expected");
        // 1.5 ms to 3.3 ms: the server is already busy at the start (its activation began at 1.45 ms),
        // messages 2 to 10, the note at 1.8 ms and the broker's instant fan-out; nothing after.
        QTest::addRow("mermaid") << 0
                                 << QByteArray("sequenceDiagram\n"
                                               "    %% ->> request or push, -->> response, -x or --x lost, -) TCP "
                                               "connect or close\n"
                                               "    participant P1 as Client 1\n"
                                               "    participant P4 as Publisher\n"
                                               "    participant P5 as curl #lt;ext#gt; ünï\n"
                                               "    participant P0 as Server: main\n"
                                               "    participant P2 as Broker\n"
                                               "    participant P3 as Sub #35;1#59; \"A\"\n"
                                               "    activate P0\n"
                                               "    P0-->>P1: 200 OK: #lt;json#gt; #amp; \"quoted\"\n"
                                               "    deactivate P0\n"
                                               "    Note right of P0: item 5 produced\n"
                                               "    P0->>P1: event: tick **bold** //x// #37;%{init}#37;% #36;$x#36;$\n"
                                               "    P1->>P0: hello ünï 😀 ~~wave~~ [[link]]\n"
                                               "    P0->>P1: ws-binary\n"
                                               "    P1->>P0: ping\n"
                                               "    P0--xP1: pong\n"
                                               "    P1->>P0: close 1000: bye\n"
                                               "    P4->>P2: publish news/1 = 50%\n"
                                               "    activate P2\n"
                                               "    deactivate P2\n"
                                               "    P2->>P3: deliver news/1\n");
        QTest::addRow("plantuml") << 1
                                  << QByteArray("@startuml\n"
                                                "' -> request or push, --> response, ->x or -->x lost, ->> TCP "
                                                "connect or close\n"
                                                "participant \"Client 1\" as P1\n"
                                                "participant \"Publisher\" as P4\n"
                                                "participant \"curl &#60;ext&#62; ünï\" as P5\n"
                                                "participant \"Server: main\" as P0\n"
                                                "participant \"Broker\" as P2\n"
                                                "participant \"Sub #1; &#34;A&#34;\" as P3\n"
                                                "activate P0\n"
                                                "P0 --> P1 : 200 OK: &#60;json&#62; &#38; &#34;quoted&#34;\n"
                                                "deactivate P0\n"
                                                "note right of P0 : item 5 produced\n"
                                                "P0 -> P1 : event: tick &#42;*bold&#42;* &#47;/x&#47;/ "
                                                "&#37;&#37;{init}&#37;&#37; $$x$$\n"
                                                "P1 -> P0 : hello ünï 😀 &#126;&#126;wave&#126;&#126; &#91;[link]]\n"
                                                "P0 -> P1 : ws-binary\n"
                                                "P1 -> P0 : ping\n"
                                                "P0 -->x P1 : pong\n"
                                                "P1 -> P0 : close 1000: bye\n"
                                                "P4 -> P2 : publish news/1 = 50&#37;\n"
                                                "activate P2\n"
                                                "deactivate P2\n"
                                                "P2 -> P3 : deliver news/1\n"
                                                "@enduml\n");
    }

    void range()
    {
        QFETCH(int, format);
        QFETCH(QByteArray, expected);
        Trace trace;
        readFixture(&trace);
        const ExportRange range { 1'500, 3'300 };
        QCOMPARE(exported(format == 0 ? &Export::mermaid : &Export::plantUml, trace, range), expected);
    }

    void escaping_data()
    {
        QTest::addColumn<QString>("label");
        QTest::addColumn<QByteArray>("mermaid");
        QTest::addColumn<QByteArray>("plantUml");
        QTest::addRow("plain") << QStringLiteral("GET /items") << QByteArray("GET /items") << QByteArray("GET /items");
        QTest::addRow("semicolon and hash")
            << QStringLiteral("a;b#c") << QByteArray("a#59;b#35;c") << QByteArray("a;b#c");
        QTest::addRow("entity lookalike") << QStringLiteral("#lt; &amp;") << QByteArray("#35;lt#59; #amp;amp#59;")
                                          << QByteArray("&#35;lt; &#38;amp;");
        QTest::addRow("angle brackets") << QStringLiteral("<br>") << QByteArray("#lt;br#gt;")
                                        << QByteArray("&#60;br&#62;");
        QTest::addRow("newlines") << QStringLiteral("a\nb\r\nc\rd") << QByteArray("a<br>b<br>c<br>d")
                                  << QByteArray("a\\nb\\nc\\nd");
        QTest::addRow("backslash") << QStringLiteral("C:\\new") << QByteArray("C:\\new") << QByteArray("C:\\\\new");
        QTest::addRow("control characters") << QStringLiteral("a\tb\x01") << QByteArray("a b") << QByteArray("a b");
        QTest::addRow("leading wrap") << QStringLiteral("Wrap: x") << QByteArray("Wrap#58; x") << QByteArray("Wrap: x");
        QTest::addRow("percent") << QStringLiteral("50% %%{init}%% %date()")
                                 << QByteArray("50% #37;%{init}#37;% %date()")
                                 << QByteArray("50&#37; &#37;&#37;{init}&#37;&#37; &#37;date()");
        QTest::addRow("creole line starts")
            << QStringLiteral("# one\n* two\n|three|\n= four") << QByteArray("#35; one<br>* two<br>|three|<br>= four")
            << QByteArray("&#35; one\\n&#42; two\\n&#124;three|\\n&#61; four");
        QTest::addRow("only spaces") << QStringLiteral("  ") << QByteArray("http-request")
                                     << QByteArray("http-request");
    }

    void escaping()
    {
        QFETCH(QString, label);
        QFETCH(QByteArray, mermaid);
        QFETCH(QByteArray, plantUml);
        Trace trace;
        const int a = trace.addParticipant(QStringLiteral("A"), Participant::Role::Client);
        const int b = trace.addParticipant(QStringLiteral("B"), Participant::Role::Server);
        trace.completeMessage(trace.addMessage(makeMessage(a, b, Message::Kind::HttpRequest, label, 10)), 20);
        const QList<QByteArray> mermaidLines = exported(&Export::mermaid, trace).split('\n');
        QCOMPARE(mermaidLines.value(4), QByteArray("    P0->>P1: " + mermaid));
        const QList<QByteArray> plantUmlLines = exported(&Export::plantUml, trace).split('\n');
        QCOMPARE(plantUmlLines.value(4), QByteArray("P0 -> P1 : " + plantUml));
    }

    void mermaidSizeLimit()
    {
        Trace trace;
        fillPolling(trace, 2'000, 10'000);
        QBuffer buffer;
        buffer.open(QIODevice::WriteOnly);
        FileError error;
        QVERIFY(!Export::mermaid(trace, {}, &buffer, &error));
        QCOMPARE(error.code, FileError::Code::TooLarge);
        QVERIFY2(error.message.contains(QLatin1String("characters, more than the 50000 Mermaid renders")),
            qPrintable(error.message));
        QVERIFY2(error.message.contains(QLatin1String("time range")), qPrintable(error.message));
        QVERIFY(buffer.data().isEmpty()); // nothing half-written

        // PlantUML has no such limit.
        QVERIFY(exported(&Export::plantUml, trace).size() > Export::MermaidMaxChars);
    }

    void splitForMermaid_data()
    {
        QTest::addColumn<TimeUs>("from");
        QTest::addColumn<TimeUs>("to");
        QTest::addRow("whole trace") << TimeUs(0) << NoTime;
        QTest::addRow("a range") << TimeUs(1'234'567) << TimeUs(8'765'432);
        QTest::addRow("fits in one") << TimeUs(100'000) << TimeUs(200'000);
    }

    void splitForMermaid()
    {
        QFETCH(TimeUs, from);
        QFETCH(TimeUs, to);
        Trace trace;
        fillPolling(trace, 2'000, 10'000);
        const ExportRange range { from, to };
        const QList<ExportRange> pieces = Export::splitForMermaid(trace, range);
        QVERIFY(!pieces.isEmpty());
        QCOMPARE(pieces.constFirst().from, range.from);
        QCOMPARE(pieces.constLast().to, range.to);
        QList<qint64> covered;
        for (qsizetype i = 0; i < pieces.size(); ++i) {
            const ExportRange& piece = pieces[i];
            QVERIFY(piece.to == NoTime || piece.to >= piece.from);
            if (i > 0)
                QCOMPARE(piece.from, pieces[i - 1].to + 1);
            QBuffer buffer;
            buffer.open(QIODevice::WriteOnly);
            FileError error;
            QVERIFY2(Export::mermaid(trace, piece, &buffer, &error, {}), qPrintable(error.message));
            QVERIFY(QString::fromUtf8(buffer.data()).size() <= Export::MermaidMaxChars);
            // Not wastefully small either: every piece but the last is more than half full.
            if (i + 1 < pieces.size())
                QVERIFY(QString::fromUtf8(buffer.data()).size() > Export::MermaidMaxChars / 2);
            covered += trace.messagesSentBetween(piece.from, piece.to == NoTime ? trace.endTime() : piece.to);
        }
        const QList<qint64> all
            = trace.messagesSentBetween(range.from, range.to == NoTime ? trace.endTime() : range.to);
        QVERIFY(!all.isEmpty());
        QCOMPARE(covered, all);
        if (range.to == NoTime)
            QVERIFY(pieces.size() > 1);
    }

    void cancel()
    {
        Trace trace;
        fillPolling(trace, 200, 10'000);
        for (ExportFunction function : { &Export::mermaid, &Export::plantUml }) {
            QBuffer buffer;
            buffer.open(QIODevice::WriteOnly);
            FileError error;
            int calls = 0;
            QVERIFY(!function(trace, {}, &buffer, &error,
                [&](double done) {
                    ++calls;
                    return done < 0.5;
                },
                {}));
            QCOMPARE(error.code, FileError::Code::Cancelled);
            QCOMPARE(error.message, QStringLiteral("export cancelled"));
            QVERIFY(calls > 0);
        }
    }

    void unwritableDevice()
    {
        Trace trace;
        readFixture(&trace);
        for (ExportFunction function : { &Export::mermaid, &Export::plantUml }) {
            QBuffer closed;
            FileError error;
            QVERIFY(!function(trace, {}, &closed, &error, {}, {}));
            QCOMPARE(error.code, FileError::Code::Io);
            QVERIFY2(error.message.startsWith(QLatin1String("cannot write")), qPrintable(error.message));
        }
    }

    void emptyTrace()
    {
        Trace trace;
        QCOMPARE(exported(&Export::mermaid, trace),
            QByteArray("sequenceDiagram\n"
                       "    %% ->> request or push, -->> response, -x or --x lost, -) TCP connect or close\n"));
        QCOMPARE(exported(&Export::plantUml, trace),
            QByteArray("@startuml\n"
                       "' -> request or push, --> response, ->x or -->x lost, ->> TCP connect or close\n"
                       "@enduml\n"));
        QCOMPARE(Export::splitForMermaid(trace, {}).size(), 1);
    }
};

QTEST_GUILESS_MAIN(TestTextExports)
#include "tst_textexports.moc"
