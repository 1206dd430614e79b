// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "trace.h"

#include <QByteArrayView>
#include <QHash>
#include <QNetworkAccessManager>
#include <QObject>
#include <QPointer>
#include <QRandomGenerator64>
#include <QUrl>
#include <memory>

class QNetworkReply;
class QTimer;

namespace PatternScope {

class Link;
class LinkEmulator;

// Whether a and b hold the same bytes, taking the same time wherever they differ: a forger timing the
// answers must not learn a signature byte by byte. Only the length of `expected` shows in the time.
bool constantTimeEquals(QByteArrayView expected, QByteArrayView given);

// When and how often a failed callback is tried again: the first retry after firstMs, each next
// one factor times later, maxAttempts tries in all (the first included).
struct RetryPolicy {
    qint64 firstMs = 500;
    qint64 factor = 2;
    qint64 maxAttempts = 5;
    qint64 timeoutMs = 5000; // an attempt not answered by then has failed
    // The wait after the attempt-th try failed (attempt counts from 1).
    qint64 delayAfter(int attempt) const;
};

// One result to deliver: where, to whom, and the exact bytes (every retry sends the same body, so
// the same signature and the same Idempotency-Key).
struct WebhookJob {
    QString id; // "j-3", sent as Idempotency-Key
    QUrl url;
    int receiver = -1; // the participant that gave the URL
    QByteArray body; // JSON
};

// The server's outgoing half of request-callback: POSTs each result to its callback URL, signed with
// HMAC-SHA256 over the body, and retries with exponential back-off until the receiver answers 2xx or
// the attempts run out. Each attempt is its own Callback arrow. When the URL leads into one of the
// run's links, the receiving side records the arrival (and its answer); otherwise the receiver is
// nobody here wrote and the arrow ends when its answer is back, the best the sender can know.
class WebhookSender : public QObject {
    Q_OBJECT
public:
    WebhookSender(Trace* trace, LinkEmulator* links, int server, quint64 seed, QObject* parent = nullptr);
    ~WebhookSender() override;

    void setPolicy(const RetryPolicy& policy) { m_policy = policy; }
    void setKey(const QByteArray& key) { m_key = key; }
    // For demonstrations: sign with a key the receiver does not know.
    void setSignWrongly(bool wrong) { m_signWrongly = wrong; }

    void deliver(const WebhookJob& job);
    // No more retries: pending ones are abandoned with a note; attempts on the wire may still finish.
    void stop();
    int outstanding() const { return int(m_deliveries.size()); }
    // Closes kept-alive connections, so their closes show in the trace when a run ends.
    void hangUp() { m_nam.clearConnectionCache(); }

    // "sha256=<hex>", the value of X-Signature-256.
    static QByteArray signature(const QByteArray& key, const QByteArray& body);
    // Compares in time independent of where the values differ.
    static bool verify(const QByteArray& key, const QByteArray& body, const QByteArray& header);
    // A shared secret for one run: 32 bytes from the operating system's random source, as hex text.
    static QByteArray newKey();

Q_SIGNALS:
    // A delivery ended: answered 2xx (delivered), or given up or abandoned.
    void finished(const QString& jobId, bool delivered);

private:
    struct Delivery {
        WebhookJob job;
        int attempts = 0;
        int to = -1; // the lifeline the arrow goes to
        bool throughLink = false; // the receiving side records the arrival
        QPointer<Link> link; // the link it goes through, which records each attempt as it leaves
        QString correlation; // of the attempt on the wire
        qint64 seq = -1;
        QPointer<QNetworkReply> reply;
        QTimer* retry = nullptr;
    };

    void attempt(const std::shared_ptr<Delivery>& delivery);
    void attemptFinished(const std::shared_ptr<Delivery>& delivery, QNetworkReply* reply);
    void failed(const std::shared_ptr<Delivery>& delivery, const QString& reason);
    void finish(const std::shared_ptr<Delivery>& delivery, bool delivered);

    Trace* m_trace;
    LinkEmulator* m_links;
    int m_server;
    QRandomGenerator64 m_random;
    QNetworkAccessManager m_nam;
    RetryPolicy m_policy;
    QByteArray m_key;
    bool m_signWrongly = false;
    bool m_stopping = false;
    QHash<QString, std::shared_ptr<Delivery>> m_deliveries; // by job id
};

} // namespace PatternScope
