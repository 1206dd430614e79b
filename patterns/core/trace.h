// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "chunkedrecords.h"
#include "message.h"
#include "participant.h"

#include <QElapsedTimer>
#include <QHash>
#include <QList>
#include <QObject>
#include <QPair>
#include <QString>
#include <vector>

namespace PatternScope {

// A stretch of time a participant spends on something: processing, holding a request.
struct Activation {
    qint64 id = -1;
    int participant = -1;
    QString label;
    TimeUs start = NoTime;
    TimeUs end = NoTime; // NoTime while still active

    friend bool operator==(const Activation& a, const Activation& b)
    {
        return a.id == b.id && a.participant == b.participant && a.label == b.label && a.start == b.start
            && a.end == b.end;
    }
};

struct Note {
    qint64 id = -1;
    int participant = -1; // -1: about the whole run
    TimeUs at = NoTime;
    QString text;
    qint64 item = -1; // the data item this note marks as produced, or -1

    friend bool operator==(const Note& a, const Note& b)
    {
        return a.id == b.id && a.participant == b.participant && a.at == b.at && a.text == b.text && a.item == b.item;
    }
};

// A TCP connection as the link emulator saw it.
struct Connection {
    int id = -1;
    int client = -1;
    int server = -1;
    TimeUs openedAt = NoTime;
    TimeUs closedAt = NoTime;
    qint64 bytesUp = 0; // client to server, delivered
    qint64 bytesDown = 0; // server to client, delivered
    QString closeReason; // "client", "server", "cut"

    bool isOpen() const { return closedAt == NoTime; }
    friend bool operator==(const Connection& a, const Connection& b)
    {
        return a.id == b.id && a.client == b.client && a.server == b.server && a.openedAt == b.openedAt
            && a.closedAt == b.closedAt && a.bytesUp == b.bytesUp && a.bytesDown == b.bytesDown
            && a.closeReason == b.closeReason;
    }
};

// The run's record: append-only, the single source for the view, exports and metrics.
// Messages keep their recording order (seq); a sorted index by sentAt answers time-range
// questions in O(log n + k).
class Trace : public QObject {
    Q_OBJECT
public:
    explicit Trace(QObject* parent = nullptr);
    ~Trace() override;

    // The run's clock. start() is called once when the run begins.
    void startClock();
    TimeUs now() const;

    int addParticipant(const QString& name, Participant::Role role);
    // For readers that restore a recorded trace: keeps the recorded id.
    bool restoreParticipant(const Participant& participant);

    qint64 addMessage(Message message); // seq assigned; sentAt taken from now() when unset
    bool restoreMessage(Message message); // keeps seq; false if seq is not the next one
    // The receiver may know more than the sender did: the connection it came on, its size on the wire.
    bool completeMessage(qint64 seq, TimeUs receivedAt = NoTime, int connection = -1, qint64 bytes = -1);
    bool loseMessage(qint64 seq, TimeUs at = NoTime);

    qint64 beginActivation(int participant, const QString& label, TimeUs start = NoTime);
    bool endActivation(qint64 id, TimeUs end = NoTime);
    bool restoreActivation(const Activation& activation);

    qint64 addNote(int participant, const QString& text, TimeUs at = NoTime, qint64 item = -1);
    bool restoreNote(const Note& note);

    int openConnection(int client, int server, TimeUs at = NoTime);
    bool closeConnection(int id, qint64 bytesUp, qint64 bytesDown, const QString& reason, TimeUs at = NoTime);
    bool restoreConnection(const Connection& connection);

    // The in-flight message with this correlation heading to participant `to`, or -1.
    qint64 findInFlight(const QString& correlation, int to) const;

    const std::vector<Participant>& participants() const { return m_participants; }
    const ChunkedRecords<Message>& messages() const { return m_messages; }
    const std::vector<Activation>& activations() const { return m_activations; }
    const std::vector<Note>& notes() const { return m_notes; }
    const std::vector<Connection>& connections() const { return m_connections; }
    const Message& message(qint64 seq) const { return m_messages[static_cast<size_t>(seq)]; }
    const Participant* participant(int id) const;

    // Seqs of the messages sent in [from, to], ordered by sentAt.
    QList<qint64> messagesSentBetween(TimeUs from, TimeUs to) const;
    // Seqs of the messages whose arrow [sentAt, receivedAt or now] overlaps [from, to], ordered by sentAt.
    QList<qint64> messagesOverlapping(TimeUs from, TimeUs to) const;
    // Every message's seq ordered by sentAt (ties in recording order): the rows of a compact diagram.
    const std::vector<qint64>& sentOrder() const { return m_bySentAt; }
    qsizetype inFlightCount() const { return m_inFlightCount; }
    QList<qint64> inFlight() const; // seqs of the messages still in flight, in seq order
    // Latest time anything in the trace happened.
    TimeUs endTime() const { return m_endTime; }

    void reserve(size_t messages);
    void clear();

Q_SIGNALS:
    void participantAdded(const PatternScope::Participant& participant);
    void messageAdded(const PatternScope::Message& message);
    void messageUpdated(const PatternScope::Message& message);
    void activationStarted(const PatternScope::Activation& activation);
    void activationEnded(const PatternScope::Activation& activation);
    void noteAdded(const PatternScope::Note& note);
    void connectionOpened(const PatternScope::Connection& connection);
    void connectionClosed(const PatternScope::Connection& connection);
    void cleared();

private:
    void indexMessage(const Message& message);
    void touch(TimeUs t);
    void forgetInFlight(const Message& message);
    // Ends the flight of in-flight message `seq` in `state` at `at`; nullptr if there is none such.
    Message* endFlight(qint64 seq, TimeUs at, Message::State state);
    // Appends `record`, moves the end time to `until` and announces it through `added`.
    template <typename Record>
    const Record& store(
        std::vector<Record>& records, const Record& record, TimeUs until, void (Trace::*added)(const Record&));
    // Stores a record read back from a file: it keeps its recorded `id`, which must be the next one,
    // and needs a `start` time; it may have ended already.
    template <typename Record>
    bool restore(std::vector<Record>& records, const Record& record, qint64 id, TimeUs start, TimeUs end,
        void (Trace::*added)(const Record&));
    TimeUs stamp(TimeUs t) const { return t == NoTime ? now() : t; }

    QElapsedTimer m_clock;
    std::vector<Participant> m_participants;
    ChunkedRecords<Message> m_messages; // never moved as it grows: an append costs the same at any size
    std::vector<Activation> m_activations;
    std::vector<Note> m_notes;
    std::vector<Connection> m_connections;
    // seqs ordered by sentAt; usually appended at the end because messages are recorded as they are sent
    std::vector<qint64> m_bySentAt;
    // longest arrow seen so far, for the overlap query; in-flight arrows count up to now()
    TimeUs m_longestFlight = 0;
    QHash<QPair<Text, int>, qint64> m_inFlight; // by (correlation, receiver)
    // seqs of in-flight messages in seq order, swept lazily: finished ones are skipped, then dropped
    std::vector<qint64> m_inFlightSeqs;
    qsizetype m_inFlightCount = 0;
    TimeUs m_endTime = 0;
};

} // namespace PatternScope
