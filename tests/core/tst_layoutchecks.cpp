// SPDX-License-Identifier: GPL-3.0-or-later
// The layout tests' own checks (tests/common/layoutchecks.h): a check that cannot fail, or fails on
// a good layout, would make those tests worthless.
#include "layoutchecks.h"

#include <QRandomGenerator>
#include <QTest>

using namespace PatternScope::Test;

class TestLayoutChecks : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void rectsOverlap_data()
    {
        QTest::addColumn<QRectF>("a");
        QTest::addColumn<QRectF>("b");
        QTest::addColumn<bool>("overlap");

        const QRectF base(10, 10, 40, 12);
        QTest::addRow("same") << base << base << true;
        QTest::addRow("inside") << base << QRectF(20, 12, 5, 5) << true;
        QTest::addRow("crossing corner") << base << QRectF(45, 18, 40, 12) << true;
        QTest::addRow("shared vertical edge") << base << QRectF(50, 10, 40, 12) << false;
        QTest::addRow("shared horizontal edge") << base << QRectF(10, 22, 40, 12) << false;
        QTest::addRow("within tolerance across") << base << QRectF(49.6, 10, 40, 12) << false;
        QTest::addRow("within tolerance down") << base << QRectF(10, 21.6, 40, 12) << false;
        QTest::addRow("just past tolerance") << base << QRectF(49.4, 10, 40, 12) << true;
        QTest::addRow("apart") << base << QRectF(100, 100, 5, 5) << false;
        QTest::addRow("side by side, overlapping in y only") << base << QRectF(60, 12, 10, 5) << false;
        QTest::addRow("zero width inside") << base << QRectF(20, 12, 0, 5) << false;
        QTest::addRow("zero height inside") << base << QRectF(20, 12, 5, 0) << false;
        QTest::addRow("negative size (normalized)") << base << QRectF(30, 20, -10, -5) << true;
    }
    void rectsOverlap()
    {
        QFETCH(QRectF, a);
        QFETCH(QRectF, b);
        QFETCH(bool, overlap);
        QCOMPARE(PatternScope::Test::rectsOverlap(a, b), overlap);
        QCOMPARE(PatternScope::Test::rectsOverlap(b, a), overlap);
    }

    void pairsNameTheLabels()
    {
        const std::vector<LabelledRect> labels {
            { QRectF(0, 0, 40, 12), QStringLiteral("item 16") },
            { QRectF(100, 0, 40, 12), QStringLiteral("item 17") },
            { QRectF(120, 6, 40, 12), QStringLiteral("item 18") },
            { QRectF(0, 30, 40, 12), QStringLiteral("200 OK") },
            { QRectF(10, 36, 40, 12), QStringLiteral("event: price · id 17") },
        };
        const auto pairs = overlappingPairs(labels);
        const std::vector<std::pair<int, int>> expected { { 1, 2 }, { 3, 4 } };
        QCOMPARE(pairs, expected);
        const QString text = describeOverlaps(labels, pairs);
        QVERIFY2(text.contains(QStringLiteral("label 'item 17' at (100.0,0.0,40.0,12.0) overlaps label 'item 18' at "
                                              "(120.0,6.0,40.0,12.0)")),
            qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("'200 OK'")) && text.contains(QStringLiteral("'event: price · id 17'")),
            qPrintable(text));
        QVERIFY2(text.startsWith(QStringLiteral("2 overlapping pair(s) among 5 labels")), qPrintable(text));
        QVERIFY(!text.contains(QStringLiteral("item 16")));
    }

    void describeOverlapsSaysHowManyMore()
    {
        std::vector<LabelledRect> labels;
        for (int i = 0; i < 5; ++i)
            labels.push_back({ QRectF(i, 0, 40, 12), QStringLiteral("item %1").arg(i) });
        const auto pairs = overlappingPairs(labels);
        QCOMPARE(pairs.size(), size_t(10)); // every pair of five
        const QString text = describeOverlaps(labels, pairs, 3);
        QCOMPARE(text.count(QStringLiteral(" overlaps ")), 3);
        QVERIFY2(text.endsWith(QStringLiteral("… and 7 more")), qPrintable(text));
    }

    // The sweep finds exactly what comparing every pair finds, on rectangles dense enough to collide.
    void sweepMatchesEveryPair()
    {
        QRandomGenerator random(12);
        for (int round = 0; round < 20; ++round) {
            std::vector<QRectF> rects;
            for (int i = 0; i < 300; ++i) {
                rects.emplace_back(random.bounded(1000.0), random.bounded(400.0), random.bounded(80.0),
                    random.bounded(3) == 0 ? 0.0 : random.bounded(14.0));
            }
            std::vector<std::pair<int, int>> expected;
            for (int i = 0; i < int(rects.size()); ++i) {
                for (int j = i + 1; j < int(rects.size()); ++j) {
                    if (PatternScope::Test::rectsOverlap(rects[size_t(i)], rects[size_t(j)]))
                        expected.emplace_back(i, j);
                }
            }
            QVERIFY(!expected.empty());
            QCOMPARE(overlappingPairs(rects), expected);
        }
    }

    void noOverlapsAmongApartLabels()
    {
        std::vector<LabelledRect> labels;
        for (int i = 0; i < 100; ++i)
            labels.push_back({ QRectF(10, i * 14.0, 60, 14), QStringLiteral("item %1").arg(i) }); // rows touching
        QVERIFY(overlappingPairs(labels).empty());
    }

    void segmentCrossesRect_data()
    {
        QTest::addColumn<QLineF>("line");
        QTest::addColumn<bool>("crosses");

        // The label sits at (100,100)–(160,112); tolerance 1 px shrinks it to (101,101)–(159,111).
        QTest::addRow("horizontal through the middle") << QLineF(0, 106, 300, 106) << true;
        QTest::addRow("slanted through") << QLineF(50, 80, 250, 140) << true;
        QTest::addRow("ends inside") << QLineF(0, 106, 130, 106) << true;
        QTest::addRow("starts inside") << QLineF(130, 106, 300, 300) << true;
        QTest::addRow("wholly inside") << QLineF(110, 105, 150, 107) << true;
        QTest::addRow("vertical through") << QLineF(130, 0, 130, 300) << true;
        QTest::addRow("above") << QLineF(0, 90, 300, 90) << false;
        QTest::addRow("below, under the baseline") << QLineF(0, 114, 300, 114) << false;
        QTest::addRow("grazing the bottom edge") << QLineF(0, 112, 300, 112) << false;
        QTest::addRow("within the tolerance of the bottom") << QLineF(0, 111.5, 300, 111.5) << false;
        QTest::addRow("just past the tolerance") << QLineF(0, 110.5, 300, 110.5) << true;
        QTest::addRow("stops before it") << QLineF(0, 106, 90, 106) << false;
        QTest::addRow("slanted past the corner") << QLineF(150, 80, 190, 110) << false;
        QTest::addRow("touching the inner corner only") << QLineF(149, 91, 169, 111) << false;
        QTest::addRow("a point inside") << QLineF(120, 106, 120, 106) << true;
        QTest::addRow("a point outside") << QLineF(20, 106, 20, 106) << false;
    }
    void segmentCrossesRect()
    {
        QFETCH(QLineF, line);
        QFETCH(bool, crosses);
        const QRectF label(100, 100, 60, 12);
        QCOMPARE(PatternScope::Test::segmentCrossesRect(line, label), crosses);
        // Direction does not matter.
        QCOMPARE(PatternScope::Test::segmentCrossesRect(line.p2(), line.p1(), label), crosses);
    }

    void tooSmallToCross()
    {
        // Shrunk by the tolerance, nothing is left to cross.
        QVERIFY(!PatternScope::Test::segmentCrossesRect(QLineF(0, 1, 10, 1), QRectF(4, 0, 2, 2), 1.0));
        QVERIFY(PatternScope::Test::segmentCrossesRect(QLineF(0, 1, 10, 1), QRectF(4, 0, 2, 2), 0.0));
    }

    void repeatedStrings()
    {
        QVERIFY(allDistinct({ QStringLiteral("28.05 s"), QStringLiteral("28.1 s"), QStringLiteral("28.15 s") }));
        QVERIFY(allDistinct({}));
        const QStringList ticks { QStringLiteral("28.1 s"), QStringLiteral("28.1 s"), QStringLiteral("1 min 0 s"),
            QStringLiteral("28.2 s"), QStringLiteral("28.1 s"), QStringLiteral("1 min 0 s") };
        QVERIFY(!allDistinct(ticks));
        QCOMPARE(PatternScope::Test::repeatedStrings(ticks),
            QStringList({ QStringLiteral("28.1 s"), QStringLiteral("1 min 0 s") }));
    }
};

QTEST_GUILESS_MAIN(TestLayoutChecks)
#include "tst_layoutchecks.moc"
