// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "eventstreamparser.h"
#include "feedclient.h"

#include <QPointer>
#include <QTimer>

class QNetworkReply;

namespace PatternScope {

// Server-Sent Events: one GET /events whose answer never ends; reconnects after `retry` with
// Last-Event-ID when the stream breaks. Stopping, it reads on until the server ends the stream.
class SseClient : public FeedClient {
    Q_OBJECT
public:
    SseClient(Trace* trace, int participant, int server, quint16 port, quint64 seed, ParameterLookup parameter,
        QObject* parent = nullptr);

    void start() override;
    void stop() override;

private:
    void connectStream();
    void headersArrived();
    void readStream();
    // Feeds the parser and takes in what it made of the bytes: heartbeats, items, gaps.
    void consume(const QByteArray& bytes);
    void streamEnded();

    EventStreamParser m_parser;
    QTimer m_reconnect;
    QPointer<QNetworkReply> m_reply;
    QString m_correlation;
    bool m_headersSeen = false;
};

} // namespace PatternScope
