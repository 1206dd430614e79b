// SPDX-License-Identifier: GPL-3.0-or-later
#include "tracewriter.h"

#include "tracelines.h"
#include "tracepayload.h"

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace PatternScope {

namespace {

constexpr qsizetype kBlockSize = 256 * 1024; // pending lines go out in blocks of about this size

} // namespace

TraceWriter::TraceWriter(QObject* parent)
    : QObject(parent)
{
}

TraceWriter::~TraceWriter()
{
    close();
}

bool TraceWriter::open(const QString& path, const TraceHeader& header)
{
    close();
    m_error.clear();
    m_line.resize(0);
    m_file.setFileName(path);
    // Unbuffered: every write() below goes straight to the OS, which is the per-line flush.
    if (!m_file.open(QIODevice::WriteOnly | QIODevice::Truncate | QIODevice::Unbuffered)) {
        m_error = QStringLiteral("%1: cannot open for writing: %2").arg(path, m_file.errorString());
        return false;
    }
    if (!writeOut(TraceLines::line(header))) {
        m_file.close();
        return false;
    }
    startFlusher();
    return true;
}

void TraceWriter::startFlusher()
{
    m_stopping = false;
    m_flushFailed = false;
    m_flushError.clear();
    m_flusher = std::thread([this] { flusherLoop(); });
}

void TraceWriter::stopFlusher()
{
    if (!m_flusher.joinable())
        return;
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_stopping = true;
    }
    m_wake.notify_one();
    m_flusher.join();
}

// The bound for a long turn: lines that have waited MaxHoldMs go out from here, whatever the
// writer's thread is busy with.
void TraceWriter::flusherLoop()
{
    std::unique_lock<std::mutex> lock(m_mutex);
    while (!m_stopping) {
        if (m_pending.isEmpty()) {
            m_wake.wait(lock);
            continue;
        }
        const auto due = m_pendingSince + std::chrono::milliseconds(MaxHoldMs);
        if (std::chrono::steady_clock::now() < due) {
            m_wake.wait_until(lock, due);
            continue;
        }
        if (!writePending()) {
            // Reported on the writer's thread, which owns the signal and the connections.
            QMetaObject::invokeMethod(this, &TraceWriter::reportFlushFailure, Qt::QueuedConnection);
            m_wake.wait(lock, [this] { return m_stopping; });
        }
    }
}

bool TraceWriter::writePending()
{
    if (m_pending.isEmpty() || !m_flushError.isEmpty())
        return m_flushError.isEmpty();
    const bool ok = m_file.write(m_pending) == m_pending.size();
    m_pending.resize(0); // keeps the capacity
    if (!ok) {
        m_flushError = m_file.errorString();
        m_flushFailed = true;
    }
    return ok;
}

void TraceWriter::reportFlushFailure()
{
    QString reason;
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        reason = m_flushError;
    }
    if (!reason.isEmpty())
        fail(reason);
}

void TraceWriter::flush()
{
    m_turnEndPosted = false;
    bool ok = true;
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        if (m_file.isOpen())
            ok = writePending();
    }
    if (!ok)
        reportFlushFailure();
}

void TraceWriter::attach(Trace* trace)
{
    detach();
    if (!trace)
        return;
    if (!m_file.isOpen()) {
        fail(QStringLiteral("attached before the file was opened"));
        return;
    }
    m_trace = trace;
    writeExisting(*trace);
    // Direct connections: the line is written before the emitting call returns.
    connect(trace, &Trace::participantAdded, this, &TraceWriter::opened<Participant>, Qt::DirectConnection);
    connect(trace, &Trace::messageAdded, this, &TraceWriter::opened<Message>, Qt::DirectConnection);
    connect(trace, &Trace::messageUpdated, this, &TraceWriter::ended<Message>, Qt::DirectConnection);
    connect(trace, &Trace::activationStarted, this, &TraceWriter::opened<Activation>, Qt::DirectConnection);
    connect(trace, &Trace::activationEnded, this, &TraceWriter::ended<Activation>, Qt::DirectConnection);
    connect(trace, &Trace::noteAdded, this, &TraceWriter::opened<Note>, Qt::DirectConnection);
    connect(trace, &Trace::connectionOpened, this, &TraceWriter::opened<Connection>, Qt::DirectConnection);
    connect(trace, &Trace::connectionClosed, this, &TraceWriter::ended<Connection>, Qt::DirectConnection);
    // Ids restart after a clear; appending them would make the file unreadable.
    connect(trace, &Trace::cleared, this, &TraceWriter::detach, Qt::DirectConnection);
}

