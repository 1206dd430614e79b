// SPDX-License-Identifier: GPL-3.0-or-later
// File > Serve to a class…: the window serves a pattern's server side; students join from the join page
// (here curl, as a browser's EventSource would ask), and each is drawn as a lifeline.
#include "classbar.h"
#include "mainwindow.h"
#include "pattern.h"
#include "patternregistry.h"
#include "run.h"
#include "trace.h"

#include <QAction>
#include <QApplication>
#include <QComboBox>
#include <QDialog>
#include <QEventLoop>
#include <QPointer>
#include <QProcess>
#include <QRadioButton>
#include <QSpinBox>
#include <QTest>
#include <QTimer>
#include <QUrlQuery>
#include <algorithm>
#include <memory>
#include <vector>

using namespace PatternScope;

namespace {

bool hasLifeline(const Trace& trace, const QString& name)
{
    return std::any_of(
        trace.participants().begin(), trace.participants().end(), [&](const Participant& p) { return p.name == name; });
}

// Events delivered to the lifeline called `name`.
int eventsTo(const Trace& trace, const QString& name)
{
    int id = -1;
    for (const Participant& p : trace.participants()) {
        if (p.name == name)
            id = p.id;
    }
    return int(std::count_if(trace.messages().begin(), trace.messages().end(), [id](const Message& m) {
        return m.to == id && m.kind == Message::Kind::SseEvent && m.state == Message::State::Delivered;
    }));
}

// curl's answer status to `url` (as an outside client, beside the window's event loop).
int statusOf(const QString& url)
{
    QProcess curl;
    curl.start(QStringLiteral("curl"),
        { QStringLiteral("-s"), QStringLiteral("-o"), QStringLiteral("/dev/null"), QStringLiteral("-w"),
            QStringLiteral("%{http_code}"), QStringLiteral("--max-time"), QStringLiteral("10"), url });
    if (!curl.waitForStarted())
        return -1;
    // The window's event loop goes on meanwhile: the server answering curl is in this process.
    QEventLoop wait;
    QObject::connect(&curl, &QProcess::finished, &wait, &QEventLoop::quit);
    QTimer::singleShot(15000, &wait, &QEventLoop::quit);
    if (curl.state() != QProcess::NotRunning)
        wait.exec();
    return curl.state() == QProcess::NotRunning ? curl.readAllStandardOutput().toInt() : -1;
}

} // namespace

