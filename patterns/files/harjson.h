// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "trace.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QString>
#include <vector>

// What the HAR writer's parts share: its JSON output and the small conversions HAR needs.
namespace PatternScope::Har {

// A JSON writer that keeps keys in the order written, indented by two spaces like Chrome's export.
class HarJson {
public:
    QByteArray bytes;

    void beginObject(const char* key = nullptr) { open(key, '{'); }
    void endObject() { close('}'); }
    void beginArray(const char* key = nullptr) { open(key, '['); }
    void endArray() { close(']'); }
    void string(const char* key, const QString& value)
    {
        item(key);
        appendString(value);
    }
    void raw(const char* key, const QByteArray& literal)
    {
        item(key);
        bytes += literal;
    }
    void number(const char* key, qint64 value) { raw(key, QByteArray::number(value)); }

private:
    void open(const char* key, char bracket)
    {
        item(key);
        bytes += bracket;
        m_empty.push_back(true);
    }
    void close(char bracket)
    {
        const bool empty = m_empty.back();
        m_empty.pop_back();
        if (!empty)
            newline();
        bytes += bracket;
    }
    void item(const char* key)
    {
        if (!m_empty.empty()) {
            if (!m_empty.back())
                bytes += ',';
            m_empty.back() = false;
            newline();
        }
        if (key) {
            bytes += '"';
            bytes += key;
            bytes += "\": ";
        }
    }
    void newline()
    {
        bytes += '\n';
        bytes.append(qsizetype(m_empty.size()) * 2, ' ');
    }
    void appendString(const QString& value);

    std::vector<bool> m_empty; // per open bracket: nothing written inside yet
};

// Microseconds as milliseconds with up to three decimals: 1250 -> "1.25".
QByteArray msText(TimeUs us);
// Microseconds since the epoch as seconds with up to six decimals.
QByteArray epochSecondsText(qint64 us);
bool isUtf8(const QByteArray& bytes);
// The first header of that name, compared without case; empty when there is none.
QByteArray headerValue(const HeaderList& headers, QByteArrayView name);
bool hasHeader(const HeaderList& headers, QByteArrayView name);

} // namespace PatternScope::Har
