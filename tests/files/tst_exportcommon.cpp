// SPDX-License-Identifier: GPL-3.0-or-later
// ExportCommon::withCode, which gives HAR export and import failures their code until they report
// one themselves: a cancel is told by the progress callback having said stop, never by the text.
#include "exchanges.h"
#include "exportcommon.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace PatternScope;
using PatternScope::Test::fillExchanges;

class TestExportCommon : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void withCode_data()
    {
        QTest::addColumn<bool>("succeeds");
        QTest::addColumn<bool>("userStops");
        QTest::addColumn<FileError::Code>("code");
        QTest::addRow("success") << true << false << FileError::Code::None;
        QTest::addRow("failure") << false << false << FileError::Code::BadInput;
        QTest::addRow("cancel") << false << true << FileError::Code::Cancelled;
    }

    void withCode()
    {
        QFETCH(bool, succeeds);
        QFETCH(bool, userStops);
        QFETCH(FileError::Code, code);
        FileError error;
        const bool ok = ExportCommon::withCode([&](double) { return !userStops; }, FileError::Code::BadInput, &error,
            [&](const ExportProgress& progress, QString* reason) {
                if (progress && !progress(0.5)) {
                    *reason = QStringLiteral("stopped");
                    return false;
                }
                if (!succeeds)
                    *reason = QStringLiteral("broken");
                return succeeds;
            });
        QCOMPARE(ok, succeeds);
        QCOMPARE(error.code, code);
        QCOMPARE(error.message,
            succeeds        ? QString()
                : userStops ? QStringLiteral("stopped")
                            : QStringLiteral("broken"));
    }

    // No callback given, none handed on: the export need not report progress at all.
    void withCodeWithoutProgress()
    {
        bool handedOn = true;
        QVERIFY(ExportCommon::withCode({}, FileError::Code::Io, nullptr, [&](const ExportProgress& progress, QString*) {
            handedOn = bool(progress);
            return true;
        }));
        QVERIFY(!handedOn);
    }

    // What the window does when the user cancels a HAR import, and when the HAR is broken.
    void harImport()
    {
        Trace trace;
        fillExchanges(trace, 600, 10'000); // enough for the import to ask for progress
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("many.har"));
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        QString reason;
        QVERIFY2(Export::har(trace, TraceHeader(), {}, &file, &reason), qPrintable(reason));
        file.close();

        const auto import = [](const QString& har, const ExportProgress& progress, FileError* error) {
            Trace imported;
            return ExportCommon::withCode(
                progress, FileError::Code::BadInput, error, [&](const ExportProgress& watched, QString* message) {
                    return Import::har(har, &imported, nullptr, message, watched);
                });
        };
        FileError error;
        QVERIFY(!import(
            path, [](double) { return false; }, &error));
        QCOMPARE(error.code, FileError::Code::Cancelled);
        QVERIFY2(error.message.endsWith(QStringLiteral("import cancelled")), qPrintable(error.message));

        QVERIFY(import(
            path, [](double) { return true; }, &error));
        QVERIFY(!import(
            QFINDTESTDATA("data/har/not-json.har"), [](double) { return true; }, &error));
        QCOMPARE(error.code, FileError::Code::BadInput);
    }
};

QTEST_GUILESS_MAIN(TestExportCommon)
#include "tst_exportcommon.moc"
