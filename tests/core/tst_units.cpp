// SPDX-License-Identifier: GPL-3.0-or-later
#include "units.h"

#include <QTest>

using namespace PatternScope;

class TestUnits : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void sizes_data()
    {
        QTest::addColumn<QString>("variant");
        QTest::addColumn<qint64>("bytes");
        QTest::addColumn<QString>("text");

        QTest::addRow("exact small") << QStringLiteral("exact") << qint64(12) << QStringLiteral("12 B");
        QTest::addRow("exact large") << QStringLiteral("exact") << qint64(70000) << QStringLiteral("70000 B");
        QTest::addRow("limit bytes") << QStringLiteral("limit") << qint64(1000) << QStringLiteral("1000 B");
        QTest::addRow("limit zero") << QStringLiteral("limit") << qint64(0) << QStringLiteral("0 B");
        QTest::addRow("limit KiB") << QStringLiteral("limit") << qint64(64 * 1024) << QStringLiteral("64 KiB");
        QTest::addRow("limit MiB") << QStringLiteral("limit") << qint64(2 << 20) << QStringLiteral("2 MiB");
        QTest::addRow("decimal 3 bytes") << QStringLiteral("decimal3") << qint64(999) << QStringLiteral("999 B");
        QTest::addRow("decimal 3 kB") << QStringLiteral("decimal3") << qint64(1234) << QStringLiteral("1.2 kB");
        QTest::addRow("decimal 3 MB") << QStringLiteral("decimal3") << qint64(3'450'000) << QStringLiteral("3.5 MB");
        QTest::addRow("decimal 4 bytes") << QStringLiteral("decimal4") << qint64(9999) << QStringLiteral("9999 B");
        QTest::addRow("decimal 4 kB") << QStringLiteral("decimal4") << qint64(12'345) << QStringLiteral("12.3 kB");
        QTest::addRow("decimal 4 still kB")
            << QStringLiteral("decimal4") << qint64(9'999'000) << QStringLiteral("9999.0 kB");
        QTest::addRow("decimal 4 MB") << QStringLiteral("decimal4") << qint64(10'000'000) << QStringLiteral("10.0 MB");
    }

    void sizes()
    {
        QFETCH(QString, variant);
        QFETCH(qint64, bytes);
        QFETCH(QString, text);
        if (variant == QLatin1String("exact"))
            QCOMPARE(Units::exactBytes(bytes), text);
        else if (variant == QLatin1String("limit"))
            QCOMPARE(Units::binaryLimit(bytes), text);
        else
            QCOMPARE(Units::decimalSize(bytes, variant == QLatin1String("decimal3") ? 3 : 4), text);
    }

    void durations_data()
    {
        QTest::addColumn<bool>("clock");
        QTest::addColumn<qint64>("value");
        QTest::addColumn<QString>("text");

        QTest::addRow("whole seconds") << false << qint64(5000) << QStringLiteral("5 s");
        QTest::addRow("milliseconds") << false << qint64(250) << QStringLiteral("250 ms");
        QTest::addRow("zero timeout") << false << qint64(0) << QStringLiteral("0 s");
        QTest::addRow("clock zero") << true << qint64(0) << QStringLiteral("0 s");
        QTest::addRow("clock small ms") << true << qint64(4200) << QStringLiteral("4.2 ms");
        QTest::addRow("clock ms") << true << qint64(250'000) << QStringLiteral("250 ms");
        QTest::addRow("clock s") << true << qint64(1'250'000) << QStringLiteral("1.25 s");
        QTest::addRow("clock tens of s") << true << qint64(12'500'000) << QStringLiteral("12.5 s");
        QTest::addRow("clock minutes") << true << qint64(185'000'000) << QStringLiteral("3 min 5 s");
    }

    void durations()
    {
        QFETCH(bool, clock);
        QFETCH(qint64, value);
        QFETCH(QString, text);
        QCOMPARE(clock ? Units::clockDuration(value) : Units::wholeDuration(value), text);
    }
};

QTEST_GUILESS_MAIN(TestUnits)
#include "tst_units.moc"
