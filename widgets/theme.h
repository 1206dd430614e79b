// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "trace.h"

#include <QColor>
#include <QPalette>

namespace PatternScope {

// Every colour the diagram uses, in one place, derived from the palette so light and dark both read.
struct Theme {
    bool dark = false;
    QColor background;
    QColor text;
    QColor mutedText;
    QColor grid;
    QColor lifeline;
    QColor headerFill;
    QColor headerBorder;
    QColor activationFill;
    QColor activationBorder;
    QColor noteFill;
    QColor noteBorder;
    QColor noteText;
    QColor lost;
    QColor highlight;
    QColor fold;

    QColor kindColor(Message::Kind kind) const;

    static Theme fromPalette(const QPalette& palette);
    // The window's palette: Fusion's own, or a dark one; the diagram's theme follows it.
    static QPalette windowPalette(bool dark);
    // Fusion with that palette for the whole application: the same look on every desktop.
    static void applyToApplication(bool dark);
};

} // namespace PatternScope
