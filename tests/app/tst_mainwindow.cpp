// SPDX-License-Identifier: GPL-3.0-or-later
#include "eventfiltermodel.h"
#include "eventtablemodel.h"
#include "fileerror.h"
#include "mainwindow.h"
#include "messageinspector.h"
#include "parameterpanel.h"
#include "patternregistry.h"
#include "playbackclock.h"
#include "sequenceview.h"
#include "waituntil.h"

#include <QAction>
#include <QActionGroup>
#include <QFile>
#include <QSettings>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

using namespace PatternScope;
using PatternScope::Test::waitUntil;

namespace {

qsizetype delivered(const Trace& trace, Message::Kind kind)
{
    return std::count_if(trace.messages().begin(), trace.messages().end(),
        [kind](const Message& m) { return m.kind == kind && m.state == Message::State::Delivered; });
}

// Runs request-response quickly until a few answers are in, then stops it.
bool recordAFewExchanges(MainWindow& window)
{
    if (!window.selectPattern(QStringLiteral("request-response")))
        return false;
    window.parameterPanel()->setValue(QStringLiteral("latency"), 30);
    window.parameterPanel()->setValue(QStringLiteral("interval"), 120);
    window.parameterPanel()->setValue(QStringLiteral("processing"), 20);
    window.startRun();
    if (!window.trace() || !waitUntil([&] { return delivered(*window.trace(), Message::Kind::HttpResponse) >= 4; }))
        return false;
    window.stopRun();
    return waitUntil([&] { return !window.isRunning(); });
}

} // namespace

