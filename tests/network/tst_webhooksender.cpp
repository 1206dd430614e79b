// SPDX-License-Identifier: GPL-3.0-or-later
#include "webhooksender.h"

#include <QMessageAuthenticationCode>
#include <QTest>

using namespace PatternScope;

class TestWebhookSender : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void constantTimeEqualsComparesBytes_data()
    {
        QTest::addColumn<QByteArray>("expected");
        QTest::addColumn<QByteArray>("given");
        QTest::addColumn<bool>("equal");
        const QByteArray signature = "sha256=" + QByteArray(64, 'a');
        QByteArray firstDiffers = signature;
        firstDiffers[0] = 'S';
        QByteArray lastDiffers = signature;
        lastDiffers[lastDiffers.size() - 1] = 'b';
        QTest::addRow("same") << signature << signature << true;
        QTest::addRow("first byte differs") << signature << firstDiffers << false;
        QTest::addRow("last byte differs") << signature << lastDiffers << false;
        QTest::addRow("given is a prefix") << signature << signature.left(10) << false;
        QTest::addRow("given is longer") << signature << signature + 'a' << false;
        QTest::addRow("given is empty") << signature << QByteArray() << false;
        QTest::addRow("both empty") << QByteArray() << QByteArray() << true;
        // A byte that differs only in its top bit must not be lost to sign extension.
        QTest::addRow("high bit") << QByteArray("\x80") << QByteArray("\x00", 1) << false;
        QTest::addRow("zero padding") << QByteArray("ab") << QByteArray("ab\0", 3) << false;
    }

    void constantTimeEqualsComparesBytes()
    {
        QFETCH(QByteArray, expected);
        QFETCH(QByteArray, given);
        QFETCH(bool, equal);
        QCOMPARE(constantTimeEquals(expected, given), equal);
        QCOMPARE(constantTimeEquals(given, expected), equal);
    }

    void signatureIsHmacSha256OfTheBody()
    {
        const QByteArray key = "secret";
        const QByteArray body = "{\"job\":\"j-1\"}";
        const QByteArray header = WebhookSender::signature(key, body);
        QCOMPARE(header, "sha256=" + QMessageAuthenticationCode::hash(body, key, QCryptographicHash::Sha256).toHex());
        QVERIFY(WebhookSender::verify(key, body, header));
        QVERIFY(!WebhookSender::verify(key, body + ' ', header));
        QVERIFY(!WebhookSender::verify("Secret", body, header));
        QVERIFY(!WebhookSender::verify(key, body, header.toUpper()));
        QVERIFY(!WebhookSender::verify(key, body, header.left(header.size() - 1)));
    }

    void keysComeFromTheSystemsRandomSource()
    {
        const QByteArray first = WebhookSender::newKey();
        const QByteArray second = WebhookSender::newKey();
        QCOMPARE(first.size(), 64); // 32 bytes as hex
        QVERIFY(QByteArray::fromHex(first).toHex() == first);
        QVERIFY(first != second);
    }
};

QTEST_GUILESS_MAIN(TestWebhookSender)
#include "tst_webhooksender.moc"
