// SPDX-License-Identifier: GPL-3.0-or-later
#include "eventfilterbar.h"
#include "eventtablemodel.h"

#include <QAbstractItemModelTester>
#include <QCheckBox>
#include <QLineEdit>
#include <QSignalSpy>
#include <QTest>

using namespace PatternScope;
using Kind = Message::Kind;

namespace {

using Seqs = QList<qint64>;

// A small pub/sub and HTTP mix; each helper call appends one message the way a run records it.
struct Fixture {
    Trace trace;
    EventTableModel events;
    EventFilterModel filter;
    int client1 = -1;
    int client2 = -1;
    int server = -1;
    int broker = -1;
    TimeUs clock = 0;

    Fixture()
    {
        client1 = trace.addParticipant(QStringLiteral("Client 1"), Participant::Role::Client);
        client2 = trace.addParticipant(QStringLiteral("Client 2"), Participant::Role::Client);
        server = trace.addParticipant(QStringLiteral("Server"), Participant::Role::Server);
        broker = trace.addParticipant(QStringLiteral("Broker"), Participant::Role::Broker);
        events.setTrace(&trace);
        filter.setSourceModel(&events);
    }

    qint64 add(int from, int to, Kind kind, const QString& label)
    {
        Message m;
        m.from = from;
        m.to = to;
        m.kind = kind;
        m.label = label;
        m.sentAt = clock += 1000;
        return trace.addMessage(m);
    }

    // Seqs of the rows the proxy shows, in its order.
    Seqs shown() const
    {
        Seqs seqs;
        for (int row = 0; row < filter.rowCount(); ++row)
            seqs.append(filter.index(row, 0).data(EventTableModel::SeqRole).toLongLong());
        return seqs;
    }
};

// Seqs 0..7
void addTheUsualMessages(Fixture& f)
{
    f.add(f.client1, f.server, Kind::Connect, QStringLiteral("connect c1")); // 0
    f.add(f.client1, f.server, Kind::HttpRequest, QStringLiteral("GET /poll?since=6")); // 1
    f.add(f.server, f.client1, Kind::HttpResponse, QStringLiteral("200 OK · 1 item")); // 2
    f.add(f.client2, f.server, Kind::HttpRequest, QStringLiteral("GET /poll?since=7")); // 3
    f.add(f.server, f.client2, Kind::HttpResponse, QStringLiteral("204 No Content · timeout")); // 4
    f.add(f.client1, f.broker, Kind::Publish, QStringLiteral("prices: 42.17")); // 5
    f.add(f.broker, f.client2, Kind::Deliver, QStringLiteral("prices: 42.17")); // 6
    f.add(f.client2, f.server, Kind::WsPing, QStringLiteral("ping")); // 7
}

} // namespace

