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
};

QTEST_MAIN(TestEventTableModel)
#include "tst_eventtablemodel.moc"