class TestMainWindow : public QObject {
    Q_OBJECT

private Q_SLOTS:
    // The window remembers View choices; these tests keep theirs apart from the user's.
    void initTestCase()
    {
        QVERIFY(m_settings.isValid());
        QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, m_settings.path());
    }

    void clickingAnArrowSelectsItInTheTableAndTheInspector()
    {
        MainWindow window;
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QVERIFY(recordAFewExchanges(window));
        QCoreApplication::processEvents();
        const Trace& trace = *window.trace();
        qint64 answer = -1;
        for (const Message& m : trace.messages()) {
            if (m.kind == Message::Kind::HttpResponse && m.state == Message::State::Delivered)
                answer = m.seq;
        }
        QVERIFY(answer >= 0);
        SequenceView* view = window.sequenceView();
        view->selectMessage(answer); // scrolls it into view
        const QLineF line = view->arrowInViewport(answer);
        QVERIFY(!line.isNull());
        QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, line.pointAt(0.4).toPoint());
        QCOMPARE(view->selectedMessage(), answer);
        QCOMPARE(window.table()->currentIndex().data(EventTableModel::SeqRole).toLongLong(), answer);
        QCOMPARE(window.inspector()->shownMessage(), answer);
        QVERIFY(window.inspector()->text().contains(trace.message(answer).label));

        // And the other way: choosing a row selects the arrow.
        const QModelIndex first = window.table()->model()->index(0, 0);
        window.table()->setCurrentIndex(first);
        const qint64 firstSeq = first.data(EventTableModel::SeqRole).toLongLong();
        QCOMPARE(view->selectedMessage(), firstSeq);
        QCOMPARE(window.inspector()->shownMessage(), firstSeq);
    }

    // --set and --seed: the run starts with the given parameters and seed, the others at their defaults.
    void runSettingsAreWhatTheRunStartsWith()
    {
        MainWindow window;
        QVERIFY(window.selectPattern(QStringLiteral("long-polling")));
        const PatternInfo* info = PatternRegistry::find(QStringLiteral("long-polling"));
        QVERIFY(info);
        ParameterSet parameters(info->parameters);
        QString error;
        QVERIFY2(parameters.assign(u"clients=3", &error), qPrintable(error));
        QVERIFY2(parameters.assign(u"latency=20ms", &error), qPrintable(error));
        window.setRunSettings(parameters, quint64(4242));
        window.startRun();
        QVERIFY(window.trace());
        const TraceHeader header = window.currentHeader();
        QCOMPARE(header.seed, quint64(4242));
        QVERIFY(waitUntil([&] { return window.trace()->participants().size() >= 4; }));
        int clients = 0;
        for (const Participant& participant : window.trace()->participants())
            clients += participant.role == Participant::Role::Client ? 1 : 0;
        QCOMPARE(clients, 3);
        window.stopRun();
        QVERIFY(waitUntil([&] { return !window.isRunning(); }));
    }

    void theFilterNarrowsTheTable()
    {
        MainWindow window;
        window.show();
        QVERIFY(recordAFewExchanges(window));
        QAbstractItemModel* table = window.table()->model();
        const int all = table->rowCount();
        window.filterModel()->setFilterText(QStringLiteral("GET /work"));
        QVERIFY(table->rowCount() > 0);
        QVERIFY(table->rowCount() < all);
        for (int row = 0; row < table->rowCount(); ++row)
            QVERIFY(table->index(row, EventTableModel::LabelColumn)
                        .data()
                        .toString()
                        .contains(QStringLiteral("GET /work")));
        window.filterModel()->setFilterText(QStringLiteral("/^200 OK/"));
        QVERIFY(table->rowCount() > 0);
        for (int row = 0; row < table->rowCount(); ++row)
            QVERIFY(
                table->index(row, EventTableModel::LabelColumn).data().toString().startsWith(QStringLiteral("200 OK")));
    }

    // The filter bar's kinds narrow the diagram too, unless the View menu says not to; the fold threshold is a
    // View menu setting. Both are remembered.
    void theFilterAndFoldingApplyToTheDiagram()
    {
        // Settings of this test's own, in a folder of its own.
        static QTemporaryDir settings;
        QVERIFY(settings.isValid());
        QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, settings.path());
        const auto action = [](QWidget& window, const QString& text) {
            for (QAction* a : window.findChildren<QAction*>()) {
                if (a->text().remove(u'&') == text)
                    return a;
            }
            return static_cast<QAction*>(nullptr);
        };
        {
            MainWindow window;
            window.show();
            QVERIFY(QTest::qWaitForWindowExposed(&window));
            QVERIFY(recordAFewExchanges(window));
            SequenceView* view = window.sequenceView();
            view->setFollowing(false);
            const Trace& trace = *window.trace();
            const auto connect = std::find_if(trace.messages().begin(), trace.messages().end(),
                [](const Message& m) { return m.kind == Message::Kind::Connect; });
            QVERIFY(connect != trace.messages().end());
            QVERIFY(!view->arrowInViewport(connect->seq).isNull());

            QAction* applies = action(window, QStringLiteral("Filter applies to the diagram"));
            QVERIFY(applies);
            QVERIFY(applies->isChecked()); // on by default
            window.filterModel()->setCategoryShown(KindCategory::Tcp, false);
            QVERIFY(view->arrowInViewport(connect->seq).isNull());
            applies->trigger();
            QVERIFY(!view->arrowInViewport(connect->seq).isNull());
            applies->trigger();
            QVERIFY(view->arrowInViewport(connect->seq).isNull());
            window.filterModel()->setCategoryShown(KindCategory::Tcp, true);
            QVERIFY(!view->arrowInViewport(connect->seq).isNull());

            QCOMPARE(view->foldAfter(), SequenceGeometry::FoldAfter);
            QAction* tenSeconds = action(window, QStringLiteral("10 s"));
            QVERIFY(tenSeconds);
            tenSeconds->trigger();
            QCOMPARE(view->foldAfter(), TimeUs(10'000'000));
            QVERIFY(tenSeconds->isChecked());
            applies->trigger();
        }
        {
            MainWindow window;
            QCOMPARE(window.sequenceView()->foldAfter(), TimeUs(10'000'000));
            QVERIFY(action(window, QStringLiteral("10 s"))->isChecked());
            QVERIFY(!action(window, QStringLiteral("Filter applies to the diagram"))->isChecked());
            action(window, QStringLiteral("Don't fold"))->trigger();
            QCOMPARE(window.sequenceView()->foldAfter(), TimeUs(0));
        }
        QCOMPARE(QSettings().value(QStringLiteral("view/foldAfterMs")).toLongLong(), 0);
    }

    void keyboardStepsAndPlaybackGoesBackToLive()
    {
        MainWindow window;
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QVERIFY(recordAFewExchanges(window));
        PlaybackClock* clock = window.clock();
        window.sequenceView()->setFocus();
        const TimeUs end = clock->position();
        QTest::keyClick(&window, Qt::Key_Left);
        QCOMPARE(clock->mode(), PlaybackClock::Mode::Paused);
        const TimeUs back = clock->position();
        QVERIFY(back < end);
        QTest::keyClick(&window, Qt::Key_Left);
        QVERIFY(clock->position() < back);
        QTest::keyClick(&window, Qt::Key_Right);
        QCOMPARE(clock->position(), back);
        QTest::keyClick(&window, Qt::Key_End);
        QCOMPARE(clock->mode(), PlaybackClock::Mode::Live);
    }

    void openingTracesGoodAndBad()
    {
        MainWindow window;
        QString error;
        QVERIFY2(window.openTrace(QStringLiteral(PATTERNSCOPE_FILES_DATA "/small.pstrace.jsonl"), &error),
            qPrintable(error));
        QVERIFY(window.trace());
        QVERIFY(!window.trace()->messages().empty());
        QCOMPARE(window.table()->model()->rowCount(), int(window.trace()->messages().size()));

        QTemporaryDir dir;
        const QString bad = dir.filePath(QStringLiteral("bad.pstrace.jsonl"));
        QFile file(bad);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("this is not a trace\n");
        file.close();
        QVERIFY(!window.openTrace(bad, &error));
        QVERIFY2(error.contains(QStringLiteral("bad.pstrace.jsonl:1")), qPrintable(error));
        // What was shown stays.
        QVERIFY(!window.trace()->messages().empty());

        const QString saved = dir.filePath(QStringLiteral("saved.pstrace.jsonl"));
        QVERIFY2(window.saveTrace(saved, &error), qPrintable(error));
        MainWindow other;
        QVERIFY2(other.openTrace(saved, &error), qPrintable(error));
        QCOMPARE(other.trace()->messages().size(), window.trace()->messages().size());
    }

    // Open takes a HAR too (as File → Import HAR does); a broken one says what is wrong with it as a HAR.
    void openingAHar()
    {
        MainWindow window;
        QString error;
        QVERIFY2(
            window.openTrace(QStringLiteral(PATTERNSCOPE_FILES_DATA "/har/playwright.har"), &error), qPrintable(error));
        QVERIFY(window.trace());
        QCOMPARE(window.trace()->participants().front().name, QStringLiteral("Browser"));
        QCOMPARE(window.table()->model()->rowCount(), 14);
        QCOMPARE(window.currentHeader().pattern, QStringLiteral("har-import"));
        QVERIFY(!window.openTrace(QStringLiteral(PATTERNSCOPE_FILES_DATA "/har/not-json.har"), &error));
        QVERIFY2(error.contains(QStringLiteral("not-json.har:5: not valid JSON")), qPrintable(error));
        QCOMPARE(window.table()->model()->rowCount(), 14); // what was shown stays
    }

    void importingABrowserHar()
    {
        MainWindow window;
        FileError error;
        QVERIFY2(window.importHar(QStringLiteral(PATTERNSCOPE_FILES_DATA "/har/chrome.har"), &error),
            qPrintable(error.message));
        const Trace* trace = window.trace();
        QVERIFY(trace);
        QCOMPARE(trace->participants().front().name, QStringLiteral("Browser"));
        QVERIFY(trace->participants().size() >= 2);
        QVERIFY(window.table()->model()->rowCount() > 0);
        // It replays like a recording: stepping back from the end un-draws the last arrow.
        const TimeUs end = window.clock()->position();
        window.clock()->stepBack();
        QVERIFY(window.clock()->position() < end);

        QVERIFY(!window.importHar(QStringLiteral(PATTERNSCOPE_FILES_DATA "/har/not-json.har"), &error));
        QVERIFY2(error.message.contains(QStringLiteral("not-json.har:")), qPrintable(error.message));
        QCOMPARE(error.code, FileError::Code::BadInput);
        QCOMPARE(window.trace(), trace); // what was shown stays
        // A file that cannot be read is an I/O failure, not a broken HAR.
        QVERIFY(!window.importHar(QStringLiteral(PATTERNSCOPE_FILES_DATA "/har/nonexistent.har"), &error));
        QCOMPARE(error.code, FileError::Code::Io);
        QCOMPARE(window.trace(), trace);
    }

    // View → Detail: two radio choices with shortcuts that switch the diagram, remembered for the next start;
    // --detail (MainWindow::setDetail) shows a level without changing what is remembered.
    void detailIsAViewChoiceThatIsRemembered()
    {
        const auto action = [](const MainWindow& window, const QString& start) -> QAction* {
            for (QAction* a : window.findChildren<QAction*>()) {
                if (a->text().remove(u'&').startsWith(start))
                    return a;
            }
            return nullptr;
        };
        QSettings().remove(QStringLiteral("view/detail"));
        {
            MainWindow window;
            QAction* wire = action(window, QStringLiteral("Detail: Wire"));
            QAction* textbook = action(window, QStringLiteral("Detail: Textbook"));
            QVERIFY(wire && textbook);
            QVERIFY(wire->isCheckable() && textbook->isCheckable() && wire->actionGroup()
                && wire->actionGroup() == textbook->actionGroup());
            QVERIFY(!wire->shortcut().isEmpty() && !textbook->shortcut().isEmpty());
            QVERIFY(wire->isChecked());
            QCOMPARE(window.sequenceView()->detail(), DetailLevel::Wire);
            textbook->trigger();
            QVERIFY(textbook->isChecked() && !wire->isChecked());
            QCOMPARE(window.sequenceView()->detail(), DetailLevel::Textbook);
        }
        {
            MainWindow again;
            QCOMPARE(again.sequenceView()->detail(), DetailLevel::Textbook);
            QVERIFY(action(again, QStringLiteral("Detail: Textbook"))->isChecked());
            again.setDetail(DetailLevel::Wire);
            QCOMPARE(again.sequenceView()->detail(), DetailLevel::Wire);
            QVERIFY(action(again, QStringLiteral("Detail: Wire"))->isChecked());
            QCOMPARE(QSettings().value(QStringLiteral("view/detail")).toString(), QStringLiteral("textbook"));
            action(again, QStringLiteral("Detail: Wire"))->trigger();
            QCOMPARE(QSettings().value(QStringLiteral("view/detail")).toString(), QStringLiteral("wire"));
        }
    }

private:
    QTemporaryDir m_settings;
};

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
