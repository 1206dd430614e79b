// SPDX-License-Identifier: GPL-3.0-or-later
#include "httprequestscanner.h"

#include <QTest>

using namespace PatternScope;

namespace {

// What the scanner found in a stream: each request's number, offset, size and state, one line each.
struct Found {
    QByteArrayList heads; // "0 @0 GET /a" as each head completed
    QByteArrayList ends; // "0 @0 +37" as each request ended
    QByteArray lastPreview;
};

Found scan(const QByteArray& stream, qsizetype piece, HttpRequestScanner* scanner)
{
    Found found;
    for (qsizetype at = 0; at < stream.size(); at += piece) {
        const auto result = scanner->feed(stream.mid(at, piece));
        for (const auto& request : result.heads) {
            QByteArray method;
            QByteArray target;
            HttpRequestScanner::splitRequestLine(request.head, &method, &target);
            found.heads.append(QByteArray::number(request.number) + " @" + QByteArray::number(request.offset) + ' '
                + method + ' ' + target);
        }
        for (const auto& request : result.ends) {
            found.ends.append(QByteArray::number(request.number) + " @" + QByteArray::number(request.offset) + " +"
                + QByteArray::number(request.size));
            found.lastPreview = request.bodyPreview;
        }
    }
    return found;
}

const QByteArray kGet = "GET /a HTTP/1.1\r\nHost: x\r\n\r\n"; // 28 bytes
const QByteArray kPost = "POST /jobs HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello"; // 56 bytes
const QByteArray kChunked = "POST /c HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"
                            "3;ext=1\r\nabc\r\n2\r\nde\r\n0\r\nX-Trailer: 1\r\n\r\n"; // 54 + 40 bytes

} // namespace

