// SPDX-License-Identifier: GPL-3.0-or-later
// The window's run controls say what happens: opening a trace during a run stops it and leaves Start usable,
// another pattern clears the old diagram, an opened trace shows its own parameters, read-only.
#include "mainwindow.h"
#include "paintcounter.h"
#include "parameterpanel.h"
#include "playbackclock.h"
#include "sequenceview.h"
#include "waituntil.h"

#include <QAction>
#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QRegularExpression>
#include <QSettings>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QTest>

using namespace PatternScope;
using PatternScope::Test::PaintCounter;
using PatternScope::Test::waitUntil;

namespace {

const QString kLongPolling = QStringLiteral(PATTERNSCOPE_TEST_DATA "/long-polling-holds.pstrace.jsonl");

QAction* action(MainWindow& window, const char* name)
{
    return window.findChild<QAction*>(QLatin1String(name));
}

QComboBox* patternBox(MainWindow& window)
{
    return window.findChild<QComboBox*>(QStringLiteral("patternBox"));
}

// A quick request-response run that has recorded a message or two.
bool startQuickRun(MainWindow& window)
{
    if (!window.selectPattern(QStringLiteral("request-response")))
        return false;
    window.parameterPanel()->setValue(QStringLiteral("latency"), 20);
    window.parameterPanel()->setValue(QStringLiteral("interval"), 100);
    window.parameterPanel()->setValue(QStringLiteral("processing"), 10);
    window.startRun();
    return window.isRunning() && waitUntil([&] { return window.trace()->messages().size() >= 2; });
}

QLabel* statusLabel(MainWindow& window)
{
    for (QLabel* label : window.findChildren<QLabel*>()) {
        if (label->accessibleName() == QStringLiteral("Run status"))
            return label;
    }
    return nullptr;
}

// The producer's items in the order they came: their texts, and when (trace time).
struct Item {
    QString text;
    TimeUs at;
};
QList<Item> items(const Trace& trace)
{
    QList<Item> list;
    for (const Note& note : trace.notes()) {
        if (note.item >= 0)
            list.append({ note.text, note.at });
    }
    return list;
}

QString headerValue(const TraceHeader& header, const QString& name)
{
    for (const auto& [key, value] : header.parameters) {
        if (key == name)
            return value;
    }
    return {};
}

} // namespace

