// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>
#include <QStringList>

// The one label a bundle of arrows carries, made so that every member's own label can still be found in
// it. Grammar (what a reader, or a checker of an exported SVG, can rely on):
//
//   label   := part (" + " part)* [" + " N " more"] [" (" names ")"]
//   part    := [N " × "] pattern                       N messages said this
//   pattern := token (" " token)*                      the members' labels, token by token (split at spaces):
//     token := literal                                 the same in every member
//            | prefix MIN "–" MAX suffix               one number that varies, whole or decimal: "id 540–562",
//                                                      "#3–14", "since=0–3", "37.19–39.68"
//            | alt ("/" alt)*                          two or three different words: "prices/news"
//            | "…"                                     anything else, one or more tokens
//   names   := the lifelines at the varying end when the bundle joins several senders or receivers,
//              in the same pattern form: "Client 1–3", "Subscriber A/C"
//
// So "23 × event: message · id 540–562" names "event: message · id 545", and
// "3 × GET /updates?since=0 (Client 1–3)" names the three polls of Client 1, 2 and 3.
namespace PatternScope::BundleText {

// The members' labels as one pattern (see above); the label itself when they are all the same.
QString pattern(const QStringList& texts);
// "23 × event: message · id 540–562"; "5 × 204 No Content · empty + 2 × 200 OK · 1–3 items" when they say
// different kinds of things; the text alone for a single one.
QString summary(const QStringList& texts);
// The text with each run of digits masked: two texts of one shape say the same kind of thing.
QString shape(const QString& text);
// Whether `label` (made by summary(), optionally followed by names) names `text` by the grammar above.
bool names(const QString& label, const QString& text);

} // namespace PatternScope::BundleText