class TestClassWindow : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void fileMenuOffersIt()
    {
        MainWindow window;
        auto* serve = window.findChild<QAction*>(QStringLiteral("serveToClassAction"));
        QVERIFY(serve);
        QCOMPARE(serve->shortcut(), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_L));
        QVERIFY(window.classBar()->isHidden()); // nothing is served yet
    }

    void aClassJoinsAndIsDrawn()
    {
        MainWindow window;
        const PatternInfo* info = PatternRegistry::find(QStringLiteral("server-sent-events"));
        QVERIFY(info);
        ServeDoor door;
        door.addresses = { QHostAddress(QHostAddress::LocalHost) };
        QVERIFY(window.serveToClass(*info, 0, door));
        QVERIFY(window.isRunning());
        QCOMPARE(window.selectedPattern(), info->id);
        ClassBar* bar = window.classBar();
        QVERIFY(!bar->isHidden());

        // The bar shows the door's join address, token and all.
        const Pattern* pattern = window.run()->pattern();
        const QByteArray token = pattern->door().token;
        QCOMPARE(token.size(), 22);
        const QUrl join(bar->joinUrl());
        QCOMPARE(join.host(), QStringLiteral("127.0.0.1"));
        QCOMPARE(join.path(), QStringLiteral("/join"));
        QCOMPARE(QUrlQuery(join).queryItemValue(QStringLiteral("token")).toLatin1(), token);
        const QString base = QStringLiteral("http://127.0.0.1:%1").arg(join.port());

        QCOMPARE(statusOf(join.toString()), 200);
        QCOMPARE(statusOf(base + QStringLiteral("/join")), 403);
        QCOMPARE(statusOf(base + QStringLiteral("/events?client=mallory")), 403);

        // Three students' event streams, as their join pages open them.
        const QStringList names { QStringLiteral("ann"), QStringLiteral("bob"), QStringLiteral("cat") };
        std::vector<std::unique_ptr<QProcess>> students;
        for (const QString& name : names) {
            auto curl = std::make_unique<QProcess>();
            curl->start(QStringLiteral("curl"),
                { QStringLiteral("-sSN"),
                    base + QStringLiteral("/events?client=%1&token=%2").arg(name, QString::fromLatin1(token)) });
            QVERIFY(curl->waitForStarted());
            students.push_back(std::move(curl));
        }
        const Trace& trace = *window.trace();
        for (const QString& name : names)
            QTRY_VERIFY2_WITH_TIMEOUT(hasLifeline(trace, name), qPrintable(name), 15000);
        // Each gets items pushed: two, so one came after the first the stream starts with.
        for (const QString& name : names)
            QTRY_VERIFY2_WITH_TIMEOUT(eventsTo(trace, name) >= 2, qPrintable(name), 20000);
        QVERIFY(!hasLifeline(trace, QStringLiteral("mallory")));

        QCOMPARE(bar->students(), 3);
        QTRY_VERIFY2_WITH_TIMEOUT(
            bar->countsText().contains(QLatin1String("3 connections open")), qPrintable(bar->countsText()), 5000);
        QVERIFY2(
            bar->countsText().startsWith(QLatin1String("3 students on the diagram")), qPrintable(bar->countsText()));
        QVERIFY2(bar->countsText().contains(QLatin1String("1 join page given out")), qPrintable(bar->countsText()));
        QVERIFY2(bar->countsText().contains(QLatin1String("turned away: 2 without the token, 0 over the limits")),
            qPrintable(bar->countsText()));

        window.stopRun();
        QTRY_VERIFY_WITH_TIMEOUT(!window.isRunning(), 15000);
        QVERIFY(bar->isHidden());
        QVERIFY(bar->joinUrl().isEmpty());
        // The streams end with the run; what the class did stays on the diagram.
        for (const auto& student : students)
            QTRY_COMPARE_WITH_TIMEOUT(student->state(), QProcess::NotRunning, 15000);
        QCOMPARE(window.trace(), &trace);
        for (const QString& name : names)
            QVERIFY(hasLifeline(trace, name));
    }

    void theDialogServesWhatWasChosen()
    {
        MainWindow window;
        QVERIFY(window.selectPattern(QStringLiteral("short-polling")));
        // A run going (as the window starts one) ends when the class's begins.
        window.startRun();
        QVERIFY(window.isRunning());
        const QPointer<Run> before = window.run();
        QCOMPARE(before->info().id, QStringLiteral("short-polling"));
        bool answered = false;
        QTimer::singleShot(0, &window, [&answered] {
            auto* dialog = qobject_cast<QDialog*>(QApplication::activeModalWidget());
            if (!dialog)
                return;
            auto* pattern = dialog->findChild<QComboBox*>(QStringLiteral("classPattern"));
            // It offers the window's pattern first.
            if (!pattern || pattern->currentData().toString() != QLatin1String("short-polling"))
                return dialog->reject();
            pattern->setCurrentIndex(pattern->findData(QStringLiteral("websockets")));
            dialog->findChild<QRadioButton*>(QStringLiteral("classOnThisMachine"))->setChecked(true);
            dialog->findChild<QSpinBox*>(QStringLiteral("classMaxPerAddress"))->setValue(3);
            dialog->findChild<QSpinBox*>(QStringLiteral("classMaxClients"))->setValue(40);
            answered = true;
            dialog->accept();
        });
        window.findChild<QAction*>(QStringLiteral("serveToClassAction"))->trigger();
        QVERIFY(answered);
        QVERIFY(window.isRunning());
        QVERIFY(before.isNull()); // the run that was going is gone
        QCOMPARE(window.run()->info().id, QStringLiteral("websockets"));
        QCOMPARE(window.selectedPattern(), QStringLiteral("websockets"));
        const ServeDoor& door = window.run()->pattern()->door();
        QCOMPARE(door.addresses, QList<QHostAddress> { QHostAddress(QHostAddress::LocalHost) });
        QCOMPARE(door.maxPerAddress, 3);
        QCOMPARE(door.maxClients, 40);
        QVERIFY(window.classBar()->joinUrl().startsWith(QLatin1String("http://127.0.0.1:")));
        QVERIFY(!window.classBar()->isHidden());
        window.stopRun();
        QTRY_VERIFY_WITH_TIMEOUT(!window.isRunning(), 15000);
    }

    void aTakenPortIsRefused()
    {
        MainWindow window;
        ServeDoor door;
        door.addresses = { QHostAddress(QHostAddress::LocalHost) };
        QVERIFY(window.serveToClass(*PatternRegistry::find(QStringLiteral("websockets")), 0, door));
        const quint16 taken = quint16(QUrl(window.classBar()->joinUrl()).port());
        QVERIFY(taken > 0);

        // A second window on the same port cannot listen: it says so and nothing runs.
        MainWindow second;
        QTimer::singleShot(0, &second, [] {
            // The warning is modal: close it as a user would.
            for (QWidget* w : QApplication::topLevelWidgets()) {
                if (w->inherits("QMessageBox"))
                    w->close();
            }
        });
        QVERIFY(!second.serveToClass(*PatternRegistry::find(QStringLiteral("websockets")), taken, door));
        QVERIFY(!second.isRunning());
        QVERIFY(second.classBar()->isHidden());
        window.stopRun();
        QTRY_VERIFY_WITH_TIMEOUT(!window.isRunning(), 15000);
    }
};

QTEST_MAIN(TestClassWindow)
#include "tst_classwindow.moc"
