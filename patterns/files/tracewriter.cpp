// SPDX-License-Identifier: GPL-3.0-or-later
#include "tracewriter.h"

#include "tracelines.h"

namespace PatternScope {

namespace {

constexpr qsizetype kBlockSize = 256 * 1024; // batch writes go out in blocks of about this size

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
    return true;
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
    if (m_file.isOpen())
        m_file.close();
    return !hasError();
}

void TraceWriter::writeExisting(const Trace& trace)
{
    // Grouped so that every reference points backwards: participants first, then what uses them.
    // Finished records are written as their opening line followed by their closing line.
    m_batching = true;
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
    m_batching = false;
    commit();
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
    if (m_batching && m_line.size() < kBlockSize)
        return;
    if (!m_line.isEmpty())
        writeOut(m_line);
    m_line.resize(0); // keeps the capacity
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
    Q_EMIT writeFailed(m_error);
}

bool TraceWriter::writeTrace(const QString& path, const TraceHeader& header, const Trace& trace, QString* error)
{
    TraceWriter writer;
    bool ok = writer.open(path, header);
    if (ok) {
        writer.writeExisting(trace);
        ok = writer.close();
    }
    if (!ok && error)
        *error = writer.errorString();
    return ok;
}
} // namespace PatternScope
