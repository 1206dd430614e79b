// SPDX-License-Identifier: GPL-3.0-or-later
// Mermaid sequenceDiagram export. Arrows: ->> requests and pushes, -->> responses, -x / --x lost,
// -) the TCP plumbing (connect, close). Busy stretches become activate/deactivate lines.
#include "exports.h"
#include "textdiagram.h"

namespace PatternScope {

namespace {

const DiagramSyntax& syntax()
{
    static const DiagramSyntax mermaid {
        "Mermaid"_l1,
        "sequenceDiagram\n"
        "    %% ->> request or push, -->> response, -x or --x lost, -) TCP connect or close\n"_l1,
        {}, // footer
        "    "_l1, // indent
        "participant %1 as %2"_l1,
        "activate "_l1,
        "deactivate "_l1,
        "Note right of "_l1,
        "Note over "_l1,
        ","_l1, // between the lifelines of a note over them
        {}, // arrow padding
        ": "_l1, // text separator
        { "->>"_l1, "-->>"_l1, "-)"_l1, "-x"_l1, "--x"_l1 }, // request, response, plumbing, lost, lost response
        // Mermaid ends a text at '#', ';' and the line end, reads '#name;' as a character code, and hands
        // the text to HTML. '%%{' would start a directive and '$$' KaTeX anywhere in the file, so the
        // first of such a pair is written as a code too. A leading "wrap:" would turn on wrapping.
        {
            "<br>"_l1,
            { { u'#', "#35;"_l1 }, { u';', "#59;"_l1 }, { u'<', "#lt;"_l1 }, { u'>', "#gt;"_l1 },
                { u'&', "#amp;"_l1 } },
            { { u'%', "#37;"_l1 }, { u'$', "#36;"_l1 } },
            {},
            { "wrap:"_l1, "nowrap:"_l1 },
            "#58;"_l1,
        },
        0, // no gap lines
        {},
        Export::MermaidMaxChars,
    };
    return mermaid;
}

} // namespace

namespace Export {

bool mermaid(const Trace& trace, const ExportRange& range, QIODevice* out, FileError* error,
    const ExportProgress& progress, const ExportOptions& options)
{
    return TextDiagram::write(syntax(), trace, range, out, error, progress, options.detail);
}

QList<ExportRange> splitForMermaid(const Trace& trace, const ExportRange& range, const ExportOptions& options)
{
    return TextDiagram::split(syntax(), trace, range, options.detail);
}

} // namespace Export

} // namespace PatternScope