class TestEventFilterModel : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void filtersByText_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<Seqs>("expected");
        QTest::addRow("nothing") << QString() << Seqs { 0, 1, 2, 3, 4, 5, 6, 7 };
        QTest::addRow("label") << QStringLiteral("poll") << Seqs { 1, 3 };
        QTest::addRow("label, other case") << QStringLiteral("NO CONTENT") << Seqs { 4 };
        QTest::addRow("sender or receiver") << QStringLiteral("client 2") << Seqs { 3, 4, 6, 7 };
        QTest::addRow("kind") << QStringLiteral("http-resp") << Seqs { 2, 4 };
        QTest::addRow("no match") << QStringLiteral("zebra") << Seqs {};
        QTest::addRow("slash in plain text") << QStringLiteral("/poll") << Seqs { 1, 3 };
        QTest::addRow("regex") << QStringLiteral("/^GET .*since=[7-9]$/") << Seqs { 3 };
        QTest::addRow("regex alternatives") << QStringLiteral("/^20[04] /") << Seqs { 2, 4 };
        QTest::addRow("regex on names") << QStringLiteral("/^broker$/") << Seqs { 5, 6 };
        QTest::addRow("regex on kinds") << QStringLiteral("/^ws-/") << Seqs { 7 };
        QTest::addRow("regex, case kept") << QStringLiteral("/(?-i)^get/") << Seqs {};
        QTest::addRow("empty regex") << QStringLiteral("//") << Seqs { 0, 1, 2, 3, 4, 5, 6, 7 };
    }

    void filtersByText()
    {
        QFETCH(QString, text);
        QFETCH(Seqs, expected);
        Fixture f;
        QAbstractItemModelTester tester(&f.filter, QAbstractItemModelTester::FailureReportingMode::QtTest);
        addTheUsualMessages(f);
        QSignalSpy changed(&f.filter, &EventFilterModel::filterChanged);
        f.filter.setFilterText(text);
        QCOMPARE(changed.count(), text.isEmpty() ? 0 : 1);
        QVERIFY(f.filter.filterValid());
        QCOMPARE(f.filter.filterError(), QString());
        QCOMPARE(f.shown(), expected);
    }

    void invalidRegexFiltersNothingByText()
    {
        Fixture f;
        QAbstractItemModelTester tester(&f.filter, QAbstractItemModelTester::FailureReportingMode::QtTest);
        addTheUsualMessages(f);
        f.filter.setFilterText(QStringLiteral("poll"));
        QCOMPARE(f.shown(), (Seqs { 1, 3 }));

        f.filter.setFilterText(QStringLiteral("/(poll/"));
        QVERIFY(f.filter.filterIsRegularExpression());
        QVERIFY(!f.filter.filterValid());
        QVERIFY(!f.filter.filterError().isEmpty());
        QCOMPARE(f.shown(), (Seqs { 0, 1, 2, 3, 4, 5, 6, 7 }));
        // The kinds still apply.
        f.filter.setKindsShown({ Kind::Publish, Kind::Deliver });
        QCOMPARE(f.shown(), (Seqs { 5, 6 }));

        f.filter.setFilterText(QStringLiteral("/(poll)/"));
        QVERIFY(f.filter.filterValid());
        QCOMPARE(f.filter.filterError(), QString());
        QCOMPARE(f.shown(), Seqs {});
    }

    void filtersByKind()
    {
        Fixture f;
        QAbstractItemModelTester tester(&f.filter, QAbstractItemModelTester::FailureReportingMode::QtTest);
        addTheUsualMessages(f);
        QCOMPARE(f.filter.kindsShown(), allKinds());

        f.filter.setKindsShown({ Kind::HttpRequest, Kind::WsPing });
        QCOMPARE(f.filter.kindsShown(), (QSet<Kind> { Kind::HttpRequest, Kind::WsPing }));
        QCOMPARE(f.shown(), (Seqs { 1, 3, 7 }));
        QVERIFY(!f.filter.isCategoryShown(KindCategory::Http));

        f.filter.setKindsShown(allKinds());
        f.filter.setCategoryShown(KindCategory::Http, false);
        QCOMPARE(f.shown(), (Seqs { 0, 5, 6, 7 }));
        f.filter.setCategoryShown(KindCategory::Tcp, false);
        f.filter.setCategoryShown(KindCategory::WebSocket, false);
        QCOMPARE(f.shown(), (Seqs { 5, 6 }));
        QVERIFY(f.filter.isCategoryShown(KindCategory::PubSub));
        QVERIFY(!f.filter.isCategoryShown(KindCategory::Tcp));

        // Text and kind narrow together.
        f.filter.setFilterText(QStringLiteral("broker"));
        f.filter.setCategoryShown(KindCategory::Http, true);
        QCOMPARE(f.shown(), (Seqs { 5, 6 }));
        f.filter.setFilterText(QStringLiteral("client 1"));
        QCOMPARE(f.shown(), (Seqs { 1, 2, 5 }));

        f.filter.setKindsShown({});
        QCOMPARE(f.shown(), Seqs {});
    }

    void everyKindHasOneCategory()
    {
        QSet<Kind> seen;
        for (int c = 0; c < KindCategoryCount; ++c) {
            const auto category = static_cast<KindCategory>(c);
            QVERIFY(!categoryName(category).isEmpty());
            for (Kind kind : kindsInCategory(category)) {
                QVERIFY2(!seen.contains(kind), qPrintable(kindName(kind)));
                seen.insert(kind);
            }
        }
        QCOMPARE(seen, allKinds());
    }

    void followsALiveTrace()
    {
        Fixture f;
        QAbstractItemModelTester tester(&f.filter, QAbstractItemModelTester::FailureReportingMode::QtTest);
        f.filter.setFilterText(QStringLiteral("poll"));
        f.filter.setCategoryShown(KindCategory::Tcp, false);
        QCOMPARE(f.filter.rowCount(), 0);

        QSignalSpy inserted(&f.filter, &QAbstractItemModel::rowsInserted);
        addTheUsualMessages(f);
        QCOMPARE(f.shown(), (Seqs { 1, 3 }));
        QVERIFY(inserted.count() >= 1);
        const qint64 late = f.add(f.client1, f.server, Kind::HttpRequest, QStringLiteral("GET /poll?since=8"));
        f.add(f.client1, f.server, Kind::Close, QStringLiteral("close poll connection")); // a hidden kind
        QCOMPARE(f.shown(), (Seqs { 1, 3, late }));

        // Completing a shown message updates its row in place.
        QSignalSpy changed(&f.filter, &QAbstractItemModel::dataChanged);
        QVERIFY(f.trace.completeMessage(late, f.clock + 250'000));
        QCOMPARE(changed.count(), 1);
        QCOMPARE(f.shown(), (Seqs { 1, 3, late }));
        QCOMPARE(f.filter.index(2, EventTableModel::StateColumn).data().toString(), QStringLiteral("delivered"));
    }

    void newTraceNewNames()
    {
        Fixture f;
        QAbstractItemModelTester tester(&f.filter, QAbstractItemModelTester::FailureReportingMode::QtTest);
        addTheUsualMessages(f);
        f.filter.setFilterText(QStringLiteral("alice"));
        QCOMPARE(f.filter.rowCount(), 0);

        // Same ids, other names: what matched before must not be remembered.
        f.trace.clear();
        QCOMPARE(f.filter.rowCount(), 0);
        const int alice = f.trace.addParticipant(QStringLiteral("Alice"), Participant::Role::Client);
        const int server = f.trace.addParticipant(QStringLiteral("Server"), Participant::Role::Server);
        QCOMPARE(alice, f.client1);
        f.add(alice, server, Kind::HttpRequest, QStringLiteral("GET /"));
        f.add(server, server, Kind::Connect, QStringLiteral("loop"));
        QCOMPARE(f.shown(), (Seqs { 0 }));
    }

    void sortsByValue()
    {
        Fixture f;
        QAbstractItemModelTester tester(&f.filter, QAbstractItemModelTester::FailureReportingMode::QtTest);
        addTheUsualMessages(f);
        f.filter.sort(EventTableModel::SeqColumn, Qt::DescendingOrder);
        QCOMPARE(f.shown(), (Seqs { 7, 6, 5, 4, 3, 2, 1, 0 }));
    }

    void manyRows()
    {
        // 100k rows filter in one pass without per-row strings; this checks it stays correct at that size.
        Fixture f;
        f.trace.reserve(100'000);
        for (int i = 0; i < 100'000; ++i) {
            f.add(i % 2 ? f.client1 : f.client2, f.server, i % 10 ? Kind::HttpRequest : Kind::WsText,
                QStringLiteral("GET /x"));
        }
        f.filter.setFilterText(QStringLiteral("client 1"));
        QCOMPARE(f.filter.rowCount(), 50'000);
        f.filter.setCategoryShown(KindCategory::Http, false);
        QCOMPARE(f.filter.rowCount(), 0); // every tenth is ws-text, and those are all Client 2's
        f.filter.setFilterText(QString());
        QCOMPARE(f.filter.rowCount(), 10'000);
    }

    void barDrivesTheModel()
    {
        Fixture f;
        addTheUsualMessages(f);
        EventFilterBar bar(&f.filter);
        QLineEdit* edit = bar.lineEdit();
        QVERIFY(!edit->accessibleName().isEmpty());
        QVERIFY(edit->isClearButtonEnabled());
        QCOMPARE(edit->placeholderText(), QStringLiteral("Filter (text or /regex/)…"));
        const QColor normalText = edit->palette().color(QPalette::Text);

        // Enter applies at once; otherwise the text is applied after a short pause in typing.
        QTest::keyClicks(edit, QStringLiteral("poll"));
        QTest::keyClick(edit, Qt::Key_Return);
        QCOMPARE(f.filter.filterText(), QStringLiteral("poll"));
        QCOMPARE(f.shown(), (Seqs { 1, 3 }));
        edit->clear();
        QCOMPARE(f.filter.filterText(), QString());
        QTest::keyClicks(edit, QStringLiteral("broker"));
        QTRY_COMPARE(f.filter.filterText(), QStringLiteral("broker"));

        edit->setText(QStringLiteral("/[oops/"));
        bar.applyText();
        QVERIFY(!f.filter.filterValid());
        QCOMPARE(edit->toolTip(), f.filter.filterError());
        QVERIFY(edit->palette().color(QPalette::Text) != normalText);
        edit->setText(QStringLiteral("/oops/"));
        bar.applyText();
        QVERIFY(f.filter.filterValid());
        QCOMPARE(edit->palette().color(QPalette::Text), normalText);

        QCheckBox* http = bar.categoryBox(KindCategory::Http);
        QVERIFY(http->isChecked());
        QVERIFY(!http->accessibleName().isEmpty());
        http->click();
        QVERIFY(!f.filter.isCategoryShown(KindCategory::Http));
        // The model changed from elsewhere: the boxes follow.
        f.filter.setKindsShown({ Kind::HttpRequest, Kind::HttpResponse });
        QVERIFY(http->isChecked());
        QVERIFY(!bar.categoryBox(KindCategory::Tcp)->isChecked());
    }
};

QTEST_MAIN(TestEventFilterModel)
#include "tst_eventfiltermodel.moc"
