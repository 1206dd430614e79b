// SPDX-License-Identifier: GPL-3.0-or-later
#include "messageinspector.h"

#include "eventtablemodel.h"
#include "heading.h"

#include <QFontDatabase>
#include <QFormLayout>
#include <QJsonDocument>
#include <QJsonParseError>
#include <QLabel>
#include <QPlainTextEdit>
#include <QStringDecoder>
#include <QVBoxLayout>

namespace PatternScope {

namespace {

const QString Dash = QStringLiteral("—");

QLabel* valueLabel(QWidget* parent)
{
    auto* label = new QLabel(parent);
    // Bodies and labels come from the wire: never let them be read as rich text.
    label->setTextFormat(Qt::PlainText);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    label->setWordWrap(true);
    return label;
}

QPlainTextEdit* monospaceBox(const QString& name, QWidget* parent)
{
    auto* box = new QPlainTextEdit(parent);
    box->setReadOnly(true);
    box->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    box->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    box->setAccessibleName(name);
    // Tab moves on to the next widget instead of being swallowed by a box that cannot take input anyway.
    box->setTabChangesFocus(true);
    return box;
}

// Text a person can read: valid UTF-8 without control characters other than line breaks and tabs.
bool readableText(const QByteArray& data, QString* text)
{
    // Stateful on purpose: a preview cut in the middle of a multi-byte character is not an error.
    QStringDecoder decoder(QStringDecoder::Utf8);
    *text = decoder(data);
    if (decoder.hasError())
        return false;
    for (const QChar c : std::as_const(*text)) {
        if (c.unicode() < 0x20 && c != QLatin1Char('\n') && c != QLatin1Char('\r') && c != QLatin1Char('\t'))
            return false;
        if (c.unicode() == 0x7f)
            return false;
    }
    return true;
}

QString participantName(const Trace& trace, int id)
{
    const Participant* p = trace.participant(id);
    return p ? p->name : QStringLiteral("#%1").arg(id);
}

} // namespace

MessageInspector::MessageInspector(QWidget* parent)
    : QWidget(parent)
{
    auto* layout = new QVBoxLayout(this);
    m_placeholder = new QLabel(tr("Select a message to see its details"), this);
    m_placeholder->setAlignment(Qt::AlignCenter);
    m_placeholder->setWordWrap(true);
    m_placeholder->setForegroundRole(QPalette::PlaceholderText);
    layout->addWidget(m_placeholder, 1);

    m_details = new QWidget(this);
    auto* details = new QVBoxLayout(m_details);
    details->setContentsMargins(0, 0, 0, 0);
    m_title = makeHeading(QString(), m_details);
    m_title->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    m_label = valueLabel(m_details);
    details->addWidget(m_title);
    details->addWidget(m_label);

    m_form = new QFormLayout;
    const QString names[NUM_FIELDS] = { tr("Kind"), tr("From → to"), tr("Connection"), tr("Sent"), tr("Received"),
        tr("One-way delay"), tr("Bytes on wire"), tr("Correlation"), tr("Items carried") };
    for (int i = 0; i < NUM_FIELDS; ++i) {
        m_fieldNames[i] = new QLabel(names[i], m_details);
        m_fields[i] = valueLabel(m_details);
        m_fields[i]->setAccessibleName(names[i]);
        m_form->addRow(m_fieldNames[i], m_fields[i]);
    }
    details->addLayout(m_form);

    details->addWidget(makeHeading(tr("Headers"), m_details));
    m_headers = monospaceBox(tr("Headers"), m_details);
    m_headers->setPlaceholderText(tr("No headers"));
    details->addWidget(m_headers, 1);
    details->addWidget(makeHeading(tr("Body"), m_details));
    m_body = monospaceBox(tr("Body"), m_details);
    m_body->setPlaceholderText(tr("No body"));
    // JSON and hex dumps keep their columns; a long line scrolls rather than breaking the layout of a dump.
    m_body->setLineWrapMode(QPlainTextEdit::NoWrap);
    details->addWidget(m_body, 2);
    layout->addWidget(m_details, 1);

    refresh();
}

MessageInspector::~MessageInspector() = default;

void MessageInspector::setTrace(const Trace* trace)
{
    if (m_trace)
        m_trace->disconnect(this);
    m_trace = trace;
    m_seq = -1;
    if (trace) {
        connect(trace, &Trace::messageUpdated, this, &MessageInspector::messageUpdated);
        connect(trace, &Trace::cleared, this, [this] { showMessage(-1); });
        connect(trace, &QObject::destroyed, this, [this] {
            m_seq = -1;
            refresh();
        });
    }
    refresh();
}

void MessageInspector::showMessage(qint64 seq)
{
    const bool known = m_trace && seq >= 0 && seq < qint64(m_trace->messages().size());
    m_seq = known ? seq : -1;
    refresh();
}

void MessageInspector::messageUpdated(const Message& message)
{
    if (message.seq == m_seq)
        refresh();
}

void MessageInspector::refresh()
{
    const bool shown = m_trace && m_seq >= 0 && m_seq < qint64(m_trace->messages().size());
    if (!shown)
        m_seq = -1;
    m_placeholder->setVisible(!shown);
    m_details->setVisible(shown);
    if (!shown) {
        m_headers->clear();
        m_body->clear();
        return;
    }

    const Trace& trace = *m_trace;
    const Message& m = trace.message(m_seq);
    m_title->setText(tr("Message #%1").arg(m.seq));
    m_label->setText(m.label);
    m_label->setVisible(!m.label.isEmpty());

    m_fields[Kind]->setText(kindName(m.kind));
    m_fields[Route]->setText(participantName(trace, m.from) + QStringLiteral(" → ") + participantName(trace, m.to));
    m_fields[Connection]->setText(m.connection >= 0 ? QStringLiteral("c%1").arg(m.connection) : Dash);
    m_fields[Sent]->setText(formatRunTime(m.sentAt));
    switch (m.state) {
    case Message::State::InFlight:
        m_fields[Received]->setText(tr("in flight"));
        break;
    case Message::State::Lost:
        // For a lost message receivedAt is when the loss was noticed.
        m_fields[Received]->setText(
            m.receivedAt == NoTime ? tr("lost") : tr("lost (noticed at %1)").arg(formatRunTime(m.receivedAt)));
        break;
    case Message::State::Delivered:
        m_fields[Received]->setText(formatRunTime(m.receivedAt));
        break;
    }
    m_fields[Delay]->setText(m.state == Message::State::Delivered
            ? QString::number(double(m.oneWayDelay()) / 1000.0, 'f', 1) + QStringLiteral(" ms")
            : Dash);
    m_fields[Bytes]->setText(tr("%1 B").arg(m.bytes));
    m_fields[Correlation]->setText(m.correlation.isEmpty() ? Dash : m.correlation.toString());
    if (m.carriesItems()) {
        m_fields[Items]->setText(m.firstItem == m.lastItem
                ? QString::number(m.firstItem)
                : QString::number(m.firstItem) + QStringLiteral("–") + QString::number(m.lastItem));
    }
    m_form->setRowVisible(Items, m.carriesItems());

    QString headers;
    for (const auto& [name, value] : m.headers())
        headers += QString::fromUtf8(name) + QStringLiteral(": ") + QString::fromUtf8(value) + QLatin1Char('\n');
    headers.chop(1);
    // Only replace text that changed, so a selection survives the message completing.
    if (m_headers->toPlainText() != headers)
        m_headers->setPlainText(headers);
    const QString body = formatBody(m.bodyPreview());
    if (m_body->toPlainText() != body)
        m_body->setPlainText(body);
}

QString MessageInspector::text() const
{
    if (m_seq < 0)
        return m_placeholder->text();
    QString text = m_title->text() + QLatin1Char('\n');
    if (!m_label->text().isEmpty())
        text += m_label->text() + QLatin1Char('\n');
    for (int i = 0; i < NUM_FIELDS; ++i) {
        if (i == Items && !m_trace->message(m_seq).carriesItems())
            continue;
        text += m_fieldNames[i]->text() + QStringLiteral(": ") + m_fields[i]->text() + QLatin1Char('\n');
    }
    const QString headers = m_headers->toPlainText();
    if (!headers.isEmpty())
        text += QLatin1Char('\n') + tr("Headers") + QLatin1Char('\n') + headers + QLatin1Char('\n');
    const QString body = m_body->toPlainText();
    if (!body.isEmpty())
        text += QLatin1Char('\n') + tr("Body") + QLatin1Char('\n') + body + QLatin1Char('\n');
    return text;
}

QString MessageInspector::formatBody(const QByteArray& body)
{
    if (body.isEmpty())
        return {};
    QJsonParseError error;
    const QJsonDocument json = QJsonDocument::fromJson(body, &error);
    if (error.error == QJsonParseError::NoError && !json.isNull()) {
        QString pretty = QString::fromUtf8(json.toJson(QJsonDocument::Indented));
        if (pretty.endsWith(QLatin1Char('\n')))
            pretty.chop(1);
        return pretty;
    }
    QString text;
    if (readableText(body, &text))
        return text;
    return hexDump(body);
}

QString MessageInspector::hexDump(const QByteArray& data)
{
    // The classic 16 bytes a line: offset, bytes in hex, the printable ones as ASCII.
    constexpr int PerLine = 16;
    const int offsetWidth = data.size() > 0xffff ? 8 : 4;
    QString dump;
    dump.reserve(int(data.size() / PerLine + 1) * (offsetWidth + 2 + PerLine * 3 + PerLine + 4));
    for (qsizetype line = 0; line < data.size(); line += PerLine) {
        if (line > 0)
            dump += QLatin1Char('\n');
        dump += QStringLiteral("%1  ").arg(line, offsetWidth, 16, QLatin1Char('0'));
        QString ascii;
        for (qsizetype i = line; i < line + PerLine; ++i) {
            if (i < data.size()) {
                const auto byte = static_cast<unsigned char>(data.at(i));
                dump += QStringLiteral("%1 ").arg(byte, 2, 16, QLatin1Char('0'));
                ascii += byte >= 0x20 && byte < 0x7f ? QLatin1Char(char(byte)) : QLatin1Char('.');
            } else {
                dump += QStringLiteral("   ");
            }
        }
        dump += QLatin1Char('|') + ascii + QLatin1Char('|');
    }
    return dump;
}

} // namespace PatternScope
