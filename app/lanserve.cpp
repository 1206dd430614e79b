// SPDX-License-Identifier: GPL-3.0-or-later
#include "lanserve.h"

#include <QCommandLineParser>
#include <QRegularExpression>
#include <QTextStream>

namespace PatternScope::LanServe {

namespace {

bool parseCount(const QCommandLineParser& parser, const QCommandLineOption& option, int max, int* value, QString* error)
{
    if (!parser.isSet(option))
        return true;
    const QString text = parser.value(option);
    bool ok = false;
    const int n = text.toInt(&ok);
    if (!ok || n < 1 || n > max) {
        *error = QStringLiteral("--%1: '%2' is not a whole number from 1 to %3")
                     .arg(option.names().constFirst(), text)
                     .arg(max);
        return false;
    }
    *value = n;
    return true;
}

} // namespace

bool parse(const QCommandLineParser& parser, const Options& options, ServeDoor* door, QString* error)
{
    if (!parser.isSet(options.lan)) {
        for (const QCommandLineOption& option : { options.listen, options.maxClients, options.maxPerAddress }) {
            if (parser.isSet(option)) {
                *error = QStringLiteral("--%1 applies to --lan only").arg(option.names().constFirst());
                return false;
            }
        }
        return true;
    }
    if (!parseCount(parser, options.maxClients, ServeDoor::kMaxMaxClients, &door->maxClients, error)
        || !parseCount(parser, options.maxPerAddress, ServeDoor::kMaxMaxPerAddress, &door->maxPerAddress, error))
        return false;
    for (const QString& text : parser.values(options.listen)) {
        const QHostAddress address(text);
        if (address.isNull() || address.isMulticast() || address == QHostAddress::Broadcast) {
            *error = QStringLiteral("--listen: '%1' is not an IPv4 or IPv6 address of this machine (e.g. 192.168.1.20 "
                                    "or 127.0.0.1)")
                         .arg(text);
            return false;
        }
        if (!door->addresses.contains(address))
            door->addresses.append(address);
    }
    if (door->addresses.isEmpty())
        door->addresses = ServeDoor::lanAddresses();
    if (door->addresses.isEmpty()) {
        *error = QStringLiteral("--lan: this machine has no LAN address (is it on a network?); --listen ADDRESS "
                                "names one");
        return false;
    }
    return true;
}

void printBanner(QTextStream& out, const Pattern& pattern, const QString& patternId, const QString& stop)
{
    const ServeDoor& door = pattern.door();
    const bool loopbackOnly = std::all_of(
        door.addresses.begin(), door.addresses.end(), [](const QHostAddress& a) { return a.isLoopback(); });
    out << QStringLiteral("serving %1 to a class on %2 (%3)").arg(patternId, pattern.publicUrl(), stop) << u'\n'
        << (loopbackOnly ? QStringLiteral("only programs on this machine can connect (--listen on loopback)")
                         : QStringLiteral("OTHER MACHINES on your networks can connect, with the join token"))
        << u'\n' << QStringLiteral("students open:") << u'\n';
    for (const QString& url : pattern.joinUrls())
        out << QStringLiteral("  ") << url << u'\n';
    out << QStringLiteral("without the token: 403; at most %1 connections (then 503), %2 from one address (then 429)")
               .arg(door.maxClients)
               .arg(door.maxPerAddress)
        << u'\n' << QStringLiteral("scripts add token=%1 to every request, e.g.:").arg(QString::fromLatin1(door.token))
        << u'\n';
    // The pattern's own examples, each of its addresses with the token added.
    const QRegularExpression url(QRegularExpression::escape(pattern.publicUrl()) + QStringLiteral("[^\\s']*"));
    for (QString line : pattern.tryItOut()) {
        const QRegularExpressionMatch match = url.match(line);
        if (match.hasMatch()) {
            const QString found = match.captured();
            const QString withToken = found + (found.contains(u'?') ? u'&' : u'?') + QStringLiteral("token=")
                + QString::fromLatin1(door.token);
            line.replace(match.capturedStart(), match.capturedLength(), withToken);
        }
        out << QStringLiteral("  ") << line << u'\n';
    }
    out << Qt::endl;
}

} // namespace PatternScope::LanServe
