// SPDX-License-Identifier: GPL-3.0-or-later
#include "theme.h"

#include <QApplication>
#include <QSettings>
#include <QStyle>
#include <QStyleFactory>
#include <algorithm>
#include <cmath>
#include <memory>

namespace PatternScope {

namespace {

// Hues per family of message; lightness is set for the background.
int hueOf(Message::Kind kind)
{
    switch (kind) {
    case Message::Kind::HttpRequest:
        return 218; // blue
    case Message::Kind::HttpResponse:
        return 150; // green
    case Message::Kind::SseEvent:
        return 275; // violet
    case Message::Kind::WsText:
    case Message::Kind::WsBinary:
        return 188; // teal
    case Message::Kind::Publish:
        return 28; // orange
    case Message::Kind::Deliver:
        return 45; // amber
    case Message::Kind::Callback:
        return 320; // magenta
    case Message::Kind::WsPing:
    case Message::Kind::WsPong:
    case Message::Kind::WsClose:
    case Message::Kind::Connect:
    case Message::Kind::Close:
        return -1; // grey: plumbing
    }
    return -1;
}

// WCAG 2 relative luminance and contrast ratio (1:1 to 21:1).
double luminance(const QColor& c)
{
    const auto linear = [](double v) { return v <= 0.03928 ? v / 12.92 : std::pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * linear(c.redF()) + 0.7152 * linear(c.greenF()) + 0.0722 * linear(c.blueF());
}

double contrast(const QColor& a, const QColor& b)
{
    const double la = luminance(a);
    const double lb = luminance(b);
    return (std::max(la, lb) + 0.05) / (std::min(la, lb) + 0.05);
}

// On paper text must read at 4.5:1 (WCAG AA); aim a little higher so printers' and screens' drift keeps it there.
constexpr double kPaperContrast = 5.0;

// The colour with its hue and saturation kept, darkened as little as it takes to read on `background`.
QColor readableOn(const QColor& color, const QColor& background)
{
    QColor c = color.toHsl();
    while (contrast(c, background) < kPaperContrast && c.lightness() > 0)
        c.setHsl(c.hslHue(), c.hslSaturation(), c.lightness() - 1);
    return c;
}

} // namespace

QColor Theme::kindColor(Message::Kind kind) const
{
    const int hue = hueOf(kind);
    QColor color;
    if (hue < 0)
        color = dark ? QColor::fromHsl(0, 0, 150) : QColor::fromHsl(0, 0, 115);
    else
        color = dark ? QColor::fromHsl(hue, 170, 165) : QColor::fromHsl(hue, 200, 85);
    return forPaper ? readableOn(color, background) : color;
}

Theme Theme::fromPalette(const QPalette& palette)
{
    Theme t;
    t.background = palette.color(QPalette::Base);
    t.text = palette.color(QPalette::Text);
    t.dark = t.background.lightness() < 128;
    t.mutedText = palette.color(QPalette::PlaceholderText);
    t.grid = t.dark ? t.background.lighter(140) : t.background.darker(106);
    t.lifeline = t.dark ? QColor::fromHsl(0, 0, 110) : QColor::fromHsl(0, 0, 175);
    t.headerFill = t.dark ? QColor::fromHsl(215, 40, 55) : QColor::fromHsl(215, 70, 240);
    t.headerBorder = t.dark ? QColor::fromHsl(215, 60, 120) : QColor::fromHsl(215, 60, 150);
    t.activationFill = t.dark ? QColor::fromHsl(150, 50, 60) : QColor::fromHsl(150, 60, 220);
    t.activationBorder = t.dark ? QColor::fromHsl(150, 80, 130) : QColor::fromHsl(150, 70, 110);
    t.noteFill = t.dark ? QColor::fromHsl(48, 70, 60) : QColor::fromHsl(48, 230, 225);
    t.noteBorder = t.dark ? QColor::fromHsl(45, 120, 130) : QColor::fromHsl(40, 200, 120);
    t.noteText = t.text;
    t.lost = t.dark ? QColor::fromHsl(0, 200, 160) : QColor::fromHsl(0, 200, 100);
    t.highlight = palette.color(QPalette::Highlight);
    t.fold = t.mutedText;
    return t;
}

Theme Theme::print()
{
    // Built from a light palette, so every colour the diagram has is there, then made to read on paper.
    QPalette paper = windowPalette(false);
    for (const QPalette::ColorRole role : { QPalette::Base, QPalette::Window, QPalette::AlternateBase })
        paper.setColor(role, Qt::white);
    paper.setColor(QPalette::Text, Qt::black);
    paper.setColor(QPalette::WindowText, Qt::black);
    paper.setColor(QPalette::PlaceholderText, QColor::fromHsl(0, 0, 100));
    Theme t = fromPalette(paper);
    t.forPaper = true;
    t.mutedText = readableOn(t.mutedText, t.background);
    t.fold = t.mutedText;
    t.lost = readableOn(t.lost, t.background);
    t.noteText = readableOn(t.noteText, t.noteFill);
    return t;
}

QPalette Theme::windowPalette(bool dark)
{
    // Fusion's own, asked of a Fusion made here rather than of QApplication::style(): the command line has none.
    const std::unique_ptr<QStyle> fusion(QStyleFactory::create(QStringLiteral("Fusion")));
    QPalette palette = fusion ? fusion->standardPalette() : QPalette(QColor(239, 239, 239));
    if (!dark)
        return palette;
    const QColor window(45, 47, 51);
    const QColor base(30, 31, 34);
    const QColor text(225, 226, 229);
    const QColor disabled(120, 122, 128);
    palette.setColor(QPalette::Window, window);
    palette.setColor(QPalette::WindowText, text);
    palette.setColor(QPalette::Base, base);
    palette.setColor(QPalette::AlternateBase, window);
    palette.setColor(QPalette::Text, text);
    palette.setColor(QPalette::Button, window);
    palette.setColor(QPalette::ButtonText, text);
    palette.setColor(QPalette::ToolTipBase, window);
    palette.setColor(QPalette::ToolTipText, text);
    palette.setColor(QPalette::PlaceholderText, QColor(150, 152, 158));
    palette.setColor(QPalette::Highlight, QColor(70, 130, 220));
    palette.setColor(QPalette::HighlightedText, Qt::white);
    palette.setColor(QPalette::Disabled, QPalette::Text, disabled);
    palette.setColor(QPalette::Disabled, QPalette::WindowText, disabled);
    palette.setColor(QPalette::Disabled, QPalette::ButtonText, disabled);
    return palette;
}

void Theme::applyToApplication(bool dark)
{
    QApplication::setStyle(QStringLiteral("Fusion"));
    QApplication::setPalette(windowPalette(dark));
}

bool Theme::windowIsDark()
{
    return QSettings().value(QStringLiteral("view/dark"), false).toBool();
}

void Theme::setWindowDark(bool dark)
{
    QSettings().setValue(QStringLiteral("view/dark"), dark);
}

} // namespace PatternScope
