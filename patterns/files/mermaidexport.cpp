// SPDX-License-Identifier: GPL-3.0-or-later
// Mermaid sequenceDiagram export. Arrows: ->> requests and pushes, -->> responses, -x / --x lost,
// -) the TCP plumbing (connect, close). Busy stretches become activate/deactivate lines.
#include "exports.h"
#include "textdiagram.h"

namespace PatternScope {

namespace {

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

const DiagramSyntax& syntax()
{
    static const DiagramSyntax mermaid = [] {
        DiagramSyntax s;
        s.name = QLatin1String("Mermaid");
        s.header
            = QLatin1String("sequenceDiagram\n"
                            "    %% ->> request or push, -->> response, -x or --x lost, -) TCP connect or close\n");
        s.indent = QLatin1String("    ");
        s.participant = QLatin1String("participant %1 as %2");
        s.activate = QLatin1String("activate ");
        s.deactivate = QLatin1String("deactivate ");
        s.noteRightOf = QLatin1String("Note right of ");
        s.noteOver = QLatin1String("Note over ");
        s.noteOverJoin = QLatin1String(",");
        s.textSeparator = QLatin1String(": ");
        s.arrows.request = QLatin1String("->>");
        s.arrows.response = QLatin1String("-->>");
        s.arrows.plumbing = QLatin1String("-)");
        s.arrows.lost = QLatin1String("-x");
        s.arrows.lostResponse = QLatin1String("--x");
        s.escape = &escaped;
        s.maxChars = Export::MermaidMaxChars;
        return s;
    }();
    return mermaid;
}

} // namespace

namespace Export {

bool mermaid(
    const Trace& trace, const ExportRange& range, QIODevice* out, FileError* error, const ExportProgress& progress)
{
    return TextDiagram::write(syntax(), trace, range, out, error, progress);
}

QList<ExportRange> splitForMermaid(const Trace& trace, const ExportRange& range)
{
    return TextDiagram::split(syntax(), trace, range);
}

} // namespace Export

} // namespace PatternScope
