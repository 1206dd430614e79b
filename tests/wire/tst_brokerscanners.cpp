// SPDX-License-Identifier: GPL-3.0-or-later
#include "mqttscanner.h"
#include "respscanner.h"

#include <QTest>

using namespace PatternScope;

namespace {

// Feeds `stream` in pieces of `chunk` bytes.
QList<StreamUnit> scan(StreamScanner& scanner, const QByteArray& stream, int chunk)
{
    QList<StreamUnit> units;
    for (qsizetype pos = 0; pos < stream.size(); pos += chunk)
        units += scanner.feed(QByteArrayView(stream).sliced(pos, std::min<qsizetype>(chunk, stream.size() - pos)));
    return units;
}

QByteArray mqttString(const QByteArray& text)
{
    return QByteArray(1, char(text.size() >> 8)) + char(text.size() & 0xff) + text;
}

QByteArray mqttPacket(quint8 first, const QByteArray& body)
{
    QByteArray packet(1, char(first));
    qsizetype length = body.size();
    do {
        quint8 digit = length % 128;
        length /= 128;
        packet.append(char(length > 0 ? digit | 0x80 : digit));
    } while (length > 0);
    return packet + body;
}

} // namespace

class TestBrokerScanners : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void mqttSession_data()
    {
        QTest::addColumn<int>("chunk");
        QTest::addRow("byte by byte") << 1;
        QTest::addRow("in threes") << 3;
        QTest::addRow("whole") << 100000;
    }

    void mqttSession()
    {
        QFETCH(int, chunk);
        const QByteArray connect = mqttPacket(0x10,
            mqttString("MQTT") + char(4) + char(0) /* clean session off */ + QByteArray("\x00\x1e", 2)
                + mqttString("ps-1-SubscriberA"));
        const QByteArray subscribe = mqttPacket(
            0x82, QByteArray("\x00\x07", 2) + mqttString("prices") + char(1) + mqttString("news") + char(1));
        const QByteArray bigPayload(300, 'x'); // a two-byte remaining length
        const QByteArray publish = mqttPacket(0x32, mqttString("prices") + QByteArray("\x01\x02", 2) + bigPayload);
        const QByteArray ping = mqttPacket(0xc0, {});
        const QByteArray stream = connect + subscribe + publish + ping;

        MqttScanner scanner(64);
        const QList<StreamUnit> units = scan(scanner, stream, chunk);
        QVERIFY(!scanner.failed());
        QCOMPARE(units.size(), 4);
        QCOMPARE(units[0].type, int(MqttScanner::Connect));
        QCOMPARE(units[0].words, QStringList { QStringLiteral("ps-1-SubscriberA") });
        QCOMPARE(units[0].codes, (QList<int> { 0, 30 }));
        QCOMPARE(units[1].type, int(MqttScanner::Subscribe));
        QCOMPARE(units[1].packetId, 7);
        QCOMPARE(units[1].words, (QStringList { QStringLiteral("prices"), QStringLiteral("news") }));
        QCOMPARE(units[1].codes, (QList<int> { 1, 1 }));
        QCOMPARE(units[2].type, int(MqttScanner::Publish));
        QCOMPARE(units[2].flags >> 1 & 3, 1);
        QCOMPARE(units[2].packetId, 0x0102);
        QCOMPARE(units[2].payloadLength, qint64(300));
        QCOMPARE(units[2].payload, QByteArray(64, 'x')); // the preview only
        QCOMPARE(units[2].offset, qint64(connect.size() + subscribe.size()));
        QCOMPARE(units[2].wireBytes, qint64(publish.size()));
        QCOMPARE(units[3].type, int(MqttScanner::Pingreq));
        QCOMPARE(units[3].offset + units[3].wireBytes, qint64(stream.size()));
    }

    void mqttRefusesWhatIsNotMqtt_data()
    {
        QTest::addColumn<QByteArray>("stream");
        QTest::addRow("reserved type 0") << QByteArray("\x00\x00", 2);
        QTest::addRow("five length bytes") << QByteArray("\x30\xff\xff\xff\xff\x01", 6);
    }

    void mqttRefusesWhatIsNotMqtt()
    {
        QFETCH(QByteArray, stream);
        MqttScanner scanner;
        QVERIFY(scan(scanner, stream, 1).isEmpty());
        QVERIFY(scanner.failed());
    }

    void respValues_data()
    {
        QTest::addColumn<int>("chunk");
        QTest::addRow("byte by byte") << 1;
        QTest::addRow("whole") << 100000;
    }

    void respValues()
    {
        QFETCH(int, chunk);
        const QByteArray stream = "*3\r\n$7\r\nPUBLISH\r\n$6\r\nprices\r\n$12\r\nhello\r\nthere\r\n"
                                  ":2\r\n"
                                  "*3\r\n$9\r\nsubscribe\r\n$4\r\nnews\r\n:1\r\n"
                                  "+OK\r\n-ERR wrong\r\n$-1\r\n";
        RespScanner scanner;
        const QList<StreamUnit> units = scan(scanner, stream, chunk);
        QVERIFY(!scanner.failed());
        QCOMPARE(units.size(), 6);
        QCOMPARE(units[0].type, int('*'));
        QCOMPARE(units[0].words,
            (QStringList { QStringLiteral("PUBLISH"), QStringLiteral("prices"), QStringLiteral("hello\r\nthere") }));
        QCOMPARE(units[1].words, QStringList { QStringLiteral("2") });
        QCOMPARE(
            units[2].words, (QStringList { QStringLiteral("subscribe"), QStringLiteral("news"), QStringLiteral("1") }));
        QCOMPARE(units[3].words, QStringList { QStringLiteral("OK") });
        QCOMPARE(units[4].type, int('-'));
        QCOMPARE(units[5].words, QStringList {});
        QCOMPARE(units[5].offset + units[5].wireBytes, qint64(stream.size()));
    }

    void respRefusesWhatIsNotResp_data()
    {
        QTest::addColumn<QByteArray>("stream");
        QTest::addRow("inline command") << QByteArray("PING\r\n");
        QTest::addRow("bulk without its CRLF") << QByteArray("$3\r\nabcd\r\n");
        QTest::addRow("bare LF") << QByteArray("+OK\n");
        QTest::addRow("negative length") << QByteArray("$-2\r\n");
        QTest::addRow("too deep") << QByteArray("*1\r\n*1\r\n*1\r\n*1\r\n*1\r\n*1\r\n*1\r\n*1\r\n*1\r\n:1\r\n");
    }

    void respRefusesWhatIsNotResp()
    {
        QFETCH(QByteArray, stream);
        RespScanner scanner;
        QVERIFY(scan(scanner, stream, 1).isEmpty());
        QVERIFY(scanner.failed());
    }

    void respValueTooLongStopsTheScanner()
    {
        RespScanner scanner(16);
        QVERIFY(scanner.feed("$100\r\n0123456789012345678901234567890").isEmpty());
        QVERIFY(scanner.failed());
    }
};

QTEST_GUILESS_MAIN(TestBrokerScanners)
#include "tst_brokerscanners.moc"
