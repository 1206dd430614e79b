// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "httppattern.h"

#include <QElapsedTimer>
#include <QNetworkAccessManager>
#include <QPointer>
#include <QRandomGenerator64>
#include <QTimer>

namespace PatternScope {

class HttpRecorder;
class Link;

// The plainest exchange: the client sends an HTTP request, the server works for the processing
// time and answers, and the client waits for each answer before it sends the next.
class RequestResponse : public HttpPattern {
    Q_OBJECT
public:
    explicit RequestResponse(const PatternContext& context, QObject* parent = nullptr);
    ~RequestResponse() override;

    static PatternInfo info();

    bool start(QString* error) override;
    void stop() override;
    QStringList tryItOut() const override;

    int clientId() const { return m_client; }

private:
    // server side
    void handleRequest(const HttpRequest& request, const std::shared_ptr<HttpExchange>& exchange) override;
    // client side
    void sendNext();
    void replyFinished(QNetworkReply* reply, const QString& correlation);
    void finishStopping();

    QNetworkAccessManager m_nam;
    QTimer m_nextRequest;
    QElapsedTimer m_lastStart; // when the last request went out
    Link* m_link = nullptr;
    QRandomGenerator64 m_random;
    int m_client = -1;
    int m_jobs = 0;
    bool m_busy = false; // a request is out: the client waits for its answer
    bool m_stopping = false;
};

} // namespace PatternScope
