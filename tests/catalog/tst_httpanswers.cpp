// SPDX-License-Identifier: GPL-3.0-or-later
// What every HTTP pattern answers a client nobody here wrote, whatever it asks: a page on another
// origin must be able to read each answer (CORS), ask before a request that is not "simple"
// (preflight), and learn which methods a path takes (405 with Allow).
#include "pattern.h"
#include "rawhttp.h"
#include "testrun.h"

#include <QTest>

using namespace PatternScope;
using namespace PatternScope::Test;

namespace {

QByteArray request(
    const QByteArray& method, const QByteArray& target, const QByteArray& extra = {}, const QByteArray& body = {})
{
    QByteArray bytes = method + ' ' + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nOrigin: http://127.0.0.1:1\r\n" + extra;
    if (!body.isEmpty() || method == "POST")
        bytes += "Content-Length: " + QByteArray::number(body.size()) + "\r\n";
    return bytes + "\r\n" + body;
}

QByteArray preflight(const QByteArray& target, const QByteArray& method, const QByteArray& headers)
{
    return request("OPTIONS", target,
        "Access-Control-Request-Method: " + method + "\r\nAccess-Control-Request-Headers: " + headers + "\r\n");
}

// Quick answers: no latency, no processing time, items every 20 ms, long polls held briefly.
QStringList settingsFor(const QString& pattern)
{
    QStringList settings { QStringLiteral("latency=0ms") };
    if (pattern.startsWith(QLatin1String("request-")) || pattern == QLatin1String("short-polling"))
        settings.append(QStringLiteral("processing=0ms"));
    if (!pattern.startsWith(QLatin1String("request-")))
        settings.append(QStringLiteral("produce=20ms"));
    if (pattern == QLatin1String("long-polling"))
        settings.append(QStringLiteral("hold=200ms"));
    return settings;
}

const QByteArray kJob = "{\"callbackUrl\":\"http://127.0.0.1:9/callbacks/1\",\"work\":\"w\"}";

} // namespace

