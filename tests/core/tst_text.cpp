// SPDX-License-Identifier: GPL-3.0-or-later
// Text, the 8-byte string a trace keeps per message: each text reads back as it was made, whatever its form
// (in the pointer, a Latin-1 block, a UTF-16 block), and equal texts compare and hash alike.
#include "text.h"

#include <QHash>
#include <QTest>

using namespace PatternScope;

class TestText : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void readsBackAsMade_data()
    {
        QTest::addColumn<QString>("string");
        QTest::addRow("empty") << QString();
        QTest::addRow("one") << QStringLiteral("a");
        QTest::addRow("seven") << QStringLiteral("1234567");
        QTest::addRow("eight") << QStringLiteral("12345678");
        QTest::addRow("latin-1") << QString::fromUtf8("caf\xc3\xa9 \xc3\xbf");
        QTest::addRow("nul inside") << QString(QString(QChar(0)) + QStringLiteral("x"));
        QTest::addRow("short wide") << QString::fromUtf8("\xe2\x82\xac");
        QTest::addRow("long wide") << QString::fromUtf8("200 OK \xc2\xb7 1 item \xf0\x9f\x98\x80");
        QTest::addRow("long") << QStringLiteral("/poll?since=123456789&wait=30s");
    }

    void readsBackAsMade()
    {
        QFETCH(QString, string);
        const Text text(string);
        QCOMPARE(text.toString(), string);
        QCOMPARE(text.size(), string.size());
        QCOMPARE(text.isEmpty(), string.isEmpty());
        QVERIFY(text == string);
        QVERIFY(string == text);
        QVERIFY(!(text != string));
        QCOMPARE(text.toUtf8(), string.toUtf8());
        for (qsizetype i = 0; i < string.size(); ++i)
            QCOMPARE(text.at(i), string.at(i));
        // Made another way, it is the same text.
        const Text again = Text(QStringView(string));
        QVERIFY(again == text);
        QCOMPARE(qHash(again, 7), qHash(text, 7));
        // QStringBuilder writes it as the string.
        const QString built = QStringLiteral("<") + text + QLatin1Char('>');
        QCOMPARE(built, QStringLiteral("<") + string + QLatin1Char('>'));
    }

    void latin1AndWideFormsDiffer()
    {
        QVERIFY(Text(QLatin1String("12345678")) == Text(QStringLiteral("12345678")));
        QVERIFY(Text(QStringLiteral("12345678")) != Text(QStringLiteral("12345679")));
        QVERIFY(Text(QStringLiteral("abc")) != Text(QStringLiteral("abcd")));
        QVERIFY(Text(QString::fromUtf8("\xe2\x82\xac")) != Text(QStringLiteral("a")));
        QVERIFY(Text(QStringLiteral("GET")) == QLatin1String("GET"));
        QVERIFY(Text(QStringLiteral("GET")) != QLatin1String("GE"));
        QVERIFY(Text(QStringLiteral("/poll?since=1")).startsWith(QLatin1String("/poll")));
        QVERIFY(!Text(QStringLiteral("/po")).startsWith(QLatin1String("/poll")));
        QVERIFY(Text(QString::fromUtf8("\xe2\x82\xac rates")).startsWith(QString::fromUtf8("\xe2\x82\xac")));
    }

    void copiesShareAndOutliveTheOriginal()
    {
        Text copy;
        {
            const Text original(QStringLiteral("a text longer than seven characters"));
            copy = original;
            Text moved(std::move(copy));
            copy = moved;
            QVERIFY(copy == original);
        }
        QCOMPARE(copy.toString(), QStringLiteral("a text longer than seven characters"));
        copy = Text();
        QVERIFY(copy.isEmpty());
    }

    void keysOfAHash()
    {
        QHash<Text, int> hash;
        hash.insert(Text(QStringLiteral("c1")), 1);
        hash.insert(Text(QStringLiteral("a correlation id")), 2);
        QCOMPARE(hash.value(Text(QLatin1String("c1"))), 1);
        QCOMPARE(hash.value(Text(QStringLiteral("a correlation id"))), 2);
        QCOMPARE(hash.value(Text(QStringLiteral("c2")), -1), -1);
    }
};

QTEST_GUILESS_MAIN(TestText)
#include "tst_text.moc"
