// SPDX-License-Identifier: GPL-3.0-or-later
// Opening a large trace: the window shows its start at once, loads the whole on a thread with a
// progress bar, and can stop, keeping the start. A small file is read whole before openTrace returns.
#include "captionbar.h"
#include "eventtablemodel.h"
#include "exchanges.h"
#include "mainwindow.h"
#include "paintcounter.h"
#include "tracefiles.h"
#include "traceloading.h"

#include <QApplication>
#include <QComboBox>
#include <QLabel>
#include <QProgressBar>
#include <QSignalSpy>
#include <QStatusBar>
#include <QTableView>
#include <QTest>
#include <QToolButton>

using namespace PatternScope;
using namespace PatternScope::Test;

class TestTraceLoading : public QObject {
    Q_OBJECT

private:
    ScratchFiles m_files;
    QString m_large;
    size_t m_largeMessages = 0;

    static QToolButton* cancelButton(const MainWindow& window)
    {
        for (QToolButton* button : window.statusBar()->findChildren<QToolButton*>()) {
            if (button->text() == QLatin1String("Cancel"))
                return button;
        }
        return nullptr;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_files.isValid());
        // Several megabytes: more than the start the window reads before it shows anything.
        Trace trace;
        fillPolling(trace, 40'000, 10'000);
        m_largeMessages = trace.messages().size();
        m_large = m_files.newPath();
        QString error;
        QVERIFY2(TraceWriter::writeTrace(m_large, TraceHeader(), trace, &error), qPrintable(error));
        QVERIFY(QFileInfo(m_large).size() > 4 * (1 << 20));
    }

    void startFirstThenWhole()
    {
        MainWindow window;
        window.show();
        // The status bar holds the progress bar only while loading: it must not stay taller for it.
        const int statusHeight = window.statusBar()->minimumSizeHint().height();
        QString error;
        QVERIFY2(window.openTrace(m_large, &error), qPrintable(error));
        const size_t shown = window.trace()->messages().size();
        QVERIFY2(shown > 0 && shown < m_largeMessages, qPrintable(QString::number(shown)));
        auto* bar = window.statusBar()->findChild<QProgressBar*>();
        QVERIFY(bar && bar->isVisible());
        QVERIFY(cancelButton(window) && cancelButton(window)->isVisible());
        // What is loading is said once: a status line and a message over it would be drawn on each other.
        auto* status = window.statusBar()->findChild<QLabel*>(QStringLiteral("runStatus"));
        QVERIFY(status);
        QVERIFY2(window.statusBar()->currentMessage().isEmpty() || !status->isVisible(),
            qPrintable(window.statusBar()->currentMessage() + QStringLiteral(" / ") + status->text()));
        QVERIFY2(
            status->isVisible() && status->text().startsWith(QLatin1String("Loading ")), qPrintable(status->text()));

        QTRY_COMPARE_WITH_TIMEOUT(window.trace()->messages().size(), m_largeMessages, 60'000);
        QVERIFY(!bar->isVisible());
        QCOMPARE(window.statusBar()->minimumSizeHint().height(), statusHeight);
        Trace expected;
        QCOMPARE(readTrace(m_large, &expected), QString());
        QVERIFY(window.trace()->messages() == expected.messages());
        QCOMPARE(window.trace()->activations(), expected.activations());
        // Its captions come narrated from the loading thread, after the trace: those of the whole trace.
        auto* caption = window.findChild<CaptionBar*>();
        QVERIFY(caption);
        auto* loading = window.findChild<TraceLoading*>();
        QVERIFY(loading);
        if (loading->isNarrating()) {
            QVERIFY(caption->isAwaiting(window.trace()));
            QVERIFY2(caption->text().contains(QLatin1String("being written")), qPrintable(caption->text()));
            QSignalSpy narrated(loading, &TraceLoading::narrated);
            QVERIFY(narrated.wait(60'000));
        }
        QVERIFY(!caption->isAwaiting(window.trace()));
        QVERIFY(caption->captions() == Narration::captions(expected, {}, {}, Narration::Texts::Compact));
        // The table lists every message, the start's rows first as they were.
        QTableView* table = nullptr;
        for (QTableView* view : window.findChildren<QTableView*>()) {
            if (view->isVisible() && view->model() && view->model()->columnCount() == EventTableModel::NUM_COLUMNS)
                table = view;
        }
        QVERIFY(table);
        QTRY_COMPARE_WITH_TIMEOUT(table->model()->rowCount(), int(m_largeMessages), 10'000);
        for (int row : { 0, int(shown) - 1, int(shown), int(m_largeMessages) - 1 }) {
            QCOMPARE(table->model()->index(row, EventTableModel::LabelColumn).data().toString(),
                expected.message(row).label.toString());
        }
    }

    // Progress is painted with the rest of the window on a later turn of the event loop, never at once: a
    // repaint at once paints every widget waiting to be painted (after a big trace's first frame, the whole
    // diagram again) inside the event that reported the progress.
    void progressPaintedOnALaterTurn()
    {
        MainWindow window;
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QString error;
        QVERIFY2(window.openTrace(m_large, &error), qPrintable(error));
        auto* loading = window.findChild<TraceLoading*>();
        auto* bar = window.statusBar()->findChild<QProgressBar*>();
        QVERIFY(loading && bar);
        QVERIFY(bar->isVisible() && !bar->visibleRegion().isEmpty()); // it hides only on a later turn
        PaintCounter painted(bar);
        const int percent = bar->value() < 50 ? 90 : 10;
        Q_EMIT loading->progressed(percent);
        QCOMPARE(bar->value(), percent);
        QCOMPARE(painted.paints, 0);
        QTRY_VERIFY(painted.paints > 0);
        loading->cancel();
    }

    // Whatever replaces a trace while the loading thread narrates it stops that first: another file, a run,
    // the window closing. Under the sanitizers a trace read after it went is an error.
    void replacedWhileNarrated_data()
    {
        QTest::addColumn<QString>("how");
        QTest::newRow("another file") << QStringLiteral("open");
        QTest::newRow("another pattern") << QStringLiteral("pattern");
        QTest::newRow("window closes") << QStringLiteral("close");
    }

    void replacedWhileNarrated()
    {
        QFETCH(QString, how);
        auto window = std::make_unique<MainWindow>();
        window->show();
        QString error;
        QVERIFY2(window->openTrace(m_large, &error), qPrintable(error));
        auto* loading = window->findChild<TraceLoading*>();
        QVERIFY(loading);
        QSignalSpy read(loading, &TraceLoading::finished);
        QVERIFY(read.wait(60'000));
        QVERIFY(loading->isNarrating());
        QSignalSpy narrated(loading, &TraceLoading::narrated);
        if (how == QLatin1String("open")) {
            const QString small = QStringLiteral(PATTERNSCOPE_FILES_DATA "/small.pstrace.jsonl");
            QVERIFY2(window->openTrace(small, &error), qPrintable(error));
            QVERIFY(!loading->isNarrating());
            Trace expected;
            QCOMPARE(readTrace(small, &expected), QString());
            QCOMPARE(window->trace()->messages().size(), expected.messages().size());
            QVERIFY(window->findChild<CaptionBar*>()->captions()
                == Narration::captions(*window->trace(), {}, {}, Narration::Texts::Compact));
        } else if (how == QLatin1String("pattern")) {
            auto* patterns = window->findChild<QComboBox*>(QStringLiteral("patternBox"));
            QVERIFY(patterns);
            patterns->setCurrentIndex((patterns->currentIndex() + 1) % patterns->count());
            QVERIFY(!loading->isNarrating());
            QCOMPARE(window->trace(), nullptr);
        } else {
            window.reset();
        }
        // Nothing narrated comes after it: what the thread might have queued is delivered, and dropped.
        QCoreApplication::sendPostedEvents();
        QCOMPARE(narrated.count(), 0);
    }

    void cancelKeepsTheStart()
    {
        MainWindow window;
        window.show();
        QString error;
        QVERIFY2(window.openTrace(m_large, &error), qPrintable(error));
        const Trace* start = window.trace();
        const size_t shown = start->messages().size();
        QToolButton* cancel = cancelButton(window);
        QVERIFY(cancel);
        cancel->click();
        QVERIFY(!cancel->isVisible());
        QCOMPARE(window.trace(), start);
        QCOMPARE(window.trace()->messages().size(), shown);
        QVERIFY2(window.statusBar()->currentMessage().contains(QLatin1String("stopped")),
            qPrintable(window.statusBar()->currentMessage()));
        // Nothing comes later to replace it.
        QTest::qWait(0);
        QCOMPARE(window.trace(), start);
    }

    void smallFileWholeAtOnce()
    {
        MainWindow window;
        QString error;
        const QString small = QStringLiteral(PATTERNSCOPE_FILES_DATA "/small.pstrace.jsonl");
        QVERIFY2(window.openTrace(small, &error), qPrintable(error));
        Trace expected;
        QCOMPARE(readTrace(small, &expected), QString());
        QCOMPARE(window.trace()->messages().size(), expected.messages().size());
        QVERIFY(!cancelButton(window)->isVisible());
    }
};

QTEST_MAIN(TestTraceLoading)
#include "tst_traceloading.moc"
