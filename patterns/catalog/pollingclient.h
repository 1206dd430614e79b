// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "feedclient.h"

#include <QElapsedTimer>
#include <QPointer>
#include <QTimer>

class QNetworkReply;

namespace PatternScope {

// Short and long polling: GET <path>?since=<cursor>, again and again; at once when the last answer
// said more items wait, and past a gap the server names.
class PollingClient : public FeedClient {
    Q_OBJECT
public:
    enum class Mode { Short, Long };

    PollingClient(Mode mode, Trace* trace, int participant, int server, quint16 port, quint64 seed,
        ParameterLookup parameter, QObject* parent = nullptr);

    void start() override;
    void stop() override;

private:
    void poll();
    void finished(QNetworkReply* reply, const QString& correlation);
    void scheduleNext(bool failed, bool more);

    Mode m_mode;
    QTimer m_next;
    QElapsedTimer m_lastStart;
    QPointer<QNetworkReply> m_reply;
};

} // namespace PatternScope