class TestHttpAnswers : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void everyAnswerCanBeReadFromAnotherOrigin_data()
    {
        QTest::addColumn<QString>("pattern");
        QTest::addColumn<QByteArray>("request");
        QTest::addColumn<int>("status");
        QTest::addColumn<QByteArray>("allow"); // expected Allow, if any
        QTest::addColumn<bool>("stream"); // read the head only

        const QByteArray json = "Content-Type: application/json\r\n";
        QTest::addRow("request-response 200")
            << "request-response" << request("GET", "/work/1") << 200 << QByteArray() << false;
        QTest::addRow("request-response POST 200")
            << "request-response" << request("POST", "/work/2", {}, "x") << 200 << QByteArray() << false;
        QTest::addRow("request-response HEAD")
            << "request-response" << request("HEAD", "/work/3") << 200 << QByteArray() << false;
        QTest::addRow("request-response 404")
            << "request-response" << request("GET", "/nowhere") << 404 << QByteArray() << false;
        QTest::addRow("request-response 405") << "request-response" << request("DELETE", "/work/1") << 405
                                              << QByteArray("GET, HEAD, POST, OPTIONS") << false;
        QTest::addRow("request-response preflight")
            << "request-response" << preflight("/work/1", "POST", "content-type, traceparent") << 204
            << QByteArray("GET, HEAD, POST, OPTIONS") << false;

        QTest::addRow("request-callback 202")
            << "request-callback" << request("POST", "/jobs", json, kJob) << 202 << QByteArray() << false;
        QTest::addRow("request-callback 400")
            << "request-callback" << request("POST", "/jobs", json, "not json") << 400 << QByteArray() << false;
        QTest::addRow("request-callback 404")
            << "request-callback" << request("GET", "/status") << 404 << QByteArray() << false;
        QTest::addRow("request-callback 405")
            << "request-callback" << request("GET", "/jobs") << 405 << QByteArray("POST, OPTIONS") << false;
        QTest::addRow("request-callback preflight") << "request-callback" << preflight("/jobs", "POST", "content-type")
                                                    << 204 << QByteArray("POST, OPTIONS") << false;

        const QByteArray feedAllow = "GET, HEAD, OPTIONS";
        QTest::addRow("short-polling 200")
            << "short-polling" << request("GET", "/updates?since=0") << 200 << QByteArray() << false;
        QTest::addRow("short-polling 204")
            << "short-polling" << request("GET", "/updates?since=999999") << 204 << QByteArray() << false;
        QTest::addRow("short-polling 400")
            << "short-polling" << request("GET", "/updates?since=x") << 400 << QByteArray() << false;
        QTest::addRow("short-polling 404")
            << "short-polling" << request("GET", "/poll") << 404 << QByteArray() << false;
        QTest::addRow("short-polling 405")
            << "short-polling" << request("POST", "/updates") << 405 << feedAllow << false;
        QTest::addRow("short-polling preflight")
            << "short-polling" << preflight("/updates", "GET", "traceparent") << 204 << feedAllow << false;

        QTest::addRow("long-polling 200")
            << "long-polling" << request("GET", "/poll?since=0") << 200 << QByteArray() << false;
        QTest::addRow("long-polling 204")
            << "long-polling" << request("GET", "/poll?since=999999") << 204 << QByteArray() << false;
        QTest::addRow("long-polling 400")
            << "long-polling" << request("GET", "/poll?since=-1") << 400 << QByteArray() << false;
        QTest::addRow("long-polling 405")
            << "long-polling" << request("PUT", "/poll", {}, "x") << 405 << feedAllow << false;
        QTest::addRow("long-polling preflight")
            << "long-polling" << preflight("/poll", "GET", "traceparent") << 204 << feedAllow << false;

        QTest::addRow("server-sent-events 200")
            << "server-sent-events" << request("GET", "/events") << 200 << QByteArray() << true;
        QTest::addRow("server-sent-events 400")
            << "server-sent-events" << request("GET", "/events", "Last-Event-ID: nope\r\n") << 400 << QByteArray()
            << false;
        QTest::addRow("server-sent-events 404")
            << "server-sent-events" << request("GET", "/") << 404 << QByteArray() << false;
        QTest::addRow("server-sent-events 405")
            << "server-sent-events" << request("POST", "/events") << 405 << feedAllow << false;
        QTest::addRow("server-sent-events preflight")
            << "server-sent-events" << preflight("/events", "GET", "last-event-id") << 204 << feedAllow << false;
    }

    void everyAnswerCanBeReadFromAnotherOrigin()
    {
        QFETCH(QString, pattern);
        QFETCH(QByteArray, request);
        QFETCH(int, status);
        QFETCH(QByteArray, allow);
        QFETCH(bool, stream);
        auto run = serveRun(pattern, settingsFor(pattern));
        QVERIFY(run);
        const quint16 port = run->pattern()->publicPort();
        // Items to answer with, for the feeds.
        QVERIFY(waitUntil([&] {
            return std::any_of(run->trace()->notes().begin(), run->trace()->notes().end(), [](const Note& n) {
                return n.item >= 0;
            }) || !pattern.contains(QLatin1String("poll"));
        }));

        const RawAnswer answer = rawExchange(port, request, stream);
        QCOMPARE(answer.status, status);
        QCOMPARE(answer.header("Access-Control-Allow-Origin"), QByteArray("*"));
        QCOMPARE(answer.header("Access-Control-Expose-Headers"), QByteArray("*"));
        QCOMPARE(answer.header("Allow"), allow);
        if (request.startsWith("OPTIONS")) {
            QCOMPARE(answer.header("Access-Control-Allow-Methods"), allow);
            // What the page said it would send is allowed, as it asked.
            const QByteArray asked = request.mid(request.indexOf("Access-Control-Request-Headers: ") + 32);
            QCOMPARE(answer.header("Access-Control-Allow-Headers"), asked.left(asked.indexOf('\r')));
            QVERIFY(answer.header("Access-Control-Max-Age").toInt() > 0);
        }
        if (status >= 400)
            QVERIFY(!answer.body.isEmpty()); // says what was wrong
        QVERIFY(stopAndWait(*run));
    }
};

QTEST_GUILESS_MAIN(TestHttpAnswers)
#include "tst_httpanswers.moc"
