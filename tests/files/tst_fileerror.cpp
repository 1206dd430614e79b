// SPDX-License-Identifier: GPL-3.0-or-later
// The codes that the trace reader and HAR import and export give their failures. The window and the
// command line act on these (say nothing after a cancel), so they must not depend on the wording.
#include "exchanges.h"
#include "exports.h"
#include "tracefile.h"

#include <QBuffer>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace PatternScope;
using PatternScope::Test::fillExchanges;

namespace {

enum class Reader { Trace, Har };

// Enough exchanges that the HAR import asks for progress, so that it can be cancelled.
QByteArray manyExchangesHar()
{
    Trace trace;
    fillExchanges(trace, 600, 10'000);
    QBuffer buffer;
    buffer.open(QIODevice::WriteOnly);
    FileError error;
    if (!Export::har(trace, TraceHeader(), {}, &buffer, &error))
        qWarning() << error.message;
    return buffer.data();
}

} // namespace

Q_DECLARE_METATYPE(Reader)

class TestFileError : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void readFails_data()
    {
        QTest::addColumn<Reader>("reader");
        QTest::addColumn<QByteArray>("content"); // null: there is no file
        QTest::addColumn<bool>("userStops");
        QTest::addColumn<FileError::Code>("code");
        QTest::addColumn<QString>("ending"); // how the message ends

        const QByteArray none;
        QTest::addRow("trace: missing file") << Reader::Trace << none << false << FileError::Code::Io << QString();
        QTest::addRow("trace: empty file") << Reader::Trace << QByteArray("") << false << FileError::Code::BadInput
                                           << QStringLiteral(":1: empty file, expected a pstrace header");
        QTest::addRow("trace: not JSON") << Reader::Trace << QByteArray("hello\n") << false << FileError::Code::BadInput
                                         << QStringLiteral(
                                                ":1: not a pstrace file: the first line is not a pstrace header");
        QTest::addRow("trace: newer version") << Reader::Trace
                                              << QByteArray(R"({"t":"header","format":"pstrace","version":99})"
                                                            "\n")
                                              << false << FileError::Code::BadInput
                                              << QStringLiteral(":1: format version 99 is newer than supported (1)");
        QTest::addRow("HAR: missing file") << Reader::Har << none << false << FileError::Code::Io << QString();
        QTest::addRow("HAR: empty file") << Reader::Har << QByteArray(" \n") << false << FileError::Code::BadInput
                                         << QStringLiteral(":1: empty file, expected a HAR (JSON) document");
        QTest::addRow("HAR: not JSON") << Reader::Har << QByteArray("{\"log\": ") << false << FileError::Code::BadInput
                                       << QString();
        QTest::addRow("HAR: no log") << Reader::Har << QByteArray("{}") << false << FileError::Code::BadInput
                                     << QStringLiteral(": not a HAR file: no 'log' object at the top level");
        QTest::addRow("HAR: cancelled") << Reader::Har << manyExchangesHar() << true << FileError::Code::Cancelled
                                        << QStringLiteral(": import cancelled");
    }

    void readFails()
    {
        QFETCH(Reader, reader);
        QFETCH(QByteArray, content);
        QFETCH(bool, userStops);
        QFETCH(FileError::Code, code);
        QFETCH(QString, ending);
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString path = dir.filePath(QStringLiteral("input"));
        if (!content.isNull()) {
            QFile file(path);
            QVERIFY(file.open(QIODevice::WriteOnly));
            QCOMPARE(file.write(content), content.size());
        }

        Trace trace;
        FileError error;
        if (reader == Reader::Trace) {
            TraceReader traceReader;
            QVERIFY(!traceReader.read(path, &trace));
            error = traceReader.error();
            QCOMPARE(traceReader.errorString(), error.message);
        } else {
            QVERIFY(!Import::har(path, &trace, nullptr, &error, [&](double) { return !userStops; }));
        }
        QCOMPARE(error.code, code);
        QVERIFY2(error.message.startsWith(path), qPrintable(error.message));
        QVERIFY2(error.message.endsWith(ending), qPrintable(error.message));
    }

    // Success leaves no code behind, even after a failure.
    void readSucceedsAfterFailure()
    {
        TraceReader reader;
        Trace trace;
        QVERIFY(!reader.read(QStringLiteral("/nonexistent/trace.pstrace.jsonl"), &trace));
        QCOMPARE(reader.error().code, FileError::Code::Io);
        QVERIFY2(reader.read(QFINDTESTDATA("data/small.pstrace.jsonl"), &trace), qPrintable(reader.errorString()));
        QCOMPARE(reader.error().code, FileError::Code::None);
        QVERIFY(reader.error().message.isEmpty());
    }

    void harExportFails_data()
    {
        QTest::addColumn<bool>("writable");
        QTest::addColumn<bool>("userStops");
        QTest::addColumn<FileError::Code>("code");
        QTest::addColumn<QString>("message");
        QTest::addRow("not open") << false << false << FileError::Code::Io
                                  << QStringLiteral("cannot write the HAR file: the output is not open for writing");
        QTest::addRow("cancelled") << true << true << FileError::Code::Cancelled
                                   << QStringLiteral("HAR export cancelled");
    }

    void harExportFails()
    {
        QFETCH(bool, writable);
        QFETCH(bool, userStops);
        QFETCH(FileError::Code, code);
        QFETCH(QString, message);
        Trace trace;
        fillExchanges(trace, 600, 10'000);
        QBuffer buffer;
        if (writable)
            buffer.open(QIODevice::WriteOnly);
        FileError error;
        QVERIFY(!Export::har(trace, TraceHeader(), {}, &buffer, &error, [&](double) { return !userStops; }));
        QCOMPARE(error.code, code);
        QCOMPARE(error.message, message);
    }
};

QTEST_GUILESS_MAIN(TestFileError)
#include "tst_fileerror.moc"
