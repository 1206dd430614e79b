// SPDX-License-Identifier: GPL-3.0-or-later
// File > Proxy a server…: the window shows a user's own client and server live, through the link.
#include "eventfiltermodel.h"
#include "mainwindow.h"
#include "parameterpanel.h"
#include "proxypattern.h"
#include "trace.h"

#include <QAction>
#include <QMenuBar>
#include <QProcess>
#include <QTableView>
#include <QTest>
#include <algorithm>

using namespace PatternScope;

namespace {

QAction* action(const MainWindow& window, const QString& text)
{
    for (QAction* candidate : window.findChildren<QAction*>()) {
        if (candidate->text() == text)
            return candidate;
    }
    return nullptr;
}

} // namespace

class TestProxyWindow : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void fileMenuOffersIt()
    {
        MainWindow window;
        QVERIFY(action(window, QStringLiteral("Pro&xy a server…")));
    }

    void showsProxiedTrafficLive()
    {
        QProcess upstream;
        upstream.start(QStringLiteral("python3"), { QStringLiteral(PROXY_UPSTREAM_SCRIPT) });
        QVERIFY(upstream.waitForStarted());
        QTRY_VERIFY_WITH_TIMEOUT(upstream.canReadLine(), 10000);
        const quint16 upstreamPort = quint16(upstream.readLine().trimmed().toUInt());
        QVERIFY(upstreamPort > 0);

        MainWindow window;
        ProxyEndpoints endpoints;
        endpoints.listenPort = 0;
        endpoints.upstreamPort = upstreamPort;
        endpoints.upstreamName = QStringLiteral("127.0.0.1:%1").arg(upstreamPort);
        ParameterSet parameters(ProxyPattern::parameterSpecs());
        QVERIFY(parameters.set(QStringLiteral("latency"), 20));
        QVERIFY(window.startProxy(endpoints, parameters));
        QVERIFY(window.isRunning());
        const quint16 port = window.proxyPort();
        QVERIFY(port > 0);
        // The link's knobs are in the panel while it runs.
        QCOMPARE(window.parameterPanel()->values().value(QStringLiteral("latency")), 20);

        // curl runs beside the window's event loop, as an outside client does.
        QProcess curl;
        curl.start(QStringLiteral("curl"),
            { QStringLiteral("-sS"), QStringLiteral("http://127.0.0.1:%1/a").arg(port),
                QStringLiteral("http://127.0.0.1:%1/b").arg(port) });
        QTRY_COMPARE_WITH_TIMEOUT(curl.state(), QProcess::NotRunning, 20000);
        QCOMPARE(curl.readAllStandardOutput(), QByteArray("answer a\nanswer b\n"));

        Trace* trace = window.trace();
        QVERIFY(trace);
        QStringList labels;
        for (const Message& m : trace->messages()) {
            if (!isPlumbing(m.kind))
                labels.append(m.label);
        }
        QCOMPARE(labels,
            QStringList({ QStringLiteral("GET /a"), QStringLiteral("200 OK · 9 B"), QStringLiteral("GET /b"),
                QStringLiteral("200 OK · 9 B") }));
        // The event table shows them as the diagram does, live.
        QTRY_VERIFY(window.table()->model()->rowCount() >= 4);

        // The window's Cut reaches proxied connections: an event stream that would run forever ends.
        QProcess stream;
        stream.start(
            QStringLiteral("curl"), { QStringLiteral("-sSN"), QStringLiteral("http://127.0.0.1:%1/stream").arg(port) });
        QTRY_VERIFY_WITH_TIMEOUT(std::count_if(trace->messages().begin(), trace->messages().end(),
                                     [](const Message& m) {
                                         return m.kind == Message::Kind::SseEvent
                                             && m.state == Message::State::Delivered;
                                     })
                >= 2,
            10000);
        QAction* cut = action(window, QStringLiteral("&Cut the link"));
        QVERIFY(cut);
        cut->trigger();
        QTRY_COMPARE_WITH_TIMEOUT(stream.state(), QProcess::NotRunning, 10000);
        QVERIFY(std::any_of(trace->notes().begin(), trace->notes().end(),
            [](const Note& n) { return n.text.startsWith(QLatin1String("link cut: connection")); }));

        window.stopRun();
        QTRY_VERIFY_WITH_TIMEOUT(!window.isRunning(), 10000);
        QCOMPARE(window.proxyPort(), quint16(0));
        QCOMPARE(window.trace(), trace); // what was proxied stays shown
        QCOMPARE(window.currentHeader().pattern, QStringLiteral("proxy"));
        upstream.kill();
        upstream.waitForFinished();
    }
};

QTEST_MAIN(TestProxyWindow)
#include "tst_proxywindow.moc"
