// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "trace.h"

#include <QColor>
#include <QPalette>

namespace PatternScope {

// Every colour the diagram uses, in one place, derived from the palette so light, dark and high contrast all read.
struct Theme {
    // The window's schemes (View → Theme). High contrast is white on pure black with yellow and cyan accents:
    // every colour text or an arrow is drawn in reads on its background at 7:1 or more (WCAG AAA).
    enum class Scheme { Light, Dark, HighContrast };

    bool dark = false;
    bool highContrast = false;
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
    // The window's palette: Fusion's own, a dark one, or black and white; the diagram's theme follows it
    // (fromPalette tells high contrast by its pure black base under pure white text). Needs no QApplication,
    // so the command line can export in the window's theme.
    static QPalette windowPalette(Scheme scheme);
    // Fusion with that palette for the whole application: the same look on every desktop.
    static void applyToApplication(Scheme scheme);
    // View → Theme, as remembered in QSettings (`view/theme` = light|dark|contrast; an older `view/dark` is read
    // when there is none): what the window shows, and `export --theme window` and videos draw.
    static Scheme windowScheme();
    static void setWindowScheme(Scheme scheme);
    static QString schemeName(Scheme scheme); // "light", "dark", "contrast"
    static bool schemeFromName(const QString& name, Scheme* scheme);
    // WCAG 2 contrast ratio of two colours, 1:1 to 21:1.
    static double contrastRatio(const QColor& a, const QColor& b);
};

} // namespace PatternScope
