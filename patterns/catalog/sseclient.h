// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "eventstreamparser.h"
#include "feedclient.h"

#include <QPointer>
#include <QTimer>

class QNetworkReply;

namespace PatternScope {

// Server-Sent Events: one GET /events whose answer never ends; reconnects after `retry` with
// Last-Event-ID when the stream breaks.
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
    void streamEnded();

    EventStreamParser m_parser;
    QTimer m_reconnect;
    QPointer<QNetworkReply> m_reply;
    QString m_correlation;
    bool m_headersSeen = false;
};

} // namespace PatternScope