class TestHttpRequestScanner : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void findsEveryRequest_data()
    {
        QTest::addColumn<QByteArray>("stream");
        QTest::addColumn<QByteArrayList>("heads");
        QTest::addColumn<QByteArrayList>("ends");
        QTest::addColumn<QByteArray>("preview"); // of the last request that ended
        QTest::addColumn<bool>("stopped");

        QTest::addRow("one GET") << kGet << QByteArrayList { "0 @0 GET /a" } << QByteArrayList { "0 @0 +28" }
                                 << QByteArray() << false;
        QTest::addRow("pipelined, with a stray CRLF between")
            << kGet + "\r\n" + kPost << QByteArrayList { "0 @0 GET /a", "1 @30 POST /jobs" }
            << QByteArrayList { "0 @0 +28", "1 @30 +56" } << QByteArray("hello") << false;
        QTest::addRow("bare LF line ends")
            << QByteArray("GET /lf HTTP/1.1\nHost: x\n\n") << QByteArrayList { "0 @0 GET /lf" }
            << QByteArrayList { "0 @0 +26" } << QByteArray() << false;
        QTest::addRow("chunked body, extensions and trailers")
            << kChunked + kGet << QByteArrayList { "0 @0 POST /c", "1 @94 GET /a" }
            << QByteArrayList { "0 @0 +94", "1 @94 +28" } << QByteArray() << false;
        QTest::addRow("upgrade: what follows is not HTTP")
            << QByteArray("GET /ws HTTP/1.1\r\nUpgrade: websocket\r\n\r\n\x81\x05hello") + kGet
            << QByteArrayList { "0 @0 GET /ws" } << QByteArrayList { "0 @0 +40" } << QByteArray() << true;
        QTest::addRow("a body with no length it could end at")
            << QByteArray("POST /x HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\nabc") + kGet
            << QByteArrayList { "0 @0 POST /x" } << QByteArrayList() << QByteArray() << true;
        QTest::addRow("not HTTP at all") << QByteArray("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 11)
                                         << QByteArrayList() << QByteArrayList() << QByteArray() << false;
        QTest::addRow("head not finished") << QByteArray("GET /slow?client=bob HTTP/1.1\r\nHost:") << QByteArrayList()
                                           << QByteArrayList() << QByteArray() << false;
    }

    void findsEveryRequest()
    {
        QFETCH(QByteArray, stream);
        QFETCH(QByteArrayList, heads);
        QFETCH(QByteArrayList, ends);
        QFETCH(QByteArray, preview);
        QFETCH(bool, stopped);
        // Whole, and one byte at a time: where reads split the stream must not matter.
        for (const qsizetype piece : { stream.size(), qsizetype(1), qsizetype(7) }) {
            HttpRequestScanner scanner;
            const Found found = scan(stream, piece, &scanner);
            QCOMPARE(found.heads, heads);
            QCOMPARE(found.ends, ends);
            if (!ends.isEmpty())
                QCOMPARE(found.lastPreview, preview);
            QCOMPARE(scanner.stopped(), stopped);
        }
    }

    void aBodyThatCameAlongIsInTheHeadsPreview()
    {
        HttpRequestScanner scanner;
        const auto result = scanner.feed(kPost.left(kPost.size() - 2));
        QCOMPARE(result.heads.size(), 1);
        QCOMPARE(result.heads.front().bodyPreview, QByteArray("hel"));
        QCOMPARE(result.heads.front().bodyLength, 5);
        QVERIFY(result.ends.isEmpty());
        QVERIFY(scanner.current());
        QCOMPARE(scanner.feed("lo").ends.size(), 1);
        QVERIFY(!scanner.current());
    }

    void keepsOnlyABoundedPart()
    {
        HttpRequestScanner scanner;
        const QByteArray big(100'000, 'b');
        const QByteArray head
            = "POST /big HTTP/1.1\r\nX-Long: " + QByteArray(20'000, 'h') + "\r\nContent-Length: 100000\r\n\r\n";
        auto result = scanner.feed(QByteArray(head + big));
        // A head over the kept part cannot be followed: its Content-Length may be in what was not kept.
        QCOMPARE(result.heads.size(), 1);
        QCOMPARE(result.heads.front().head.size(), HttpRequestScanner::KeptHead);
        QVERIFY(scanner.stopped());

        HttpRequestScanner bodies;
        result = bodies.feed(QByteArray("POST /big HTTP/1.1\r\nContent-Length: 100000\r\n\r\n" + big + kGet));
        QCOMPARE(result.ends.size(), 2);
        QCOMPARE(result.ends.front().bodyPreview.size(), HttpRequestScanner::KeptBody);
        QCOMPARE(result.ends.front().size, 46 + 100'000);
    }

    void anUnfinishedRequestIsKnownAsFarAsItGoes()
    {
        HttpRequestScanner scanner;
        scanner.feed(QByteArray(kGet + "GET /slow?client=bob HTTP/1.1\r\nUser-Agent: curl/8\r\nHo"));
        const HttpRequestScanner::Request* current = scanner.current();
        QVERIFY(current);
        QCOMPARE(current->number, 1);
        QCOMPARE(current->offset, kGet.size());
        QVERIFY(!current->headComplete);
        QByteArray method;
        QByteArray target;
        QVERIFY(HttpRequestScanner::splitRequestLine(current->head, &method, &target));
        QCOMPARE(method, QByteArray("GET"));
        QCOMPARE(target, QByteArray("/slow?client=bob"));
        QCOMPARE(HttpRequestScanner::headerValue(current->head, "user-agent"), QByteArray("curl/8"));
        // A request line still arriving names what it has so far.
        QVERIFY(HttpRequestScanner::splitRequestLine("GET /upd", &method, &target));
        QCOMPARE(target, QByteArray("/upd"));
        QVERIFY(!HttpRequestScanner::splitRequestLine("GET", &method, &target));
    }
};

QTEST_GUILESS_MAIN(TestHttpRequestScanner)
#include "tst_httprequestscanner.moc"
