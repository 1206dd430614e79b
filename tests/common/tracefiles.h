// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "messages.h"
#include "tracefile.h"
#include "tracelines.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>
#include <vector>

// Files the tests write and read back: scratch paths, raw bytes, and trace files, checked the same
// way by every test.
namespace PatternScope::Test {

// A temporary folder that hands out a fresh file name per call, so data rows never see each other's files.
class ScratchFiles {
public:
    bool isValid() const { return m_dir.isValid(); }
    QString filePath(const QString& name) const { return m_dir.filePath(name); }
    QString newPath() { return m_dir.filePath(QStringLiteral("trace-%1.pstrace.jsonl").arg(++m_count)); }

private:
    QTemporaryDir m_dir;
    int m_count = 0;
};

// The file's bytes; empty when it cannot be read.
inline QByteArray readFile(const QString& path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

inline void writeFile(const QString& path, const QByteArray& content)
{
    QFile file(path);
    QVERIFY2(file.open(QIODevice::WriteOnly | QIODevice::Truncate), qPrintable(file.errorString()));
    QCOMPARE(file.write(content), content.size());
}

// Reads a trace file; what went wrong (the error, else the warnings one a line), or empty when it
// read cleanly. Meant for QCOMPARE(readTrace(…), QString()), which shows the problem on failure.
inline QString readTrace(const QString& path, Trace* trace, TraceHeader* header = nullptr)
{
    TraceReader reader;
    if (!reader.read(path, trace, header))
        return QStringLiteral("not read: ") + reader.errorString();
    return reader.warnings().join(u'\n');
}

inline TraceHeader sampleHeader()
{
    TraceHeader header;
    header.appVersion = QStringLiteral("0.1.0");
    header.pattern = QStringLiteral("request-response");
    header.parameters
        = { { QStringLiteral("latency"), QStringLiteral("50ms") }, { QStringLiteral("loss"), QStringLiteral("0%") } };
    header.seed = 7;
    header.startedAt = QDateTime::fromString(QStringLiteral("2024-05-01T12:00:00.250Z"), Qt::ISODateWithMs);
    return header;
}

// The run behind tests/files/data/small.pstrace.jsonl (with sampleHeader()), recorded in this order.
inline void recordSmallRun(Trace& trace)
{
    const int browser = trace.addParticipant(QStringLiteral("Browser"), Participant::Role::Client);
    const int server = trace.addParticipant(QStringLiteral("Server"), Participant::Role::Server);
    const int conn = trace.openConnection(browser, server, 1000);
    Message get = makeMessage(browser, server, Message::Kind::HttpRequest, QStringLiteral("GET /api/items?id=1"), 1200,
        conn, QStringLiteral("r1"), 87);
    get.setHeaders({ { "Accept", "application/json" } });
    get.fields.method = QStringLiteral("GET");
    get.fields.target = QStringLiteral("/api/items?id=1");
    const qint64 request = trace.addMessage(get);
    trace.completeMessage(request, 1450);
    const qint64 handling = trace.beginActivation(server, QStringLiteral("handle GET"), 1450);
    trace.endActivation(handling, 1700);
    Message ok = makeMessage(
        server, browser, Message::Kind::HttpResponse, QStringLiteral("200 OK"), 1700, conn, QStringLiteral("r1"), 142);
    ok.setHeaders({ { "Content-Type", "application/json" } });
    ok.setBodyPreview(R"({"items":[]})");
    ok.fields.status = 200;
    ok.fields.reason = QStringLiteral("OK");
    const qint64 response = trace.addMessage(ok);
    trace.addNote(browser, QStringLiteral("retry after \"timeout\""), 1800);
    trace.completeMessage(response, 1950);
    Message slowGet = makeMessage(browser, server, Message::Kind::HttpRequest, QStringLiteral("GET /api/slow"), 2000,
        conn, QStringLiteral("r2"), 80);
    slowGet.fields.method = QStringLiteral("GET");
    slowGet.fields.target = QStringLiteral("/api/slow");
    const qint64 slow = trace.addMessage(slowGet);
    trace.loseMessage(slow, 5000);
    trace.closeConnection(conn, 167, 142, QStringLiteral("cut"), 5000);
}

// Compares line by line first, so a failure shows the record, then exactly with operator==.
template <typename Records, typename Describe>
void compareRecords(const Records& actual, const Records& expected, Describe describe)
{
    QCOMPARE(actual.size(), expected.size());
    for (size_t i = 0; i < actual.size(); ++i)
        QCOMPARE(describe(actual[i]), describe(expected[i]));
    QVERIFY(actual == expected);
}

// Every record of both traces, as the trace file would write them.
inline void compareTraces(const Trace& actual, const Trace& expected)
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

} // namespace PatternScope::Test
