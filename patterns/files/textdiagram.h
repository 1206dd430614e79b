// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "exports.h"

#include <QLatin1String>
#include <QList>
#include <QString>
#include <vector>

class QIODevice;

namespace PatternScope {

// The syntax tables are made of these: "->>"_l1.
constexpr QLatin1String operator""_l1(const char* text, size_t size)
{
    return QLatin1String(text, qsizetype(size));
}

// How a diagram language writes a name or label that it must show literally, on one line: a table
// of the characters it would read as markup and what stands for them there. Other characters stay,
// control characters become spaces, and the text is trimmed.
struct DiagramEscapes {
    struct Escape {
        char16_t c;
        QLatin1String as;
    };

    QLatin1String lineBreak; // for "\n", "\r\n" and a lone "\r"
    std::vector<Escape> always; // wherever they stand
    std::vector<Escape> doubled; // when the next character is the same
    std::vector<Escape> atLineStart; // first on a line
    // Words the text must not begin with, in any case: their last character is written as `wordEnd`.
    std::vector<QLatin1String> leadingWords;
    QLatin1String wordEnd;
};

// How one text sequence-diagram language spells what a diagram shows. Mermaid and PlantUML draw the
// same things (lifelines, arrows, activations, notes) in different words, so a language is this
// table; TextDiagram walks the trace the same way for all of them.
struct DiagramSyntax {
    // The arrows, chosen by the message: requests and pushes, answers (HTTP responses, pongs), the TCP
    // plumbing (connect, close), and lost messages (answers get their own lost arrow).
    struct Arrows {
        QLatin1String request;
        QLatin1String response;
        QLatin1String plumbing;
        QLatin1String lost;
        QLatin1String lostResponse;
    };

    QLatin1String name; // the language, in messages: "Mermaid"
    QLatin1String header; // the opening lines, before the participants
    QLatin1String footer; // the closing lines
    QLatin1String indent; // before every line between header and footer
    QLatin1String participant; // one participant: %1 its alias, %2 its escaped name
    QLatin1String activate; // followed by the alias
    QLatin1String deactivate;
    QLatin1String noteRightOf; // followed by the alias
    QLatin1String noteOver; // followed by the first and last lifelines' aliases ...
    QLatin1String noteOverJoin; // ... with this between them
    QLatin1String arrowPadding; // on both sides of an arrow
    QLatin1String textSeparator; // between an arrow or a note and its text
    Arrows arrows;
    DiagramEscapes escapes;
    // A pause longer than this is a gap line before the next arrow, "<gapMark>2.1 s<gapMark>"; 0: no gaps.
    TimeUs gapOver = 0;
    QLatin1String gapMark;
    // The longest text the language's tools render, in characters; 0: no limit.
    qsizetype maxChars = 0;
};

namespace TextDiagram {

// `text` as the language shows it literally, on one line; empty when nothing is left.
QString escaped(const DiagramEscapes& escapes, QStringView text);

// The sequence diagram of `range` in `syntax`, written whole to `out` or not at all. False with
// Cancelled, Io (an unwritable device) or TooLarge (a text over syntax.maxChars) in `error`.
// Textbook `detail`: the messages Textbook::shown lets through, in its words, and each activation's
// Textbook::activationLabel as a note beside it.
bool write(const DiagramSyntax& syntax, const Trace& trace, const ExportRange& range, QIODevice* out, FileError* error,
    const ExportProgress& progress, DetailLevel detail = DetailLevel::Wire);

// Cuts `range` into consecutive time ranges whose diagrams each fit in syntax.maxChars (see
// Export::splitForMermaid). Gap lines are not counted: only languages without them have a limit.
QList<ExportRange> split(
    const DiagramSyntax& syntax, const Trace& trace, const ExportRange& range, DetailLevel detail = DetailLevel::Wire);

} // namespace TextDiagram

} // namespace PatternScope
