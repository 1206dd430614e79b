// SPDX-License-Identifier: GPL-3.0-or-later
#include "httpresponserelay.h"

#include "httpsyntax.h"

#include <utility>

namespace PatternScope {

HttpResponseRelay::Output HttpResponseRelay::relay(const char* data, qsizetype size)
{
    Output out;
    qsizetype at = 0;
    while (at < size && !m_closed) {
        const HttpResponseTracker::Step step = m_tracker.step(data + at, size - at);
        const QByteArray piece(data + at, step.taken);
        at += step.taken;
        if (step.headEnded) {
            out.toClient += withConnectionField(std::exchange(m_held, {}) + piece);
        } else if (m_tracker.inHead() && !m_tracker.atBoundary()) {
            m_held += piece;
        } else {
            out.toClient += std::exchange(m_held, {}) + piece;
        }
        if (step.responseEnded) {
            const HttpResponseTracker::Head head = m_tracker.lastHead();
            if (head.request.closeAfter || head.closes) {
                m_closed = true;
                out.closeNow = true;
            }
        }
        sendDueContinues(&out);
    }
    return out;
}

HttpResponseRelay::Output HttpResponseRelay::addContinue(qint64 answers)
{
    Output out;
    m_continues.push_back(answers);
    sendDueContinues(&out);
    return out;
}

void HttpResponseRelay::sendDueContinues(Output* out)
{
    while (!m_continues.empty() && !m_closed) {
        const qint64 due = m_continues.front();
        if (m_tracker.completed() > due) {
            m_continues.pop_front(); // its request was answered already: too late to invite the body
            continue;
        }
        if (m_tracker.completed() < due || !m_tracker.atBoundary() || !m_held.isEmpty())
            return;
        out->toClient += "HTTP/1.1 100 Continue\r\n\r\n";
        m_continues.pop_front();
    }
}

QByteArray HttpResponseRelay::withConnectionField(const QByteArray& head) const
{
    const HttpResponseTracker::Head info = m_tracker.lastHead();
    if (info.status < 200 || info.connectionField)
        return head;
    QByteArray field;
    if (info.request.closeAfter)
        field = "Connection: close\r\n";
    else if (info.request.keepAlive10 && info.delimited)
        field = "Connection: keep-alive\r\n"; // else an HTTP/1.0 client takes the answer to end the connection
    if (field.isEmpty())
        return head;
    QByteArray out = head;
    out.insert(out.size() - HttpSyntax::finalLineEnd(out), field);
    return out;
}

} // namespace PatternScope
