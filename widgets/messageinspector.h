// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "trace.h"

#include <QPointer>
#include <QWidget>

class QFormLayout;
class QLabel;
class QPlainTextEdit;

namespace PatternScope {

// Everything the trace knows about one message: who sent it to whom, when, on which connection, its
// headers and its body, readable. It follows the message as it completes or is lost.
class MessageInspector : public QWidget {
    Q_OBJECT
public:
    explicit MessageInspector(QWidget* parent = nullptr);
    ~MessageInspector() override;

    void setTrace(const Trace* trace);
    const Trace* trace() const { return m_trace; }

    // -1 (or a seq the trace does not have) clears the inspector.
    void showMessage(qint64 seq);
    qint64 shownMessage() const { return m_seq; }

    // The content as plain text, one "Field: value" a line, then the headers and the body: for copying.
    QString text() const;

    // The body as a person wants to read it: pretty JSON, else UTF-8 text, else a hex dump.
    static QString formatBody(const QByteArray& body);
    static QString hexDump(const QByteArray& data);

private:
    enum Field { Kind, Route, Connection, Sent, Received, Delay, Bytes, Correlation, Items, NUM_FIELDS };

    void refresh();
    void messageUpdated(const Message& message);

    QPointer<const Trace> m_trace;
    qint64 m_seq = -1;

    QLabel* m_placeholder = nullptr;
    QWidget* m_details = nullptr;
    QLabel* m_title = nullptr;
    QLabel* m_label = nullptr;
    QFormLayout* m_form = nullptr;
    QLabel* m_fieldNames[NUM_FIELDS] = {};
    QLabel* m_fields[NUM_FIELDS] = {};
    QPlainTextEdit* m_headers = nullptr;
    QPlainTextEdit* m_body = nullptr;
};

} // namespace PatternScope
