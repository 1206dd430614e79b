// SPDX-License-Identifier: GPL-3.0-or-later
#include "cliutil.h"
#include "commandline.h"
#include "comparedialog.h"
#include "comparisonwindow.h"
#include "desktopentry.h"
#include "lanserve.h"
#include "mainwindow.h"
#include "openfiles.h"
#include "parameters.h"
#include "pattern.h"
#include "presenter.h"
#include "textbook.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QCoreApplication>
#include <QFileInfo>
#include <QGuiApplication>
#include <QScopeGuard>
#include <QTextStream>
#include <QTimer>
#include <cstdio>
#include <cstring>
#include <memory>
#include <optional>

using namespace PatternScope;

namespace {

void setIdentity()
{
    QCoreApplication::setApplicationName(QStringLiteral("patternscope"));
    QCoreApplication::setApplicationVersion(QStringLiteral(PATTERNSCOPE_VERSION));
    QCoreApplication::setOrganizationName(QStringLiteral("PatternScope"));
}

int windowError(const QString& message, int code)
{
    fprintf(stderr, "patternscope: %s\n", qPrintable(message));
    return code;
}

struct WindowOptions {
    QString pattern;
    QStringList open; // traces and HAR files: the first in the window, each further one in a window of its own
    QString screenshot;
    qint64 afterMs = 0;
    QStringList compare; // patterns the comparison view opens with
    std::optional<DetailLevel> detail; // unset: as the View menu last had it
    bool present = false;
    std::optional<ParameterSet> parameters; // --set: the pattern's parameters, the others at their defaults
    std::optional<quint64> seed; // --seed: the seed box's value
    ServeDoor door; // --lan: the pattern is served to a class instead of run
    quint16 port = 0; // --port, with --lan
};

// The window's own options: [[open] FILE…] [--pattern ID] [--set NAME=VALUE…] [--seed N] [--detail LEVEL]
// [--screenshot PNG [--after DURATION]].
// Checked before Qt starts a GUI, so a mistake gets one clear line and nothing else.
int parseWindowOptions(int argc, char** argv, WindowOptions* options)
{
    // Qt's own GUI options (-platform offscreen, -style fusion, ...) are QApplication's to read.
    static const QStringList qtWithValue { QStringLiteral("platform"), QStringLiteral("platformpluginpath"),
        QStringLiteral("platformtheme"), QStringLiteral("plugin"), QStringLiteral("qwindowgeometry"),
        QStringLiteral("qwindowtitle"), QStringLiteral("qwindowicon"), QStringLiteral("style"),
        QStringLiteral("stylesheet"), QStringLiteral("session"), QStringLiteral("display"), QStringLiteral("geometry"),
        QStringLiteral("title") };
    static const QStringList qtFlags { QStringLiteral("reverse"), QStringLiteral("widgetcount"),
        QStringLiteral("nograb"), QStringLiteral("dograb"), QStringLiteral("sync") };
    QStringList arguments;
    for (int i = 0; i < argc; ++i) {
        const QString argument = QString::fromLocal8Bit(argv[i]);
        QString name = argument;
        while (name.startsWith(u'-'))
            name.remove(0, 1);
        if (i > 0 && argument.startsWith(u'-') && qtWithValue.contains(name)) {
            ++i;
            continue;
        }
        if (i > 0 && argument.startsWith(u'-') && qtFlags.contains(name))
            continue;
        arguments.append(argument);
    }
    QCommandLineParser parser;
    const QCommandLineOption pattern(QStringLiteral("pattern"), QStringLiteral("Pattern to show and run."),
        QStringLiteral("id"), QStringLiteral("request-response"));
    const QCommandLineOption screenshot(QStringLiteral("screenshot"),
        QStringLiteral("Render the window to a PNG (its real size) and exit."), QStringLiteral("png"));
    const QCommandLineOption after(QStringLiteral("after"),
        QStringLiteral("With --screenshot: how long the run goes first (default 3s)."), QStringLiteral("duration"),
        QStringLiteral("3s"));
    const QCommandLineOption detail(QStringLiteral("detail"),
        QStringLiteral("Diagram detail: wire (every message) or textbook (the steps a textbook draws)."),
        QStringLiteral("level"));
    const QCommandLineOption present(QStringLiteral("present"),
        QStringLiteral("Presenter layout: the diagram gets the room of the table, the inspector and the parameters."));
    const QCommandLineOption compare(QStringLiteral("compare"),
        QStringLiteral("Open the comparison view running these patterns (2 to 5, comma-separated)."),
        QStringLiteral("ids"));
    const QCommandLineOption set(QStringLiteral("set"),
        QStringLiteral("A parameter of --pattern's run, e.g. clients=5 (repeatable)."), QStringLiteral("name=value"));
    const QCommandLineOption seed(QStringLiteral("seed"),
        QStringLiteral("Seed of the run: same seed and parameters, same schedule (default: random)."),
        QStringLiteral("N"));
    const LanServe::Options lan;
    const QCommandLineOption port(QStringLiteral("port"),
        QStringLiteral("With --lan: the port students join on (default: any free one)."), QStringLiteral("N"));
    parser.addOptions({ pattern, set, seed, screenshot, after, detail, present, compare, port });
    parser.addOptions(lan.all());
    if (!parser.parse(arguments))
        return windowError(parser.errorText(), 2);

    // `patternscope FILE…` as a launcher passes files (Exec=patternscope %F), or `patternscope open FILE…`.
    options->open = parser.positionalArguments();
    if (options->open.value(0) == QLatin1String("open")) {
        options->open.removeFirst();
        if (options->open.isEmpty())
            return windowError(QStringLiteral("usage: patternscope open FILE"), 2);
    }
    // With nothing that could be opened there is no window to show; a file among others that cannot be is
    // reported once the window is up, and the others open.
    QStringList unreadable;
    for (const QString& path : std::as_const(options->open)) {
        const QFileInfo file(path);
        if (!file.isFile() || !file.isReadable())
            unreadable << QStringLiteral("%1: cannot open: %2")
                              .arg(path,
                                  file.exists() ? QStringLiteral("not a readable file")
                                                : QStringLiteral("no such file"));
    }
    if (!unreadable.isEmpty() && unreadable.size() == options->open.size()) {
        for (const QString& line : std::as_const(unreadable))
            windowError(line, 1);
        return 1;
    }
    options->pattern = parser.value(pattern);
    if (!PatternRegistry::find(options->pattern))
        return windowError(QStringLiteral("--pattern: unknown pattern '%1' (one of: %2)")
                               .arg(options->pattern, PatternRegistry::ids().join(QStringLiteral(", "))),
            2);
    QString reason;
    if (parser.isSet(set)) {
        if (parser.isSet(compare))
            return windowError(QStringLiteral("--set: applies to --pattern's run, not to --compare (set the "
                                              "comparison's workload in File > Compare)"),
                2);
        ParameterSet parameters(PatternRegistry::find(options->pattern)->parameters);
        for (const QString& assignment : parser.values(set)) {
            if (!parameters.assign(assignment, &reason))
                return windowError(QStringLiteral("--set: ") + reason, 2);
        }
        options->parameters = parameters;
    }
    if (parser.isSet(seed)) {
        quint64 value = 0;
        if (!CommandLine::parseSeed(parser.value(seed), &value, &reason))
            return windowError(reason, 2);
        options->seed = value;
    }
    if (!parseDurationMs(parser.value(after), &options->afterMs, &reason))
        return windowError(QStringLiteral("--after: ") + reason, 2);
    if (options->afterMs > 600'000)
        return windowError(QStringLiteral("--after: %1 is out of range (0ms to 10min)").arg(parser.value(after)), 2);
    if (parser.isSet(detail)) {
        DetailLevel level = DetailLevel::Wire;
        if (!Textbook::detailFromName(parser.value(detail), &level))
            return windowError(QStringLiteral("--detail: unknown level '%1' (one of: %2)")
                                   .arg(parser.value(detail), Textbook::detailNames().join(QStringLiteral(", "))),
                2);
        options->detail = level;
    }
    if (parser.isSet(compare)) {
        const QStringList comparable = ComparisonWindow::comparablePatterns();
        options->compare = parser.value(compare).split(u',', Qt::SkipEmptyParts);
        for (const QString& id : std::as_const(options->compare)) {
            if (!comparable.contains(id))
                return windowError(QStringLiteral("--compare: '%1' cannot be compared (one of: %2)")
                                       .arg(id, comparable.join(QStringLiteral(", "))),
                    2);
        }
        if (options->compare.size() < 2 || options->compare.size() > 5)
            return windowError(QStringLiteral("--compare: give 2 to 5 patterns, comma-separated (%1 given)")
                                   .arg(options->compare.size()),
                2);
    }
    // --lan serves --pattern to a class, as File > Serve to a class… does; `serve --lan` is the same without
    // a window.
    if (!LanServe::parse(parser, lan, &options->door, &reason))
        return windowError(reason, 2);
    if (parser.isSet(port)) {
        if (!options->door.isOpen())
            return windowError(QStringLiteral("--port applies to --lan only (the window's own runs need no port)"), 2);
        if (!CommandLine::parsePort(parser.value(port), &options->port, &reason))
            return windowError(reason, 2);
    }
    if (options->door.isOpen() && (!options->compare.isEmpty() || !options->open.isEmpty()))
        return windowError(QStringLiteral("--lan: serves --pattern to a class; not with --compare or files"), 2);
    options->screenshot = parser.value(screenshot);
    options->present = parser.isSet(present);
    return -1;
}

int runWindow(const WindowOptions& options)
{
    MainWindow window;
    // Windows opened for further files (or dropped ones) that are still there when the application ends.
    const auto closeOthers = qScopeGuard([&window] {
        const QWidgetList windows = QApplication::topLevelWidgets();
        for (QWidget* other : windows) {
            if (other != &window && qobject_cast<MainWindow*>(other))
                delete other;
        }
    });
    window.selectPattern(options.pattern);
    if (options.parameters || options.seed)
        window.setRunSettings(options.parameters, options.seed);
    if (options.detail)
        window.setDetail(*options.detail);
    if (options.present)
        window.presenter()->setPresenterLayout(true);
    // Up first, so the windows of further files open over it, in the order of the files.
    window.show();
    const OpenFiles::Result opened = OpenFiles::open(&window, options.open);
    // A picture of something else than was asked for would be worse than none.
    if (!options.screenshot.isEmpty() && !opened.failures.isEmpty()) {
        OpenFiles::report(nullptr, opened.failures);
        return 1;
    }
    OpenFiles::report(&window, opened.failures);
    ComparisonWindow* comparison = nullptr;
    if (!options.compare.isEmpty()) {
        // The comparison's own runs are the picture: the main window waits for its Start.
        comparison = new ComparisonWindow(&window);
        comparison->setAttribute(Qt::WA_DeleteOnClose);
        QString error;
        if (!comparison->start(options.compare, CompareDialog::defaultWorkload(), &error))
            return windowError(QStringLiteral("--compare: ") + error, 1);
        comparison->show();
    } else if (options.door.isOpen()) {
        const PatternInfo* info = PatternRegistry::find(options.pattern);
        if (!window.serveToClass(*info, options.port, options.door))
            return 1; // the window said why
        // Where to join, for whoever started it from a terminal (and for scripts that wait for the address).
        {
            QTextStream out(stdout);
            LanServe::printBanner(
                out, *window.run()->pattern(), info->id, QStringLiteral("Stop in the window ends it"));
        }
        std::fflush(stdout); // a pipe's reader waits for it now, not at exit
    } else if (options.open.isEmpty()) {
        window.startRun();
    }
    if (options.screenshot.isEmpty())
        return QApplication::exec();

    int code = 0;
    QTimer::singleShot(int(options.afterMs), &window, [&] {
        QWidget* shown = comparison ? static_cast<QWidget*>(comparison) : &window;
        QString error;
        // The comparison as SVG is its Export picture: the view without the window's menus.
        if (comparison && options.screenshot.endsWith(QLatin1String(".svg"), Qt::CaseInsensitive)) {
            if (!comparison->exportView(options.screenshot, &error))
                code = windowError(QStringLiteral("--screenshot: ") + error, 1);
        } else if (!shown->grab().save(options.screenshot, "PNG")) {
            code = windowError(QStringLiteral("--screenshot: cannot write '%1'").arg(options.screenshot), 1);
        }
        if (comparison)
            comparison->close();
        window.close(); // stops the run cleanly
        QCoreApplication::quit();
    });
    QApplication::exec();
    return code;
}

// Qt warns on every start as root without a runtime directory (containers, CI); it is harmless
// and not ours to fix, so it is kept off the one-line output the command line promises.
QtMessageHandler g_qtHandler = nullptr;

void quietHandler(QtMsgType type, const QMessageLogContext& context, const QString& message)
{
    if (type == QtWarningMsg && message.startsWith(QLatin1String("QStandardPaths: XDG_RUNTIME_DIR not set")))
        return;
    g_qtHandler(type, context, message);
}

bool wantsScreenshot(int argc, char** argv)
{
    for (int i = 1; i < argc; ++i) {
        if (std::strncmp(argv[i], "--screenshot", 12) == 0)
            return true;
    }
    return false;
}

} // namespace

int main(int argc, char** argv)
{
    g_qtHandler = qInstallMessageHandler(quietHandler);
    // One binary, two faces: subcommands never need a display, the window does.
    if (CommandLine::wantsConsole(argc, argv)) {
        if (CommandLine::wantsGui(argc, argv)) {
            if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
                qputenv("QT_QPA_PLATFORM", "offscreen");
            QGuiApplication app(argc, argv);
            setIdentity();
            return CommandLine::run();
        }
        QCoreApplication app(argc, argv);
        setIdentity();
        return CommandLine::run();
    }
    WindowOptions options;
    if (const int code = parseWindowOptions(argc, argv, &options); code >= 0)
        return code;
    // A screenshot shows the window as it opens on the display there is (a 1280×720 projector's gets a
    // 1280×720 picture); with no display at all it is rendered offscreen at the size the window was designed for.
    if (wantsScreenshot(argc, argv) && qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")
        && qEnvironmentVariableIsEmpty("DISPLAY") && qEnvironmentVariableIsEmpty("WAYLAND_DISPLAY"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    setIdentity();
    QApplication::setApplicationDisplayName(QStringLiteral("PatternScope"));
    DesktopEntry::apply();
    return runWindow(options);
}
