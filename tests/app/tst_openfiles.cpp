// SPDX-License-Identifier: GPL-3.0-or-later
#include "clirun.h"
#include "desktopentry.h"
#include "filemenu.h"
#include "mainwindow.h"
#include "openfiles.h"
#include "recentfiles.h"
#include "trace.h"

#include <QApplication>
#include <QDir>
#include <QDropEvent>
#include <QFile>
#include <QImage>
#include <QMenu>
#include <QMessageBox>
#include <QMimeData>
#include <QSettings>
#include <QTemporaryDir>
#include <QTest>
#include <QUrl>
#include <memory>

using namespace PatternScope;

namespace {

QString traceFile()
{
    return QStringLiteral(PATTERNSCOPE_TEST_DATA "/sse-20-per-s.pstrace.jsonl");
}

QString otherTraceFile()
{
    return QStringLiteral(PATTERNSCOPE_TEST_DATA "/pubsub-fast.pstrace.jsonl");
}

QString harFile()
{
    return QStringLiteral(PATTERNSCOPE_FILES_DATA "/har/playwright.har");
}

// The windows the files opened besides the one they were given, owned by the test.
struct ExtraWindows {
    QList<MainWindow*> windows;
    ~ExtraWindows() { qDeleteAll(windows); }
};

QList<MainWindow*> mainWindowsBut(const MainWindow* window)
{
    QList<MainWindow*> others;
    const QWidgetList all = QApplication::topLevelWidgets();
    for (QWidget* widget : all) {
        if (auto* other = qobject_cast<MainWindow*>(widget); other && other != window)
            others << other;
    }
    return others;
}

QString pattern(const MainWindow* window)
{
    return window->currentHeader().pattern;
}

// Drags `urls` onto the window as a file manager would, and drops them if the window takes them.
bool dragAndDrop(MainWindow* window, const QList<QUrl>& urls)
{
    QMimeData data;
    data.setUrls(urls);
    const QPoint at = window->rect().center();
    QDragEnterEvent enter(at, Qt::CopyAction, &data, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(window, &enter);
    if (!enter.isAccepted())
        return false;
    QDropEvent drop(at, Qt::CopyAction, &data, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(window, &drop);
    return drop.isAccepted();
}

// What the program said itself; the offscreen platform adds notes of its own.
QStringList ownLines(const QString& err)
{
    QStringList lines = err.split(u'\n', Qt::SkipEmptyParts);
    lines.removeIf([](const QString& line) { return !line.startsWith(QLatin1String("patternscope:")); });
    return lines;
}

QString writeFile(const QTemporaryDir& dir, const QString& name, const QByteArray& content)
{
    const QString path = dir.filePath(name);
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(content) != content.size())
        return QString();
    return path;
}

} // namespace

class TestOpenFiles : public QObject {
    Q_OBJECT

private Q_SLOTS:
    // The recent list is the user's: these tests keep theirs apart.
    void initTestCase()
    {
        QVERIFY(m_settings.isValid());
        QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, m_settings.path());
    }

    void init() { RecentFiles::clear(); }

    // As a launcher hands them over: the first file in the window, each further one in a window of its own;
    // a broken file in between is said, and the others still open.
    void filesOpenIntoWindowsAndABadOneIsSaid()
    {
        QTemporaryDir dir;
        const QString broken = writeFile(dir, QStringLiteral("broken.pstrace.jsonl"), "this is not a trace\n");
        QVERIFY(!broken.isEmpty());
        MainWindow window;
        const OpenFiles::Result result = OpenFiles::open(&window, { traceFile(), broken, harFile() });
        ExtraWindows extra { result.windows.mid(1) };
        QCOMPARE(result.windows.size(), 2);
        QCOMPARE(result.windows.first(), &window);
        QCOMPARE(pattern(&window), QStringLiteral("server-sent-events"));
        QVERIFY(window.trace() && !window.trace()->messages().empty());
        MainWindow* second = result.windows.at(1);
        QCOMPARE(pattern(second), QStringLiteral("har-import"));
        QVERIFY(second->isVisible());
        QVERIFY(second->testAttribute(Qt::WA_DeleteOnClose));
        QCOMPARE(mainWindowsBut(&window), QList<MainWindow*> { second }); // the broken file left no window
        QCOMPARE(result.failures.size(), 1);
        QVERIFY2(result.failures.first().contains(QStringLiteral("broken.pstrace.jsonl:1:")),
            qPrintable(result.failures.first()));
        QVERIFY(result.missing.isEmpty());
        // Both are in File → Open Recent, the last opened first; the broken one is not.
        QCOMPARE(RecentFiles::paths(), QStringList({ harFile(), traceFile() }));
    }

