// SPDX-License-Identifier: GPL-3.0-or-later
// Step mode in the window: → and ← go from event to event of a replay, the caption line says what
// happens there, and the table and the inspector follow.
#include "captionbar.h"
#include "eventfiltermodel.h"
#include "eventtablemodel.h"
#include "mainwindow.h"
#include "messageinspector.h"
#include "narration.h"
#include "playbackclock.h"
#include "sequenceview.h"

#include <QSettings>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

using namespace PatternScope;

namespace {

QString fixture(const char* name)
{
    return QStringLiteral(PATTERNSCOPE_TEST_DATA "/") + QLatin1String(name) + QStringLiteral(".pstrace.jsonl");
}

// Seqs of the rows the table lists, in order.
QList<qint64> listedRows(const MainWindow& window)
{
    QList<qint64> rows;
    const QAbstractItemModel* model = window.table()->model();
    for (int row = 0; row < model->rowCount(); ++row)
        rows.append(model->index(row, 0).data(EventTableModel::SeqRole).toLongLong());
    return rows;
}

} // namespace

class TestStepMode : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_settings.isValid());
        QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, m_settings.path());
    }

    void stepsSelectTheEventAndShowItsCaption()
    {
        MainWindow window;
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QString error;
        QVERIFY2(window.openTrace(fixture("long-polling-holds"), &error), qPrintable(error));
        const Trace& trace = *window.trace();
        const QList<Caption> captions = Narration::captions(trace);
        PlaybackClock* clock = window.clock();
        clock->seek(0);
        QCOMPARE(clock->mode(), PlaybackClock::Mode::Paused);
        QVERIFY(!window.captionBar()->isTicking()); // paused: nothing reads the clock on a timer

        int stepped = 0;
        for (int i = 0; i < 8; ++i) {
            const TimeUs before = clock->position();
            QTest::keyClick(&window, Qt::Key_Right);
            const TimeUs at = clock->position();
            QVERIFY(at > before);
            QCOMPARE(at, clock->nextEvent(before));
            // The event there is selected everywhere, and the caption is the one in force then.
            const qint64 seq = CaptionBar::messageAt(trace, at);
            QVERIFY(seq >= 0);
            const Message& m = trace.message(seq);
            QVERIFY(m.sentAt == at || m.receivedAt == at);
            QCOMPARE(window.sequenceView()->selectedMessage(), seq);
            QCOMPARE(window.inspector()->shownMessage(), seq);
            QCOMPARE(window.table()->currentIndex().data(EventTableModel::SeqRole).toLongLong(), seq);
            const int caption = Narration::captionAt(captions, at);
            QCOMPARE(window.captionBar()->text(), caption >= 0 ? captions[caption].text : QString());
            // Nothing sent after the playback time is listed yet.
            for (qint64 row : listedRows(window))
                QVERIFY2(trace.message(row).sentAt <= at, qPrintable(trace.message(row).label));
            ++stepped;
        }
        QCOMPARE(stepped, 8);
        QVERIFY(!window.captionBar()->text().isEmpty());

        // Back again: the previous event, and the rows after it leave the table.
        const qsizetype listed = listedRows(window).size();
        const TimeUs before = clock->position();
        QTest::keyClick(&window, Qt::Key_Left);
        QCOMPARE(clock->position(), clock->previousEvent(before));
        QVERIFY(listedRows(window).size() <= listed);
        QCOMPARE(window.inspector()->shownMessage(), CaptionBar::messageAt(trace, clock->position()));

        // Live lists everything again.
        clock->goLive();
        QCOMPARE(listedRows(window).size(), qsizetype(trace.messages().size()));
    }

    void playingMovesTheCaptionAndTheTable()
    {
        MainWindow window;
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QString error;
        QVERIFY2(window.openTrace(fixture("long-polling-holds"), &error), qPrintable(error));
        const Trace& trace = *window.trace();
        PlaybackClock* clock = window.clock();
        clock->seek(0);
        QSignalSpy captionChanged(window.captionBar(), &CaptionBar::captionChanged);
        clock->setSpeed(PlaybackClock::MaxSpeed);
        clock->play();
        QVERIFY(window.captionBar()->isTicking());
        // At 10x the first seconds of the run pass quickly: the caption line follows without a jump.
        QTRY_VERIFY_WITH_TIMEOUT(captionChanged.size() >= 3, 10000);
        clock->pause();
        const TimeUs at = clock->position();
        QVERIFY(!window.captionBar()->isTicking());
        const QList<Caption> captions = Narration::captions(trace);
        QCOMPARE(window.captionBar()->text(), captions.value(Narration::captionAt(captions, at)).text);
        QVERIFY(listedRows(window).size() < qsizetype(trace.messages().size()));
        for (qint64 row : listedRows(window))
            QVERIFY(trace.message(row).sentAt <= at);
    }

private:
    QTemporaryDir m_settings;
};

QTEST_MAIN(TestStepMode)
#include "tst_stepmode.moc"
