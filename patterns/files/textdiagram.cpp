// SPDX-License-Identifier: GPL-3.0-or-later
// The one walk over a trace that every text sequence diagram shares: participants in lifeline order,
// then activations, notes and arrows in time order, each spelled by the language's DiagramSyntax.
#include "textdiagram.h"

#include "exportcommon.h"

#include <QByteArray>
#include <QHash>
#include <QIODevice>
#include <algorithm>
#include <utility>

namespace PatternScope {

namespace {

using ExportCommon::DiagramEvent;

constexpr qsizetype kProgressEvery = 4096;

QString seconds(TimeUs us)
{
    return QString::number(double(us) / 1e6, 'f', 1) + QLatin1String(" s");
}

class Writer {
public:
    Writer(const DiagramSyntax& syntax, const Trace& trace, DetailLevel detail)
        : m_syntax(syntax)
        , m_trace(trace)
        , m_order(ExportCommon::lifelineOrder(trace))
        , m_textbook(detail == DetailLevel::Textbook)
    {
    }

    // The opening lines and one line per participant.
    QString header() const
    {
        QString out = m_syntax.header;
        for (int id : m_order) {
            QString name = TextDiagram::escaped(m_syntax.escapes, ExportCommon::participantName(m_trace, id));
            if (name.isEmpty())
                name = QStringLiteral("participant %1").arg(id);
            // One pass over the template: a name holding "%1" stays as it is.
            out += m_syntax.indent % QString(m_syntax.participant).arg(alias(id), name) % u'\n';
        }
        return out;
    }

    // The lines of one event; `previous` is when the event before it happened (NoTime: none).
    void append(QString& out, const DiagramEvent& event, TimeUs previous) const
    {
        switch (event.type) {
        case DiagramEvent::Type::ActivationStart:
            out += m_syntax.indent % m_syntax.activate % alias(activation(event).participant) % u'\n';
            if (m_textbook) {
                // What the seed writes beside the bar: "Note right of Server: Wait until data is ready".
                out += m_syntax.indent % m_syntax.noteRightOf % alias(activation(event).participant)
                    % m_syntax.textSeparator
                    % TextDiagram::escaped(m_syntax.escapes, Textbook::activationLabel(activation(event))) % u'\n';
            }
            break;
        case DiagramEvent::Type::ActivationEnd:
            out += m_syntax.indent % m_syntax.deactivate % alias(activation(event).participant) % u'\n';
            break;
        case DiagramEvent::Type::Note:
            appendNote(out, m_trace.notes()[size_t(event.index)]);
            break;
        case DiagramEvent::Type::Message:
            if (m_textbook && !Textbook::shown(m_trace.message(event.index)))
                break;
            // PlantUML refuses an activate or deactivate right after a "..." gap, so gaps go only
            // before arrows.
            if (m_syntax.gapOver > 0 && previous != NoTime && event.at - previous > m_syntax.gapOver)
                out += m_syntax.indent % m_syntax.gapMark % seconds(event.at - previous) % m_syntax.gapMark % u'\n';
            appendMessage(out, m_trace.message(event.index));
            break;
        }
    }

private:
    static QString alias(int id) { return u'P' + QString::number(id); }

    const Activation& activation(const DiagramEvent& event) const { return m_trace.activations()[size_t(event.index)]; }

    void appendNote(QString& out, const Note& note) const
    {
        QString text = TextDiagram::escaped(m_syntax.escapes, m_textbook ? Textbook::noteText(note) : note.text);
        if (text.isEmpty())
            text = QStringLiteral("(empty note)");
        if (note.participant >= 0) {
            out += m_syntax.indent % m_syntax.noteRightOf % alias(note.participant) % m_syntax.textSeparator % text
                % u'\n';
        } else if (!m_order.empty()) {
            // A note about no one in particular spans every lifeline.
            QString over = alias(m_order.front());
            if (m_order.size() > 1)
                over += m_syntax.noteOverJoin + alias(m_order.back());
            out += m_syntax.indent % m_syntax.noteOver % over % m_syntax.textSeparator % text % u'\n';
        }
    }

    QLatin1String arrow(const Message& message) const
    {
        const bool response = isAnswer(message.kind);
        const bool plumbing = isPlumbing(message.kind);
        const DiagramSyntax::Arrows& arrows = m_syntax.arrows;
        if (message.state == Message::State::Lost)
            return response ? arrows.lostResponse : arrows.lost;
        if (response)
            return arrows.response;
        return plumbing ? arrows.plumbing : arrows.request;
    }

