// SPDX-License-Identifier: GPL-3.0-or-later
#include "parameterpanel.h"
#include "patternregistry.h"

#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QSignalSpy>
#include <QSlider>
#include <QSpinBox>
#include <QTest>

using namespace PatternScope;

namespace {

const PatternInfo& pattern(const QString& id)
{
    const PatternInfo* info = PatternRegistry::find(id);
    Q_ASSERT(info);
    return *info;
}

bool hasLabel(const QWidget& widget, const QString& text)
{
    const QList<QLabel*> labels = widget.findChildren<QLabel*>();
    return std::any_of(labels.cbegin(), labels.cend(), [&](const QLabel* label) { return label->text() == text; });
}

} // namespace

class TestParameterPanel : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void readableName_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("readable");
        QTest::addRow("one word") << QStringLiteral("hold") << QStringLiteral("Hold");
        QTest::addRow("dashed") << QStringLiteral("max-message") << QStringLiteral("Max message");
        QTest::addRow("empty") << QString() << QString();
    }

    void readableName()
    {
        QFETCH(QString, name);
        QFETCH(QString, readable);
        QCOMPARE(ParameterPanel::readableName(name), readable);
    }

    void buildsAnEditorPerParameter_data()
    {
        QTest::addColumn<QString>("id");
        for (const PatternInfo& info : PatternRegistry::all())
            QTest::addRow("%s", qPrintable(info.id)) << info.id;
    }

    void buildsAnEditorPerParameter()
    {
        QFETCH(QString, id);
        const PatternInfo& info = pattern(id);
        ParameterPanel panel;
        panel.setPattern(info, ParameterSet(info.parameters));

        QVERIFY(hasLabel(panel, info.title));
        QVERIFY(hasLabel(panel, info.description));
        QVERIFY(hasLabel(panel, QStringLiteral("Participants: ") + info.participants.join(QStringLiteral(", "))));
        for (const ParameterSpec& spec : info.parameters) {
            QWidget* editor = panel.editor(spec.name);
            QVERIFY2(editor, qPrintable(spec.name));
            QCOMPARE(editor->accessibleName(), ParameterPanel::readableName(spec.name));
            QVERIFY(editor->toolTip().contains(spec.description));
            QVERIFY(hasLabel(panel, ParameterPanel::readableName(spec.name)));
            if (spec.unit == ParameterSpec::Unit::Choice) {
                auto* combo = qobject_cast<QComboBox*>(editor);
                QVERIFY(combo);
                QCOMPARE(combo->count(), spec.choices.size());
                QCOMPARE(combo->currentIndex(), int(spec.defaultValue));
                QCOMPARE(combo->itemText(0), spec.choices.first());
                continue;
            }
            if (spec.unit == ParameterSpec::Unit::Text) {
                auto* line = qobject_cast<QLineEdit*>(editor);
                QVERIFY(line);
                QCOMPARE(line->text(), spec.defaultText);
                continue;
            }
            auto* spin = qobject_cast<QSpinBox*>(editor);
            QVERIFY(spin);
            QCOMPARE(spin->value(), int(spec.defaultValue));
            QCOMPARE(spin->minimum(), int(spec.minimum));
            QCOMPARE(qint64(spin->maximum()), std::min<qint64>(spec.maximum, std::numeric_limits<int>::max()));
            QVERIFY(!spin->keyboardTracking());
            const QString suffix = spec.unit == ParameterSpec::Unit::Milliseconds ? QStringLiteral(" ms")
                : spec.unit == ParameterSpec::Unit::Bytes                         ? QStringLiteral(" B")
                                                                                  : QString();
            QCOMPARE(spin->suffix(), suffix);
        }
        QCOMPARE(panel.values().specs().size(), info.parameters.size());
    }

    void showsTheGivenValues()
    {
        const PatternInfo& info = pattern(QStringLiteral("long-polling"));
        ParameterSet values(info.parameters);
        QVERIFY(values.set(QStringLiteral("hold"), 10'000));
        QVERIFY(values.set(QStringLiteral("arrivals"), 0));
        ParameterPanel panel;
        QSignalSpy edited(&panel, &ParameterPanel::parameterEdited);
        panel.setPattern(info, values);
        QCOMPARE(qobject_cast<QSpinBox*>(panel.editor(QStringLiteral("hold")))->value(), 10'000);
        QCOMPARE(qobject_cast<QComboBox*>(panel.editor(QStringLiteral("arrivals")))->currentIndex(), 0);
        QCOMPARE(panel.values().value(QStringLiteral("hold")), 10'000);

        // Values set from code are shown but not echoed back as edits.
        QVERIFY(panel.setValue(QStringLiteral("hold"), 2000));
        QCOMPARE(qobject_cast<QSpinBox*>(panel.editor(QStringLiteral("hold")))->value(), 2000);
        QVERIFY(!panel.setValue(QStringLiteral("hold"), 1)); // below the minimum
        QVERIFY(!panel.setValue(QStringLiteral("no-such"), 1));
        QCOMPARE(edited.count(), 0);

        // Another pattern replaces the form.
        panel.setPattern(pattern(QStringLiteral("request-response")), ParameterSet());
        QCOMPARE(panel.editor(QStringLiteral("hold")), nullptr);
        QVERIFY(panel.editor(QStringLiteral("processing")));
        QCOMPARE(edited.count(), 0);
    }

    void typingEmitsOnce()
    {
        const PatternInfo& info = pattern(QStringLiteral("long-polling"));
        ParameterPanel panel;
        panel.setPattern(info, ParameterSet(info.parameters));
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        QSignalSpy edited(&panel, &ParameterPanel::parameterEdited);

        auto* spin = qobject_cast<QSpinBox*>(panel.editor(QStringLiteral("retry")));
        QVERIFY(spin);
        spin->setFocus();
        spin->selectAll();
        QTest::keyClicks(spin, QStringLiteral("250"));
        QCOMPARE(edited.count(), 0); // not 2, 25, 250 while typing
        QTest::keyClick(spin, Qt::Key_Return);
        QCOMPARE(edited.count(), 1);
        QCOMPARE(edited.at(0).at(0).toString(), QStringLiteral("retry"));
        QCOMPARE(edited.at(0).at(1).toLongLong(), 250);
        QCOMPARE(panel.values().value(QStringLiteral("retry")), 250);

        // A step with the arrow key is an edit of its own.
        QTest::keyClick(spin, Qt::Key_Up);
        QCOMPARE(edited.count(), 2);
        QVERIFY(edited.at(1).at(1).toLongLong() > 250);
        QCOMPARE(panel.values().value(QStringLiteral("retry")), edited.at(1).at(1).toLongLong());
    }

    void choiceEmitsTheIndex()
    {
        const PatternInfo& info = pattern(QStringLiteral("long-polling"));
        ParameterPanel panel;
        panel.setPattern(info, ParameterSet(info.parameters));
        QSignalSpy edited(&panel, &ParameterPanel::parameterEdited);

        auto* combo = qobject_cast<QComboBox*>(panel.editor(QStringLiteral("arrivals")));
        QVERIFY(combo);
        QCOMPARE(combo->currentText(), QStringLiteral("poisson"));
        QTest::keyClick(combo, Qt::Key_Up);
        QCOMPARE(combo->currentText(), QStringLiteral("fixed"));
        QCOMPARE(edited.count(), 1);
        QCOMPARE(edited.at(0).at(0).toString(), QStringLiteral("arrivals"));
        QCOMPARE(edited.at(0).at(1).toLongLong(), 0);
        QCOMPARE(panel.values().value(QStringLiteral("arrivals")), 0);
    }

    void runningFixesNonLiveParameters_data()
    {
        QTest::addColumn<QString>("id");
        QTest::addRow("long-polling") << QStringLiteral("long-polling");
        QTest::addRow("publish-subscribe") << QStringLiteral("publish-subscribe");
    }

    void runningFixesNonLiveParameters()
    {
        QFETCH(QString, id);
        const PatternInfo& info = pattern(id);
        // The test means something only if the pattern has both kinds.
        QVERIFY(std::any_of(info.parameters.cbegin(), info.parameters.cend(), [](const auto& s) { return s.live; }));
        QVERIFY(std::any_of(info.parameters.cbegin(), info.parameters.cend(), [](const auto& s) { return !s.live; }));

        ParameterPanel panel;
        panel.setPattern(info, ParameterSet(info.parameters));
        panel.setRunning(true);
        for (const ParameterSpec& spec : info.parameters) {
            QWidget* editor = panel.editor(spec.name);
            QCOMPARE(editor->isEnabled(), spec.live);
            QCOMPARE(editor->toolTip().contains(QStringLiteral("fixed while a run is going")), !spec.live);
        }
        // A pattern chosen while running comes up with the same rule.
        panel.setPattern(info, ParameterSet(info.parameters));
        for (const ParameterSpec& spec : info.parameters)
            QCOMPARE(panel.editor(spec.name)->isEnabled(), spec.live);

        panel.setRunning(false);
        for (const ParameterSpec& spec : info.parameters) {
            QWidget* editor = panel.editor(spec.name);
            QVERIFY(editor->isEnabled());
            QVERIFY(!editor->toolTip().contains(QStringLiteral("fixed while a run is going")));
        }
    }

    void timeScaleRoundTrips_data()
    {
        QTest::addColumn<double>("factor");
        QTest::addColumn<double>("expected");
        QTest::addColumn<QString>("label");
        QTest::addRow("1x") << 1.0 << 1.0 << QStringLiteral("1.0×");
        QTest::addRow("2x") << 2.0 << 2.0 << QStringLiteral("2.0×");
        QTest::addRow("quarter") << 0.25 << 0.25 << QStringLiteral("0.25×");
        QTest::addRow("tenth") << 0.1 << 0.1 << QStringLiteral("0.10×");
        QTest::addRow("above the range") << 100.0 << 10.0 << QStringLiteral("10.0×");
        QTest::addRow("below the range") << 0.001 << 0.1 << QStringLiteral("0.10×");
    }

    void timeScaleRoundTrips()
    {
        QFETCH(double, factor);
        QFETCH(double, expected);
        QFETCH(QString, label);
        ParameterPanel panel;
        QCOMPARE(panel.timeScale(), 1.0);
        QSignalSpy changed(&panel, &ParameterPanel::timeScaleChanged);
        panel.setTimeScale(factor);
        QCOMPARE(panel.timeScale(), expected);
        QVERIFY(hasLabel(panel, label));
        QCOMPARE(changed.count(), 0);
    }

    void timeScaleSliderIsLogarithmic()
    {
        ParameterPanel panel;
        auto* slider = panel.findChild<QSlider*>();
        QVERIFY(slider);
        QCOMPARE(slider->accessibleName(), QStringLiteral("Time scale"));
        QSignalSpy changed(&panel, &ParameterPanel::timeScaleChanged);

        // 1× sits in the middle of the track.
        QCOMPARE(slider->value(), (slider->minimum() + slider->maximum()) / 2);
        QTest::keyClick(slider, Qt::Key_End);
        QCOMPARE(changed.count(), 1);
        QCOMPARE(changed.at(0).at(0).toDouble(), 10.0);
        QCOMPARE(panel.timeScale(), 10.0);
        QVERIFY(hasLabel(panel, QStringLiteral("10.0×")));
        QTest::keyClick(slider, Qt::Key_Home);
        QCOMPARE(changed.count(), 2);
        QVERIFY(qAbs(changed.at(1).at(0).toDouble() - 0.1) < 1e-9);
        // One step up from 0.1× multiplies, it does not add.
        QTest::keyClick(slider, Qt::Key_Right);
        QCOMPARE(changed.count(), 3);
        const double ratio = changed.at(2).at(0).toDouble() / changed.at(1).at(0).toDouble();
        QVERIFY(ratio > 1.05 && ratio < 1.3);
    }
};

QTEST_MAIN(TestParameterPanel)
#include "tst_parameterpanel.moc"