    // A file that is not there does not take the window: the next file that opens does.
    void aMissingFirstFileLeavesTheWindowToTheNext()
    {
        MainWindow window;
        const QString missing = QStringLiteral("/nonexistent/run.pstrace.jsonl");
        const OpenFiles::Result result = OpenFiles::open(&window, { missing, traceFile() });
        QCOMPARE(result.windows, QList<MainWindow*> { &window });
        QCOMPARE(pattern(&window), QStringLiteral("server-sent-events"));
        QCOMPARE(result.failures, QStringList { missing + QStringLiteral(": cannot open: no such file") });
        QCOMPARE(result.missing, QStringList { missing });
        QVERIFY(mainWindowsBut(&window).isEmpty());
    }

    // What did not open is said in one box over the window, which does not wait for it.
    void failuresAreSaidInOneBox()
    {
        MainWindow window;
        window.show();
        OpenFiles::report(&window, { QStringLiteral("a.pstrace.jsonl:1: reason one"), QStringLiteral("b.har: two") });
        auto* box = window.findChild<QMessageBox*>(QStringLiteral("openFailures"));
        QVERIFY(box);
        QVERIFY(box->isVisible());
        QVERIFY(box->text().contains(QStringLiteral("a.pstrace.jsonl:1: reason one")));
        QVERIFY(box->text().contains(QStringLiteral("b.har: two")));
        QCOMPARE(box->windowTitle(), QStringLiteral("Cannot open 2 files"));
        box->accept();
    }

    // Newest first, each file once, ten at most, kept in the settings for the next start.
    void theRecentListPersists()
    {
        QTemporaryDir dir;
        QStringList files;
        for (int i = 0; i < 12; ++i)
            files << dir.filePath(QStringLiteral("run-%1.pstrace.jsonl").arg(i));
        for (const QString& file : std::as_const(files))
            RecentFiles::add(file);
        RecentFiles::add(files.at(5)); // again: moves to the top, not in twice
        QStringList expected { files.at(5), files.at(11), files.at(10), files.at(9), files.at(8), files.at(7),
            files.at(6), files.at(4), files.at(3), files.at(2) };
        QCOMPARE(RecentFiles::paths(), expected);
        QCOMPARE(RecentFiles::paths().size(), RecentFiles::maxCount);

        // On disk, where the next start reads it.
        QSettings written;
        QCOMPARE(written.value(QStringLiteral("files/recent")).toStringList(), expected);
        written.sync();
        QSettings reread(written.fileName(), QSettings::IniFormat);
        QCOMPARE(reread.value(QStringLiteral("files/recent")).toStringList(), expected);

        // A relative name is kept as the file it names.
        const QString before = QDir::currentPath();
        QVERIFY(QDir::setCurrent(dir.path()));
        RecentFiles::add(QStringLiteral("relative.pstrace.jsonl"));
        QVERIFY(QDir::setCurrent(before));
        QCOMPARE(
            RecentFiles::paths().first(), QDir(dir.path()).absoluteFilePath(QStringLiteral("relative.pstrace.jsonl")));
    }