    void appendMessage(QString& out, const Message& message) const
    {
        QString text = TextDiagram::escaped(m_syntax.escapes, m_textbook ? Textbook::label(message) : message.label.toString());
        if (text.isEmpty())
            text = kindName(message.kind);
        if (message.state == Message::State::InFlight)
            text += QLatin1String(" (in flight)");
        out += m_syntax.indent % alias(message.from) % m_syntax.arrowPadding % arrow(message) % m_syntax.arrowPadding
            % alias(message.to) % m_syntax.textSeparator % text % u'\n';
    }

    const DiagramSyntax& m_syntax;
    const Trace& m_trace;
    std::vector<int> m_order;
    bool m_textbook = false;
};

} // namespace

namespace TextDiagram {

QString escaped(const DiagramEscapes& escapes, QStringView text)
{
    const auto find = [](const std::vector<DiagramEscapes::Escape>& table, char16_t c) {
        const auto it = std::find_if(
            table.cbegin(), table.cend(), [c](const DiagramEscapes::Escape& escape) { return escape.c == c; });
        return it == table.cend() ? nullptr : &*it;
    };
    QString out;
    out.reserve(text.size() + 8);
    const qsizetype size = text.size();
    bool lineStart = true;
    for (qsizetype i = 0; i < size; ++i) {
        const char16_t c = text[i].unicode();
        const char16_t next = i + 1 < size ? text[i + 1].unicode() : u'\0';
        const bool atLineStart = lineStart;
        lineStart = c == u'\n' || (c == u'\r' && next != u'\n');
        if (c == u'\r' && next == u'\n')
            continue; // the '\n' breaks the line
        if (lineStart) {
            out += escapes.lineBreak;
        } else if (const auto* escape = find(escapes.always, c)) {
            out += escape->as;
        } else if (const auto* pair = next == c ? find(escapes.doubled, c) : nullptr) {
            out += pair->as;
        } else if (const auto* marker = atLineStart ? find(escapes.atLineStart, c) : nullptr) {
            out += marker->as;
        } else {
            out += c < 0x20 || c == 0x7f ? QChar(u' ') : QChar(c);
        }
    }
    out = out.trimmed();
    for (const QLatin1String word : escapes.leadingWords) {
        if (out.startsWith(word, Qt::CaseInsensitive))
            out.replace(word.size() - 1, 1, escapes.wordEnd);
    }
    return out;
}

bool write(const DiagramSyntax& syntax, const Trace& trace, const ExportRange& range, QIODevice* out, FileError* error,
    const ExportProgress& progress, DetailLevel detail)
{
    const Writer writer(syntax, trace, detail);
    const std::vector<DiagramEvent> events = ExportCommon::diagramEvents(trace, range);
    QString text = writer.header();
    text.reserve(text.size() + qsizetype(events.size()) * 40);
    const qsizetype total = qsizetype(events.size());
    TimeUs previous = NoTime;
    for (qsizetype i = 0; i < total; ++i) {
        if (i % kProgressEvery == 0 && !ExportCommon::reportProgress(progress, i, total, error))
            return false;
        const DiagramEvent& event = events[size_t(i)];
        writer.append(text, event, previous);
        previous = event.at;
    }
    text += syntax.footer;
    if (syntax.maxChars > 0 && text.size() > syntax.maxChars) {
        return FileError::fail(error, FileError::Code::TooLarge,
            QStringLiteral("the %1 diagram would be %2 characters, more than the %3 %1 renders: "
                           "export a shorter time range, or split it into pieces")
                .arg(syntax.name)
                .arg(text.size())
                .arg(syntax.maxChars));
    }
    if (!ExportCommon::writeAll(out, text.toUtf8(), error))
        return false;
    return ExportCommon::reportProgress(progress, total, total, error);
}

QList<ExportRange> split(const DiagramSyntax& syntax, const Trace& trace, const ExportRange& range, DetailLevel detail)
{
    // Walks the events in time order adding up their lines, and cuts between two instants before
    // the next one would overflow. A piece repeats the activate lines of the activations still
    // going where it starts, so they count towards it.
    const Writer writer(syntax, trace, detail);
    const std::vector<DiagramEvent> events = ExportCommon::diagramEvents(trace, range);
    const qsizetype fixedSize = writer.header().size() + syntax.footer.size();
    QList<ExportRange> pieces;
    ExportRange piece = range;
    qsizetype used = fixedSize;
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
            writer.append(line, events[end], NoTime);
            cost += line.size();
        }
        if (lastAt != NoTime && lastAt >= piece.from && used + cost > syntax.maxChars) {
            piece.to = lastAt;
            pieces.append(piece);
            piece.from = lastAt + 1;
            piece.to = range.to;
            used = fixedSize;
            for (qsizetype size : std::as_const(open))
                used += size;
        }
        for (; i < end; ++i) {
            const DiagramEvent& event = events[i];
            if (event.type == DiagramEvent::Type::ActivationStart) {
                line.clear();
                writer.append(line, event, NoTime);
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

} // namespace TextDiagram

} // namespace PatternScope
