// SPDX-License-Identifier: GPL-3.0-or-later
#include "eventtablemodel.h"
#include "messages.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

using namespace PatternScope;
using PatternScope::Test::makeMessage;

class TestEventTableModel : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void followsTheTrace()
    {
        Trace trace;
        const int client = trace.addParticipant(QStringLiteral("Client"), Participant::Role::Client);
        const int server = trace.addParticipant(QStringLiteral("Server"), Participant::Role::Server);
        trace.addMessage(makeMessage(client, server, Message::Kind::HttpRequest, QStringLiteral("GET /work/1"), 1000));

        EventTableModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setTrace(&trace);
        QCOMPARE(model.rowCount(), 1);
        QCOMPARE(model.columnCount(), int(EventTableModel::NUM_COLUMNS));

        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        const qint64 seq = trace.addMessage(makeMessage(
            server, client, Message::Kind::HttpResponse, QStringLiteral("200 OK · 44 B"), 2000, -1, {}, 185));
        QCOMPARE(inserted.count(), 1);
        QCOMPARE(model.rowCount(), 2);
        trace.completeMessage(seq, 2500);
        QCOMPARE(changed.count(), 1);
        QCOMPARE(changed.at(0).at(0).toModelIndex().row(), 1);

        auto cell = [&](int row, int column) { return model.index(row, column).data().toString(); };
        QCOMPARE(cell(1, EventTableModel::FromColumn), QStringLiteral("Server"));
        QCOMPARE(cell(1, EventTableModel::ToColumn), QStringLiteral("Client"));
        QCOMPARE(cell(1, EventTableModel::KindColumn), QStringLiteral("http-response"));
        QCOMPARE(cell(1, EventTableModel::LabelColumn), QStringLiteral("200 OK · 44 B"));
        QCOMPARE(cell(1, EventTableModel::SentColumn), QStringLiteral("0.002 s"));
        QCOMPARE(cell(1, EventTableModel::DelayColumn), QStringLiteral("0.5 ms"));
        QCOMPARE(cell(1, EventTableModel::StateColumn), QStringLiteral("delivered"));
        QCOMPARE(cell(0, EventTableModel::StateColumn), QStringLiteral("in-flight"));
        QCOMPARE(cell(0, EventTableModel::DelayColumn), QString());
        QCOMPARE(model.index(1, EventTableModel::DelayColumn).data(EventTableModel::SortRole).toLongLong(), 500);
        QCOMPARE(model.index(1, 0).data(EventTableModel::SeqRole).toLongLong(), seq);

        trace.clear();
        QCOMPARE(model.rowCount(), 0);
        model.setTrace(nullptr);
        QCOMPARE(model.rowCount(), 0);
    }

    // The whole of a file replaces its start without a reset: the rows shown stay (told they changed, since
    // the whole may have delivered what the start had in flight), the rest come as inserted rows.
    void continuesWithTheWhole()
    {
        const auto fill = [](Trace& trace, int exchanges) {
            const int client = trace.addParticipant(QStringLiteral("Client"), Participant::Role::Client);
            const int server = trace.addParticipant(QStringLiteral("Server"), Participant::Role::Server);
            for (int i = 0; i < exchanges; ++i) {
                trace.addMessage(makeMessage(client, server, Message::Kind::HttpRequest,
                    QStringLiteral("GET /work/%1").arg(i), 1000 + i * 100));
                trace.addMessage(makeMessage(server, client, Message::Kind::HttpResponse, QStringLiteral("200 OK"),
                    1050 + i * 100));
            }
        };
        Trace start;
        fill(start, 2);
        Trace whole;
        fill(whole, 10);

        EventTableModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setTrace(&start);
        QCOMPARE(model.rowCount(), 4);
        QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);

        model.continueWith(&whole);
        QCOMPARE(model.trace(), &whole);
        QCOMPARE(model.rowCount(), 4);
        QCOMPARE(changed.count(), 1);
        QCOMPARE(changed.at(0).at(0).toModelIndex().row(), 0);
        QCOMPARE(changed.at(0).at(1).toModelIndex().row(), 3);

        model.growTo(13);
        QCOMPARE(model.rowCount(), 13);
        model.growTo(100); // no more than the trace has
        QCOMPARE(model.rowCount(), 20);
        model.growTo(5); // never shrinks
        QCOMPARE(model.rowCount(), 20);
        QCOMPARE(inserted.count(), 2);
        QCOMPARE(inserted.at(0).at(1).toInt(), 4);
        QCOMPARE(inserted.at(0).at(2).toInt(), 12);
        QCOMPARE(inserted.at(1).at(1).toInt(), 13);
        QCOMPARE(inserted.at(1).at(2).toInt(), 19);
        QCOMPARE(reset.count(), 0);
        QCOMPARE(model.index(19, EventTableModel::LabelColumn).data().toString(), QStringLiteral("200 OK"));
        QCOMPARE(model.index(18, EventTableModel::LabelColumn).data().toString(), QStringLiteral("GET /work/9"));

        // The start it followed can go: the model follows the whole alone.
        const int rows = model.rowCount();
        start.clear();
        QCOMPARE(model.rowCount(), rows);
    }
};

QTEST_MAIN(TestEventTableModel)
#include "tst_eventtablemodel.moc"
