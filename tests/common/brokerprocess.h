// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "waituntil.h"

#include <QDebug>
#include <QFile>
#include <QProcess>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>

namespace PatternScope::Test {

// A real broker (Debian's mosquitto or redis-server) started by a test on a free loopback port and
// stopped when the test ends. isRunning() false with why() set if it is missing or did not come up.
class BrokerProcess {
public:
    enum class Kind { Mosquitto, Redis };

    static QString program(Kind kind)
    {
        const QString name = kind == Kind::Mosquitto ? QStringLiteral("mosquitto") : QStringLiteral("redis-server");
        // Debian puts mosquitto in /usr/sbin, often not on a user's PATH.
        QString path = QStandardPaths::findExecutable(name);
        if (path.isEmpty())
            path = QStandardPaths::findExecutable(name, { QStringLiteral("/usr/sbin"), QStringLiteral("/usr/bin") });
        return path;
    }

    explicit BrokerProcess(Kind kind)
        : m_kind(kind)
    {
        const QString path = program(kind);
        if (path.isEmpty()) {
            m_why = QStringLiteral("%1 is not installed (cmake/install-deps.sh installs it)")
                        .arg(kind == Kind::Mosquitto ? QStringLiteral("mosquitto") : QStringLiteral("redis-server"));
            return;
        }
        m_port = freePort();
        QStringList arguments;
        if (kind == Kind::Mosquitto) {
            const QString config = m_dir.filePath(QStringLiteral("mosquitto.conf"));
            QFile file(config);
            if (!file.open(QIODevice::WriteOnly)) {
                m_why = QStringLiteral("cannot write %1").arg(config);
                return;
            }
            file.write(QStringLiteral("listener %1 127.0.0.1\nallow_anonymous true\npersistence false\n")
                           .arg(m_port)
                           .toUtf8());
            file.close();
            arguments = { QStringLiteral("-c"), config };
        } else {
            arguments = { QStringLiteral("--port"), QString::number(m_port), QStringLiteral("--bind"),
                QStringLiteral("127.0.0.1"), QStringLiteral("--save"), QString(), QStringLiteral("--appendonly"),
                QStringLiteral("no"), QStringLiteral("--dir"), m_dir.path() };
        }
        m_process.setProcessChannelMode(QProcess::MergedChannels);
        m_process.start(path, arguments);
        // No signal says a broker listens: try its port until it answers, or it exits.
        const bool up = waitUntil(
            [this] {
                if (m_process.state() == QProcess::NotRunning)
                    return true;
                QTcpSocket probe;
                probe.connectToHost(QHostAddress::LocalHost, m_port);
                return probe.waitForConnected(200);
            },
            10000);
        if (!up || m_process.state() != QProcess::Running) {
            m_why = QStringLiteral("%1 did not come up on port %2: %3")
                        .arg(path)
                        .arg(m_port)
                        .arg(QString::fromLocal8Bit(m_process.readAll()));
            m_process.kill();
            m_process.waitForFinished();
        }
    }

    ~BrokerProcess()
    {
        if (m_process.state() != QProcess::NotRunning) {
            m_process.terminate();
            if (!m_process.waitForFinished(5000)) {
                m_process.kill();
                m_process.waitForFinished();
            }
        }
    }

    bool isRunning() const { return m_why.isEmpty() && m_process.state() == QProcess::Running; }
    bool isMissing() const { return program(m_kind).isEmpty(); }
    QString why() const { return m_why; }
    quint16 port() const { return m_port; }
    QString url() const
    {
        return QStringLiteral("%1://127.0.0.1:%2")
            .arg(m_kind == Kind::Mosquitto ? QStringLiteral("mqtt") : QStringLiteral("redis"))
            .arg(m_port);
    }

    // A port nothing listens on right now.
    static quint16 freePort()
    {
        QTcpServer server;
        server.listen(QHostAddress::LocalHost, 0);
        return server.serverPort();
    }

private:
    Kind m_kind;
    QTemporaryDir m_dir;
    QProcess m_process;
    quint16 m_port = 0;
    QString m_why;
};

} // namespace PatternScope::Test
