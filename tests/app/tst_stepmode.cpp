// SPDX-License-Identifier: GPL-3.0-or-later
// Step mode in the window: → and ← go from event to event of a replay, the caption line says what
// happens there, and the table and the inspector follow.
#include "captionbar.h"
#include "eventfiltermodel.h"
#include "eventtablemodel.h"
#include "mainwindow.h"
#include "messageinspector.h"
#include "narration.h"
#include "noteslane.h"
#include "playbackclock.h"
#include "sequenceview.h"

#include <QApplication>
#include <QFontMetricsF>
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

QString narrationFixture(const char* name)
{
    return QStringLiteral(PATTERNSCOPE_NARRATION_DATA "/") + QLatin1String(name) + QStringLiteral(".pstrace.jsonl");
}

// Whether `caption` tells of message `seq`: it is about it, or about a message of the same moment that
// names it too (a push to several clients told once; the request that follows a TCP connect at once).
bool tellsOf(const Trace& trace, const Caption& caption, qint64 seq)
{
    if (caption.message == seq)
        return true;
    if (caption.message < 0)
        return false;
    const Message& about = trace.message(caption.message);
    const Message& m = trace.message(seq);
    const bool sameMoment = std::abs(about.sentAt - m.sentAt) <= 5000;
    return sameMoment && (about.kind == m.kind || about.connection == m.connection);
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

    // Every pattern, stepped in the window: each → lands on the next moment, the caption line tells what
    // happens there, and the event is selected in the diagram, the table and the inspector.
    void stepsThroughEveryPattern_data()
    {
        QTest::addColumn<QString>("path");
        QTest::addColumn<int>("maxSteps");
        QTest::addColumn<QStringList>("mustRead"); // in this order, each in some step's caption
        const auto row = [](const char* name, const QString& path, int maxSteps, const QStringList& mustRead) {
            QTest::newRow(name) << path << maxSteps << mustRead;
        };
        row("request-response", narrationFixture("request-response"), 12,
            { QStringLiteral("The client sends GET"), QStringLiteral("the server works on it"),
                QStringLiteral("The server answers 200 OK"), QStringLiteral("The answer arrives") });
        row("short-polling", fixture("short-polling-3-clients"), 200,
            { QStringLiteral("asks for news"), QStringLiteral("answers Client 1 at once with 204"),
                QStringLiteral("200 OK") });
        row("long-polling", fixture("long-polling-holds"), 100,
            { QStringLiteral("holds the client's request open"), QStringLiteral("(2 s so far)"),
                QStringLiteral("ends the hold with 204 No Content"),
                QStringLiteral("the held request is answered at once"), QStringLiteral("closes its TCP connection") });
        row("server-sent-events with a cut", narrationFixture("sse-cuts"), 200,
            { QStringLiteral("opens an event stream"), QStringLiteral("pushed at once as event"),
                QStringLiteral("The link is cut: the client waits 1 s, then reconnects with Last-Event-ID: "),
                QStringLiteral("reconnects with Last-Event-ID: "), QStringLiteral("resends what the client missed") });
        row("websockets with cuts", fixture("websockets-cuts"), 200,
            { QStringLiteral("into a WebSocket"), QStringLiteral("101 Switching Protocols"),
                QStringLiteral("pushes it at once"), QStringLiteral("The links are cut"),
                QStringLiteral("reconnects and asks to turn the connection into a WebSocket, resuming after item") });
        row("publish-subscribe", fixture("pubsub-fast"), 40, { QStringLiteral("subscribe"), QStringLiteral("hands") });
        row("request-callback, receiver down", fixture("callback-receiver-down"), 60,
            { QStringLiteral("sends a job"), QStringLiteral("202 Accepted"), QStringLiteral("The server calls back"),
                QStringLiteral("Attempt 1 of the callback failed: the receiver is down"), QStringLiteral("(attempt 2)"),
                QStringLiteral("confirms: 200 OK") });
    }

    void stepsThroughEveryPattern()
    {
        QFETCH(QString, path);
        QFETCH(int, maxSteps);
        QFETCH(QStringList, mustRead);
        MainWindow window;
        window.resize(1280, 720);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QString error;
        QVERIFY2(window.openTrace(path, &error), qPrintable(error));
        const Trace& trace = *window.trace();
        const QList<Caption> captions = Narration::captions(trace);
        QVERIFY(!captions.isEmpty());
        PlaybackClock* clock = window.clock();
        clock->seek(0);

        QStringList read; // the captions stepping showed, in order
        int found = 0; // of mustRead
        int withMessage = 0;
        for (int step = 0; step < maxSteps && found < mustRead.size(); ++step) {
            const TimeUs before = clock->position();
            const TimeUs expected = clock->nextEvent(before);
            if (expected == NoTime)
                break;
            QTest::keyClick(&window, Qt::Key_Right);
            const TimeUs at = clock->position();
            QCOMPARE(at, expected);
            QVERIFY(at > before);
            QCOMPARE(clock->mode(), PlaybackClock::Mode::Paused);

            // The line says something, and it is one of the trace's captions, in force now.
            const QString text = window.captionBar()->text();
            const int index = window.captionBar()->currentIndex();
            QVERIFY2(index >= 0 && !text.isEmpty(), qPrintable(QStringLiteral("nothing told at %1 us").arg(at)));
            const Caption& caption = captions[index];
            QCOMPARE(text, caption.text.toString());
            QVERIFY(caption.at <= at + 5000); // a TCP connect is told by the request that follows it at once

            // The event is selected everywhere, and the caption is about it.
            const qint64 seq = window.sequenceView()->selectedMessage();
            QCOMPARE(window.inspector()->shownMessage(), seq);
            const QString where = QStringLiteral("step %1 at %2 us: \"%3\"").arg(step).arg(at).arg(text);
            if (seq < 0) {
                // Nothing crossed the wire now: the step is to a caption of its own (a cut, an item produced).
                QVERIFY2(caption.at == at && caption.message < 0, qPrintable(where));
            } else {
                ++withMessage;
                QCOMPARE(window.table()->currentIndex().data(EventTableModel::SeqRole).toLongLong(), seq);
                const Message& m = trace.message(seq);
                const bool happensNow = m.sentAt == at || m.receivedAt == at;
                QVERIFY2(happensNow || (caption.at == at && caption.message == seq), qPrintable(where));
                QVERIFY2(tellsOf(trace, caption, seq), qPrintable(where + QStringLiteral(" selects ") + m.label));
            }
            // Nothing sent after the playback time is listed yet.
            for (qint64 row : listedRows(window))
                QVERIFY2(trace.message(row).sentAt <= at, qPrintable(trace.message(row).label));

            if (read.value(read.size() - 1) != text)
                read << text;
            if (text.contains(mustRead[found]))
                ++found;
        }
        QVERIFY2(found == mustRead.size(),
            qPrintable(QStringLiteral("never read \"%1\" in:\n%2").arg(mustRead.value(found), read.join(u'\n'))));
        QVERIFY(withMessage > 0);

        // ← goes back to the moment before, told and selected as it was on the way there.
        const TimeUs here = clock->position();
        const TimeUs previous = clock->previousEvent(here);
        QVERIFY(previous != NoTime && previous < here);
        QTest::keyClick(&window, Qt::Key_Left);
        QCOMPARE(clock->position(), previous);
        QCOMPARE(window.captionBar()->currentIndex(), CaptionBar::captionFor(trace, captions, previous));
        QCOMPARE(window.inspector()->shownMessage(), window.captionBar()->steppedMessage());
        QCOMPARE(window.sequenceView()->selectedMessage(), window.captionBar()->steppedMessage());
        QTest::keyClick(&window, Qt::Key_Right);
        QCOMPARE(clock->position(), here);
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
        QCOMPARE(window.captionBar()->text(), captions.value(Narration::captionAt(captions, at)).text.toString());
        QVERIFY(listedRows(window).size() < qsizetype(trace.messages().size()));
        for (qint64 row : listedRows(window))
            QVERIFY(trace.message(row).sentAt <= at);
    }

    // The request-callback dense scene (receiver down: walls of refusals and failed attempts) in a
    // 1280×720 window: its notes wrap in their lanes and read whole, not cut after a dozen characters.
    void notesReadWholeAt1280x720()
    {
        MainWindow window;
        window.resize(1280, 720);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QString error;
        QVERIFY2(window.openTrace(fixture("callback-receiver-down"), &error), qPrintable(error));
        QApplication::processEvents();
        const SequenceView* view = window.sequenceView();
        QVERIFY(view->viewport()->width() <= 1000);
        const SequenceGeometry& geometry = view->geometry();
        const NotesLane& lane = view->notesLane();
        const QFontMetricsF fm(lane.font());
        int notes = 0;
        int wrapped = 0;
        QStringList cut;
        for (const NotesLane::Entry& e : lane.entries(geometry)) {
            if (e.kind != NotesLane::Entry::Kind::Note)
                continue;
            ++notes;
            const QString whole = lane.text(geometry, e, geometry.trace()->endTime());
            const double room = e.box.width() - 2 * 6.0 + 0.5;
            for (const QString& line : e.lines)
                QVERIFY2(fm.horizontalAdvance(line) <= room, qPrintable(line));
            if (e.lines.size() > 1)
                ++wrapped;
            if (e.lines.join(u' ').simplified() != whole.simplified())
                cut << whole;
        }
        QVERIFY(notes >= 10);
        QVERIFY(wrapped > 0); // the lanes are narrower than the notes: they wrap
        // Only a rare collapsed wall of repeats may still lose its tail (its tooltip has it all).
        QVERIFY2(cut.size() * 10 <= notes, qPrintable(cut.join(u'\n')));
    }

private:
    QTemporaryDir m_settings;
};

QTEST_MAIN(TestStepMode)
#include "tst_stepmode.moc"
