// SPDX-License-Identifier: GPL-3.0-or-later
#include "httpresponsetracker.h"

#include "httpsyntax.h"

#include <algorithm>

namespace PatternScope {

namespace {

// Our own server's response heads and chunk lines are small; past this the tracker stops following.
constexpr qsizetype kMaxResponseLine = 64 * 1024;

} // namespace

HttpResponseTracker::Byte HttpResponseTracker::takeByte(char c)
{
    m_line.append(c);
    if (c != '\n') {
        m_lineLength += c != '\r';
        return Byte::Inside;
    }
    const bool empty = m_lineLength == 0;
    m_lineLength = 0;
    return empty ? Byte::EmptyLineEnd : Byte::LineEnd;
}

void HttpResponseTracker::observe(const char* data, qsizetype size)
{
    qsizetype at = 0;
    while (at < size)
        at += step(data + at, size - at).taken;
}

HttpResponseTracker::Step HttpResponseTracker::step(const char* data, qsizetype size)
{
    Step step;
    qsizetype& i = step.taken;
    while (i < size && !step.headEnded && !step.responseEnded) {
        switch (m_state) {
        case State::UntilClose:
        case State::Tunnel:
            i = size;
            break;
        case State::Body:
        case State::ChunkData: {
            const auto take = qsizetype(std::min<qint64>(m_left, size - i));
            m_left -= take;
            i += take;
            if (m_left == 0) {
                if (m_state == State::Body)
                    responseComplete(&step);
                else
                    m_state = State::ChunkEnd;
            }
            break;
        }
        case State::Head:
        case State::ChunkSize:
        case State::ChunkEnd:
        case State::Trailer: {
            const Byte byte = takeByte(data[i++]);
            if (m_line.size() > kMaxResponseLine) {
                m_state = State::UntilClose; // not what our server sends: stop following, never call it idle
                break;
            }
            if (byte == Byte::Inside)
                break;
            if (m_state == State::Head) {
                if (byte == Byte::EmptyLineEnd)
                    headComplete(&step);
            } else if (m_state == State::ChunkSize) {
                bool ok = false;
                const QByteArray sizeField = HttpSyntax::withoutLineEnd(m_line).split(';').value(0).trimmed();
                m_left = sizeField.toLongLong(&ok, 16);
                m_line.clear();
                if (!ok || m_left < 0)
                    m_state = State::UntilClose;
                else
                    m_state = m_left == 0 ? State::Trailer : State::ChunkData;
            } else if (m_state == State::ChunkEnd) {
                m_line.clear();
                m_state = State::ChunkSize;
            } else if (byte == Byte::EmptyLineEnd) { // the end of the trailers
                responseComplete(&step);
            } else {
                m_line.clear();
            }
            break;
        }
        }
    }
    return step;
}

void HttpResponseTracker::headComplete(Step* step)
{
    const QList<QByteArray> lines = m_line.split('\n');
    m_line.clear();
    const QByteArray statusLine = HttpSyntax::withoutLineEnd(lines.value(0));
    if (statusLine.isEmpty())
        return; // stray empty lines between responses
    bool ok = false;
    const int status = statusLine.mid(9, 3).toInt(&ok);
    if (!statusLine.startsWith("HTTP/1.") || !ok) {
        m_state = State::UntilClose;
        return;
    }
    m_head = {};
    m_head.status = status;
    m_head.request = m_expected.empty() ? Request {} : m_expected.front();
    step->headEnded = true;
    if (status == 101) {
        m_state = State::Tunnel;
        return;
    }
    if (status < 200)
        return; // an interim answer: the real one follows
    qint64 length = -1;
    bool chunked = false;
    for (const QByteArray& raw : lines) {
        const QByteArray line = HttpSyntax::withoutLineEnd(raw);
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0)
            continue;
        const QByteArray name = line.left(colon);
        const QByteArray value = line.mid(colon + 1).trimmed();
        if (name.compare("Content-Length", Qt::CaseInsensitive) == 0) {
            length = HttpSyntax::parseLength(value);
        } else if (name.compare("Transfer-Encoding", Qt::CaseInsensitive) == 0) {
            chunked = value.toLower().contains("chunked");
        } else if (name.compare("Connection", Qt::CaseInsensitive) == 0) {
            m_head.connectionField = true;
            m_head.closes = m_head.closes || HttpSyntax::listMembers(value).contains("close");
        }
    }
    m_head.delimited = true;
    if (m_head.request.head || status == 204 || status == 304) {
        responseComplete(step);
    } else if (chunked) {
        m_state = State::ChunkSize;
    } else if (length >= 0) {
        m_left = length;
        m_state = State::Body;
        if (length == 0)
            responseComplete(step);
    } else {
        m_head.delimited = false;
        m_state = State::UntilClose; // ends when the server closes: an event stream
    }
}

void HttpResponseTracker::responseComplete(Step* step)
{
    if (!m_expected.empty())
        m_expected.pop_front();
    ++m_completed;
    step->responseEnded = true;
    m_line.clear();
    m_lineLength = 0;
    m_state = State::Head;
}

} // namespace PatternScope
