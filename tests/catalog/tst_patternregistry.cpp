// SPDX-License-Identifier: GPL-3.0-or-later
#include "linkemulator.h"
#include "pattern.h"
#include "patternregistry.h"
#include "trace.h"

#include <QTest>

using namespace PatternScope;

// Each pattern registers itself from its own file; the registry must still list all seven, in the
// order a person meets them, and make each one.
class TestPatternRegistry : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void everyPatternRegistersInOrder()
    {
        const QStringList expected { QStringLiteral("request-response"), QStringLiteral("short-polling"),
            QStringLiteral("long-polling"), QStringLiteral("websockets"), QStringLiteral("server-sent-events"),
            QStringLiteral("publish-subscribe"), QStringLiteral("request-callback") };
        QCOMPARE(PatternRegistry::ids(), expected);
        QCOMPARE(PatternRegistry::all().size(), expected.size());
        for (const QString& id : expected) {
            const PatternInfo* info = PatternRegistry::find(id);
            QVERIFY2(info, qPrintable(id));
            QCOMPARE(info->id, id);
            QVERIFY2(!info->title.isEmpty() && !info->description.isEmpty() && !info->participants.isEmpty(),
                qPrintable(id));
        }
        QVERIFY(!PatternRegistry::find(QStringLiteral("carrier-pigeon")));
    }

    void createsTheRegisteredClass()
    {
        Trace trace;
        LinkEmulator links(&trace, 1);
        for (const PatternInfo& info : PatternRegistry::all()) {
            PatternContext context;
            context.trace = &trace;
            context.links = &links;
            context.parameters = ParameterSet(info.parameters);
            const std::unique_ptr<Pattern> pattern = PatternRegistry::create(info.id, context);
            QVERIFY2(pattern, qPrintable(info.id));
            QCOMPARE(pattern->parameters().specs().size(), info.parameters.size());
        }
        PatternContext context;
        QVERIFY(!PatternRegistry::create(QStringLiteral("carrier-pigeon"), context));
    }

    void parameterDefaultsAreInRangeAndFormatBack()
    {
        for (const PatternInfo& pattern : PatternRegistry::all()) {
            for (const ParameterSpec& spec : pattern.parameters) {
                QVERIFY2(spec.defaultValue >= spec.minimum && spec.defaultValue <= spec.maximum,
                    qPrintable(pattern.id + u'.' + spec.name));
                qint64 back = -1;
                QString error;
                QVERIFY2(spec.parse(spec.format(spec.defaultValue), &back, &error), qPrintable(error));
                QCOMPARE(back, spec.defaultValue);
            }
        }
    }
};

QTEST_GUILESS_MAIN(TestPatternRegistry)
#include "tst_patternregistry.moc"
