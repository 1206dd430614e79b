// SPDX-License-Identifier: GPL-3.0-or-later
// File → Export…: it offers exactly the rows of the export format table the command line takes, and
// gives the range the user chose.
#include "exchanges.h"
#include "exportdialog.h"
#include "exportformats.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QRadioButton>
#include <QTest>

using namespace PatternScope;
using PatternScope::Test::fillExchanges;

namespace {

QDoubleSpinBox* spinBox(const QDialog& dialog, const QString& name)
{
    for (QDoubleSpinBox* box : dialog.findChildren<QDoubleSpinBox*>()) {
        if (box->accessibleName() == name)
            return box;
    }
    return nullptr;
}

} // namespace

class TestExportDialog : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void offersEveryFormat_data()
    {
        QTest::addColumn<int>("row");
        QTest::addColumn<QString>("id");
        for (qsizetype i = 0; i < ExportFormats::all().size(); ++i)
            QTest::addRow("%s", qPrintable(ExportFormats::all()[i].id)) << int(i) << ExportFormats::all()[i].id;
    }

    void offersEveryFormat()
    {
        QFETCH(int, row);
        QFETCH(QString, id);
        Trace trace;
        fillExchanges(trace, 11, 1'000'000); // about ten seconds
        ExportDialog dialog(trace);
        auto* box = dialog.findChild<QComboBox*>();
        QVERIFY(box);
        QCOMPARE(box->count(), int(ExportFormats::all().size()));
        QCOMPARE(box->itemData(row).toString(), id);
        QCOMPARE(box->itemText(row), ExportFormats::find(id)->title);
        box->setCurrentIndex(row);
        QCOMPARE(dialog.format().id, id);
        QCOMPARE(&dialog.format(), ExportFormats::find(id));
    }

    void rangeIsWholeOrWhatWasChosen()
    {
        Trace trace;
        fillExchanges(trace, 11, 1'000'000); // about ten seconds
        ExportDialog dialog(trace);
        const ExportRange whole = dialog.range();
        QCOMPARE(whole.from, TimeUs(0));
        QCOMPARE(whole.to, NoTime);

        QRadioButton* part = nullptr;
        for (QRadioButton* button : dialog.findChildren<QRadioButton*>()) {
            if (!button->isChecked())
                part = button;
        }
        QVERIFY(part);
        QVERIFY(part->isEnabled()); // every format today takes a range
        part->setChecked(true);
        QDoubleSpinBox* from = spinBox(dialog, QStringLiteral("From"));
        QDoubleSpinBox* to = spinBox(dialog, QStringLiteral("To"));
        QVERIFY(from && to);
        QVERIFY(from->isEnabled() && to->isEnabled());
        from->setValue(2.5);
        to->setValue(7.25);
        const ExportRange chosen = dialog.range();
        QCOMPARE(chosen.from, TimeUs(2'500'000));
        QCOMPARE(chosen.to, TimeUs(7'250'000));
    }

    // Pictures are drawn for print unless the user keeps the window's theme; text formats have no colours.
    void themeIsPrintUnlessTheWindowsIsKept()
    {
        Trace trace;
        fillExchanges(trace, 3, 1'000'000);
        ExportDialog dialog(trace);
        auto* box = dialog.findChild<QComboBox*>();
        QCheckBox* keep = nullptr;
        for (QCheckBox* check : dialog.findChildren<QCheckBox*>()) {
            if (check->accessibleName() == QLatin1String("Keep the window's theme"))
                keep = check;
        }
        QVERIFY(box && keep);
        QVERIFY(!keep->isChecked());
        box->setCurrentIndex(box->findData(QStringLiteral("png")));
        QVERIFY(keep->isEnabled());
        QCOMPARE(dialog.options().theme, ExportOptions::Theme::Print);
        keep->setChecked(true);
        QCOMPARE(dialog.options().theme, ExportOptions::Theme::Window);
        box->setCurrentIndex(box->findData(QStringLiteral("csv")));
        QVERIFY(!keep->isEnabled());
        QCOMPARE(dialog.options().theme, ExportOptions::Theme::Print);
        box->setCurrentIndex(box->findData(QStringLiteral("pdf")));
        QCOMPARE(dialog.options().theme, ExportOptions::Theme::Window);
    }
};

QTEST_MAIN(TestExportDialog)
#include "tst_exportdialog.moc"
