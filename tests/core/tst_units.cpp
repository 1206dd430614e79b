// SPDX-License-Identifier: GPL-3.0-or-later
#include "units.h"

#include <QSet>
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

    void clockAtStep_data()
    {
        QTest::addColumn<qint64>("us");
        QTest::addColumn<qint64>("step");
        QTest::addColumn<QString>("text");

        QTest::addRow("zero") << qint64(0) << qint64(50'000) << QStringLiteral("0 s");
        QTest::addRow("zero, whole minutes") << qint64(0) << qint64(300'000'000) << QStringLiteral("0 s");
        QTest::addRow("ms") << qint64(950'000) << qint64(50'000) << QStringLiteral("950 ms");
        QTest::addRow("ms, 1 ms step") << qint64(7'000) << qint64(1'000) << QStringLiteral("7 ms");
        QTest::addRow("ms, finer step") << qint64(7'250) << qint64(250) << QStringLiteral("7.25 ms");
        QTest::addRow("50 ms step, whole tenth") << qint64(28'100'000) << qint64(50'000) << QStringLiteral("28.10 s");
        QTest::addRow("50 ms step") << qint64(28'150'000) << qint64(50'000) << QStringLiteral("28.15 s");
        QTest::addRow("1 ms step") << qint64(28'101'000) << qint64(1'000) << QStringLiteral("28.101 s");
        QTest::addRow("half seconds") << qint64(1'000'000) << qint64(500'000) << QStringLiteral("1.0 s");
        QTest::addRow("whole seconds") << qint64(12'000'000) << qint64(2'000'000) << QStringLiteral("12 s");
        QTest::addRow("past a minute") << qint64(110'250'000) << qint64(50'000) << QStringLiteral("1 min 50.25 s");
        QTest::addRow("a minute, 10 s step") << qint64(60'000'000) << qint64(10'000'000) << QStringLiteral("1 min 0 s");
        QTest::addRow("30 s step") << qint64(90'000'000) << qint64(30'000'000) << QStringLiteral("1 min 30 s");
        QTest::addRow("whole minutes") << qint64(600'000'000) << qint64(300'000'000) << QStringLiteral("10 min");
        QTest::addRow("past an hour") << qint64(3'605'050'000) << qint64(50'000) << QStringLiteral("1 h 0 min 5.05 s");
        QTest::addRow("hour, minutes step")
            << qint64(3'900'000'000) << qint64(300'000'000) << QStringLiteral("1 h 5 min");
        QTest::addRow("hour on the dot, minutes step")
            << qint64(3'600'000'000) << qint64(300'000'000) << QStringLiteral("1 h 0 min");
        QTest::addRow("whole hours") << qint64(7'200'000'000) << qint64(3'600'000'000) << QStringLiteral("2 h");
        // Between steps (a playback position): rounded to the step's decimals, carried into the minute.
        QTest::addRow("rounds up into the minute")
            << qint64(59'996'000) << qint64(10'000) << QStringLiteral("1 min 0.00 s");
        QTest::addRow("rounds to the step's decimals")
            << qint64(1'234'567) << qint64(100'000) << QStringLiteral("1.2 s");
        QTest::addRow("negative") << qint64(-250'000) << qint64(50'000) << QStringLiteral("-250 ms");
    }

    void clockAtStep()
    {
        QFETCH(qint64, us);
        QFETCH(qint64, step);
        QFETCH(QString, text);
        QCOMPARE(Units::clockAtStep(us, step), text);
    }

    // Ticks a step apart read differently, with as many decimals at each, around a minute and an hour.
    void clockAtStepIsDistinct()
    {
        const qint64 steps[]
            = { 1, 250, 1'000, 2'000, 5'000, 10'000, 20'000, 50'000, 100'000, 200'000, 500'000, 1'000'000, 2'000'000,
                  5'000'000, 10'000'000, 30'000'000, 60'000'000, 300'000'000, 600'000'000, 3'600'000'000 };
        for (const qint64 step : steps) {
            for (const qint64 around : { qint64(0), qint64(28'000'000), qint64(60'000'000), qint64(3'600'000'000) }) {
                QSet<QString> seen;
                const qint64 first = std::max<qint64>(0, around / step * step - 50 * step);
                for (qint64 t = first; t <= first + 100 * step; t += step) {
                    const QString text = Units::clockAtStep(t, step);
                    QVERIFY2(!seen.contains(text),
                        qPrintable(QStringLiteral("%1 twice at a step of %2 us").arg(text).arg(step)));
                    seen.insert(text);
                }
            }
        }
    }
};

QTEST_GUILESS_MAIN(TestUnits)
#include "tst_units.moc"
