// SPDX-License-Identifier: GPL-3.0-or-later
// patternscope proxy as a user meets it: the real binary between real outside clients (curl, a
// WebSocket client) and a real upstream (a Python http.server, a QWebSocketServer), all on 127.0.0.1.
#include "clirun.h"
#include "trace.h"
#include "tracefiles.h"

#include <QProcess>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>
#include <QWebSocket>
#include <QWebSocketServer>
#include <algorithm>

using namespace PatternScope;

namespace {

using Result = PatternScope::Test::CliResult;

bool waitForLine(QProcess& process, const QString& start, QString* line)
{
    for (;;) {
        while (process.canReadLine()) {
            *line = QString::fromUtf8(process.readLine()).trimmed();
            if (line->startsWith(start))
                return true;
        }
        if (!process.waitForReadyRead(15000))
            return false;
    }
}

// The proxy as a child process, writing its trace to a scratch file.
class Proxy {
public:
    // Starts `patternscope proxy --listen 127.0.0.1:0 ARGS -o FILE`; port() is where it listens.
    bool start(const QStringList& arguments)
    {
        m_path = m_dir.filePath(QStringLiteral("proxied.pstrace.jsonl"));
        m_process.start(QStringLiteral(PATTERNSCOPE_BINARY),
            QStringList { QStringLiteral("proxy"), QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0") }
                + arguments + QStringList { QStringLiteral("-o"), m_path });
        if (!m_process.waitForStarted())
            return false;
        QString banner;
        if (!waitForLine(m_process, QStringLiteral("proxying http://127.0.0.1:"), &banner))
            return false;
        m_banner = banner;
        m_port = banner.section(u':', 2, 2).section(u' ', 0, 0).toUShort();
        return m_port > 0;
    }
    quint16 port() const { return m_port; }
    QString url(const char* path) const
    {
        return QStringLiteral("http://127.0.0.1:%1%2").arg(m_port).arg(QLatin1String(path));
    }
    QProcess& process() { return m_process; }
    QString banner() const { return m_banner; }

    // SIGTERM, as Ctrl+C: the proxy stops and closes its trace. Returns what it printed.
    QString stop()
    {
        m_process.terminate();
        m_process.waitForFinished(15000);
        return QString::fromUtf8(m_process.readAllStandardOutput());
    }
    bool stoppedCleanly() const
    {
        return m_process.state() == QProcess::NotRunning && m_process.exitStatus() == QProcess::NormalExit
            && m_process.exitCode() == 0;
    }
    QString read(Trace* trace) const { return Test::readTrace(m_path, trace); }

private:
    QTemporaryDir m_dir;
    QString m_path;
    QProcess m_process;
    QString m_banner;
    quint16 m_port = 0;
};

// The Python upstream of proxy-upstream.py.
class Upstream {
public:
    bool start()
    {
        m_process.start(QStringLiteral("python3"), { QStringLiteral(PROXY_UPSTREAM_SCRIPT) });
        if (!m_process.waitForStarted())
            return false;
        for (int i = 0; i < 100 && !m_process.canReadLine(); ++i)
            m_process.waitForReadyRead(200);
        m_port = quint16(m_process.readLine().trimmed().toUInt());
        return m_port > 0;
    }
    ~Upstream()
    {
        m_process.kill();
        m_process.waitForFinished();
    }
    QString address() const { return QStringLiteral("127.0.0.1:%1").arg(m_port); }

private:
    QProcess m_process;
    quint16 m_port = 0;
};

Result curl(const QStringList& arguments)
{
    return Test::runProgram(QStringLiteral("curl"),
        QStringList { QStringLiteral("-sS"), QStringLiteral("--max-time"), QStringLiteral("20") } + arguments, 30000);
}

QString nameOf(const Trace& trace, int participant)
{
    const Participant* p = trace.participant(participant);
    return p ? p->name : QString();
}

// The client lifelines (every one but the upstream server's).
QStringList clientNames(const Trace& trace)
{
    QStringList names;
    for (const Participant& p : trace.participants()) {
        if (p.role != Participant::Role::Server)
            names.append(p.name);
    }
    return names;
}

// The messages to or from this client lifeline, in the order sent.
std::vector<Message> messagesOf(const Trace& trace, int client, bool includePlumbing = false)
{
    std::vector<Message> found;
    for (const Message& m : trace.messages()) {
        if ((m.from == client || m.to == client) && (includePlumbing || !isPlumbing(m.kind)))
            found.push_back(m);
    }
    std::stable_sort(
        found.begin(), found.end(), [](const Message& a, const Message& b) { return a.sentAt < b.sentAt; });
    return found;
}

QStringList labels(const std::vector<Message>& messages)
{
    QStringList list;
    for (const Message& m : messages)
        list.append(m.label);
    return list;
}

// The client lifeline that sent a request with this label first, or -1.
int clientSending(const Trace& trace, const QString& label)
{
    for (const Message& m : trace.messages()) {
        if (m.kind == Message::Kind::HttpRequest && m.label == label)
            return m.from;
    }
    return -1;
}

bool allDelivered(const std::vector<Message>& messages)
{
    return std::all_of(messages.begin(), messages.end(),
        [](const Message& m) { return m.state == Message::State::Delivered && m.receivedAt >= m.sentAt; });
}

quint16 freePort()
{
    QTcpServer probe;
    if (!probe.listen(QHostAddress::LocalHost, 0))
        return 0;
    return probe.serverPort(); // closed again when probe goes: nobody listens there
}

} // namespace

class TestProxy : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void badFlagsNameTheFlagAndTheRange_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<QString>("message");
        QTest::addRow("no upstream") << QStringList {} << QStringLiteral("missing --to HOST:PORT");
        QTest::addRow("upstream port 0") << QStringList { QStringLiteral("--to"), QStringLiteral("127.0.0.1:0") }
                                         << QStringLiteral(
                                                "--to: '127.0.0.1:0' is not HOST:PORT with a port from 1 to 65535");
        QTest::addRow("upstream without port") << QStringList { QStringLiteral("--to"), QStringLiteral("127.0.0.1") }
                                               << QStringLiteral("--to: '127.0.0.1' is not HOST:PORT");
        QTest::addRow("listen on a name")
            << QStringList { QStringLiteral("--to"), QStringLiteral("127.0.0.1:3000"), QStringLiteral("--listen"),
                   QStringLiteral("example.org:80") }
            << QStringLiteral(
                   "--listen: 'example.org:80' is not ADDRESS:PORT with an IP address and a port from 0 to 65535");
        QTest::addRow("listen port too big") << QStringList { QStringLiteral("--to"), QStringLiteral("127.0.0.1:3000"),
            QStringLiteral("--listen"), QStringLiteral("127.0.0.1:70000") }
                                             << QStringLiteral("--listen: '127.0.0.1:70000' is not ADDRESS:PORT");
        QTest::addRow("latency out of range") << QStringList { QStringLiteral("--to"), QStringLiteral("127.0.0.1:3000"),
            QStringLiteral("--set"), QStringLiteral("latency=20s") }
                                              << QStringLiteral("--set: latency");
        QTest::addRow("bandwidth not a size") << QStringList { QStringLiteral("--to"), QStringLiteral("127.0.0.1:3000"),
            QStringLiteral("--set"), QStringLiteral("bandwidth=fast") }
                                              << QStringLiteral("--set: bandwidth");
        QTest::addRow("unknown knob") << QStringList { QStringLiteral("--to"), QStringLiteral("127.0.0.1:3000"),
            QStringLiteral("--set"), QStringLiteral("loss=5%") }
                                      << QStringLiteral("--set: ");
    }

    void badFlagsNameTheFlagAndTheRange()
    {
        QFETCH(QStringList, arguments);
        QFETCH(QString, message);
        const Result r = Test::runProgram(
            QStringLiteral(PATTERNSCOPE_BINARY), QStringList { QStringLiteral("proxy") } + arguments, 30000);
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.startsWith(QStringLiteral("patternscope proxy: ") + message), qPrintable(r.err));
        QCOMPARE(r.err.count(u'\n'), 1); // one line
        QCOMPARE(r.out, QString());
    }

    void helpAndManPageNameTheCommand()
    {
        const Result overview
            = Test::runProgram(QStringLiteral(PATTERNSCOPE_BINARY), { QStringLiteral("--help") }, 30000);
        QVERIFY2(overview.out.contains(QStringLiteral("proxy --to HOST:PORT")), qPrintable(overview.out));
        const Result own = Test::runProgram(
            QStringLiteral(PATTERNSCOPE_BINARY), { QStringLiteral("proxy"), QStringLiteral("--help") }, 30000);
        QCOMPARE(own.exitCode, 0);
        for (const char* option : { "--to", "--listen", "--set", "--output", "--duration", "--seed" })
            QVERIFY2(own.out.contains(QLatin1String(option)), option);
    }

    void httpExchangesAreArrowsPerConnection()
    {
        Upstream upstream;
        QVERIFY(upstream.start());
        Proxy proxy;
        QVERIFY(proxy.start(
            { QStringLiteral("--to"), upstream.address(), QStringLiteral("--set"), QStringLiteral("latency=20ms") }));

        // Keep-alive: two URLs, one curl, one connection.
        Result r = curl({ proxy.url("/a"), proxy.url("/b") });
        QCOMPARE(r.err, QString());
        QCOMPARE(r.out, QStringLiteral("answer a\nanswer b\n")); // the bytes as the server sent them
        // Chunked, passed on as chunked: curl decodes it.
        r = curl({ QStringLiteral("--raw"), proxy.url("/chunked") });
        QCOMPARE(r.out, QStringLiteral("4\r\none \r\n4\r\ntwo \r\n6\r\nthree\n\r\n0\r\n\r\n"));
        // HTTP/1.0: the server closes after the answer.
        r = curl({ QStringLiteral("--http1.0"), proxy.url("/a") });
        QCOMPARE(r.out, QStringLiteral("answer a\n"));
        // An event stream, read as it comes.
        r = curl({ QStringLiteral("-N"), proxy.url("/events") });
        QVERIFY2(r.out.contains(QStringLiteral("id: 3\nevent: price\ndata: 43.25\n\n")), qPrintable(r.out));
        // A request the server holds for 1.5 s, as a long poll's does.
        r = curl({ proxy.url("/hold") });
        QCOMPARE(r.out, QStringLiteral("held\n"));
        // The server closes in the middle of its answer.
        r = curl({ proxy.url("/close-mid") });
        QVERIFY(r.err.contains(QStringLiteral("18")) || r.err.contains(QStringLiteral("transfer closed")));

        const QString printed = proxy.stop();
        QVERIFY2(proxy.stoppedCleanly(), qPrintable(printed));
        QVERIFY2(printed.contains(QStringLiteral("-> server ") + upstream.address() + QStringLiteral("  GET /a")),
            qPrintable(printed));
        QVERIFY2(proxy.banner().contains(QStringLiteral("-> ") + upstream.address()), qPrintable(proxy.banner()));

        Trace trace;
        QCOMPARE(proxy.read(&trace), QString());
        // One lifeline per client connection, named by the software and the address it came from.
        const QStringList names = clientNames(trace);
        QCOMPARE(names.size(), 6);
        for (const QString& name : names)
            QVERIFY2(name.startsWith(QStringLiteral("curl/")) && name.contains(QStringLiteral(" 127.0.0.1:")),
                qPrintable(names.join(u',')));
        QCOMPARE(trace.connections().size(), size_t(6));

        const int keepAlive = clientSending(trace, QStringLiteral("GET /a"));
        QVERIFY(keepAlive >= 0);
        std::vector<Message> m = messagesOf(trace, keepAlive);
        QCOMPARE(labels(m),
            QStringList({ QStringLiteral("GET /a"), QStringLiteral("200 OK · 9 B"), QStringLiteral("GET /b"),
                QStringLiteral("200 OK · 9 B") }));
        QVERIFY(allDelivered(m));
        QCOMPARE(m[0].connection, m[2].connection); // kept alive
        QCOMPARE(m[1].correlation, m[0].correlation); // each answer paired with its request
        QCOMPARE(m[3].correlation, m[2].correlation);
        QCOMPARE(m[1].kind, Message::Kind::HttpResponse);
        QCOMPARE(m[1].from, messagesOf(trace, keepAlive)[0].to);
        QCOMPARE(nameOf(trace, m[1].from), QStringLiteral("server ") + upstream.address());

        m = messagesOf(trace, clientSending(trace, QStringLiteral("GET /chunked")));
        QCOMPARE(labels(m), QStringList({ QStringLiteral("GET /chunked"), QStringLiteral("200 OK · chunked") }));
        QVERIFY(allDelivered(m));

        // The HTTP/1.0 request's connection: one exchange, and the server's close.
        int http10 = -1;
        for (const Message& message : trace.messages()) {
            if (message.kind == Message::Kind::HttpRequest && message.label == QLatin1String("GET /a")
                && message.from != keepAlive)
                http10 = message.from;
        }
        QVERIFY(http10 >= 0);
        m = messagesOf(trace, http10, true);
        QCOMPARE(labels(m),
            QStringList({ QStringLiteral("TCP connect"), QStringLiteral("GET /a"), QStringLiteral("200 OK · 9 B"),
                QStringLiteral("TCP close") }));
        QCOMPARE(m.back().from, m[2].from); // the server closed

        // The event stream: the answer, then each event as its own arrow.
        m = messagesOf(trace, clientSending(trace, QStringLiteral("GET /events")));
        QCOMPARE(labels(m),
            QStringList({ QStringLiteral("GET /events"), QStringLiteral("200 OK · event stream"),
                QStringLiteral("event: price · id 1"), QStringLiteral("event: price · id 2"),
                QStringLiteral("event: price · id 3") }));
        QVERIFY(allDelivered(m));
        QCOMPARE(m[2].kind, Message::Kind::SseEvent);
        QCOMPARE(m[4].bodyPreview(), QByteArray("43.25"));

        // The held request: an activation on the server's lifeline, labelled as a long poll's hold.
        m = messagesOf(trace, clientSending(trace, QStringLiteral("GET /hold")));
        QCOMPARE(labels(m), QStringList({ QStringLiteral("GET /hold"), QStringLiteral("200 OK · 5 B") }));
        const auto held = std::find_if(trace.activations().begin(), trace.activations().end(),
            [](const Activation& a) { return a.label == QLatin1String("holding the poll"); });
        QVERIFY(held != trace.activations().end());
        QCOMPARE(held->participant, m[1].from);
        QVERIFY(held->start >= m[0].receivedAt && held->end <= m[1].sentAt && held->end > held->start);
        QCOMPARE(std::count_if(trace.activations().begin(), trace.activations().end(),
                     [](const Activation& a) { return a.label == QLatin1String("holding the poll"); }),
            1);

        // Closed mid-answer: the answer never arrived whole, and a note says why.
        m = messagesOf(trace, clientSending(trace, QStringLiteral("GET /close-mid")));
        QCOMPARE(labels(m), QStringList({ QStringLiteral("GET /close-mid"), QStringLiteral("200 OK · 100 B") }));
        QCOMPARE(m[1].state, Message::State::Lost);
        QVERIFY(std::any_of(trace.notes().begin(), trace.notes().end(),
            [](const Note& n) { return n.text.contains(QLatin1String("in the middle of an answer")); }));
        QCOMPARE(trace.inFlightCount(), 0);
    }

    void hostIsKeptUnlessRewritten()
    {
        Upstream upstream;
        QVERIFY(upstream.start());
        for (const bool rewrite : { false, true }) {
            Proxy proxy;
            QStringList arguments { QStringLiteral("--to"), upstream.address(), QStringLiteral("--set"),
                QStringLiteral("latency=0ms") };
            if (rewrite)
                arguments.append(QStringLiteral("--rewrite-host"));
            QVERIFY(proxy.start(arguments));
            // Two requests on one connection, the first with a body: both heads are rewritten, nothing else.
            const Result r = curl({ QStringLiteral("--data-binary"), QStringLiteral("Host: not this"),
                proxy.url("/host"), QStringLiteral("--next"), proxy.url("/host") });
            const QString proxyHost = QStringLiteral("127.0.0.1:%1").arg(proxy.port());
            const QString expected = rewrite ? upstream.address() : proxyHost;
            QCOMPARE(r.out, expected + expected);
            proxy.stop();
            QVERIFY(proxy.stoppedCleanly());
            Trace trace;
            QCOMPARE(proxy.read(&trace), QString());
            const int client = clientSending(trace, QStringLiteral("POST /host · 14 B"));
            QVERIFY(client >= 0);
            const std::vector<Message> m = messagesOf(trace, client);
            QCOMPARE(labels(m),
                QStringList({ QStringLiteral("POST /host · 14 B"), QStringLiteral("200 OK · %1 B").arg(expected.size()),
                    QStringLiteral("GET /host"), QStringLiteral("200 OK · %1 B").arg(expected.size()) }));
            const Message& request = m[0];
            QCOMPARE(request.bodyPreview(), QByteArray("Host: not this"));
        }
    }

    void webSocketUpgradeAndFrames()
    {
        QWebSocketServer upstream(QStringLiteral("echo"), QWebSocketServer::NonSecureMode);
        int upstreamClosed = 0;
        QVERIFY(upstream.listen(QHostAddress::LocalHost, 0));
        connect(&upstream, &QWebSocketServer::newConnection, this, [&upstream, &upstreamClosed] {
            QWebSocket* socket = upstream.nextPendingConnection();
            connect(socket, &QWebSocket::textMessageReceived, socket,
                [socket](const QString& text) { socket->sendTextMessage(QStringLiteral("echo ") + text); });
            connect(socket, &QWebSocket::binaryMessageReceived, socket,
                [socket](const QByteArray& bytes) { socket->sendBinaryMessage(bytes); });
            connect(socket, &QWebSocket::disconnected, socket, [socket, &upstreamClosed] {
                ++upstreamClosed;
                socket->deleteLater();
            });
        });
        Proxy proxy;
        QVERIFY(proxy.start({ QStringLiteral("--to"), QStringLiteral("127.0.0.1:%1").arg(upstream.serverPort()),
            QStringLiteral("--set"), QStringLiteral("latency=10ms") }));

        QWebSocket client;
        QStringList received;
        QByteArray binary;
        connect(&client, &QWebSocket::textMessageReceived, this, [&](const QString& text) { received.append(text); });
        connect(&client, &QWebSocket::binaryMessageReceived, this, [&](const QByteArray& bytes) { binary = bytes; });
        client.open(QUrl(QStringLiteral("ws://127.0.0.1:%1/echo").arg(proxy.port())));
        QTRY_COMPARE_WITH_TIMEOUT(client.state(), QAbstractSocket::ConnectedState, 10000);
        client.sendTextMessage(QStringLiteral("hello"));
        client.sendBinaryMessage(QByteArray("\x01\x02\x03", 3));
        QTRY_COMPARE_WITH_TIMEOUT(received, QStringList { QStringLiteral("echo hello") }, 10000);
        QTRY_COMPARE_WITH_TIMEOUT(binary, QByteArray("\x01\x02\x03", 3), 10000);
        client.close(QWebSocketProtocol::CloseCodeNormal, QStringLiteral("bye"));
        QTRY_COMPARE_WITH_TIMEOUT(client.state(), QAbstractSocket::UnconnectedState, 10000);
        // The upstream hears the close after the link's latency.
        QTRY_COMPARE_WITH_TIMEOUT(upstreamClosed, 1, 10000);

        const QString printed = proxy.stop();
        QVERIFY2(proxy.stoppedCleanly(), qPrintable(printed));
        Trace trace;
        QCOMPARE(proxy.read(&trace), QString());
        const QStringList names = clientNames(trace);
        QCOMPARE(names.size(), 1);
        const int client_ = clientSending(trace, QStringLiteral("GET /echo · Upgrade: websocket"));
        QVERIFY2(client_ >= 0, qPrintable(labels(messagesOf(trace, 0)).join(u'\n')));
        const std::vector<Message> m = messagesOf(trace, client_);
        const QStringList seen = labels(m);
        QCOMPARE(seen.mid(0, 6),
            QStringList({ QStringLiteral("GET /echo · Upgrade: websocket"),
                QStringLiteral("101 Switching Protocols · websocket"), QStringLiteral("text · 5 B"),
                QStringLiteral("binary · 3 B"), QStringLiteral("text · 10 B"), QStringLiteral("binary · 3 B") }));
        QCOMPARE(m[2].from, client_);
        QCOMPARE(m[4].to, client_);
        QCOMPARE(m[2].kind, Message::Kind::WsText);
        QCOMPARE(m[3].kind, Message::Kind::WsBinary);
        QVERIFY2(seen.contains(QStringLiteral("close 1000 (normal) · bye")), qPrintable(seen.join(u'\n')));
        for (size_t i = 0; i < 6; ++i)
            QCOMPARE(m[i].state, Message::State::Delivered);
    }

    void refusedUpstreamGetsTheProxysOwn502()
    {
        const quint16 nobody = freePort();
        QVERIFY(nobody > 0);
        Proxy proxy;
        QVERIFY(proxy.start({ QStringLiteral("--to"), QStringLiteral("127.0.0.1:%1").arg(nobody),
            QStringLiteral("--set"), QStringLiteral("latency=10ms") }));
        // Twice: the proxy keeps serving after the first failure.
        for (const char* path : { "/first", "/second" }) {
            const Result r = curl({ QStringLiteral("-i"), proxy.url(path) });
            QVERIFY2(r.out.startsWith(QStringLiteral("HTTP/1.1 502 Bad Gateway")), qPrintable(r.out + r.err));
            QVERIFY2(r.out.contains(QStringLiteral("patternscope proxy: the upstream server")), qPrintable(r.out));
        }
        const QString printed = proxy.stop();
        QVERIFY2(proxy.stoppedCleanly(), qPrintable(printed));
        Trace trace;
        QCOMPARE(proxy.read(&trace), QString());
        QCOMPARE(clientNames(trace).size(), 2);
        for (const char* path : { "/first", "/second" }) {
            const int client = clientSending(trace, QStringLiteral("GET ") + QLatin1String(path));
            QVERIFY(client >= 0);
            const std::vector<Message> m = messagesOf(trace, client);
            QCOMPARE(labels(m),
                QStringList({ QStringLiteral("GET ") + QLatin1String(path),
                    QStringLiteral("502 Bad Gateway · by the proxy: upstream refused") }));
            QCOMPARE(m[0].state, Message::State::Lost); // it never reached a server
            QCOMPARE(m[1].state, Message::State::Delivered);
            QCOMPARE(m[1].correlation, m[0].correlation);
        }
        QCOMPARE(std::count_if(trace.notes().begin(), trace.notes().end(),
                     [](const Note& n) { return n.text.contains(QLatin1String("refused")); }),
            2);
    }

    void cutAndStallReachProxiedConnections()
    {
        Upstream upstream;
        QVERIFY(upstream.start());
        Proxy proxy;
        QVERIFY(proxy.start(
            { QStringLiteral("--to"), upstream.address(), QStringLiteral("--set"), QStringLiteral("latency=10ms") }));
        QProcess reader;
        reader.start(QStringLiteral("curl"), { QStringLiteral("-sSN"), proxy.url("/stream") });
        QVERIFY(reader.waitForStarted());
        QString line;
        // Events flow; stall the link, then cut it while the stream is open.
        QVERIFY(waitForLine(reader, QStringLiteral("data: tick 3"), &line));
        proxy.process().write("stall 300ms\n");
        QVERIFY(waitForLine(proxy.process(), QStringLiteral("stalling the link for 300ms"), &line));
        QVERIFY(waitForLine(reader, QStringLiteral("data: tick 8"), &line));
        proxy.process().write("cut\n");
        QVERIFY(waitForLine(proxy.process(), QStringLiteral("cutting 1 open connections"), &line));
        // The stream ran until close: curl ends with the cut (otherwise it would read on forever).
        QVERIFY(reader.waitForFinished(10000));

        const QString printed = proxy.stop();
        QVERIFY2(proxy.stoppedCleanly(), qPrintable(printed));
        Trace trace;
        QCOMPARE(proxy.read(&trace), QString());
        QVERIFY(std::any_of(trace.notes().begin(), trace.notes().end(),
            [](const Note& n) { return n.text.startsWith(QLatin1String("link stalled for 300 ms")); }));
        QVERIFY(std::any_of(trace.notes().begin(), trace.notes().end(),
            [](const Note& n) { return n.text.startsWith(QLatin1String("link cut: connection")); }));
        QCOMPARE(trace.connections().size(), size_t(1));
        QCOMPARE(trace.connections().front().closeReason, QStringLiteral("cut"));
        const std::vector<Message> m = messagesOf(trace, clientSending(trace, QStringLiteral("GET /stream")));
        QVERIFY(m.size() >= 10);
        QCOMPARE(m[1].label, QStringLiteral("200 OK · event stream"));
        QCOMPARE(m[2].label, QStringLiteral("event: message · id 1"));
        // During the stall events kept leaving the server but none arrived: they arrived together after it.
        QCOMPARE(trace.inFlightCount(), 0);
    }
};

QTEST_GUILESS_MAIN(TestProxy)
#include "tst_proxy.moc"
