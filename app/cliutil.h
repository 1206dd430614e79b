// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>
#include <QStringList>
#include <functional>

class QCommandLineParser;
class QObject;
class QTextStream;

namespace PatternScope {
class Trace;
}

// What the subcommands share: exit codes, output streams, one-line errors, option parsing.
namespace PatternScope::CommandLine {

enum ExitCode { Ok = 0, Failed = 1, Usage = 2 };

QTextStream& out();
QTextStream& err();
// Every error is one line: "patternscope record: what went wrong". Returns `code`.
int fail(const QString& command, const QString& message, int code = Failed);
// The values record, serve and proxy (and the window's --seed) share. Each returns false with the reason, which
// names the flag and the range ("--seed: '-3' is not a whole number from 0 to …").
bool parseRunDuration(const QString& text, qint64* ms, QString* error);
bool parseSeed(const QString& text, quint64* seed, QString* error);
// --port of serve and of the window's --lan: 1 to 65535.
bool parsePort(const QString& text, quint16* port, QString* error);
// Parses the options of one subcommand; prints help or errors itself. Returns -1 to go on.
int parseOptions(QCommandLineParser& parser, const QString& command, const QStringList& arguments);

// Ctrl+C and SIGTERM call `stop` (in context's thread) instead of killing the process, so a run ends
// gracefully and its trace file is closed, not cut off.
void onStopSignal(QObject* context, std::function<void()> stop);
// Prints each message of the trace as it completes, like a packet log (serve, proxy): at most 20 a
// second, then a count of the rest once a second.
void printMessages(const Trace& trace);

// patternscope export IN --format F -o OUT [--from T] [--to T]
int exportCommand(const QStringList& arguments);
// patternscope proxy --to HOST:PORT [--listen ADDRESS:PORT] [--set name=value ...] [-o FILE]
int proxyCommand(const QStringList& arguments);
// patternscope compare P1 P2 ... [--duration 20s] [--seed N] [--set name=value ...] [-o DIR] [--json]
int compareCommand(const QStringList& arguments);

} // namespace PatternScope::CommandLine
