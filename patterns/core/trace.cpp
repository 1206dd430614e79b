// SPDX-License-Identifier: GPL-3.0-or-later
#include "trace.h"

#include <algorithm>

#ifdef Q_OS_LINUX
#include <sys/mman.h>
#endif

namespace PatternScope {

void adviseHugePages(void* begin, size_t bytes)
{
#ifdef Q_OS_LINUX
    constexpr quintptr kHuge = 2 * 1024 * 1024;
    const auto start = quintptr(begin);
    const quintptr end = start + bytes;
    const quintptr first = (start + kHuge - 1) & ~(kHuge - 1);
    const quintptr last = end & ~(kHuge - 1);
    if (last > first)
        madvise(reinterpret_cast<void*>(first), last - first, MADV_HUGEPAGE);
#else
    Q_UNUSED(begin);
    Q_UNUSED(bytes);
#endif
}

namespace {

// Records are stored at the index of their id: the record with this id, or nullptr.
template <typename Records> auto* find(Records& records, qint64 id)
{
    return id >= 0 && id < qint64(records.size()) ? &records[size_t(id)] : nullptr;
}


// A big trace's message storage is first touched one 4 KiB page at a time, and those page faults were
// most of what an append cost (perf: ~70% of bench_trace's append, in the kernel). Where the kernel
// offers transparent huge pages on request (Linux's default "madvise" mode), ask for them on the
// storage: one fault per 2 MiB. Memory use is unchanged: the vector has already asked for the space.
template <typename T> void adviseHugePagesOf(const std::vector<T>& records)
{
    adviseHugePages(const_cast<T*>(records.data()), records.capacity() * sizeof(T));
}

// Grows a full vector as push_back would (doubling), and asks for huge pages on the new storage.
template <typename T> void makeRoom(std::vector<T>& records)
{
    if (records.size() < records.capacity())
        return;
    records.reserve(std::max<size_t>(1024, 2 * records.capacity()));
    adviseHugePagesOf(records);
}

// A restored record keeps its recorded id, so it must be the next one.
template <typename Records> bool isNext(const Records& records, qint64 id)
{
    return id == qint64(records.size());
}

} // namespace

Trace::Trace(QObject* parent)
    : QObject(parent)
{
    m_clock.start();
}

Trace::~Trace() = default;

void Trace::startClock()
{
    m_clock.restart();
}

TimeUs Trace::now() const
{
    return m_clock.nsecsElapsed() / 1000;
}

void Trace::touch(TimeUs t)
{
    m_endTime = std::max(m_endTime, t);
}

template <typename Record>
const Record& Trace::store(
    std::vector<Record>& records, const Record& record, TimeUs until, void (Trace::*added)(const Record&))
{
    records.push_back(record);
    touch(until);
    Q_EMIT(this->*added)(records.back());
    return records.back();
}

template <typename Record>
bool Trace::restore(std::vector<Record>& records, const Record& record, qint64 id, TimeUs start, TimeUs end,
    void (Trace::*added)(const Record&))
{
    if (!isNext(records, id) || start == NoTime)
        return false;
    store(records, record, std::max(start, end), added);
    return true;
}

int Trace::addParticipant(const QString& name, Participant::Role role)
{
    Participant p;
    p.id = static_cast<int>(m_participants.size());
    p.name = name;
    p.role = role;
    m_participants.push_back(p);
    Q_EMIT participantAdded(m_participants.back());
    return p.id;
}

bool Trace::restoreParticipant(const Participant& participant)
{
    if (!isNext(m_participants, participant.id))
        return false;
    m_participants.push_back(participant);
    Q_EMIT participantAdded(m_participants.back());
    return true;
}

const Participant* Trace::participant(int id) const
{
    return find(m_participants, id);
}

void Trace::indexMessage(const Message& message)
{
    // Recorded live, sentAt never decreases, so this is an append; restored or imported traces
    // may come out of order and take the slower insert.
    if (m_bySentAt.empty() || m_messages[static_cast<size_t>(m_bySentAt.back())].sentAt <= message.sentAt) {
        makeRoom(m_bySentAt);
        m_bySentAt.push_back(message.seq);
    } else {
        auto pos = std::upper_bound(m_bySentAt.begin(), m_bySentAt.end(), message.sentAt,
            [this](TimeUs t, qint64 seq) { return t < m_messages[size_t(seq)].sentAt; });
        m_bySentAt.insert(pos, message.seq);
    }
    if (message.state == Message::State::InFlight) {
        m_inFlightSeqs.push_back(message.seq);
        ++m_inFlightCount;
        if (!message.correlation.isEmpty())
            m_inFlight.insert(qMakePair(message.correlation, message.to), message.seq);
    } else
        m_longestFlight = std::max(m_longestFlight, message.receivedAt - message.sentAt);
    touch(std::max(message.sentAt, message.receivedAt));
}

qint64 Trace::addMessage(Message message)
{
    message.seq = static_cast<qint64>(m_messages.size());
    if (message.sentAt == NoTime)
        message.sentAt = now();
    message.state = Message::State::InFlight;
    message.receivedAt = NoTime;
    m_messages.push_back(std::move(message));
    const Message& stored = m_messages.back();
    indexMessage(stored);
    Q_EMIT messageAdded(stored);
    return stored.seq;
}

bool Trace::restoreMessage(Message message)
{
    if (!isNext(m_messages, message.seq) || message.sentAt == NoTime)
        return false;
    m_messages.push_back(std::move(message));
    indexMessage(m_messages.back());
    Q_EMIT messageAdded(m_messages.back());
    return true;
}

bool Trace::completeMessage(qint64 seq, TimeUs receivedAt, int connection, qint64 bytes)
{
    Message* m = endFlight(seq, receivedAt, Message::State::Delivered);
    if (!m)
        return false;
    if (connection >= 0)
        m->connection = connection;
    if (bytes >= 0)
        m->bytes = bytes;
    Q_EMIT messageUpdated(*m);
    return true;
}

bool Trace::loseMessage(qint64 seq, TimeUs at)
{
    // For a lost message receivedAt is when the loss was noticed: where its arrow ends.
    Message* m = endFlight(seq, at, Message::State::Lost);
    if (!m)
        return false;
    Q_EMIT messageUpdated(*m);
    return true;
}

Message* Trace::endFlight(qint64 seq, TimeUs at, Message::State state)
{
    Message* m = find(m_messages, seq);
    if (!m || m->state != Message::State::InFlight)
        return nullptr;
    m->receivedAt = std::max(stamp(at), m->sentAt);
    m->state = state;
    forgetInFlight(*m);
    m_longestFlight = std::max(m_longestFlight, m->receivedAt - m->sentAt);
    touch(m->receivedAt);
    return m;
}

void Trace::forgetInFlight(const Message& message)
{
    // Called once the message has left the in-flight state. Sweeping when most entries are
    // finished keeps the list short at amortised O(1) per message.
    --m_inFlightCount;
    if (m_inFlightSeqs.size() > 64 && m_inFlightCount * 2 < qsizetype(m_inFlightSeqs.size())) {
        m_inFlightSeqs.erase(
            std::remove_if(m_inFlightSeqs.begin(), m_inFlightSeqs.end(),
                [this](qint64 seq) { return m_messages[size_t(seq)].state != Message::State::InFlight; }),
            m_inFlightSeqs.end());
    }
    if (message.correlation.isEmpty())
        return; // never indexed by correlation
    auto it = m_inFlight.find(qMakePair(message.correlation, message.to));
    if (it != m_inFlight.end() && it.value() == message.seq)
        m_inFlight.erase(it);
}

QList<qint64> Trace::inFlight() const
{
    QList<qint64> result;
    for (qint64 seq : m_inFlightSeqs) {
        if (m_messages[size_t(seq)].state == Message::State::InFlight)
            result.append(seq);
    }
    return result;
}

qint64 Trace::findInFlight(const QString& correlation, int to) const
{
    return m_inFlight.value(qMakePair(Text(correlation), to), -1);
}

qint64 Trace::beginActivation(int participant, const QString& label, TimeUs start)
{
    Activation a;
    a.id = static_cast<qint64>(m_activations.size());
    a.participant = participant;
    a.label = label;
    a.start = stamp(start);
    return store(m_activations, a, a.start, &Trace::activationStarted).id;
}

bool Trace::endActivation(qint64 id, TimeUs end)
{
    Activation* a = find(m_activations, id);
    if (!a || a->end != NoTime)
        return false;
    a->end = std::max(stamp(end), a->start);
    touch(a->end);
    Q_EMIT activationEnded(*a);
    return true;
}

bool Trace::restoreActivation(const Activation& activation)
{
    return restore(
        m_activations, activation, activation.id, activation.start, activation.end, &Trace::activationStarted);
}

qint64 Trace::addNote(int participant, const QString& text, TimeUs at, qint64 item)
{
    Note n;
    n.item = item;
    n.id = static_cast<qint64>(m_notes.size());
    n.participant = participant;
    n.text = text;
    n.at = stamp(at);
    return store(m_notes, n, n.at, &Trace::noteAdded).id;
}

bool Trace::restoreNote(const Note& note)
{
    return restore(m_notes, note, note.id, note.at, note.at, &Trace::noteAdded);
}

int Trace::openConnection(int client, int server, TimeUs at)
{
    Connection c;
    c.id = static_cast<int>(m_connections.size());
    c.client = client;
    c.server = server;
    c.openedAt = stamp(at);
    return store(m_connections, c, c.openedAt, &Trace::connectionOpened).id;
}

bool Trace::closeConnection(int id, qint64 bytesUp, qint64 bytesDown, const QString& reason, TimeUs at)
{
    Connection* c = find(m_connections, id);
    if (!c || !c->isOpen())
        return false;
    c->closedAt = std::max(stamp(at), c->openedAt);
    c->bytesUp = bytesUp;
    c->bytesDown = bytesDown;
    c->closeReason = reason;
    touch(c->closedAt);
    Q_EMIT connectionClosed(*c);
    return true;
}

bool Trace::restoreConnection(const Connection& connection)
{
    return restore(
        m_connections, connection, connection.id, connection.openedAt, connection.closedAt, &Trace::connectionOpened);
}

QList<qint64> Trace::messagesSentBetween(TimeUs from, TimeUs to) const
{
    QList<qint64> result;
    auto sentAt = [this](qint64 seq) { return m_messages[static_cast<size_t>(seq)].sentAt; };
    auto first = std::lower_bound(
        m_bySentAt.begin(), m_bySentAt.end(), from, [&](qint64 seq, TimeUs t) { return sentAt(seq) < t; });
    for (auto it = first; it != m_bySentAt.end() && sentAt(*it) <= to; ++it)
        result.append(*it);
    return result;
}

QList<qint64> Trace::messagesOverlapping(TimeUs from, TimeUs to) const
{
    // A finished arrow that overlaps [from, to] was sent no earlier than from - longest flight.
    // In-flight arrows reach up to now and may be older than that: they are few, add them directly.
    QList<qint64> result;
    auto sentAt = [this](qint64 seq) { return m_messages[static_cast<size_t>(seq)].sentAt; };
    auto first = std::lower_bound(m_bySentAt.begin(), m_bySentAt.end(), from - m_longestFlight,
        [&](qint64 seq, TimeUs t) { return sentAt(seq) < t; });
    const TimeUs firstTime = first == m_bySentAt.end() ? to + 1 : sentAt(*first);
    QList<qint64> older;
    for (qint64 seq : m_inFlightSeqs) {
        if (m_messages[size_t(seq)].state == Message::State::InFlight && sentAt(seq) < firstTime)
            older.append(seq);
    }
    std::sort(older.begin(), older.end(), [&](qint64 a, qint64 b) { return sentAt(a) < sentAt(b); });
    result = older;
    for (auto it = first; it != m_bySentAt.end() && sentAt(*it) <= to; ++it) {
        const Message& m = m_messages[static_cast<size_t>(*it)];
        if (m.state == Message::State::InFlight || m.receivedAt >= from)
            result.append(*it);
    }
    return result;
}

void Trace::reserve(size_t messages)
{
    m_messages.reserve(messages);
    m_bySentAt.reserve(messages);
    adviseHugePagesOf(m_bySentAt);
}

void Trace::clear()
{
    m_participants.clear();
    m_messages.clear();
    m_activations.clear();
    m_notes.clear();
    m_connections.clear();
    m_bySentAt.clear();
    m_inFlight.clear();
    m_inFlightSeqs.clear();
    m_inFlightCount = 0;
    m_longestFlight = 0;
    m_endTime = 0;
    Q_EMIT cleared();
}

} // namespace PatternScope
