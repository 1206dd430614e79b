// SPDX-License-Identifier: GPL-3.0-or-later
// PlantUML sequence diagram export, with the same arrows as the Mermaid one: -> requests and
// pushes, --> responses, ->x / -->x lost, ->> the TCP plumbing; activate/deactivate; notes; and
// "...2.1 s..." where nothing happens for more than a second.
#include "exports.h"
#include "textdiagram.h"

namespace PatternScope {

namespace {

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

const DiagramSyntax& syntax()
{
    static const DiagramSyntax plantUml = [] {
        DiagramSyntax s;
        s.name = QLatin1String("PlantUML");
        s.header = QLatin1String("@startuml\n"
                                 "' -> request or push, --> response, ->x or -->x lost, ->> TCP connect or close\n");
        s.footer = QLatin1String("@enduml\n");
        s.participant = QLatin1String("participant \"%2\" as %1");
        s.activate = QLatin1String("activate ");
        s.deactivate = QLatin1String("deactivate ");
        s.noteRightOf = QLatin1String("note right of ");
        s.noteOver = QLatin1String("note over ");
        s.noteOverJoin = QLatin1String(", ");
        s.arrowPadding = QLatin1String(" ");
        s.textSeparator = QLatin1String(" : ");
        s.arrows.request = QLatin1String("->");
        s.arrows.response = QLatin1String("-->");
        s.arrows.plumbing = QLatin1String("->>");
        s.arrows.lost = QLatin1String("->x");
        s.arrows.lostResponse = QLatin1String("-->x");
        s.escape = &escaped;
        s.gapOver = kGapUs;
        s.gapMark = QLatin1String("...");
        return s;
    }();
    return plantUml;
}

} // namespace

bool Export::plantUml(
    const Trace& trace, const ExportRange& range, QIODevice* out, FileError* error, const ExportProgress& progress)
{
    return TextDiagram::write(syntax(), trace, range, out, error, progress);
}

} // namespace PatternScope
