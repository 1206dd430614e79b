// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QProcess>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>

namespace PatternScope::Test {

// What a command-line run of a program left behind.
struct CliResult {
    int exitCode = -1; // -1: it crashed or timed out
    QString out;
    QString err;
};

// Runs `program` as a child process to its end, as a user at a shell would; a run longer than `timeoutMs` is
// killed and reported as "timed out" on err.
inline CliResult runProgram(const QString& program, const QStringList& arguments, int timeoutMs,
    const QString& workingDirectory = QString(),
    const QProcessEnvironment& environment = QProcessEnvironment::systemEnvironment())
{
    QProcess process;
    process.setProcessEnvironment(environment);
    process.setProgram(program);
    process.setArguments(arguments);
    if (!workingDirectory.isEmpty())
        process.setWorkingDirectory(workingDirectory);
    process.start();
    CliResult result;
    if (!process.waitForFinished(timeoutMs)) {
        process.kill();
        process.waitForFinished();
        result.err = QStringLiteral("timed out");
        return result;
    }
    result.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    result.out = QString::fromUtf8(process.readAllStandardOutput());
    result.err = QString::fromUtf8(process.readAllStandardError());
    return result;
}

} // namespace PatternScope::Test
