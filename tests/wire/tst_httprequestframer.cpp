// SPDX-License-Identifier: GPL-3.0-or-later
#include "httprequestframer.h"

#include <QTest>

using namespace PatternScope;

namespace {

constexpr int kMaxHead = 1024;
constexpr qint64 kMaxBody = 100;

struct Outcome {
    QByteArray forwarded;
    QList<HttpRequestFramer::Request> requests;
    QList<qint64> continues;
    bool failed = false;
    int status = 0;
    QString reason;
};

// Feeds `input` in pieces of `piece` bytes (0: at once) and gathers what comes out.
Outcome frame(const QByteArray& input, qsizetype piece = 0)
{
    HttpRequestFramer framer(kMaxHead, kMaxBody);
    Outcome out;
    const qsizetype step = piece > 0 ? piece : std::max<qsizetype>(1, input.size());
    for (qsizetype at = 0; at < input.size(); at += step) {
        const HttpRequestFramer::Result r = framer.feed(input.constData() + at, std::min(step, input.size() - at));
        out.forwarded += r.forward;
        out.requests += r.requests;
        if (r.continueAfter)
            out.continues.append(*r.continueAfter);
        out.failed = r.failed;
    }
    out.status = framer.failure().status;
    out.reason = framer.failure().reason;
    return out;
}

} // namespace

