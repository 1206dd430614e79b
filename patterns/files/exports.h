// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "fileerror.h"
#include "textbook.h"
#include "trace.h"
#include "tracefile.h"

#include <QList>
#include <QString>
#include <functional>

class QIODevice;

namespace PatternScope {

// What part of a trace an export covers: messages sent in [from, to] (to = NoTime: to the end),
// with the activations and notes that overlap it. Participants are all kept, in trace order.
struct ExportRange {
    TimeUs from = 0;
    TimeUs to = NoTime;

    bool contains(TimeUs t) const { return t >= from && (to == NoTime || t <= to); }
};

// How an export is drawn, beside which part of the trace it covers. A format ignores what it cannot show
// (a CSV has no colours, nor detail levels: it holds every message).
struct ExportOptions {
    // Pictures: Print is a light palette made for paper, whatever the window's theme; Window is the theme the
    // window shows (dark when it is dark).
    enum class Theme { Print, Window };
    Theme theme = Theme::Print;
    // Diagrams: Wire is every message as it went over the wire; Textbook the seed's steps in its words
    // (textbook.h).
    DetailLevel detail = DetailLevel::Wire;
    // Videos (and their WebVTT captions): the trace played at `speed` (MinSpeed..MaxSpeed times real time) into
    // frames of `width` x `height` pixels, its captions burned in under the diagram, written beside it as
    // OUT.vtt, or left out.
    enum class Captions { Burn, Vtt, None };
    static constexpr double MinSpeed = 0.1;
    static constexpr double MaxSpeed = 10.0;
    double speed = 1.0;
    int width = 1280;
    int height = 720;
    Captions captions = Captions::Burn;
};

// Called now and then with work done so far (0..1); returning false cancels the export.
using ExportProgress = std::function<bool(double done)>;

// The text exports. Each writes to `out` and returns false with a code and a one-line reason in
// `error` (Io: an unwritable device, Cancelled, TooLarge: a diagram a tool will not take). Exports are
// pure functions of the trace: the same trace gives the same bytes.
namespace Export {

// Mermaid sequenceDiagram (docs: https://mermaid.js.org/syntax/sequenceDiagram.html).
bool mermaid(const Trace& trace, const ExportRange& range, QIODevice* out, FileError* error,
    const ExportProgress& progress = {}, const ExportOptions& options = {});
// Mermaid refuses to render text over this many characters.
constexpr qsizetype MermaidMaxChars = 50'000;
// Cuts `range` into consecutive time ranges, in order, whose Mermaid exports each fit in
// MermaidMaxChars and that together hold every message of `range` once. Only messages sent at
// the very same microsecond that alone exceed the limit give a piece that is still too large.
QList<ExportRange> splitForMermaid(const Trace& trace, const ExportRange& range, const ExportOptions& options = {});

// PlantUML @startuml … @enduml.
bool plantUml(const Trace& trace, const ExportRange& range, QIODevice* out, FileError* error,
    const ExportProgress& progress = {}, const ExportOptions& options = {});

// One row per message, every field, RFC 4180 quoting.
bool csv(const Trace& trace, const ExportRange& range, QIODevice* out, FileError* error,
    const ExportProgress& progress = {});

// HAR 1.2 (http://www.softwareishard.com/blog/har-12-spec/): HTTP exchanges as entries with real
// timings, WebSocket connections with _webSocketMessages, SSE streams with _eventSourceMessages.
bool har(const Trace& trace, const TraceHeader& header, const ExportRange& range, QIODevice* out, FileError* error,
    const ExportProgress& progress = {});

// WebVTT captions: the trace's narration (Narration::captions), timed on the clock of its video (from the
// start of `range`, at options.speed), one cue per caption.
bool webVtt(const Trace& trace, const TraceHeader& header, const ExportRange& range, QIODevice* out, FileError* error,
    const ExportProgress& progress = {}, const ExportOptions& options = {});

} // namespace Export

namespace Import {

// A HAR file recorded by a browser, as a trace: a "Browser" lifeline, one lifeline per host,
// request/response arrows with the entries' timings, _webSocketMessages as WebSocket arrows.
// Tolerates a UTF-8 BOM. On failure returns false and leaves `trace` untouched; `error` has Io (the
// file cannot be read), BadInput (not JSON, not a HAR) or Cancelled, and "<file>: reason" (with a
// line when the JSON parser gives an offset). Entries that cannot be used (no startedDateTime, request
// or response) are skipped, each with "<file>: log.entries[i]: reason" in `warnings` when given.
// Frames and events whose time is not near their entry's start are left out, with a warning each.
bool har(const QString& path, Trace* trace, TraceHeader* header, FileError* error, const ExportProgress& progress = {},
    QStringList* warnings = nullptr);
// The same from the file's bytes; `name` stands for the file in messages and in the header.
bool harData(QByteArray data, const QString& name, Trace* trace, TraceHeader* header, FileError* error,
    const ExportProgress& progress = {}, QStringList* warnings = nullptr);
// Whether the file is a HAR rather than a trace: named *.har, or a JSON object whose first member is
// "log" (Playwright writes its HAR on one line; a trace's first line starts with "t").
bool isHar(const QString& path);

} // namespace Import

} // namespace PatternScope
