// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "trace.h"

#include <QColor>
#include <QPalette>

namespace PatternScope {

// Every colour the diagram uses, in one place, derived from the palette so light and dark both read.
struct Theme {
    bool dark = false;
    // Made for paper: every colour that text is drawn in reads on the background at 4.5:1 or more (WCAG AA).
    bool forPaper = false;
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
    // What picture exports use unless asked for the window's: white paper, black text, each kind's colour
    // darkened until it reads as text on white.
    static Theme print();
    // The window's palette: Fusion's own, or a dark one; the diagram's theme follows it. Needs no QApplication,
    // so the command line can export in the window's theme.
    static QPalette windowPalette(bool dark);
    // Fusion with that palette for the whole application: the same look on every desktop.
    static void applyToApplication(bool dark);
    // View → Dark theme, as remembered in QSettings: what the window shows, and `export --theme window` draws.
    static bool windowIsDark();
    static void setWindowDark(bool dark);
};

} // namespace PatternScope
