// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "trace.h"

#include <QObject>
#include <QSet>
#include <QTimer>
#include <functional>

namespace PatternScope {

// How a stopping pattern lets what is on the wire arrive before it closes connections: it calls back
// once no message to or from these lifelines (TCP connects and closes aside, the link owns those)
// has been in flight for a moment, long enough for an answer that an arrival triggers (a pong, a
// delivery the broker fans out) to be sent and seen; or after `maxWaitMs` at the latest, for peers
// that never fall quiet (outside clients may keep talking).
class WireDrain : public QObject {
    Q_OBJECT
public:
    WireDrain(
        Trace* trace, QSet<int> participants, qint64 maxWaitMs, std::function<void()> then, QObject* parent = nullptr);

private:
    bool busy() const;
    void check();
    void finish();

    Trace* m_trace;
    QSet<int> m_participants;
    std::function<void()> m_then;
    QTimer m_poll;
    QTimer m_deadline;
    int m_quietChecks = 0;
};

} // namespace PatternScope
