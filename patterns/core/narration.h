// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "message.h"
#include "trace.h"

#include <QList>
#include <QString>
#include <functional>

namespace PatternScope {

// One line of narration: what is happening from `at` on, in plain words, until the next caption.
// A trace of a million messages has about one and a half million: a caption is kept to 24 bytes.
struct Caption {
    TimeUs at = 0; // when it starts to apply (trace time)
    // Plain words, one line: "The client asks for news newer than item 6". A Text, not a QString: a trace of a
    // million messages has about as many captions, and captions that say the same share one copy. Empty for a
    // plain request's caption in a compact list (Narration::Texts): Narration::text() tells it.
    Text text;
    qint64 message = -1; // the message it is about, if any (seq)

    friend bool operator==(const Caption& a, const Caption& b)
    {
        return a.at == b.at && a.text == b.text && a.message == b.message;
    }
};
static_assert(sizeof(Caption) == 24, "a trace keeps captions by the million");

// Captions are data made from the trace's structured fields (kinds, MessageFields, items, notes about
// produced items, activations, connections), so the window, a video and a WebVTT file tell the same
// story. Nothing is read back from display labels.
namespace Narration {

// Which texts captions() keeps. Whole: every caption's. Compact: not those of plain requests, which tell only
// their own message and differ for each ("Client 2 asks for news newer than item 1665", "The client sends
// GET /work/7 and waits for the answer"); such a caption has no text and text() tells it when asked. A window
// keeps a trace's captions compact: for a million messages, half a million texts (26 MB) fewer.
enum class Texts { Whole, Compact };

// Every caption of a trace, sorted by `at`; a pure function of the trace. `patternId` ("long-polling")
// may be passed; the wording never depends on it for what the trace itself shows. `going`, when given, is
// asked every few thousand messages whether to go on: once it says no, nothing more is made and the
// list is empty (a million messages take seconds).
QList<Caption> captions(const Trace& trace, const QString& patternId = {}, const std::function<bool()>& going = {},
    Texts texts = Texts::Whole);

// What `caption`, one of `trace`'s, says: its text, or for a caption kept compact, the words made now (the same
// as those of its Whole form).
QString text(const Trace& trace, const Caption& caption);

// The caption in force at `t` (index into the list, -1 before the first).
int captionAt(const QList<Caption>& captions, TimeUs t);

// A duration as a caption says it, two significant digits: "800 ms", "1.2 s", "12 s".
QString duration(TimeUs us);

} // namespace Narration

} // namespace PatternScope
