// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "trace.h"

#include <QByteArray>
#include <QString>
#include <array>

namespace PatternScope {

// The quick way through the lines a trace holds by the million: message, delivered, lost, activation
// and activation-end, written as TraceLines writes them (no spaces, numbers as plain integers). It reads
// one line straight into the trace without building a JSON document. Whenever a line is anything else,
// or anything about it is wrong, load() changes nothing and returns false: the strict reader
// (QJsonDocument and TraceRecordLoader) then reads the line and words the warning, so what is accepted
// and every "file:line: reason" stay exactly the strict reader's.
class TraceFastLoader {
public:
    explicit TraceFastLoader(Trace* trace)
        : m_trace(trace)
    {
    }

    // `at`: where the line starts in the file that setPayloadFile() names, or -1.
    bool load(const char* line, qsizetype size, qint64 at = -1);

    // Messages read from now on leave their headers and body preview in `file`, at their line's offset,
    // instead of holding them in memory. nullptr: they hold them.
    void setPayloadFile(MessagePayload* file) { m_payloadFile.reset(file); }

    // The headers and body preview of a message line that load() took; false for any other line.
    static bool payload(const char* line, qsizetype size, HeaderList* headers, QByteArray* body);

    // One decoded field of the line being read: where its value is and what it is.
    struct Value {
        enum class Type : quint8 { None, String, Integer, Boolean, Items, Headers };
        Type type = Type::None;
        bool plain = true; // a string of printable ASCII without escapes: its bytes are its text
        const char* begin = nullptr; // strings: between the quotes; arrays: from '[' to ']'
        const char* end = nullptr;
        qint64 number = 0; // integers, booleans; Items: the first id
        qint64 second = 0; // Items: the last id
    };

private:
    // Recently read texts, kept so that equal fields share one string instead of one copy per message.
    struct Recent {
        std::array<QByteArray, 4> raw;
        std::array<Text, 4> text;
        unsigned next = 0;
    };

    bool message();
    bool messageEnd(bool delivered);
    bool activation();
    bool activationEnd();

    bool string(int key, Text* out, Recent* recent = nullptr);
    bool string(int key, QString* out, Recent* recent = nullptr);
    bool body(QByteArray* out);
    bool integer(int key, qint64* out, bool required, qint64 fallback);
    bool id(int key, int* out, bool required, int fallback);
    bool time(int key, TimeUs* out);
    bool headers(HeaderList* out);

    Trace* m_trace;
    QExplicitlySharedDataPointer<MessagePayload> m_payloadFile;
    qint64 m_at = -1;
    std::array<Value, 40> m_values {};
    QByteArray m_scratch;
    Recent m_labels;
    Recent m_words; // method, reason, name
    Recent m_correlations;
};

} // namespace PatternScope
