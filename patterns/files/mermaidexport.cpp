// SPDX-License-Identifier: GPL-3.0-or-later
// Mermaid sequenceDiagram export. Arrows: ->> requests and pushes, -->> responses, -x / --x lost,
// -) the TCP plumbing (connect, close). Busy stretches become activate/deactivate lines.
#include "exportcommon.h"
#include "exports.h"

#include <QByteArray>
#include <QHash>
#include <QIODevice>
#include <utility>

namespace PatternScope {

namespace {

using ExportCommon::DiagramEvent;

constexpr qsizetype kProgressEvery = 4096;

// Mermaid ends a text at '#', ';' and the line end, reads '#name;' as a character code, and hands
// the text to HTML. '%%{' would start a directive and '$$' KaTeX anywhere in the file, so the
// first of such a pair is written as a code too. A leading "wrap:" would turn on wrapping.
QString escaped(QStringView text)
{
    QString out;
    out.reserve(text.size() + 8);
    const qsizetype size = text.size();
    for (qsizetype i = 0; i < size; ++i) {
        const char16_t c = text[i].unicode();
        const char16_t next = i + 1 < size ? text[i + 1].unicode() : u'\0';
        switch (c) {
        case u'#':
            out += QLatin1String("#35;");
            break;
        case u';':
            out += QLatin1String("#59;");
            break;
        case u'<':
            out += QLatin1String("#lt;");
            break;
        case u'>':
            out += QLatin1String("#gt;");
            break;
        case u'&':
            out += QLatin1String("#amp;");
            break;
        case u'%':
        case u'$':
            if (next == c)
                out += c == u'%' ? QLatin1String("#37;") : QLatin1String("#36;");
            else
                out += QChar(c);
            break;
        case u'\r':
            if (next != u'\n')
                out += QLatin1String("<br>");
            break;
        case u'\n':
            out += QLatin1String("<br>");
            break;
        default:
            out += c < 0x20 || c == 0x7f ? QChar(u' ') : QChar(c);
        }
    }
    out = out.trimmed();
    for (const QLatin1String prefix : { QLatin1String("wrap:"), QLatin1String("nowrap:") }) {
        if (out.startsWith(prefix, Qt::CaseInsensitive))
            out.replace(prefix.size() - 1, 1, QStringLiteral("#58;"));
    }
    return out;
}

class MermaidWriter {
public:
    explicit MermaidWriter(const Trace& trace)
        : m_trace(trace)
        , m_order(ExportCommon::lifelineOrder(trace))
    {
    }

    QString header() const
    {
        QString out
            = QStringLiteral("sequenceDiagram\n"
                             "    %% ->> request or push, -->> response, -x or --x lost, -) TCP connect or close\n");
        for (int id : m_order) {
            QString name = escaped(ExportCommon::participantName(m_trace, id));
            if (name.isEmpty())
                name = QStringLiteral("participant %1").arg(id);
            out += QLatin1String("    participant ") % alias(id) % QLatin1String(" as ") % name % u'\n';
        }
        return out;
    }

    void append(QString& out, const DiagramEvent& event) const
    {
        switch (event.type) {
        case DiagramEvent::Type::ActivationStart:
            out += QLatin1String("    activate ") % alias(activation(event).participant) % u'\n';
            break;
        case DiagramEvent::Type::ActivationEnd:
            out += QLatin1String("    deactivate ") % alias(activation(event).participant) % u'\n';
            break;
        case DiagramEvent::Type::Note:
            appendNote(out, m_trace.notes()[size_t(event.index)]);
            break;
        case DiagramEvent::Type::Message:
            appendMessage(out, m_trace.message(event.index));
            break;
        }
    }

private:
    static QString alias(int id) { return u'P' + QString::number(id); }

    const Activation& activation(const DiagramEvent& event) const { return m_trace.activations()[size_t(event.index)]; }

    void appendNote(QString& out, const Note& note) const
    {
        QString text = escaped(note.text);
        if (text.isEmpty())
            text = QStringLiteral("(empty note)");
        if (note.participant >= 0) {
            out += QLatin1String("    Note right of ") % alias(note.participant) % QLatin1String(": ") % text % u'\n';
        } else if (!m_order.empty()) {
            QString over = alias(m_order.front());
            if (m_order.size() > 1)
                over += u',' + alias(m_order.back());
            out += QLatin1String("    Note over ") % over % QLatin1String(": ") % text % u'\n';
        }
    }

