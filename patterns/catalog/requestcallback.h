// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "httppattern.h"

#include <QElapsedTimer>
#include <QNetworkAccessManager>
#include <QRandomGenerator64>
#include <QSet>
#include <QTimer>
#include <memory>

namespace PatternScope {

class HttpRecorder;
class Link;
class WebhookSender;

// Request-callback (webhook): the client sends a job with the URL of its own small HTTP receiver;
// the server answers 202 Accepted at once, works, then POSTs the signed result to that URL, retrying
// with exponential back-off until the receiver answers 2xx. The receiver checks the signature and
// processes each job once, whatever number of times it is delivered.
class RequestCallback : public HttpPattern {
    Q_OBJECT
public:
    explicit RequestCallback(const PatternContext& context, QObject* parent = nullptr);
    ~RequestCallback() override;

    static PatternInfo info();

    bool start(QString* error) override;
    void stop() override;
    void parameterChanged(const QString& name, qint64 value) override;
    QStringList tryItOut() const override;

    int clientId() const { return m_client; }
    // The port the client's callback URLs name: the link in front of its receiver.
    quint16 callbackPort() const;
    // Takes the client's receiver down (it stops listening, so connections are refused) or up again.
    void setReceiverAvailable(bool available);
    bool receiverAvailable() const { return m_receiver != nullptr; }
    // How many callbacks the receiver has processed: each job once.
    int processedCount() const { return int(m_processed.size()); }
    // The shared secret callbacks are signed with, HMAC-SHA256 over the body.
    QByteArray signingKey() const { return m_key; }

private:
    // server side
    void handleRequest(const HttpRequest& request, const std::shared_ptr<HttpExchange>& exchange) override;
    void work(const QString& jobId, const QUrl& callback, int receiver, const QString& what);
    // client side
    void sendJob();
    void jobAnswered(QNetworkReply* reply, const QString& correlation);
    void receive(const HttpRequest& request, const std::shared_ptr<HttpExchange>& exchange);
    bool openReceiver(QString* error);
    void applyPolicy();
    void finishWhenIdle();
    void loseInFlightOn(int connection);

    WebhookSender* m_sender = nullptr;
    QByteArray m_key;
    int m_jobCount = 0; // jobs accepted by the server
    int m_working = 0; // jobs the server is processing

    // The client: sends jobs and runs the receiver for their callbacks. The receiver is destroyed to
    // take it down and listens again on the same port to come back, so callers meet real refusals.
    QNetworkAccessManager m_nam;
    std::unique_ptr<HttpServer> m_receiver;
    std::unique_ptr<HttpRecorder> m_receiverRecorder;
    quint16 m_receiverPort = 0;
    Link* m_link = nullptr; // client to server
    Link* m_callbackLink = nullptr; // server to the client's receiver
    QTimer m_nextJob;
    QElapsedTimer m_lastJob; // when the last job went out
    QTimer m_receiverBack;
    QSet<QString> m_processed; // Idempotency-Keys of the callbacks processed
    QRandomGenerator64 m_random;
    int m_client = -1;
    int m_jobsSent = 0;
    int m_jobsOut = 0; // job requests awaiting their answer

    bool m_stopping = false;
    bool m_stopped = false;
};

} // namespace PatternScope
