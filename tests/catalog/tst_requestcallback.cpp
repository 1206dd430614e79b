// SPDX-License-Identifier: GPL-3.0-or-later
#include "httpserver.h"
#include "linkemulator.h"
#include "requestcallback.h"
#include "run.h"
#include "testrun.h"
#include "tracequeries.h"
#include "waituntil.h"
#include "webhooksender.h"

#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QTest>
#include <memory>

using namespace PatternScope;
using namespace PatternScope::Test;

namespace {

std::unique_ptr<Run> startRun(const QStringList& assignments)
{
    return PatternScope::Test::startRun(QStringLiteral("request-callback"), assignments);
}

// Only the server, for clients nobody here wrote.
std::unique_ptr<Run> serveRun(const QStringList& assignments)
{
    return PatternScope::Test::serveRun(QStringLiteral("request-callback"), assignments);
}

RequestCallback* patternOf(Run& run)
{
    return qobject_cast<RequestCallback*>(run.pattern());
}

const Message* answerTo(const Trace& trace, const Message& request)
{
    for (const Message& m : trace.messages()) {
        if (m.kind == Message::Kind::HttpResponse && m.correlation == request.correlation && m.from == request.to)
            return &m;
    }
    return nullptr;
}

struct Answer {
    int status = 0;
    QByteArray body;
};

Answer postJob(QNetworkAccessManager& nam, quint16 port, const QByteArray& body)
{
    QNetworkRequest request(QUrl(QStringLiteral("http://127.0.0.1:%1/jobs?client=tester").arg(port)));
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    std::unique_ptr<QNetworkReply> reply(nam.post(request, body));
    Answer answer;
    if (!waitUntil([&] { return reply->isFinished(); }, 10000))
        return answer;
    answer.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    answer.body = reply->readAll();
    return answer;
}

} // namespace

