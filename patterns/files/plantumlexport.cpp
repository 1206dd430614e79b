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

const DiagramSyntax& syntax()
{
    static const DiagramSyntax plantUml {
        "PlantUML"_l1,
        "@startuml\n"
        "' -> request or push, --> response, ->x or -->x lost, ->> TCP connect or close\n"_l1,
        "@enduml\n"_l1, {}, // indent
        "participant \"%2\" as %1"_l1, "activate "_l1, "deactivate "_l1, "note right of "_l1, "note over "_l1,
        ", "_l1, // between the lifelines of a note over them
        " "_l1, // arrow padding
        " : "_l1, // text separator
        { "->"_l1, "-->"_l1, "->>"_l1, "->x"_l1, "-->x"_l1 }, // request, response, plumbing, lost, lost response
        // PlantUML reads "\n" as a line break and "\\" as a backslash, expands %functions() anywhere,
        // takes <tags>, &entities; and creole markup: pairs (**bold**, //italic//, --strike--,
        // __underline__, ~~wave~~, ""mono"", [[link]], ^^…^^) and line-start markers (= heading,
        // * bullet, # list, | table). Numeric codes &#N; are decoded once and safe, except for '\' and
        // '$', which crash PlantUML 1.2020 when written as codes.
        {
            "\\n"_l1,
            { { u'\\', "\\\\"_l1 }, { u'<', "&#60;"_l1 }, { u'>', "&#62;"_l1 }, { u'&', "&#38;"_l1 },
                { u'%', "&#37;"_l1 }, { u'"', "&#34;"_l1 }, { u'~', "&#126;"_l1 } },
            { { u'*', "&#42;"_l1 }, { u'/', "&#47;"_l1 }, { u'-', "&#45;"_l1 }, { u'_', "&#95;"_l1 },
                { u'[', "&#91;"_l1 }, { u'^', "&#94;"_l1 }, { u'=', "&#61;"_l1 } },
            { { u'=', "&#61;"_l1 }, { u'*', "&#42;"_l1 }, { u'#', "&#35;"_l1 }, { u'|', "&#124;"_l1 } },
            {},
            {},
        },
        kGapUs, "..."_l1,
        0, // no size limit
    };
    return plantUml;
}

} // namespace

bool Export::plantUml(const Trace& trace, const ExportRange& range, QIODevice* out, FileError* error,
    const ExportProgress& progress, const ExportOptions& options)
{
    return TextDiagram::write(syntax(), trace, range, out, error, progress, options.detail);
}

} // namespace PatternScope
