// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "pattern.h"

#include <QCommandLineOption>
#include <QStringList>

class QCommandLineParser;
class QTextStream;

// serve --lan on the command line: its options, their checks, and what the banner says.
namespace PatternScope::LanServe {

struct Options {
    QCommandLineOption lan { QStringLiteral("lan"),
        QStringLiteral("Let a class join: listen on this machine's LAN addresses (not only 127.0.0.1), with a join "
                       "page and a random join token every request must carry (without it: 403).") };
    QCommandLineOption listen { QStringLiteral("listen"),
        QStringLiteral("With --lan: listen on this address instead of every LAN address (repeatable; 127.0.0.1 "
                       "keeps the door on this machine)."),
        QStringLiteral("address") };
    QCommandLineOption maxClients { QStringLiteral("max-clients"),
        QStringLiteral("With --lan: connections open at once in total (1 to %1, default %2); beyond, 503.")
            .arg(ServeDoor::kMaxMaxClients)
            .arg(ServeDoor::kDefaultMaxClients),
        QStringLiteral("N") };
    QCommandLineOption maxPerAddress { QStringLiteral("max-per-address"),
        QStringLiteral("With --lan: connections open at once from one address (1 to %1, default %2); beyond, 429.")
            .arg(ServeDoor::kMaxMaxPerAddress)
            .arg(ServeDoor::kDefaultMaxPerAddress),
        QStringLiteral("N") };
    QList<QCommandLineOption> all() const { return { lan, listen, maxClients, maxPerAddress }; }
};

// Fills `door` from the parsed options (no door without --lan); false with a reason that names the flag.
bool parse(const QCommandLineParser& parser, const Options& options, ServeDoor* door, QString* error);
// The banner of a run served through a door: where students join, who can connect, the limits, and the
// pattern's own examples with the token.
// `stop` says how to end it ("Ctrl+C to stop" for serve, the window's Stop for --lan in the window).
void printBanner(QTextStream& out, const Pattern& pattern, const QString& patternId,
    const QString& stop = QStringLiteral("Ctrl+C to stop"));

} // namespace PatternScope::LanServe
