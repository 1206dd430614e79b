// SPDX-License-Identifier: GPL-3.0-or-later
// The print theme pictures use: white paper, and every colour text is drawn in readable on it whatever the
// application's palette is.
#include "theme.h"

#include <QGuiApplication>
#include <QSet>
#include <QTest>
#include <cmath>

using namespace PatternScope;

namespace {

// WCAG 2 contrast ratio, computed here rather than taken from the theme so the check is independent of it.
double contrast(const QColor& a, const QColor& b)
{
    const auto luminance = [](const QColor& c) {
        const auto linear = [](double v) { return v <= 0.03928 ? v / 12.92 : std::pow((v + 0.055) / 1.055, 2.4); };
        return 0.2126 * linear(c.redF()) + 0.7152 * linear(c.greenF()) + 0.0722 * linear(c.blueF());
    };
    const double la = luminance(a);
    const double lb = luminance(b);
    return (std::max(la, lb) + 0.05) / (std::min(la, lb) + 0.05);
}

QString describe(const QColor& colour, const QColor& on)
{
    return QStringLiteral("%1 on %2: %3:1").arg(colour.name(), on.name()).arg(contrast(colour, on), 0, 'f', 2);
}

} // namespace

class TestTheme : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void init()
    {
        QGuiApplication::setPalette(Theme::windowPalette(Theme::Scheme::Dark));
    } // a dark window must not leak in
    void cleanup() { QGuiApplication::setPalette(Theme::windowPalette(Theme::Scheme::Light)); }

    void printIsBlackOnWhite()
    {
        const Theme print = Theme::print();
        QCOMPARE(print.background, QColor(Qt::white));
        QCOMPARE(print.text, QColor(Qt::black));
        QVERIFY(!print.dark);
        QVERIFY(print.forPaper);
    }

    void printTextReadsOnWhite_data()
    {
        QTest::addColumn<QColor>("colour");
        QTest::addColumn<QColor>("background");
        const Theme print = Theme::print();
        QTest::addRow("text") << print.text << print.background;
        QTest::addRow("muted text (ruler, folds)") << print.mutedText << print.background;
        QTest::addRow("fold label") << print.fold << print.background;
        QTest::addRow("lost") << print.lost << print.background;
        QTest::addRow("note text on a note") << print.noteText << print.noteFill;
        QTest::addRow("participant name on its box") << print.text << print.headerFill;
        QTest::addRow("server name on its box") << print.text << print.activationFill;
        for (int k = 0; k <= int(Message::Kind::Close); ++k) {
            const auto kind = Message::Kind(k);
            QTest::addRow("kind %d", k) << print.kindColor(kind) << print.background;
        }
    }

    void printTextReadsOnWhite()
    {
        QFETCH(QColor, colour);
        QFETCH(QColor, background);
        QVERIFY2(contrast(colour, background) >= 4.5, qPrintable(describe(colour, background)));
    }

    // Kinds stay told apart on paper: darkened for contrast, not all turned to the same near-black.
    void printKindsKeepTheirHues()
    {
        const Theme print = Theme::print();
        const Theme light = Theme::fromPalette(Theme::windowPalette(Theme::Scheme::Light));
        for (const auto kind : { Message::Kind::HttpRequest, Message::Kind::HttpResponse, Message::Kind::SseEvent,
                 Message::Kind::Publish, Message::Kind::Callback }) {
            const QColor paper = print.kindColor(kind);
            QCOMPARE(paper.hslHue(), light.kindColor(kind).hslHue());
            QVERIFY2(paper.hslSaturation() > 100, qPrintable(paper.name()));
            QVERIFY2(paper.lightness() > 20, qPrintable(paper.name()));
        }
        QVERIFY(print.kindColor(Message::Kind::HttpRequest) != print.kindColor(Message::Kind::HttpResponse));
    }

    // The window's themes are as before: the dark one is dark, and the print theme does not follow it.
    void windowThemesFollowTheirPalette()
    {
        const Theme dark = Theme::fromPalette(Theme::windowPalette(Theme::Scheme::Dark));
        QVERIFY(dark.dark);
        QVERIFY(!dark.forPaper);
        QVERIFY(dark.background.lightness() < 60);
        QCOMPARE(Theme::fromPalette(QGuiApplication::palette()).background, dark.background);
        QCOMPARE(Theme::print().background, QColor(Qt::white));
    }

    // High contrast: white on pure black, and every colour a label, a note or an arrow is drawn in reads on
    // what it is drawn on at 7:1 or more (WCAG AAA), the window's controls included.
    void highContrastReadsAtSevenToOne_data()
    {
        QTest::addColumn<QColor>("colour");
        QTest::addColumn<QColor>("background");
        const QPalette palette = Theme::windowPalette(Theme::Scheme::HighContrast);
        const Theme hc = Theme::fromPalette(palette);
        QTest::addRow("text") << hc.text << hc.background;
        QTest::addRow("muted text (ruler, items, folds)") << hc.mutedText << hc.background;
        QTest::addRow("fold label") << hc.fold << hc.background;
        QTest::addRow("lost arrow and its label") << hc.lost << hc.background;
        QTest::addRow("note text on a note") << hc.noteText << hc.noteFill;
        QTest::addRow("note border") << hc.noteBorder << hc.background;
        QTest::addRow("participant name on its box") << hc.text << hc.headerFill;
        QTest::addRow("server name on its box") << hc.text << hc.activationFill;
        QTest::addRow("activation note on a note") << hc.noteText << hc.noteFill;
        QTest::addRow("lifeline") << hc.lifeline << hc.background;
        QTest::addRow("selection highlight") << hc.highlight << hc.background;
        for (int k = 0; k <= int(Message::Kind::Close); ++k)
            QTest::addRow("arrow and label, kind %d", k) << hc.kindColor(Message::Kind(k)) << hc.background;
        QTest::addRow("window text") << palette.color(QPalette::WindowText) << palette.color(QPalette::Window);
        QTest::addRow("field text") << palette.color(QPalette::Text) << palette.color(QPalette::Base);
        QTest::addRow("alternate rows") << palette.color(QPalette::Text) << palette.color(QPalette::AlternateBase);
        QTest::addRow("button text") << palette.color(QPalette::ButtonText) << palette.color(QPalette::Button);
        QTest::addRow("selected row") << palette.color(QPalette::HighlightedText) << palette.color(QPalette::Highlight);
        QTest::addRow("placeholder") << palette.color(QPalette::PlaceholderText) << palette.color(QPalette::Base);
        QTest::addRow("tooltip") << palette.color(QPalette::ToolTipText) << palette.color(QPalette::ToolTipBase);
        QTest::addRow("link") << palette.color(QPalette::Link) << palette.color(QPalette::Base);
    }

    void highContrastReadsAtSevenToOne()
    {
        QFETCH(QColor, colour);
        QFETCH(QColor, background);
        QVERIFY2(contrast(colour, background) >= 7.0, qPrintable(describe(colour, background)));
        QCOMPARE(Theme::contrastRatio(colour, background), contrast(colour, background));
    }

    void highContrastIsItsOwnTheme()
    {
        const Theme hc = Theme::fromPalette(Theme::windowPalette(Theme::Scheme::HighContrast));
        QVERIFY(hc.highContrast);
        QVERIFY(hc.dark);
        QCOMPARE(hc.background, QColor(Qt::black));
        QCOMPARE(hc.text, QColor(Qt::white));
        // The other themes are not taken for it: not the dark one, nor the print one's black on white.
        QVERIFY(!Theme::fromPalette(Theme::windowPalette(Theme::Scheme::Dark)).highContrast);
        QVERIFY(!Theme::fromPalette(Theme::windowPalette(Theme::Scheme::Light)).highContrast);
        QVERIFY(!Theme::print().highContrast);
        // Kinds are still told apart by colour.
        QSet<QRgb> colours;
        for (const auto kind : { Message::Kind::HttpRequest, Message::Kind::HttpResponse, Message::Kind::SseEvent,
                 Message::Kind::WsText, Message::Kind::Publish, Message::Kind::Callback, Message::Kind::Connect })
            colours.insert(hc.kindColor(kind).rgb());
        QCOMPARE(colours.size(), 7);
    }

    void schemeNamesRoundTrip()
    {
        for (const auto scheme : { Theme::Scheme::Light, Theme::Scheme::Dark, Theme::Scheme::HighContrast }) {
            Theme::Scheme back = Theme::Scheme::Light;
            QVERIFY(Theme::schemeFromName(Theme::schemeName(scheme), &back));
            QCOMPARE(back, scheme);
        }
        QCOMPARE(Theme::schemeName(Theme::Scheme::HighContrast), QStringLiteral("contrast"));
        Theme::Scheme unchanged = Theme::Scheme::Dark;
        QVERIFY(!Theme::schemeFromName(QStringLiteral("sepia"), &unchanged));
        QCOMPARE(unchanged, Theme::Scheme::Dark);
    }
};

QTEST_MAIN(TestTheme)
#include "tst_theme.moc"