class TestRequestCallback : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void jobIsAcceptedThenCalledBack()
    {
        auto run = startRun(
            { QStringLiteral("latency=20ms"), QStringLiteral("processing=100ms"), QStringLiteral("interval=60s") });
        QVERIFY(run);
        RequestCallback* pattern = patternOf(*run);
        QVERIFY(pattern);
        const Trace& trace = *run->trace();
        const int client = pattern->clientId();
        const int server = pattern->serverId();
        QVERIFY(waitUntil(
            [&] {
                const auto answers = messagesOf(trace, Message::Kind::HttpResponse, client, server);
                return !answers.isEmpty() && answers.front()->state == Message::State::Delivered;
            },
            10000));
        QVERIFY(stopAndWait(*run));

        const auto jobs = messagesOf(trace, Message::Kind::HttpRequest, client, server);
        QCOMPARE(jobs.size(), 1);
        const Message& job = *jobs.front();
        QCOMPARE(job.label, QStringLiteral("POST /jobs · callback /callbacks/1"));
        QCOMPARE(job.state, Message::State::Delivered);
        QVERIFY(job.bodyPreview().contains(
            QStringLiteral("http://127.0.0.1:%1/callbacks/1").arg(pattern->callbackPort()).toLatin1()));

        const Message* accepted = answerTo(trace, job);
        QVERIFY(accepted);
        QCOMPARE(accepted->label, QStringLiteral("202 Accepted · job j-1"));
        QCOMPARE(accepted->state, Message::State::Delivered);
        QCOMPARE(headerOf(*accepted, "Location"), QByteArray("/jobs/j-1"));

        const auto callbacks = messagesOf(trace, Message::Kind::Callback);
        QCOMPARE(callbacks.size(), 1);
        const Message& callback = *callbacks.front();
        QCOMPARE(callback.from, server);
        QCOMPARE(callback.to, client);
        QCOMPARE(callback.label, QStringLiteral("POST /callbacks/1 · job j-1"));
        QCOMPARE(callback.state, Message::State::Delivered);
        // The 202 is back at the client before the server even starts calling back.
        QVERIFY(accepted->receivedAt <= callback.sentAt);
        QVERIFY2(qAbs(callback.oneWayDelay() - 20'000) <= 10'000, qPrintable(QString::number(callback.oneWayDelay())));
        QVERIFY(callback.bytes > callback.bodyPreview().size()); // as on the wire, headers included
        QCOMPARE(headerOf(callback, "Idempotency-Key"), QByteArray("j-1"));
        QCOMPARE(headerOf(callback, "Content-Type"), QByteArray("application/json"));
        const QByteArray signature = headerOf(callback, "X-Signature-256");
        QVERIFY(signature.startsWith("sha256="));
        QCOMPARE(signature.size(), 7 + 64);
        QVERIFY(WebhookSender::verify(pattern->signingKey(), callback.bodyPreview(), signature));

        const Message* ok = answerTo(trace, callback);
        QVERIFY(ok);
        QCOMPARE(ok->from, client);
        QCOMPARE(ok->to, server);
        QCOMPARE(ok->label, QStringLiteral("200 OK · job j-1"));
        QCOMPARE(ok->state, Message::State::Delivered);
        QCOMPARE(pattern->processedCount(), 1);

        // The server's work shows as an activation as long as the processing time.
        QCOMPARE(trace.activations().size(), size_t(1));
        const Activation& processing = trace.activations().front();
        QCOMPARE(processing.label, QStringLiteral("processing job j-1"));
        QVERIFY2(processing.end - processing.start >= 99'000 && processing.end - processing.start <= 140'000,
            qPrintable(QString::number(processing.end - processing.start)));
        // The callback went over a connection the server opened toward the client's receiver.
        const auto connects = messagesOf(trace, Message::Kind::Connect, server, client);
        QCOMPARE(connects.size(), 1);
        QCOMPARE(connects.front()->connection, callback.connection);
        for (const Message& m : trace.messages())
            QVERIFY2(m.state != Message::State::Lost, qPrintable(m.label));
    }

    void runsWithTheSameSeedDoNotShareTheSigningKey()
    {
        // The seed makes schedules repeat; a secret that repeated would be known to anyone with the seed.
        auto first = startRun({ QStringLiteral("interval=60s") });
        auto second = startRun({ QStringLiteral("interval=60s") });
        QVERIFY(first && second);
        const QByteArray key = patternOf(*first)->signingKey();
        QCOMPARE(key.size(), 64);
        QVERIFY(key != patternOf(*second)->signingKey());
        // It is still what the run tells a receiver to verify with.
        QVERIFY(patternOf(*first)->tryItOut().join(u'\n').contains(QString::fromLatin1(key)));
        QVERIFY(stopAndWait(*first));
        QVERIFY(stopAndWait(*second));
    }

    void receiverDownIsRetriedWithBackOff()
    {
        auto run = startRun({ QStringLiteral("latency=20ms"), QStringLiteral("processing=50ms"),
            QStringLiteral("interval=60s"), QStringLiteral("receiver-down=600ms"), QStringLiteral("retry-first=200ms"),
            QStringLiteral("retry-factor=2"), QStringLiteral("retry-max=5") });
        QVERIFY(run);
        RequestCallback* pattern = patternOf(*run);
        const Trace& trace = *run->trace();
        QVERIFY(waitUntil([&] { return pattern->processedCount() == 1; }, 10000));
        QVERIFY(waitUntil(
            [&] {
                const auto answers = messagesOf(trace, Message::Kind::HttpResponse, pattern->clientId());
                return !answers.isEmpty() && answers.back()->state == Message::State::Delivered;
            },
            5000));
        QVERIFY(stopAndWait(*run));

        const auto callbacks = messagesOf(trace, Message::Kind::Callback);
        // Qt's HTTP client may send an attempt again on a new connection, unasked, when the first is
        // refused: such copies show as "(sent again)" and are lost like the attempt itself.
        QList<const Message*> attempts;
        QList<TimeUs> failedAt; // of each attempt, its last copy included
        for (const Message* callback : callbacks) {
            if (callback->label.endsWith(QStringLiteral(" (sent again)"))) {
                QVERIFY(!attempts.isEmpty());
                QVERIFY(callback->label.startsWith(attempts.back()->label));
                QCOMPARE(callback->state, Message::State::Lost);
                failedAt.back() = std::max(failedAt.back(), callback->receivedAt);
                continue;
            }
            attempts.append(callback);
            failedAt.append(callback->receivedAt);
        }
        QCOMPARE(attempts.size(), 3);
        QCOMPARE(attempts.at(0)->label, QStringLiteral("POST /callbacks/1 · job j-1"));
        QCOMPARE(attempts.at(1)->label, QStringLiteral("POST /callbacks/1 · job j-1 · attempt 2"));
        QCOMPARE(attempts.at(2)->label, QStringLiteral("POST /callbacks/1 · job j-1 · attempt 3"));
        // The receiver was not listening: the first two never arrived; the third did.
        QCOMPARE(attempts.at(0)->state, Message::State::Lost);
        QCOMPARE(attempts.at(1)->state, Message::State::Lost);
        QCOMPARE(attempts.at(2)->state, Message::State::Delivered);
        QCOMPARE(notesContaining(trace, QStringLiteral("attempt 1 of job j-1 failed")), 1);
        QCOMPARE(notesContaining(trace, QStringLiteral("retry in 200 ms")), 1);
        QCOMPARE(notesContaining(trace, QStringLiteral("retry in 400 ms")), 1);
        QVERIFY(notesContaining(trace, QStringLiteral("refused")) >= 2); // the link saw the refusals
        QCOMPARE(notesContaining(trace, QStringLiteral("callback receiver down")), 1);
        QCOMPARE(notesContaining(trace, QStringLiteral("callback receiver up again")), 1);
        // Back-off: each wait twice the one before, counted from when the attempt failed.
        const TimeUs firstWait = attempts.at(1)->sentAt - failedAt.at(0);
        const TimeUs secondWait = attempts.at(2)->sentAt - failedAt.at(1);
        QVERIFY2(firstWait >= 199'000 && firstWait <= 260'000, qPrintable(QString::number(firstWait)));
        QVERIFY2(secondWait >= 399'000 && secondWait <= 460'000, qPrintable(QString::number(secondWait)));
        // Delivered once, processed once.
        QCOMPARE(pattern->processedCount(), 1);
        QCOMPARE(notesContaining(trace, QStringLiteral("result of job j-1 processed")), 1);
        QCOMPARE(notesContaining(trace, QStringLiteral("giving up")), 0);
    }

    void invalidSignatureIsRefused()
    {
        auto run = startRun({ QStringLiteral("latency=20ms"), QStringLiteral("processing=0ms"),
            QStringLiteral("interval=60s"), QStringLiteral("signature=invalid"), QStringLiteral("retry-first=50ms"),
            QStringLiteral("retry-max=2") });
        QVERIFY(run);
        RequestCallback* pattern = patternOf(*run);
        const Trace& trace = *run->trace();
        QVERIFY(waitUntil(
            [&] { return notesContaining(trace, QStringLiteral("giving up on job j-1 after 2 attempts")) == 1; },
            10000));
        QVERIFY(stopAndWait(*run));

        const auto callbacks = messagesOf(trace, Message::Kind::Callback);
        QCOMPARE(callbacks.size(), 2);
        for (const Message* callback : callbacks) {
            // It arrived, and was answered 401 with the reason.
            QCOMPARE(callback->state, Message::State::Delivered);
            const Message* answer = answerTo(trace, *callback);
            QVERIFY(answer);
            QCOMPARE(answer->label, QStringLiteral("401 Unauthorized"));
            QCOMPARE(answer->state, Message::State::Delivered);
            QVERIFY(answer->bodyPreview().contains("X-Signature-256 does not match the body"));
        }
        QCOMPARE(
            notesContaining(trace, QStringLiteral("401 Unauthorized: X-Signature-256 does not match the body")), 2);
        QCOMPARE(notesContaining(trace, QStringLiteral("attempt 1 of job j-1 failed: 401 Unauthorized")), 1);
        QCOMPARE(pattern->processedCount(), 0);
    }

    void badJobsAreRefused_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QString>("reason");
        QTest::addRow("remote host") << QByteArray("{\"callbackUrl\": \"http://example.com/hook\", \"work\": \"x\"}")
                                     << QStringLiteral("callback host example.com is not allowed: only loopback");
        QTest::addRow("not json") << QByteArray("callbackUrl=http://127.0.0.1/x") << QStringLiteral("body is not JSON");
        QTest::addRow("array") << QByteArray("[1, 2]") << QStringLiteral("body is not a JSON object");
        QTest::addRow("no url") << QByteArray("{\"work\": \"x\"}") << QStringLiteral("no callbackUrl in the job");
        QTest::addRow("not http") << QByteArray("{\"callbackUrl\": \"ftp://127.0.0.1/x\"}")
                                  << QStringLiteral("is not an http:// URL");
    }

    void badJobsAreRefused()
    {
        QFETCH(QByteArray, body);
        QFETCH(QString, reason);
        auto run = serveRun({ QStringLiteral("latency=10ms"), QStringLiteral("processing=0ms") });
        QVERIFY(run);
        RequestCallback* pattern = patternOf(*run);
        QNetworkAccessManager nam;
        const Answer refused = postJob(nam, pattern->publicPort(), body);
        QCOMPARE(refused.status, 400);
        QVERIFY2(refused.body.contains(reason.toUtf8()), refused.body.constData());
        const Trace& trace = *run->trace();
        QCOMPARE(notesContaining(trace, QStringLiteral("400 Bad Request: ")), 1);
        QCOMPARE(notesContaining(trace, reason), 1);
        QCOMPARE(messagesOf(trace, Message::Kind::HttpResponse).front()->label, QStringLiteral("400 Bad Request"));
        QCOMPARE(trace.activations().size(), size_t(0)); // no job was taken on

        // The server keeps serving: a good job is accepted afterwards.
        const Answer accepted
            = postJob(nam, pattern->publicPort(), "{\"callbackUrl\": \"http://127.0.0.1:9/callbacks/1\"}");
        QCOMPARE(accepted.status, 202);
        QCOMPARE(accepted.body, QByteArray("{\"job\":\"j-1\"}"));
        nam.clearConnectionCache(); // the outside client hangs up, as curl does
        QVERIFY(stopAndWait(*run));
    }

    void servedJobCallsTheOutsideReceiverDirectly()
    {
        // A receiver nobody here wrote: the test's own, outside the run's links.
        HttpServer receiver;
        QList<HttpRequest> received;
        receiver.setHandler([&](const HttpRequest& request, std::shared_ptr<HttpExchange> exchange) {
            received.append(request);
            exchange->respond(204, {}, {});
        });
        QVERIFY(receiver.listenLocal());
        auto run = serveRun({ QStringLiteral("latency=10ms"), QStringLiteral("processing=50ms") });
        QVERIFY(run);
        RequestCallback* pattern = patternOf(*run);
        QNetworkAccessManager nam;
        const QByteArray job = QStringLiteral("{\"callbackUrl\": \"http://localhost:%1/hooks/7\", \"work\": \"w\"}")
                                   .arg(receiver.port())
                                   .toUtf8();
        QCOMPARE(postJob(nam, pattern->publicPort(), job).status, 202);
        QVERIFY(waitUntil([&] { return received.size() == 1; }, 10000));
        const Trace& trace = *run->trace();
        QVERIFY(waitUntil([&] { return messagesOf(trace, Message::Kind::HttpResponse).size() == 2; }));
        nam.clearConnectionCache();
        QVERIFY(stopAndWait(*run));

        const HttpRequest& callback = received.front();
        QCOMPARE(callback.method, QByteArray("POST"));
        QCOMPARE(callback.url.path(), QStringLiteral("/hooks/7"));
        QCOMPARE(callback.header("Idempotency-Key"), QByteArray("j-1"));
        QVERIFY(WebhookSender::verify(pattern->signingKey(), callback.body, callback.header("X-Signature-256")));

        // The outside client's lifeline receives the callback arrow, and its answer comes back.
        const auto callbacks = messagesOf(trace, Message::Kind::Callback, pattern->serverId());
        QCOMPARE(callbacks.size(), 1);
        QCOMPARE(trace.participant(callbacks.front()->to)->name, QStringLiteral("tester"));
        QCOMPARE(callbacks.front()->state, Message::State::Delivered);
        const Message* answer = answerTo(trace, *callbacks.front());
        QVERIFY(answer);
        QCOMPARE(answer->label, QStringLiteral("204 No Content"));
        QCOMPARE(answer->to, pattern->serverId());
    }

    void duplicateDeliveryIsProcessedOnce()
    {
        auto run = startRun({ QStringLiteral("latency=150ms"), QStringLiteral("processing=0ms"),
            QStringLiteral("interval=60s"), QStringLiteral("retry-first=100ms") });
        QVERIFY(run);
        RequestCallback* pattern = patternOf(*run);
        const Trace& trace = *run->trace();
        // The receiver has processed the result and its 200 is on the way back: cut the callback's link
        // now, and the server, never hearing the answer, delivers again.
        QVERIFY(waitUntil([&] { return pattern->processedCount() == 1; }, 10000));
        Link* callbackLink = nullptr;
        for (Link* link : run->links()->links()) {
            if (link->client() == pattern->serverId())
                callbackLink = link;
        }
        QVERIFY(callbackLink);
        callbackLink->cut();
        QVERIFY(
            waitUntil([&] { return notesContaining(trace, QStringLiteral("duplicate job j-1 ignored")) == 1; }, 10000));
        QVERIFY(waitUntil(
            [&] {
                for (const Message* m : messagesOf(trace, Message::Kind::HttpResponse, pattern->clientId()))
                    if (m->label == QStringLiteral("200 OK · duplicate j-1") && m->state == Message::State::Delivered)
                        return true;
                return false;
            },
            5000));
        QVERIFY(stopAndWait(*run));

        QCOMPARE(pattern->processedCount(), 1);
        QCOMPARE(notesContaining(trace, QStringLiteral("result of job j-1 processed")), 1);
        // The second delivery is either the server's own retry or, as Qt's HTTP client does when a
        // connection breaks before any answer byte, a silent re-send of the same POST, which the receiver
        // records as "(sent again)". Both carry the same Idempotency-Key.
        QList<const Message*> deliveries;
        for (const Message& m : trace.messages()) {
            if (m.from == pattern->serverId() && m.to == pattern->clientId()
                && !headerOf(m, "Idempotency-Key").isEmpty())
                deliveries.append(&m);
        }
        QVERIFY(deliveries.size() >= 2);
        for (const Message* delivery : std::as_const(deliveries)) {
            QCOMPARE(headerOf(*delivery, "Idempotency-Key"), QByteArray("j-1"));
            QCOMPARE(delivery->state, Message::State::Delivered);
        }
        QCOMPARE(deliveries.front()->kind, Message::Kind::Callback);
        const Message* lostAnswer = answerTo(trace, *deliveries.front());
        QVERIFY(lostAnswer);
        QCOMPARE(lostAnswer->label, QStringLiteral("200 OK · job j-1"));
        QCOMPARE(lostAnswer->state, Message::State::Lost);
        QCOMPARE(notesContaining(trace, QStringLiteral("giving up")), 0);
    }

    void stopAbandonsPendingRetries()
    {
        auto run = startRun({ QStringLiteral("latency=10ms"), QStringLiteral("processing=0ms"),
            QStringLiteral("interval=60s"), QStringLiteral("receiver-down=60s"), QStringLiteral("retry-first=30s") });
        QVERIFY(run);
        const Trace& trace = *run->trace();
        QVERIFY(waitUntil([&] { return notesContaining(trace, QStringLiteral("retry in 30000 ms")) == 1; }, 10000));
        QElapsedTimer stopping;
        stopping.start();
        QVERIFY(stopAndWait(*run));
        QVERIFY2(stopping.elapsed() < 2000, qPrintable(QString::number(stopping.elapsed())));
        QCOMPARE(notesContaining(trace, QStringLiteral("retry of job j-1 abandoned: run stopping")), 1);
        QCOMPARE(notesContaining(trace, QStringLiteral("run stopped: open connections cut")), 0);
    }
};

QTEST_GUILESS_MAIN(TestRequestCallback)
#include "tst_requestcallback.moc"
