// SPDX-License-Identifier: GPL-3.0-or-later
// PlantUML sequence diagram export, with the same arrows as the Mermaid one: -> requests and
// pushes, --> responses, ->x / -->x lost, ->> the TCP plumbing; activate/deactivate; notes; and
// "...2.1 s..." where nothing happens for more than a second.
#include "exportcommon.h"
#include "exports.h"

#include <QByteArray>
#include <QIODevice>

namespace PatternScope {

namespace {

using ExportCommon::DiagramEvent;

constexpr qsizetype kProgressEvery = 4096;
// A pause longer than this is drawn as a "...N s..." gap.
constexpr TimeUs kGapUs = 1'000'000;

void appendCode(QString& out, char16_t c)
{
    out += QLatin1String("&#") % QString::number(int(c)) % u';';
}

// Creole markup pairs (**bold**, //italic//, --strike--, __underline__, ~~wave~~, ""mono"",
// [[link]], ^^…^^) and line-start markers (= heading, * bullet, # list, | table).
bool isPairMarker(char16_t c)
{
    return c == u'*' || c == u'/' || c == u'-' || c == u'_' || c == u'[' || c == u'^' || c == u'=';
}

bool isLineStartMarker(char16_t c)
{
    return c == u'=' || c == u'*' || c == u'#' || c == u'|';
}

// PlantUML reads "\n" as a line break and "\\" as a backslash, expands %functions() anywhere,
// takes <tags>, &entities; and creole markup. Numeric codes &#N; are decoded once and safe,
// except for '\' and '$', which crash PlantUML 1.2020 when written as codes.
QString escaped(QStringView text)
{
    QString out;
    out.reserve(text.size() + 8);
    const qsizetype size = text.size();
    bool lineStart = true;
    for (qsizetype i = 0; i < size; ++i) {
        const char16_t c = text[i].unicode();
        const char16_t next = i + 1 < size ? text[i + 1].unicode() : u'\0';
        const bool atLineStart = lineStart;
        lineStart = false;
        switch (c) {
        case u'\\':
            out += QLatin1String("\\\\");
            break;
        case u'\r':
            if (next != u'\n') {
                out += QLatin1String("\\n");
                lineStart = true;
            }
            break;
        case u'\n':
            out += QLatin1String("\\n");
            lineStart = true;
            break;
        case u'<':
        case u'>':
        case u'&':
        case u'%':
        case u'"':
        case u'~':
            appendCode(out, c);
            break;
        default:
            if (c < 0x20 || c == 0x7f)
                out += u' ';
            else if ((atLineStart && isLineStartMarker(c)) || (isPairMarker(c) && next == c))
                appendCode(out, c);
            else
                out += QChar(c);
        }
    }
    return out.trimmed();
}

QString seconds(TimeUs us)
{
    return QString::number(double(us) / 1e6, 'f', 1) + QLatin1String(" s");
}

class PlantUmlWriter {
public:
    explicit PlantUmlWriter(const Trace& trace)
        : m_trace(trace)
        , m_order(ExportCommon::lifelineOrder(trace))
    {
    }

    QString header() const
    {
        QString out
            = QStringLiteral("@startuml\n"
                             "' -> request or push, --> response, ->x or -->x lost, ->> TCP connect or close\n");
        for (int id : m_order) {
            QString name = escaped(ExportCommon::participantName(m_trace, id));
            if (name.isEmpty())
                name = QStringLiteral("participant %1").arg(id);
            out += QLatin1String("participant \"") % name % QLatin1String("\" as ") % alias(id) % u'\n';
        }
        return out;
    }

    static QString footer() { return QStringLiteral("@enduml\n"); }

    void append(QString& out, const DiagramEvent& event, TimeUs previous) const
    {
        switch (event.type) {
        case DiagramEvent::Type::ActivationStart:
            out += QLatin1String("activate ") % alias(activation(event).participant) % u'\n';
            break;
        case DiagramEvent::Type::ActivationEnd:
            out += QLatin1String("deactivate ") % alias(activation(event).participant) % u'\n';
            break;
        case DiagramEvent::Type::Note:
            appendNote(out, m_trace.notes()[size_t(event.index)]);
            break;
        case DiagramEvent::Type::Message:
            // PlantUML refuses an activate or deactivate right after a "..." gap, so gaps go
            // only before arrows.
            if (previous != NoTime && event.at - previous > kGapUs)
                out += QLatin1String("...") % seconds(event.at - previous) % QLatin1String("...\n");
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
            out += QLatin1String("note right of ") % alias(note.participant) % QLatin1String(" : ") % text % u'\n';
        } else if (!m_order.empty()) {
            QString over = alias(m_order.front());
            if (m_order.size() > 1)
                over += QLatin1String(", ") + alias(m_order.back());
            out += QLatin1String("note over ") % over % QLatin1String(" : ") % text % u'\n';
        }
    }

    void appendMessage(QString& out, const Message& message) const
    {
        const bool response = message.kind == Message::Kind::HttpResponse || message.kind == Message::Kind::WsPong;
        const bool plumbing = message.kind == Message::Kind::Connect || message.kind == Message::Kind::Close;
        QLatin1String arrow;
        if (message.state == Message::State::Lost)
            arrow = response ? QLatin1String("-->x") : QLatin1String("->x");
        else if (response)
            arrow = QLatin1String("-->");
        else
            arrow = plumbing ? QLatin1String("->>") : QLatin1String("->");
        QString text = escaped(message.label);
        if (text.isEmpty())
            text = kindName(message.kind);
        if (message.state == Message::State::InFlight)
            text += QLatin1String(" (in flight)");
        out += alias(message.from) % u' ' % arrow % u' ' % alias(message.to) % QLatin1String(" : ") % text % u'\n';
    }

    const Trace& m_trace;
    std::vector<int> m_order;
};

} // namespace

bool Export::plantUml(
    const Trace& trace, const ExportRange& range, QIODevice* out, QString* error, const ExportProgress& progress)
{
    const PlantUmlWriter writer(trace);
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
    text += PlantUmlWriter::footer();
    if (!ExportCommon::writeAll(out, text.toUtf8(), error))
        return false;
    return ExportCommon::reportProgress(progress, total, total, error);
}

} // namespace PatternScope