    void appendMessage(QString& out, const Message& message) const
    {
        const bool response = message.kind == Message::Kind::HttpResponse || message.kind == Message::Kind::WsPong;
        const bool plumbing = message.kind == Message::Kind::Connect || message.kind == Message::Kind::Close;
        QLatin1String arrow;
        if (message.state == Message::State::Lost)
            arrow = response ? QLatin1String("--x") : QLatin1String("-x");
        else if (response)
            arrow = QLatin1String("-->>");
        else
            arrow = plumbing ? QLatin1String("-)") : QLatin1String("->>");
        QString text = escaped(message.label);
        if (text.isEmpty())
            text = kindName(message.kind);
        if (message.state == Message::State::InFlight)
            text += QLatin1String(" (in flight)");
        out += QLatin1String("    ") % alias(message.from) % arrow % alias(message.to) % QLatin1String(": ") % text
            % u'\n';
    }

    const Trace& m_trace;
    std::vector<int> m_order;
};

} // namespace

namespace Export {

bool mermaid(
    const Trace& trace, const ExportRange& range, QIODevice* out, QString* error, const ExportProgress& progress)
{
    const MermaidWriter writer(trace);
    const std::vector<DiagramEvent> events = ExportCommon::diagramEvents(trace, range);
    QString text = writer.header();
    text.reserve(text.size() + qsizetype(events.size()) * 40);
    const qsizetype total = qsizetype(events.size());
    for (qsizetype i = 0; i < total; ++i) {
        if (i % kProgressEvery == 0 && !ExportCommon::reportProgress(progress, i, total, error))
            return false;
        writer.append(text, events[size_t(i)]);
    }
    if (text.size() > MermaidMaxChars) {
        if (error)
            *error = QStringLiteral("the Mermaid diagram would be %1 characters, more than the %2 Mermaid renders: "
                                    "export a shorter time range, or split it into pieces")
                         .arg(text.size())
                         .arg(MermaidMaxChars);
        return false;
    }
    if (!ExportCommon::writeAll(out, text.toUtf8(), error))
        return false;
    return ExportCommon::reportProgress(progress, total, total, error);
}

QList<ExportRange> splitForMermaid(const Trace& trace, const ExportRange& range)
{
    // Walks the events in time order adding up their lines, and cuts between two instants before
    // the next one would overflow. A piece repeats the activate lines of the activations still
    // going where it starts, so they count towards it.
    const MermaidWriter writer(trace);
    const std::vector<DiagramEvent> events = ExportCommon::diagramEvents(trace, range);
    const qsizetype headerSize = writer.header().size();
    QList<ExportRange> pieces;
    ExportRange piece = range;
    qsizetype used = headerSize;
    QHash<qint64, qsizetype> open; // activation id -> size of its activate line
    QString line;
    size_t i = 0;
    TimeUs lastAt = NoTime;
    while (i < events.size()) {
        const TimeUs at = events[i].at;
        qsizetype cost = 0;
        size_t end = i;
        for (; end < events.size() && events[end].at == at; ++end) {
            line.clear();
            writer.append(line, events[end]);
            cost += line.size();
        }
        if (lastAt != NoTime && lastAt >= piece.from && used + cost > MermaidMaxChars) {
            piece.to = lastAt;
            pieces.append(piece);
            piece.from = lastAt + 1;
            piece.to = range.to;
            used = headerSize;
            for (qsizetype size : std::as_const(open))
                used += size;
        }
        for (; i < end; ++i) {
            const DiagramEvent& event = events[i];
            if (event.type == DiagramEvent::Type::ActivationStart) {
                line.clear();
                writer.append(line, event);
                open.insert(event.index, line.size());
            } else if (event.type == DiagramEvent::Type::ActivationEnd) {
                open.remove(event.index);
            }
        }
        used += cost;
        lastAt = at;
    }
    pieces.append(piece);
    return pieces;
}

} // namespace Export

} // namespace PatternScope