void TraceWriter::detach()
{
    if (m_trace)
        disconnect(m_trace, nullptr, this, nullptr);
    m_trace = nullptr;
}

bool TraceWriter::close()
{
    detach();
    stopFlusher();
    if (m_file.isOpen()) {
        flush();
        m_file.close();
    }
    return !hasError();
}

void TraceWriter::writeExisting(const Trace& trace)
{
    // Grouped so that every reference points backwards: participants first, then what uses them.
    // Finished records are written as their opening line followed by their closing line.
    for (const Participant& participant : trace.participants())
        opened(participant);
    for (const Connection& connection : trace.connections())
        opened(connection);
    for (const Message& message : trace.messages())
        opened(message);
    for (const Activation& activation : trace.activations())
        opened(activation);
    for (const Note& note : trace.notes())
        opened(note);
    flush();
}

template <typename Record> void TraceWriter::opened(const Record& record)
{
    TraceLines::append(m_line, record);
    // Restored records may come already finished: their completing line follows at once.
    TraceLines::appendEnd(m_line, record);
    commit();
}

template <typename Record> void TraceWriter::ended(const Record& record)
{
    TraceLines::appendEnd(m_line, record);
    commit();
}

void TraceWriter::commit()
{
    if (m_flushFailed && !hasError())
        reportFlushFailure();
    if (hasError() || m_line.isEmpty()) {
        m_line.resize(0);
        return;
    }
    bool full = false;
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        const bool first = m_pending.isEmpty();
        if (first)
            m_pendingSince = std::chrono::steady_clock::now();
        m_pending.append(m_line);
        full = m_pending.size() >= kBlockSize;
        if (first)
            m_wake.notify_one();
    }
    m_line.resize(0); // keeps the capacity
    if (full) {
        flush();
        return;
    }
    // Once per turn: when control is back in the event loop, this turn's lines go out in one write.
    if (!m_turnEndPosted) {
        m_turnEndPosted = true;
        QMetaObject::invokeMethod(this, &TraceWriter::flush, Qt::QueuedConnection);
    }
}

bool TraceWriter::writeOut(const QByteArray& data)
{
    if (hasError())
        return false;
    if (m_file.write(data) != data.size()) {
        fail(m_file.errorString());
        return false;
    }
    return true;
}

void TraceWriter::fail(const QString& reason)
{
    if (hasError())
        return;
    m_error = QStringLiteral("%1: cannot write: %2").arg(m_file.fileName(), reason);
    detach();
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_pending.clear(); // the file stays a prefix of the recording: nothing after the failure
    }
    Q_EMIT writeFailed(m_error);
}

bool TraceWriter::writeTrace(const QString& path, const TraceHeader& header, const Trace& trace, QString* error)
{
    // A trace read from `path` reads its headers and bodies back from it (TracePayloadFile): written over in
    // place, the file would be cut short under it. Then the trace is written beside it and renamed over it.
    const bool beside = TracePayloadFile::isRead(path);
    const QString target = beside ? path + QStringLiteral(".saving") : path;
    TraceWriter writer;
    bool ok = writer.open(target, header);
    if (ok) {
        writer.writeExisting(trace);
        ok = writer.close();
    }
    if (!ok && error)
        *error = writer.errorString();
    if (ok && beside && std::rename(QFile::encodeName(target).constData(), QFile::encodeName(path).constData()) != 0) {
        if (error)
            *error = QStringLiteral("%1: cannot write: %2").arg(path, QString::fromLocal8Bit(std::strerror(errno)));
        QFile::remove(target);
        return false;
    }
    return ok;
}
} // namespace PatternScope