    // File → Open Recent lists the files, opens one, forgets one that is gone, and clears.
    void openRecentOpensAndClears()
    {
        QTemporaryDir dir;
        const QString gone = writeFile(dir, QStringLiteral("gone & lost.pstrace.jsonl"), "x\n");
        QVERIFY(!gone.isEmpty());
        RecentFiles::add(gone);
        RecentFiles::add(traceFile());
        QVERIFY(QFile::remove(gone));

        MainWindow window;
        window.show();
        auto* files = window.findChild<FileMenu*>();
        QVERIFY(files);
        QMenu* recent = files->recentMenu();
        QVERIFY(recent);
        Q_EMIT recent->aboutToShow();
        QList<QAction*> entries;
        for (QAction* action : recent->actions()) {
            if (!action->data().toString().isEmpty())
                entries << action;
        }
        QCOMPARE(entries.size(), 2);
        QCOMPARE(entries.at(0)->text(), QStringLiteral("&1 sse-20-per-s.pstrace.jsonl"));
        QCOMPARE(entries.at(1)->text(), QStringLiteral("&2 gone && lost.pstrace.jsonl")); // '&' shown, not a key
        QCOMPARE(entries.at(0)->toolTip(), traceFile());

        entries.at(0)->trigger();
        QCOMPARE(pattern(&window), QStringLiteral("server-sent-events"));

        entries.at(1)->trigger();
        auto* box = window.findChild<QMessageBox*>(QStringLiteral("openFailures"));
        QVERIFY(box);
        QVERIFY2(box->text().contains(QStringLiteral("no such file")), qPrintable(box->text()));
        box->accept();
        QCOMPARE(RecentFiles::paths(), QStringList { traceFile() }); // the gone file left the list
        QCOMPARE(pattern(&window), QStringLiteral("server-sent-events")); // what was shown stays

        Q_EMIT recent->aboutToShow();
        QAction* clear = nullptr;
        for (QAction* action : recent->actions()) {
            if (action->text() == QLatin1String("&Clear list"))
                clear = action;
        }
        QVERIFY(clear);
        QVERIFY(clear->isEnabled());
        clear->trigger();
        QVERIFY(RecentFiles::paths().isEmpty());
        QVERIFY(QSettings().value(QStringLiteral("files/recent")).isNull());
        Q_EMIT recent->aboutToShow();
        QStringList texts;
        for (QAction* action : recent->actions()) {
            if (!action->isSeparator()) {
                texts << action->text();
                QVERIFY(!action->isEnabled());
            }
        }
        QCOMPARE(texts, QStringList({ QStringLiteral("No recent files"), QStringLiteral("&Clear list") }));
    }

    // A trace dropped onto the window opens in it; a second one dropped with it opens in a window of its own;
    // a file the window cannot open is refused at the cursor.
    void droppingFilesOpensThem()
    {
        QTemporaryDir dir;
        const QString picture = dir.filePath(QStringLiteral("picture.png"));
        QImage(4, 4, QImage::Format_RGB32).save(picture);
        MainWindow window;
        window.show();

        QVERIFY(!dragAndDrop(&window, { QUrl::fromLocalFile(picture) }));
        QVERIFY(!dragAndDrop(&window, { QUrl(QStringLiteral("https://example.org/run.pstrace.jsonl")) }));
        QVERIFY(!window.trace());

        QVERIFY(dragAndDrop(&window, { QUrl::fromLocalFile(traceFile()) }));
        QTRY_COMPARE(pattern(&window), QStringLiteral("server-sent-events"));
        QVERIFY(mainWindowsBut(&window).isEmpty());

        QVERIFY(dragAndDrop(&window,
            { QUrl::fromLocalFile(otherTraceFile()), QUrl::fromLocalFile(picture), QUrl::fromLocalFile(harFile()) }));
        QTRY_COMPARE(pattern(&window), QStringLiteral("publish-subscribe"));
        ExtraWindows extra { mainWindowsBut(&window) };
        QCOMPARE(extra.windows.size(), 1);
        QCOMPARE(pattern(extra.windows.first()), QStringLiteral("har-import"));
        QCOMPARE(RecentFiles::paths(), QStringList({ harFile(), otherTraceFile(), traceFile() }));
    }

