// SPDX-License-Identifier: GPL-3.0-or-later
#include "mainwindow.h"
#include "messageinspector.h"
#include "parameterpanel.h"
#include "playbackclock.h"
#include "presenter.h"
#include "sequenceview.h"
#include "textbookpanel.h"

#include <QAbstractScrollArea>
#include <QActionGroup>
#include <QApplication>
#include <QFile>
#include <QFormLayout>
#include <QLabel>
#include <QSettings>
#include <QSplitter>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <algorithm>

using namespace PatternScope;

namespace {

// True if `widget` is shown through a scroll area's viewport, which clips it on purpose.
bool insideScrollArea(const QWidget* widget, const QWidget* window)
{
    for (const QWidget* w = widget->parentWidget(); w && w != window; w = w->parentWidget()) {
        if (auto* area = qobject_cast<const QAbstractScrollArea*>(w->parentWidget()); area && area->viewport() == w)
            return true;
    }
    return false;
}

// Every visible widget that nothing scrolls lies inside the window: nothing runs off its edges.
QStringList clipped(const QWidget& window)
{
    QStringList out;
    const QRect bounds = window.rect();
    for (const QWidget* w : window.findChildren<QWidget*>()) {
        if (!w->isVisibleTo(&window) || w->isWindow() || insideScrollArea(w, &window))
            continue;
        const QRect r(w->mapTo(&window, QPoint()), w->size());
        if (!bounds.contains(r))
            out << QStringLiteral("%1 %2 at %3,%4 %5×%6")
                       .arg(QString::fromLatin1(w->metaObject()->className()), w->objectName())
                       .arg(r.x())
                       .arg(r.y())
                       .arg(r.width())
                       .arg(r.height());
    }
    return out;
}

// The widgets that ask for the most width or height: what keeps a window's minimum up, for a failure's message.
QString widest(const QWidget& window, Qt::Orientation orientation)
{
    QList<std::pair<int, QString>> sizes;
    for (const QWidget* w : window.findChildren<QWidget*>()) {
        if (!w->isVisibleTo(&window) || w->isWindow())
            continue;
        const QSize min = w->minimumSize().expandedTo(w->minimumSizeHint());
        sizes.append({ orientation == Qt::Horizontal ? min.width() : min.height(),
            QStringLiteral("%1 %2 in %3")
                .arg(QString::fromLatin1(w->metaObject()->className()), w->objectName(),
                    w->parentWidget() ? QString::fromLatin1(w->parentWidget()->metaObject()->className())
                                      : QString()) });
    }
    std::sort(sizes.begin(), sizes.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
    QStringList out;
    for (int i = 0; i < std::min<int>(12, int(sizes.size())); ++i)
        out << QStringLiteral("%1 %2").arg(sizes[i].second).arg(sizes[i].first);
    return out.join(QStringLiteral(", "));
}

QAction* actionNamed(const QWidget& window, const QString& text)
{
    for (QAction* a : window.findChildren<QAction*>()) {
        if (a->text() == text)
            return a;
    }
    return nullptr;
}

} // namespace

class TestPresenter : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_settings.isValid());
        QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, m_settings.path());
        m_font = QApplication::font();
    }

    void init() { QSettings().clear(); }
    void cleanup()
    {
        QApplication::setFont(m_font);
        Theme::applyToApplication(Theme::Scheme::Light);
    }

    void startSizeFitsTheScreen_data()
    {
        QTest::addColumn<QRect>("available");
        QTest::addColumn<QSize>("expected");
        QTest::addRow("projector 1280×720") << QRect(0, 0, 1280, 720) << QSize(1280, 720);
        QTest::addRow("laptop 1366×768 under a panel") << QRect(0, 32, 1366, 736) << QSize(1366, 736);
        QTest::addRow("1.5× scaled 1280×720") << QRect(0, 0, 853, 480) << QSize(853, 480);
        QTest::addRow("full HD") << QRect(0, 0, 1920, 1050) << Presenter::PreferredSize;
        QTest::addRow("second screen") << QRect(1920, 0, 2560, 1440) << Presenter::PreferredSize;
        QTest::addRow("wide but short") << QRect(0, 0, 2560, 700) << QSize(1440, 700);
    }

    void startSizeFitsTheScreen()
    {
        QFETCH(QRect, available);
        QFETCH(QSize, expected);
        QCOMPARE(Presenter::startSize(available), expected);
    }

    // The sizes a teacher's screen gives the window: projectors, laptops, and 1280×720 at QT_SCALE_FACTOR
    // 1.25, 1.5 and 2 (the window then has that many device-independent pixels).
    void everythingFitsTheWindow_data()
    {
        QTest::addColumn<QSize>("size");
        QTest::addRow("1280×720") << QSize(1280, 720);
        QTest::addRow("1366×768") << QSize(1366, 768);
        QTest::addRow("1280×720 at 1.25") << QSize(1024, 576);
        QTest::addRow("1280×720 at 1.5") << QSize(853, 480);
    }

    void everythingFitsTheWindow()
    {
        QFETCH(QSize, size);
        MainWindow window;
        QVERIFY(window.selectPattern(QStringLiteral("long-polling")));
        window.resize(size);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        // The window's own minimum would otherwise push it past the screen's edge.
        QVERIFY2(window.minimumSizeHint().width() <= size.width() && window.minimumSizeHint().height() <= size.height(),
            qPrintable(QStringLiteral("minimum %1×%2")
                           .arg(window.minimumSizeHint().width())
                           .arg(window.minimumSizeHint().height())));
        QCOMPARE(window.size(), size);
        const QStringList outside = clipped(window);
        QVERIFY2(outside.isEmpty(), qPrintable(outside.join(QStringLiteral("; "))));

        // The parameter rows keep their height (at QT_SCALE_FACTOR 1.5 they used to collapse): the panel scrolls.
        const auto* form = window.parameterPanel()->findChild<QFormLayout*>();
        QVERIFY(form);
        QVERIFY(form->rowCount() >= 5);
        for (int row = 0; row < form->rowCount(); ++row) {
            for (const auto role : { QFormLayout::LabelRole, QFormLayout::FieldRole }) {
                const QWidget* w = form->itemAt(row, role) ? form->itemAt(row, role)->widget() : nullptr;
                QVERIFY(w);
                QVERIFY2(w->height() >= w->minimumSizeHint().height(),
                    qPrintable(QStringLiteral("row %1: %2 px high, needs %3")
                                   .arg(row)
                                   .arg(w->height())
                                   .arg(w->minimumSizeHint().height())));
            }
        }
        // The diagram is the biggest thing in the window.
        const QSize diagram = window.sequenceView()->size();
        QVERIFY2(diagram.width() >= size.width() / 3 && diagram.height() >= size.height() / 4,
            qPrintable(QStringLiteral("diagram %1×%2").arg(diagram.width()).arg(diagram.height())));
    }

    // QT_SCALE_FACTOR 2 on a 1280×720 projector leaves 640×360 device-independent pixels: the presenter layout
    // fits it, and the normal layout fits 1280×720 at 1.25 (1024×576). The window's minimum is what would
    // otherwise push it past the screen's edge; every control is then inside the window, none cut off.
    void theMinimumFitsScaledScreens_data()
    {
        QTest::addColumn<bool>("presenter");
        QTest::addColumn<QSize>("screen");
        QTest::addColumn<double>("fontScale");
        QTest::addRow("normal, 1280×720 at 1.25") << false << QSize(1024, 576) << 1.0;
        QTest::addRow("normal, 1366×768 at 1.5") << false << QSize(910, 512) << 1.0;
        QTest::addRow("presenter, 1280×720 at 2") << true << QSize(640, 360) << 1.0;
        QTest::addRow("presenter, 1366×768 at 2") << true << QSize(683, 384) << 1.0;
        QTest::addRow("presenter, 1280×720 at 1.5, larger text") << true << QSize(853, 480) << 1.3;
    }

    void theMinimumFitsScaledScreens()
    {
        QFETCH(bool, presenter);
        QFETCH(QSize, screen);
        QFETCH(double, fontScale);
        MainWindow window;
        window.presenter()->setFontScale(fontScale);
        QVERIFY(window.selectPattern(QStringLiteral("long-polling")));
        window.presenter()->setPresenterLayout(presenter);
        // Asked before the window is shown, as it is when it opens on a small screen, and after.
        const QSize before = window.minimumSizeHint();
        QVERIFY2(before.width() <= screen.width() && before.height() <= screen.height(),
            qPrintable(QStringLiteral("minimum before showing %1×%2").arg(before.width()).arg(before.height())));
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        const QSize min = window.minimumSizeHint();
        QVERIFY2(min.width() <= screen.width(),
            qPrintable(QStringLiteral("minimum width %1: %2").arg(min.width()).arg(widest(window, Qt::Horizontal))));
        QVERIFY2(min.height() <= screen.height(),
            qPrintable(QStringLiteral("minimum height %1: %2").arg(min.height()).arg(widest(window, Qt::Vertical))));
        window.resize(screen);
        QTRY_COMPARE(window.size(), screen);
        const QStringList outside = clipped(window);
        QVERIFY2(outside.isEmpty(), qPrintable(outside.join(QStringLiteral("; "))));
        // The diagram keeps a useful share of the room: most of it without the side panes.
        const QSize diagram = window.sequenceView()->size();
        const int share = presenter ? 2 : 3; // half, or in the normal layout beside two panes a third
        QVERIFY2(diagram.width() >= screen.width() / share && diagram.height() >= screen.height() / 4,
            qPrintable(QStringLiteral("diagram %1×%2").arg(diagram.width()).arg(diagram.height())));
    }

    // Stepping through a replay shows each message in the inspector, headers and body: the window keeps
    // its 1280×720 and nothing runs off it (the inspector's boxes used to push the table off the screen).
    void aShownMessageKeepsTheWindowInside()
    {
        MainWindow window;
        window.resize(1280, 720);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QString error;
        QVERIFY2(window.openTrace(QStringLiteral(PATTERNSCOPE_TEST_DATA "/long-polling-holds.pstrace.jsonl"), &error),
            qPrintable(error));
        window.clock()->seek(0);
        for (int i = 0; i < 4; ++i)
            QTest::keyClick(&window, Qt::Key_Right);
        QVERIFY(window.inspector()->shownMessage() >= 0);
        QCoreApplication::processEvents();
        QCOMPARE(window.size(), QSize(1280, 720));
        QVERIFY(window.minimumSizeHint().height() <= 720);
        QVERIFY(window.table()->isVisible() && window.table()->height() > 50);
        const QStringList outside = clipped(window);
        QVERIFY2(outside.isEmpty(), qPrintable(outside.join(QStringLiteral("; "))));
    }

    void presenterLayoutGivesTheDiagramTheRoomAndGivesItBack()
    {
        MainWindow window;
        window.resize(1280, 720);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QAction* presenter = actionNamed(window, QStringLiteral("&Presenter layout"));
        QVERIFY(presenter);
        auto* splitter = window.findChild<QSplitter*>();
        QVERIFY(splitter);
        QList<QList<int>> before;
        for (const QSplitter* s : window.findChildren<QSplitter*>())
            before << s->sizes();
        const QSize normal = window.sequenceView()->size();

        QTest::keyClick(&window, Qt::Key_P, Qt::ControlModifier | Qt::ShiftModifier);
        QVERIFY(window.presenter()->isPresenterLayout());
        QVERIFY(presenter->isChecked());
        QVERIFY(!window.table()->isVisible());
        QVERIFY(!window.inspector()->isVisible());
        QVERIFY(!window.parameterPanel()->isVisible());
        // The parameters' room goes to the diagram; the column right of it is left to the textbook reference.
        QTRY_VERIFY(window.sequenceView()->width() > normal.width() + 200);
        const auto* textbook = window.findChild<TextbookPanel*>();
        QVERIFY(textbook && textbook->isVisible());
        QTRY_VERIFY(window.sequenceView()->height() > normal.height() + 100);

        presenter->trigger();
        QVERIFY(!window.presenter()->isPresenterLayout());
        QVERIFY(window.table()->isVisible());
        QVERIFY(window.inspector()->isVisible());
        QVERIFY(window.parameterPanel()->isVisible());
        const auto sizes = [&window] {
            QList<QList<int>> out;
            for (const QSplitter* s : window.findChildren<QSplitter*>())
                out << s->sizes();
            return out;
        };
        QTRY_COMPARE(sizes(), before);
        QTRY_COMPARE(window.sequenceView()->size(), normal);
    }

    void f11IsFullScreenAndEscLeavesIt()
    {
        MainWindow window;
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QTest::keyClick(&window, Qt::Key_F11);
        QTRY_VERIFY(window.isFullScreen());
        QTest::keyClick(&window, Qt::Key_F11);
        QTRY_VERIFY(!window.isFullScreen());
        QTest::keyClick(&window, Qt::Key_F11);
        QTRY_VERIFY(window.isFullScreen());
        QTest::keyClick(&window, Qt::Key_Escape);
        QTRY_VERIFY(!window.isFullScreen());
        QVERIFY(!actionNamed(window, QStringLiteral("&Full screen"))->isChecked());
    }

    void geometryIsRemembered()
    {
        // Within the test's 1920×1080 screen, so Qt has no reason to move it.
        const QRect chosen(40, 50, 1200, 700);
        {
            MainWindow window;
            window.show();
            QVERIFY(QTest::qWaitForWindowExposed(&window));
            window.setGeometry(chosen);
            QTRY_COMPARE(window.geometry(), chosen);
            window.close();
        }
        MainWindow again;
        QCOMPARE(again.geometry().size(), chosen.size());
        QCOMPARE(again.geometry().topLeft(), chosen.topLeft());
    }

    void withNothingRememberedTheWindowHasItsDesignedSize()
    {
        MainWindow window;
        // Offscreen there is no real screen to fit: the size it was designed for.
        QCOMPARE(window.size(), Presenter::PreferredSize);
    }

    // A teacher's Ctrl+Shift+= reaches every text alike (the diagram paints with its widget's font, the
    // caption and the panels too), steps back with Ctrl+Shift+-, and is there again at the next start.
    void fontScaleGrowsEveryTextAndIsRemembered()
    {
        const qreal base = QApplication::font().pointSizeF();
        QVERIFY(base > 0);
        {
            MainWindow window;
            QVERIFY(window.selectPattern(QStringLiteral("long-polling")));
            window.show();
            QVERIFY(QTest::qWaitForWindowExposed(&window));
            QCOMPARE(window.presenter()->fontScale(), 1.0);
            QAction* larger = actionNamed(window, QStringLiteral("&Larger text"));
            QVERIFY(larger);
            larger->trigger();
            larger->trigger();
            QCOMPARE(window.presenter()->fontScale(), 1.3);
            for (const QWidget* w : { static_cast<QWidget*>(window.sequenceView()),
                     static_cast<QWidget*>(window.parameterPanel()), static_cast<QWidget*>(window.table()) })
                QTRY_VERIFY2(qAbs(w->font().pointSizeF() - base * 1.3) < 0.01, w->metaObject()->className());

            QTest::keyClick(&window, Qt::Key_Minus, Qt::ControlModifier | Qt::ShiftModifier);
            QCOMPARE(window.presenter()->fontScale(), 1.15);
            QTRY_VERIFY(qAbs(window.sequenceView()->font().pointSizeF() - base * 1.15) < 0.01);
            window.close();
        }
        MainWindow again;
        QCOMPARE(again.presenter()->fontScale(), 1.15);
        QVERIFY(qAbs(QApplication::font().pointSizeF() - base * 1.15) < 0.01); // from the base, not compounded
        again.presenter()->setFontScale(10);
        QCOMPARE(again.presenter()->fontScale(), Presenter::MaxFontScale);
        again.presenter()->setFontScale(1.0);
        QCOMPARE(QApplication::font().pointSizeF(), base);
    }

    // View → Theme is one choice of three, remembered as view/theme; the window, its diagram and the next start
    // follow it, and a dark theme chosen before there were three is kept.
    void themeIsOneOfThreeAndRemembered()
    {
        {
            MainWindow window;
            window.show();
            QVERIFY(QTest::qWaitForWindowExposed(&window));
            QAction* light = actionNamed(window, QStringLiteral("&Light"));
            QAction* dark = actionNamed(window, QStringLiteral("&Dark"));
            QAction* contrast = actionNamed(window, QStringLiteral("&High contrast"));
            QVERIFY(light && dark && contrast);
            QVERIFY(light->isChecked() && !dark->isChecked() && !contrast->isChecked());
            QVERIFY(light->actionGroup() && light->actionGroup()->isExclusive());
            QCOMPARE(light->actionGroup(), contrast->actionGroup());
            QVERIFY(window.sequenceView()->theme().background != QColor(Qt::black));

            contrast->trigger();
            QVERIFY(contrast->isChecked() && !light->isChecked());
            QCOMPARE(window.presenter()->scheme(), Theme::Scheme::HighContrast);
            QCOMPARE(QSettings().value(QStringLiteral("view/theme")).toString(), QStringLiteral("contrast"));
            QCOMPARE(QApplication::palette().color(QPalette::Window), QColor(Qt::black));
            QTRY_VERIFY(window.sequenceView()->theme().highContrast);
            QCOMPARE(window.sequenceView()->theme().background, QColor(Qt::black));
            window.close();
        }
        {
            MainWindow again;
            QCOMPARE(again.presenter()->scheme(), Theme::Scheme::HighContrast);
            QVERIFY(actionNamed(again, QStringLiteral("&High contrast"))->isChecked());
            QCOMPARE(QApplication::palette().color(QPalette::Base), QColor(Qt::black));
        }

        // Remembered the old way, before View → Theme: dark stays dark, and the next choice replaces it.
        QSettings().clear();
        QSettings().setValue(QStringLiteral("view/dark"), true);
        MainWindow old;
        QCOMPARE(old.presenter()->scheme(), Theme::Scheme::Dark);
        QVERIFY(actionNamed(old, QStringLiteral("&Dark"))->isChecked());
        QVERIFY(QApplication::palette().color(QPalette::Base).lightness() < 60);
        actionNamed(old, QStringLiteral("&Light"))->trigger();
        QCOMPARE(QSettings().value(QStringLiteral("view/theme")).toString(), QStringLiteral("light"));
        QVERIFY(!QSettings().contains(QStringLiteral("view/dark")));
        QVERIFY(QApplication::palette().color(QPalette::Base).lightness() > 200);
    }

private:
    QTemporaryDir m_settings;
    QFont m_font;
};

// The offscreen platform with a 1920×1080 screen instead of its 800×600 one, which no window this size fits.
int main(int argc, char** argv)
{
    QTemporaryDir dir;
    QFile config(dir.filePath(QStringLiteral("screens.json")));
    if (!dir.isValid() || !config.open(QIODevice::WriteOnly))
        return 1;
    config.write(R"({ "screens": [ { "name": "projector", "x": 0, "y": 0, "width": 1920, "height": 1080,
        "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1 } ] })");
    config.close();
    qputenv("QT_QPA_PLATFORM", "offscreen:configfile=" + QFile::encodeName(config.fileName()));
    QApplication app(argc, argv);
    TestPresenter test;
    return QTest::qExec(&test, argc, argv);
}
#include "tst_presenter.moc"