class TestRunControls : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_settings.isValid());
        QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, m_settings.path());
    }

    void openingATraceDuringARunStopsItAndStartStaysUsable()
    {
        MainWindow window;
        QVERIFY(startQuickRun(window));
        QVERIFY(!action(window, "startAction")->isEnabled());
        QVERIFY(!patternBox(window)->isEnabled());

        QString error;
        QVERIFY2(window.openTrace(kLongPolling, &error), qPrintable(error));
        QVERIFY(!window.isRunning());
        QVERIFY(action(window, "startAction")->isEnabled());
        QVERIFY(!action(window, "stopAction")->isEnabled());
        QVERIFY(patternBox(window)->isEnabled());
        QVERIFY(!window.clock()->isRecording());
        QCOMPARE(patternBox(window)->currentData().toString(), QStringLiteral("long-polling"));
        QVERIFY(window.trace());
        QCOMPARE(window.sequenceView()->trace(), window.trace());

        // And a new run starts, from the opened trace's values.
        window.startRun();
        QVERIFY(window.isRunning());
        QVERIFY(!action(window, "startAction")->isEnabled());
        QVERIFY(!window.parameterPanel()->isReadOnly());
        window.stopRun();
        QVERIFY(waitUntil([&] { return !window.isRunning(); }, 10000));
        QVERIFY(action(window, "startAction")->isEnabled());
    }

    void anOpenedTraceShowsItsOwnParametersReadOnly()
    {
        MainWindow window;
        QString error;
        QVERIFY2(window.openTrace(kLongPolling, &error), qPrintable(error));
        ParameterPanel* panel = window.parameterPanel();
        QVERIFY(panel->isReadOnly());
        // The file says produce 8s (the default is 2 s).
        QCOMPARE(panel->values().value(QStringLiteral("produce")), 8000);
        auto* produce = qobject_cast<QSpinBox*>(panel->editor(QStringLiteral("produce")));
        QVERIFY(produce);
        QCOMPARE(produce->value(), 8000);
        QVERIFY(!produce->isEnabled());
        QVERIFY(!panel->editor(QStringLiteral("hold"))->isEnabled());

        // Choosing a pattern makes the panel the editor of the next run again.
        QVERIFY(window.selectPattern(QStringLiteral("short-polling")));
        QVERIFY(!panel->isReadOnly());
        QVERIFY(panel->editor(QStringLiteral("produce"))->isEnabled());
    }

    void anotherPatternClearsTheOldDiagram()
    {
        MainWindow window;
        QVERIFY(startQuickRun(window));
        window.stopRun();
        QVERIFY(waitUntil([&] { return !window.isRunning(); }, 10000));
        QVERIFY(window.trace());
        QVERIFY(window.selectPattern(QStringLiteral("long-polling")));
        QVERIFY(!window.trace());
        QVERIFY(!window.sequenceView()->trace());
        QCOMPARE(window.windowTitle(), QStringLiteral("PatternScope"));

        QString error;
        QVERIFY2(window.openTrace(kLongPolling, &error), qPrintable(error));
        QVERIFY(window.trace());
        QVERIFY(window.selectPattern(QStringLiteral("websockets")));
        QVERIFY(!window.trace());
    }

    // A seed typed beside Start fixes the run's schedule; Run again repeats it: the same items (their texts
    // come from the seed) at the same moments, within what timers on a loaded machine allow.
    void aSeedAndRunAgainRepeatTheSchedule()
    {
        MainWindow window;
        QVERIFY(window.selectPattern(QStringLiteral("long-polling")));
        ParameterPanel* panel = window.parameterPanel();
        panel->setValue(QStringLiteral("produce"), 300);
        panel->setValue(QStringLiteral("latency"), 10);
        auto* seed = window.findChild<QLineEdit*>(QStringLiteral("seedEdit"));
        QVERIFY(seed);
        QVERIFY(!action(window, "runAgainAction")->isEnabled());
        seed->setText(QStringLiteral("4242"));
        window.startRun();
        QVERIFY(window.isRunning());
        QCOMPARE(window.currentHeader().seed, quint64(4242));
        QVERIFY(waitUntil([&] { return items(*window.trace()).size() >= 6; }, 15000));
        window.stopRun();
        QVERIFY(waitUntil([&] { return !window.isRunning(); }, 10000));
        const QList<Item> first = items(*window.trace());
        QVERIFY(statusLabel(window)->text().contains(QStringLiteral("seed 4242")));

        // Run again ignores what the panel and the field say now: it repeats the last run.
        seed->clear();
        panel->setValue(QStringLiteral("produce"), 5000);
        QVERIFY(action(window, "runAgainAction")->isEnabled());
        action(window, "runAgainAction")->trigger();
        QVERIFY(window.isRunning());
        QCOMPARE(window.currentHeader().seed, quint64(4242));
        QCOMPARE(panel->values().value(QStringLiteral("produce")), 300); // the panel shows what runs
        QVERIFY(waitUntil([&] { return items(*window.trace()).size() >= 6; }, 15000));
        window.stopRun();
        QVERIFY(waitUntil([&] { return !window.isRunning(); }, 10000));
        const QList<Item> second = items(*window.trace());
        // The texts must match exactly; the times within what a loaded machine (or a sanitizer build) allows.
        for (int i = 0; i < 6; ++i) {
            QCOMPARE(second.at(i).text, first.at(i).text);
            QVERIFY2(std::abs(second.at(i).at - first.at(i).at) < 500'000,
                qPrintable(
                    QStringLiteral("item %1 at %2 µs, then at %3 µs").arg(i).arg(first.at(i).at).arg(second.at(i).at)));
        }

        // An empty field picks another seed, so another schedule.
        window.startRun();
        QVERIFY(window.isRunning());
        QVERIFY(window.currentHeader().seed != 4242);
        window.stopRun();
        QVERIFY(waitUntil([&] { return !window.isRunning(); }, 10000));
    }

    // The spin boxes show the values in effect: at 10× every duration, produce too, is ten times longer,
    // and that is what the run gets.
    void theTimeScaleStretchesEveryDurationShown()
    {
        MainWindow window;
        QVERIFY(window.selectPattern(QStringLiteral("long-polling")));
        ParameterPanel* panel = window.parameterPanel();
        const ParameterSet before = panel->values();
        panel->setTimeScale(10.0);
        for (const ParameterSpec& spec : before.specs()) {
            if (spec.unit != ParameterSpec::Unit::Milliseconds)
                continue;
            const qint64 expected = std::clamp(before.value(spec.name) * 10, spec.minimum, spec.maximum);
            QCOMPARE(panel->values().value(spec.name), before.value(spec.name) == 0 ? 0 : expected);
            auto* spin = qobject_cast<QSpinBox*>(panel->editor(spec.name));
            QVERIFY(spin);
            QCOMPARE(qint64(spin->value()), panel->values().value(spec.name));
        }
        QCOMPARE(panel->values().value(QStringLiteral("produce")), 20'000);
        QCOMPARE(panel->values().value(QStringLiteral("latency")), 2'500);
        // Back to 1×: the values as they were, not rounded twice.
        panel->setTimeScale(1.0);
        for (const ParameterSpec& spec : before.specs())
            QCOMPARE(panel->values().value(spec.name), before.value(spec.name));

        panel->setTimeScale(10.0);
        window.startRun();
        QVERIFY(window.isRunning());
        QCOMPARE(headerValue(window.currentHeader(), QStringLiteral("produce")), QStringLiteral("20s"));
        QCOMPARE(headerValue(window.currentHeader(), QStringLiteral("latency")), QStringLiteral("2500ms"));
        QCOMPARE(headerValue(window.currentHeader(), QStringLiteral("hold")), QStringLiteral("50s"));
        window.stopRun();
        QVERIFY(waitUntil([&] { return !window.isRunning(); }, 20000));
    }

    // Singular and plural as English has them.
    void theStatusBarCountsInEnglish()
    {
        MainWindow window;
        QVERIFY(startQuickRun(window));
        QLabel* status = statusLabel(window);
        QVERIFY(status);
        QVERIFY2(waitUntil([&] { return status->text().contains(QStringLiteral(" · 1 connection open")); }),
            qPrintable(status->text()));
        window.stopRun();
        QVERIFY(waitUntil([&] { return !window.isRunning(); }, 10000));
        QVERIFY2(status->text().contains(QStringLiteral(" · 0 connections open")), qPrintable(status->text()));
        QVERIFY(!status->text().contains(QRegularExpression(QStringLiteral("\\b1 connections"))));
    }

    // Paused while the run records, the diagram stays as it is: events after the paused moment do not
    // repaint it (the README promises no CPU when paused).
    void aPausedRecordingDoesNotRepaint()
    {
        MainWindow window;
        window.resize(1280, 720);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QVERIFY(startQuickRun(window));
        PaintCounter counter(window.sequenceView()->viewport());
        // Live, every exchange repaints.
        const auto seen = window.trace()->messages().size();
        QVERIFY(waitUntil([&] { return window.trace()->messages().size() >= seen + 8; }, 10000));
        QVERIFY(counter.paints > 0);

        window.clock()->pause();
        QCoreApplication::processEvents(); // the pause itself repaints once
        const int atPause = counter.paints;
        const auto pausedAt = window.trace()->messages().size();
        // Many exchanges (a dozen frame periods and more) while paused.
        QVERIFY(waitUntil([&] { return window.trace()->messages().size() >= pausedAt + 12; }, 10000));
        QCoreApplication::processEvents();
        QVERIFY2(counter.paints - atPause <= 1,
            qPrintable(QStringLiteral("%1 repaints while paused").arg(counter.paints - atPause)));

        window.clock()->goLive();
        QVERIFY(waitUntil([&] { return counter.paints > atPause + 1; }));
        window.stopRun();
        QVERIFY(waitUntil([&] { return !window.isRunning(); }, 10000));
    }

private:
    QTemporaryDir m_settings;
};

QTEST_MAIN(TestRunControls)
#include "tst_runcontrols.moc"