    // The windows and dialogs show the app's own icon, and the launcher entry is named for the taskbar.
    void windowsAndDialogsShowTheIcon()
    {
        DesktopEntry::apply();
        QCOMPARE(QGuiApplication::desktopFileName(), QStringLiteral("org.patternscope.PatternScope"));
        const QIcon icon = QApplication::windowIcon();
        QVERIFY(!icon.isNull());
        for (const int size : { 16, 32, 48, 256 })
            QCOMPARE(icon.pixmap(size).size(), QSize(size, size));
        // Drawn at 16 px, not blank: the request's orange and the response's green are there.
        const QImage small = icon.pixmap(16).toImage().convertToFormat(QImage::Format_ARGB32);
        bool orange = false;
        bool green = false;
        for (int y = 0; y < small.height(); ++y) {
            for (int x = 0; x < small.width(); ++x) {
                const QColor c = small.pixelColor(x, y);
                orange = orange || (c.red() > 200 && c.green() > 120 && c.green() < 200 && c.blue() < 100);
                green = green || (c.green() > 180 && c.red() < 120 && c.blue() > 120 && c.blue() < 200);
            }
        }
        QVERIFY(orange);
        QVERIFY(green);
        QVERIFY(QFile::exists(QStringLiteral(":/icons/org.patternscope.PatternScope.svg")));

        MainWindow window;
        QCOMPARE(window.windowIcon().cacheKey(), icon.cacheKey());
        QMessageBox box(&window);
        QCOMPARE(box.windowIcon().cacheKey(), icon.cacheKey());
    }

    // The binary, as a launcher runs it: `patternscope FILE`, with its settings kept in a directory of its own.
    void theCommandLineOpensFiles()
    {
        QTemporaryDir dir;
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.insert(QStringLiteral("XDG_CONFIG_HOME"), dir.filePath(QStringLiteral("config")));
        environment.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
        const QString binary = QStringLiteral(PATTERNSCOPE_BINARY);
        const QString png = dir.filePath(QStringLiteral("window.png"));

        Test::CliResult r = Test::runProgram(binary,
            { traceFile(), harFile(), QStringLiteral("--screenshot"), png, QStringLiteral("--after"),
                QStringLiteral("0s") },
            60000, QString(), environment);
        QCOMPARE(ownLines(r.err), QStringList());
        QCOMPARE(r.exitCode, 0);
        QVERIFY(!QImage(png).isNull());

        // Nothing that can be opened: said on stderr, one line a file, and no window.
        const QString missing = dir.filePath(QStringLiteral("missing.pstrace.jsonl"));
        r = Test::runProgram(binary, { missing }, 60000, QString(), environment);
        QCOMPARE(r.exitCode, 1);
        QCOMPARE(r.err, QStringLiteral("patternscope: %1: cannot open: no such file\n").arg(missing));

        // A broken file among good ones: the picture of a window without it would be a lie.
        const QString broken = writeFile(dir, QStringLiteral("broken.har"), "{\n");
        QVERIFY(QFile::remove(png));
        r = Test::runProgram(
            binary, { traceFile(), broken, QStringLiteral("--screenshot"), png }, 60000, QString(), environment);
        QCOMPARE(r.exitCode, 1);
        const QStringList said = ownLines(r.err);
        QCOMPARE(said.size(), 1);
        QVERIFY2(said.first().startsWith(QStringLiteral("patternscope: %1:").arg(broken)), qPrintable(r.err));
        QVERIFY(!QFile::exists(png));
    }

private:
    QTemporaryDir m_settings;
};

QTEST_MAIN(TestOpenFiles)
#include "tst_openfiles.moc"
