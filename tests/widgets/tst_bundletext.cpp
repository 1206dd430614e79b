// SPDX-License-Identifier: GPL-3.0-or-later
#include "bundletext.h"

#include <QTest>

using namespace PatternScope;

class TestBundleText : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void summary_data()
    {
        QTest::addColumn<QStringList>("texts");
        QTest::addColumn<QString>("expected");
        QTest::addRow("one") << QStringList { QStringLiteral("GET /events") } << QStringLiteral("GET /events");
        QTest::addRow("the same three times")
            << QStringList(3, QStringLiteral("GET /updates?since=0")) << QStringLiteral("3 × GET /updates?since=0");
        QTest::addRow("event ids") << QStringList { QStringLiteral("event: message · id 540"),
            QStringLiteral("event: message · id 562"), QStringLiteral("event: message · id 541") }
                                   << QStringLiteral("3 × event: message · id 540–562");
        QTest::addRow("topics and payloads") << QStringList { QStringLiteral("publish prices #3 · price 41.22"),
            QStringLiteral("publish news #4 · price 40.29"), QStringLiteral("publish prices #5 · price 39.55"),
            QStringLiteral("publish news #6 · price 39.53") }
                                             << QStringLiteral("4 × publish prices/news #3–6 · price 39.53–41.22");
        QTest::addRow("answers of two kinds")
            << QStringList { QStringLiteral("204 No Content · empty"), QStringLiteral("200 OK · 3 items"),
                   QStringLiteral("204 No Content · empty"), QStringLiteral("200 OK · 1 item") }
            << QStringLiteral("2 × 204 No Content · empty + 2 × 200 OK · 1–3 items/item");
    }

    void summary()
    {
        QFETCH(QStringList, texts);
        QFETCH(QString, expected);
        QCOMPARE(BundleText::summary(texts), expected);
        for (const QString& text : texts)
            QVERIFY2(BundleText::names(expected, text), qPrintable(text));
    }

    void names_data()
    {
        QTest::addColumn<QString>("label");
        QTest::addColumn<QString>("text");
        QTest::addColumn<bool>("named");
        QTest::addRow("in the range") << QStringLiteral("23 × event: message · id 540–562")
                                      << QStringLiteral("event: message · id 545") << true;
        QTest::addRow("past the range") << QStringLiteral("23 × event: message · id 540–562")
                                        << QStringLiteral("event: message · id 563") << false;
        QTest::addRow("with lifelines") << QStringLiteral("3 × GET /updates?since=0 (Client 1–3)")
                                        << QStringLiteral("GET /updates?since=0") << true;
        QTest::addRow("a close reason in brackets")
            << QStringLiteral("2 × close 1000 (normal)") << QStringLiteral("close 1000 (normal)") << true;
        QTest::addRow("a decimal in the range") << QStringLiteral("4 × publish prices/news #3–6 · price 39.53–41.22")
                                                << QStringLiteral("publish news #4 · price 40.29") << true;
        QTest::addRow("a decimal past the range")
            << QStringLiteral("2 × price 39.53–41.22") << QStringLiteral("price 41.23") << false;
        QTest::addRow("anything") << QStringLiteral("4 × publish prices/news #3–6 · price …")
                                  << QStringLiteral("publish news #4 · price 40.29") << true;
        QTest::addRow("another topic") << QStringLiteral("4 × publish prices/news #3–6 · price …")
                                       << QStringLiteral("publish weather #4 · price 40.29") << false;
        QTest::addRow("one of the parts") << QStringLiteral("2 × 204 No Content · empty + 2 × 200 OK · 1–3 items")
                                          << QStringLiteral("200 OK · 2 items") << true;
        QTest::addRow("left out") << QStringLiteral("5 × a + 3 × b + 2 × c + 1 more") << QStringLiteral("d") << false;
    }

    void names()
    {
        QFETCH(QString, label);
        QFETCH(QString, text);
        QFETCH(bool, named);
        QCOMPARE(BundleText::names(label, text), named);
    }

    void shapeMasksNumbers()
    {
        QCOMPARE(BundleText::shape(QStringLiteral("event: message · id 540")), QStringLiteral("event: message · id #"));
        QCOMPARE(BundleText::shape(QStringLiteral("price 41.22")), QStringLiteral("price #.#"));
    }
};

QTEST_GUILESS_MAIN(TestBundleText)
#include "tst_bundletext.moc"
