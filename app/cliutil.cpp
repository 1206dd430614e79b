// SPDX-License-Identifier: GPL-3.0-or-later
#include "cliutil.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QTextStream>

namespace PatternScope::CommandLine {

QTextStream& out()
{
    static QTextStream stream(stdout);
    return stream;
}

QTextStream& err()
{
    static QTextStream stream(stderr);
    return stream;
}

int fail(const QString& command, const QString& message, int code)
{
    err() << QStringLiteral("patternscope") << (command.isEmpty() ? QString() : u' ' + command) << QStringLiteral(": ")
          << message << Qt::endl;
    return code;
}

int parseOptions(QCommandLineParser& parser, const QString& command, const QStringList& arguments)
{
    parser.setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);
    const QCommandLineOption help({ QStringLiteral("h"), QStringLiteral("help") }, QStringLiteral("This help."));
    parser.addOption(help);
    if (!parser.parse(arguments))
        return fail(command, parser.errorText(), Usage);
    if (parser.isSet(help)) {
        // Qt names the program by the path it was started with; the command reads better.
        out() << parser.helpText().replace(
            QCoreApplication::arguments().constFirst(), QStringLiteral("patternscope ") + command);
        return Ok;
    }
    return -1;
}

} // namespace PatternScope::CommandLine