class TestHttpRequestFramer : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void refusals_data()
    {
        QTest::addColumn<QByteArray>("request");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("reason");

        QTest::addRow("HTTP/1.1 without Host")
            << QByteArray("GET / HTTP/1.1\r\n\r\n") << 400 << QStringLiteral("missing Host header");
        QTest::addRow("two Hosts") << QByteArray("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n") << 400
                                   << QStringLiteral("more than one Host header");
        QTest::addRow("two Hosts in HTTP/1.0") << QByteArray("GET / HTTP/1.0\r\nHost: a\r\nhost: a\r\n\r\n") << 400
                                               << QStringLiteral("more than one Host header");
        QTest::addRow("chunked and a length")
            << QByteArray("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n")
            << 400 << QStringLiteral("both Transfer-Encoding and Content-Length");
        QTest::addRow("a length and chunked")
            << QByteArray("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n")
            << 400 << QStringLiteral("both Transfer-Encoding and Content-Length");
        QTest::addRow("unknown coding")
            << QByteArray("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n\r\n") << 501
            << QStringLiteral("Transfer-Encoding gzip not implemented, send chunked or Content-Length");
        QTest::addRow("coding before chunked")
            << QByteArray(
                   "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: deflate\r\nTransfer-Encoding: chunked\r\n\r\n")
            << 501 << QStringLiteral("Transfer-Encoding deflate not implemented, send chunked or Content-Length");
        QTest::addRow("chunked twice") << QByteArray(
            "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, chunked\r\n\r\n")
                                       << 400 << QStringLiteral("chunked applied more than once");
        QTest::addRow("empty coding") << QByteArray("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: ,chunked\r\n\r\n")
                                      << 400 << QStringLiteral("malformed Transfer-Encoding");
        QTest::addRow("chunked in HTTP/1.0")
            << QByteArray("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n") << 400
            << QStringLiteral("Transfer-Encoding in an HTTP/1.0 request");

        const QByteArray chunked = "POST /up HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n";
        QTest::addRow("chunk size not hex") << chunked + "zz\r\nhello\r\n0\r\n\r\n"
                                            << 400 << QStringLiteral("malformed chunk size");
        QTest::addRow("chunk size missing") << chunked + "\r\nhello\r\n0\r\n\r\n"
                                            << 400 << QStringLiteral("malformed chunk size");
        QTest::addRow("chunk size then junk") << chunked + "5 x\r\nhello\r\n0\r\n\r\n"
                                              << 400 << QStringLiteral("malformed chunk size");
        QTest::addRow("negative chunk size") << chunked + "-5\r\nhello\r\n0\r\n\r\n"
                                             << 400 << QStringLiteral("malformed chunk size");
        QTest::addRow("chunk size overflows") << chunked + "10000000000000000\r\n"
                                              << 400 << QStringLiteral("chunk size too large");
        QTest::addRow("control character in an extension") << chunked + "5;a=\x01\r\nhello\r\n0\r\n\r\n"
                                                           << 400 << QStringLiteral("malformed chunk extension");
        QTest::addRow("data longer than its size") << chunked + "3\r\nhello\r\n0\r\n\r\n"
                                                   << 400 << QStringLiteral("chunk data longer than its size");
        QTest::addRow("endless extension")
            << chunked + "5;" + QByteArray(5000, 'a') << 400 << QStringLiteral("chunk size line too long");
        QTest::addRow("decoded body over the limit") << chunked + "40\r\n" + QByteArray(64, 'x') + "\r\n40\r\n"
                                                     << 413 << QStringLiteral("request body over 100 B");
        QTest::addRow("malformed trailer") << chunked + "0\r\nno colon\r\n\r\n"
                                           << 400 << QStringLiteral("malformed trailer line");
        QTest::addRow("trailers over the limit") << chunked + "0\r\nX-Big: " + QByteArray(1100, 'b') + "\r\n\r\n"
                                                 << 431 << QStringLiteral("request trailers over 1 KiB");
    }

    void refusals()
    {
        QFETCH(QByteArray, request);
        QFETCH(int, status);
        QFETCH(QString, reason);
        for (const qsizetype piece : { qsizetype(0), qsizetype(1), qsizetype(7) }) {
            const Outcome out = frame(request, piece);
            QVERIFY2(out.failed, qPrintable(QString::number(piece)));
            QCOMPARE(out.status, status);
            QCOMPARE(out.reason, reason);
            QVERIFY(out.requests.isEmpty()); // nothing of it went on
            QVERIFY(out.forwarded.isEmpty());
        }
    }

    void chunkedBodyIsDecoded()
    {
        // Sizes in either case, extensions with and without values, a trailer, bare LFs: the server
        // behind gets one plain request with a Content-Length, then the next request as it was.
        const QByteArray request = "POST /up HTTP/1.1\r\nHost: a\r\ntransfer-encoding:  Chunked \r\nX-After: 1\r\n\r\n"
                                   "5;name=value;flag\r\nhello\r\nA ; q=\"x y\"\r\n, world!!!\r\n"
                                   "1\nX\n0\r\nX-Checksum: abc\r\n\r\n";
        const QByteArray next = "GET /next HTTP/1.1\r\nHost: a\r\n\r\n";
        for (const qsizetype piece : { qsizetype(0), qsizetype(1), qsizetype(3), qsizetype(50) }) {
            const Outcome out = frame(request + next, piece);
            QVERIFY(!out.failed);
            QCOMPARE(out.forwarded,
                "POST /up HTTP/1.1\r\nHost: a\r\nX-After: 1\r\nContent-Length: 16\r\n\r\nhello, world!!!X" + next);
            QCOMPARE(out.requests.size(), 2);
        }
    }

    void emptyChunkedBody()
    {
        const Outcome out = frame("POST /e HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n");
        QVERIFY(!out.failed);
        QCOMPARE(out.forwarded, "POST /e HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n");
    }

    void chunkedBodyAtTheLimit()
    {
        const QByteArray body(kMaxBody, 'b');
        const Outcome out = frame("POST /e HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n32\r\n"
            + body.left(50) + "\r\n32\r\n" + body.left(50) + "\r\n0\r\n\r\n");
        QVERIFY(!out.failed);
        QVERIFY(out.forwarded.endsWith(QByteArray("Content-Length: 100\r\n\r\n" + body)));
    }

    void connectionEnds_data()
    {
        QTest::addColumn<QByteArray>("head");
        QTest::addColumn<bool>("closeAfter");
        QTest::addColumn<bool>("keepAlive10");

        QTest::addRow("HTTP/1.1") << QByteArray("GET / HTTP/1.1\r\nHost: a\r\n\r\n") << false << false;
        QTest::addRow("HTTP/1.1 close") << QByteArray("GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n") << true
                                        << false;
        QTest::addRow("HTTP/1.1 close among options")
            << QByteArray("GET / HTTP/1.1\r\nHost: a\r\nConnection: TE\r\nConnection: foo, Close\r\n\r\n") << true
            << false;
        QTest::addRow("HTTP/1.0") << QByteArray("GET / HTTP/1.0\r\n\r\n") << true << false;
        QTest::addRow("HTTP/1.0 keep-alive")
            << QByteArray("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n") << false << true;
        QTest::addRow("HTTP/1.0 keep-alive and close")
            << QByteArray("GET / HTTP/1.0\r\nConnection: keep-alive, close\r\n\r\n") << true << false;
    }

    void connectionEnds()
    {
        QFETCH(QByteArray, head);
        QFETCH(bool, closeAfter);
        QFETCH(bool, keepAlive10);
        const QByteArray next = "GET /next HTTP/1.1\r\nHost: a\r\n\r\n";
        HttpRequestFramer framer(kMaxHead, kMaxBody);
        const QByteArray both = head + next;
        const HttpRequestFramer::Result r = framer.feed(both.constData(), both.size());
        QVERIFY(!r.failed);
        QCOMPARE(r.requests.first().closeAfter, closeAfter);
        QCOMPARE(r.requests.first().keepAlive10, keepAlive10);
        // RFC 9112 9.6: what follows a closing request is not served.
        QCOMPARE(r.requests.size(), closeAfter ? 1 : 2);
        QCOMPARE(r.forward, closeAfter ? head : head + next);
        QCOMPARE(framer.closed(), closeAfter);
        QVERIFY(framer.feed(next.constData(), next.size()).forward.isEmpty() == closeAfter);
    }

    void closingRequestBodyStillPasses()
    {
        const QByteArray request = "POST / HTTP/1.1\r\nHost: a\r\nConnection: close\r\nContent-Length: 4\r\n\r\nbody";
        const Outcome out = frame(request + "GET / HTTP/1.1\r\n\r\n", 1);
        QCOMPARE(out.forwarded, request);
        QVERIFY(!out.failed); // the garbage after it is not even read
    }

    void expectContinue_data()
    {
        QTest::addColumn<QByteArray>("head");
        QTest::addColumn<QList<qint64>>("continues");
        QTest::addColumn<QByteArray>("forwardedHead");

        QTest::addRow("with a body") << QByteArray(
            "POST / HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n")
                                     << QList<qint64> { 1 }
                                     << QByteArray("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\n\r\n");
        QTest::addRow("chunked") << QByteArray(
            "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nEXPECT: 100-Continue\r\n\r\n")
                                 << QList<qint64> { 1 }
                                 << QByteArray("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\n\r\n");
        QTest::addRow("without a body") << QByteArray("POST / HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\n\r\n")
                                        << QList<qint64>() << QByteArray("POST / HTTP/1.1\r\nHost: a\r\n\r\n");
        QTest::addRow("HTTP/1.0") << QByteArray(
            "POST / HTTP/1.0\r\nExpect: 100-continue\r\nConnection: keep-alive\r\nContent-Length: 4\r\n\r\n")
                                  << QList<qint64>()
                                  << QByteArray(
                                         "POST / HTTP/1.0\r\nConnection: keep-alive\r\nContent-Length: 4\r\n\r\n");
    }

    void expectContinue()
    {
        QFETCH(QByteArray, head);
        QFETCH(QList<qint64>, continues);
        QFETCH(QByteArray, forwardedHead);
        const bool chunked = head.contains("chunked");
        const bool hasBody = head.contains("Length: 4") || chunked;
        const QByteArray body = !hasBody ? QByteArray() : chunked ? QByteArray("4\r\nbody\r\n0\r\n\r\n") : "body";
        // One request before it, so the 100 Continue is due after one answer.
        const QByteArray first = "GET /first HTTP/1.1\r\nHost: a\r\n\r\n";
        HttpRequestFramer framer(kMaxHead, kMaxBody);
        QCOMPARE(framer.feed(first.constData(), first.size()).forward, first);
        const HttpRequestFramer::Result atHead = framer.feed(head.constData(), head.size());
        QCOMPARE(atHead.continueAfter ? QList<qint64> { *atHead.continueAfter } : QList<qint64>(), continues);
        QCOMPARE(atHead.forward, chunked ? QByteArray() : forwardedHead); // the server never sees Expect
        const HttpRequestFramer::Result rest = framer.feed(body.constData(), body.size());
        QCOMPARE(atHead.forward + rest.forward, forwardedHead + (hasBody ? "body" : ""));
    }

    void failureKeepsWhatIsKnown()
    {
        HttpRequestFramer framer(kMaxHead, kMaxBody);
        const QByteArray request
            = "POST /up HTTP/1.1\r\nHost: a\r\ntraceparent: tp\r\nTransfer-Encoding: chunked\r\n\r\n"
              "5\r\nhello\r\n";
        QVERIFY(!framer.feed(request.constData(), request.size()).failed);
        framer.fail(408, QStringLiteral("too slow"));
        QCOMPARE(framer.requestLine(), "POST /up HTTP/1.1");
        QCOMPARE(framer.traceparent(), "tp");
        QVERIFY(framer.feed("0\r\n\r\n", 5).failed);
    }
};

QTEST_GUILESS_MAIN(TestHttpRequestFramer)
#include "tst_httprequestframer.moc"
