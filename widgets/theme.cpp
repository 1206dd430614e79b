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
    case Message::Kind::BrokerControl:
        return 10; // red-orange: the broker's own talk, beside publish and deliver
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
// High contrast promises 7:1 (WCAG AAA); the same margin above it.
constexpr double kHighContrast = 7.5;

// The colour with its hue kept, darkened (on a light background) or lightened (on a dark one) as little as it
// takes to read on `background` at `ratio`.
QColor readableOn(const QColor& color, const QColor& background, double ratio = kPaperContrast)
{
    QColor c = color.toHsl();
    const int step = background.lightness() < 128 ? 1 : -1;
    while (contrast(c, background) < ratio && c.lightness() + step >= 0 && c.lightness() + step <= 255)
        c.setHsl(c.hslHue(), c.hslSaturation(), c.lightness() + step);
    return c;
}

// Black and white; yellow and cyan where the eye should go.
const QColor kHcBlack(0, 0, 0);
const QColor kHcWhite(255, 255, 255);
const QColor kHcYellow(255, 255, 0);
const QColor kHcCyan(0, 255, 255);
const QColor kHcMuted(200, 200, 200);

} // namespace

QColor Theme::kindColor(Message::Kind kind) const
{
    const int hue = hueOf(kind);
    QColor color;
    if (highContrast)
        // Each family keeps its hue, fully saturated and lit until it reads on black as text must.
        return readableOn(hue < 0 ? kHcMuted : QColor::fromHsl(hue, 255, 128), background, kHighContrast);
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
    if (t.background == kHcBlack && t.text == kHcWhite) {
        t.highContrast = true;
        t.mutedText = readableOn(t.mutedText, t.background, kHighContrast);
        t.fold = t.mutedText;
        t.grid = QColor(60, 60, 60);
        t.lifeline = QColor(170, 170, 170);
        t.headerFill = kHcBlack;
        t.headerBorder = kHcWhite;
        t.activationFill = QColor(0, 48, 24);
        t.activationBorder = QColor(0, 255, 128);
        t.noteFill = kHcBlack;
        t.noteBorder = kHcYellow;
        t.noteText = kHcWhite;
        t.lost = readableOn(QColor(255, 0, 0), t.background, kHighContrast);
        t.highlight = kHcYellow;
    }
    return t;
}

Theme Theme::print()
{
    // Built from a light palette, so every colour the diagram has is there, then made to read on paper.
    QPalette paper = windowPalette(Scheme::Light);
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

QPalette Theme::windowPalette(Scheme scheme)
{
    // Fusion's own, asked of a Fusion made here rather than of QApplication::style(): the command line has none.
    const std::unique_ptr<QStyle> fusion(QStyleFactory::create(QStringLiteral("Fusion")));
    QPalette palette = fusion ? fusion->standardPalette() : QPalette(QColor(239, 239, 239));
    if (scheme == Scheme::Light)
        return palette;
    const bool hc = scheme == Scheme::HighContrast;
    const QColor window = hc ? kHcBlack : QColor(45, 47, 51);
    const QColor base = hc ? kHcBlack : QColor(30, 31, 34);
    const QColor text = hc ? kHcWhite : QColor(225, 226, 229);
    const QColor disabled = hc ? QColor(150, 150, 150) : QColor(120, 122, 128);
    palette.setColor(QPalette::Window, window);
    palette.setColor(QPalette::WindowText, text);
    palette.setColor(QPalette::Base, base);
    palette.setColor(QPalette::AlternateBase, hc ? QColor(28, 28, 28) : window);
    palette.setColor(QPalette::Text, text);
    palette.setColor(QPalette::Button, hc ? QColor(20, 20, 20) : window);
    palette.setColor(QPalette::ButtonText, text);
    palette.setColor(QPalette::ToolTipBase, window);
    palette.setColor(QPalette::ToolTipText, text);
    palette.setColor(QPalette::PlaceholderText, hc ? kHcMuted : QColor(150, 152, 158));
    palette.setColor(QPalette::Highlight, hc ? kHcYellow : QColor(70, 130, 220));
    palette.setColor(QPalette::HighlightedText, hc ? kHcBlack : kHcWhite);
    if (hc) {
        // Fusion draws frames and bevels from these: light on black, so every control's edge shows.
        palette.setColor(QPalette::Light, kHcWhite);
        palette.setColor(QPalette::Midlight, QColor(200, 200, 200));
        palette.setColor(QPalette::Mid, QColor(160, 160, 160));
        palette.setColor(QPalette::Dark, QColor(200, 200, 200));
        palette.setColor(QPalette::Shadow, QColor(160, 160, 160));
        palette.setColor(QPalette::Link, kHcCyan);
        palette.setColor(QPalette::LinkVisited, kHcCyan);
        palette.setColor(QPalette::BrightText, kHcYellow);
    }
    palette.setColor(QPalette::Disabled, QPalette::Text, disabled);
    palette.setColor(QPalette::Disabled, QPalette::WindowText, disabled);
    palette.setColor(QPalette::Disabled, QPalette::ButtonText, disabled);
    return palette;
}

void Theme::applyToApplication(Scheme scheme)
{
    QApplication::setStyle(QStringLiteral("Fusion"));
    QApplication::setPalette(windowPalette(scheme));
}

QString Theme::schemeName(Scheme scheme)
{
    switch (scheme) {
    case Scheme::Light:
        break;
    case Scheme::Dark:
        return QStringLiteral("dark");
    case Scheme::HighContrast:
        return QStringLiteral("contrast");
    }
    return QStringLiteral("light");
}

bool Theme::schemeFromName(const QString& name, Scheme* scheme)
{
    for (const Scheme s : { Scheme::Light, Scheme::Dark, Scheme::HighContrast }) {
        if (name.compare(schemeName(s), Qt::CaseInsensitive) == 0) {
            *scheme = s;
            return true;
        }
    }
    return false;
}

Theme::Scheme Theme::windowScheme()
{
    QSettings settings;
    Scheme scheme = Scheme::Light;
    if (schemeFromName(settings.value(QStringLiteral("view/theme")).toString(), &scheme))
        return scheme;
    // Before there were three: View → Dark theme.
    return settings.value(QStringLiteral("view/dark"), false).toBool() ? Scheme::Dark : Scheme::Light;
}

void Theme::setWindowScheme(Scheme scheme)
{
    QSettings settings;
    settings.setValue(QStringLiteral("view/theme"), schemeName(scheme));
    settings.remove(QStringLiteral("view/dark"));
}

double Theme::contrastRatio(const QColor& a, const QColor& b)
{
    return contrast(a, b);
}

} // namespace PatternScope
