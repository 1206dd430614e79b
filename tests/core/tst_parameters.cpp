// SPDX-License-Identifier: GPL-3.0-or-later
#include "parameters.h"

#include <QTest>

using namespace PatternScope;

namespace {

// A pattern's knobs as the catalog declares them (request-response's set): durations, a size, ranges.
QList<ParameterSpec> requestResponseLike()
{
    using Unit = ParameterSpec::Unit;
    return { ParameterSpec::number(QStringLiteral("interval"), QStringLiteral("pause between requests"),
                 Unit::Milliseconds, 1000, 0, 60'000, true),
        ParameterSpec::number(QStringLiteral("processing"), QStringLiteral("server work per request"),
            Unit::Milliseconds, 300, 0, 60'000, true),
        ParameterSpec::number(
            QStringLiteral("latency"), QStringLiteral("one-way delay"), Unit::Milliseconds, 250, 0, 10'000, true),
        ParameterSpec::number(
            QStringLiteral("jitter"), QStringLiteral("delay variation"), Unit::Milliseconds, 0, 0, 5'000, true),
        ParameterSpec::number(
            QStringLiteral("body"), QStringLiteral("request body size"), Unit::Bytes, 0, 0, 1 << 20, true) };
}

} // namespace

class TestParameters : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void durations_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<bool>("ok");
        QTest::addColumn<qint64>("ms");
        QTest::addColumn<QString>("error");

        QTest::addRow("milliseconds") << QStringLiteral("250ms") << true << qint64(250) << QString();
        QTest::addRow("seconds") << QStringLiteral("4s") << true << qint64(4000) << QString();
        QTest::addRow("fractional seconds") << QStringLiteral("1.5s") << true << qint64(1500) << QString();
        QTest::addRow("spaces") << QStringLiteral(" 100 ms ") << true << qint64(100) << QString();
        QTest::addRow("zero") << QStringLiteral("0ms") << true << qint64(0) << QString();
        QTest::addRow("no unit") << QStringLiteral("10") << false << qint64(0)
                                 << QStringLiteral("'10' needs a unit, e.g. 10ms or 10s");
        QTest::addRow("unknown unit") << QStringLiteral("4q") << false << qint64(0)
                                      << QStringLiteral("'4q' is not a duration (use e.g. 250ms or 4s)");
        QTest::addRow("negative") << QStringLiteral("-1s") << false << qint64(0)
                                  << QStringLiteral("'-1s' is not a duration (use e.g. 250ms or 4s)");
        QTest::addRow("empty") << QString() << false << qint64(0)
                               << QStringLiteral("'' is not a duration (use e.g. 250ms or 4s)");
        QTest::addRow("not a number") << QStringLiteral("fasts") << false << qint64(0)
                                      << QStringLiteral("'fasts' is not a duration (use e.g. 250ms or 4s)");
    }

    void durations()
    {
        QFETCH(QString, text);
        QFETCH(bool, ok);
        QFETCH(qint64, ms);
        QFETCH(QString, error);
        qint64 value = -1;
        QString reason;
        QCOMPARE(parseDurationMs(text, &value, &reason), ok);
        if (ok)
            QCOMPARE(value, ms);
        QCOMPARE(reason, error);
    }

    void assignments_data()
    {
        QTest::addColumn<QString>("assignment");
        QTest::addColumn<bool>("ok");
        QTest::addColumn<QString>("name");
        QTest::addColumn<qint64>("value");
        QTest::addColumn<QString>("error");

        QTest::addRow("latency") << QStringLiteral("latency=100ms") << true << QStringLiteral("latency") << qint64(100)
                                 << QString();
        QTest::addRow("bytes with suffix")
            << QStringLiteral("body=4KiB") << true << QStringLiteral("body") << qint64(4096) << QString();
        QTest::addRow("plain bytes") << QStringLiteral("body=512") << true << QStringLiteral("body") << qint64(512)
                                     << QString();
        QTest::addRow("above range") << QStringLiteral("latency=20s") << false << QString() << qint64(0)
                                     << QStringLiteral("latency: 20s is out of range (0ms to 10s)");
        QTest::addRow("bytes above range") << QStringLiteral("body=2MiB") << false << QString() << qint64(0)
                                           << QStringLiteral("body: 2MiB is out of range (0B to 1MiB)");
        QTest::addRow("unknown")
            << QStringLiteral("speed=3") << false << QString() << qint64(0)
            << QStringLiteral("unknown parameter 'speed' (known: interval, processing, latency, jitter, body)");
        QTest::addRow("no equals") << QStringLiteral("latency") << false << QString() << qint64(0)
                                   << QStringLiteral("'latency' is not name=value");
        QTest::addRow("bad size") << QStringLiteral("body=lots") << false << QString() << qint64(0)
                                  << QStringLiteral("body: 'lots' is not a size (use e.g. 512B or 4KiB)");
    }

    void assignments()
    {
        QFETCH(QString, assignment);
        QFETCH(bool, ok);
        QFETCH(QString, name);
        QFETCH(qint64, value);
        QFETCH(QString, error);

        ParameterSet set(requestResponseLike());
        QString reason;
        QCOMPARE(set.assign(assignment, &reason), ok);
        QCOMPARE(reason, error);
        if (ok)
            QCOMPARE(set.value(name), value);
    }

    void defaultsAndFormatting()
    {
        const QList<ParameterSpec> specs = requestResponseLike();
        ParameterSet set(specs);
        QCOMPARE(set.value(QStringLiteral("latency")), 250);
        QVERIFY(set.set(QStringLiteral("latency"), 1500));
        const auto formatted = set.formatted();
        QCOMPARE(formatted.size(), specs.size());
        QVERIFY(formatted.contains(qMakePair(QStringLiteral("latency"), QStringLiteral("1500ms"))));
        QVERIFY(formatted.contains(qMakePair(QStringLiteral("interval"), QStringLiteral("1s"))));
        QString error;
        QVERIFY(!set.set(QStringLiteral("latency"), -1, &error));
        QVERIFY(error.contains(QStringLiteral("out of range")));
    }

    void textParametersKeepTheirTextAndCheckIt()
    {
        const ParameterSpec url = ParameterSpec::text(QStringLiteral("broker-url"), QStringLiteral("where"),
            QStringLiteral("mqtt://127.0.0.1:1883"), [](QStringView text, QString* reason) {
                if (text.startsWith(u"mqtt://"))
                    return true;
                *reason = QStringLiteral("'%1' is not mqtt://").arg(text);
                return false;
            });
        ParameterSet set(QList<ParameterSpec> { url });
        QCOMPARE(set.text(QStringLiteral("broker-url")), QStringLiteral("mqtt://127.0.0.1:1883"));
        QString error;
        QVERIFY(set.assign(QStringLiteral("broker-url=mqtt://127.0.0.1:9000"), &error));
        QCOMPARE(set.text(QStringLiteral("broker-url")), QStringLiteral("mqtt://127.0.0.1:9000"));
        QCOMPARE(set.formatted(),
            (QList<QPair<QString, QString>> { { url.name, QStringLiteral("mqtt://127.0.0.1:9000") } }));
        // A refused text names the parameter and leaves the last good one.
        QVERIFY(!set.assign(QStringLiteral("broker-url=http://x"), &error));
        QCOMPARE(error, QStringLiteral("broker-url: 'http://x' is not mqtt://"));
        QCOMPARE(set.text(QStringLiteral("broker-url")), QStringLiteral("mqtt://127.0.0.1:9000"));
        QVERIFY(!set.set(QStringLiteral("broker-url"), 3, &error));
        QCOMPARE(error, QStringLiteral("broker-url takes text, not a number"));
        QCOMPARE(url.rangeText(), QStringLiteral("text"));
    }
};

QTEST_GUILESS_MAIN(TestParameters)
#include "tst_parameters.moc"
