// SPDX-License-Identifier: GPL-3.0-or-later
// Recording a WebSocket flood: one client sends chat envelopes as fast as its socket drains, first to
// a bare QWebSocketServer that only counts text messages, then through what `patternscope serve
// websockets --set latency=0ms -o FILE` runs (the outside link at latency 0, the recorder, the hub, the
// trace writer to a file). Two flooding clients, one after the other: a plain TCP socket in its own
// thread that writes masked frames (cheaper than either server, so the ratio is of the two servers'
// capacities), then the issue's own flood, node's `ws` module in a child process (skipped, and said
// so, when node or `ws` is missing). For each, both rates are measured side by side, in rounds that
// alternate, and the target is the recorded rate over the bare one. Then the zero-latency delay: the
// raw client sends one message at a time, waiting until the server has it, and the trace's
// sent-to-received times (the link read the first byte, it handed the last one to the server's
// socket) give the one-way delay.
//
//   bench_flood [--messages N] [--rounds N] [--pings N]
#include "linkemulator.h"
#include "patternregistry.h"
#include "run.h"
#include "trace.h"
#include "tracefile.h"
#include "websockets.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QProcess>
#include <QRandomGenerator>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QThread>
#include <QTimer>
#include <QWebSocket>
#include <QWebSocketServer>
#include <algorithm>
#include <cstdio>
#include <functional>
#include <vector>

using namespace PatternScope;

namespace {

constexpr double kRatioTarget = 0.9; // recorded rate over the bare rate
constexpr double kDelayTargetUs = 200; // p50 one-way delay at latency 0
constexpr qint64 kHighWater = 64 * 1024; // what the client lets wait in its socket: "as fast as it drains"

QString chat(qint64 id)
{
    return QStringLiteral("{\"type\":\"chat\",\"id\":%1,\"text\":\"hello %1\"}").arg(id);
}

// One client frame (RFC 6455, 5.2): FIN, text, masked with `key`.
QByteArray textFrame(const QByteArray& payload, quint32 key)
{
    QByteArray frame;
    frame.reserve(payload.size() + 14);
    frame.append(char(0x81));
    if (payload.size() < 126) {
        frame.append(char(0x80 | payload.size()));
    } else {
        frame.append(char(0x80 | 126));
        frame.append(char(payload.size() >> 8));
        frame.append(char(payload.size() & 0xff));
    }
    const char mask[4] = { char(key >> 24), char(key >> 16), char(key >> 8), char(key) };
    frame.append(mask, 4);
    for (qsizetype i = 0; i < payload.size(); ++i)
        frame.append(char(payload.at(i) ^ mask[i % 4]));
    return frame;
}

// The flooding client, in its own thread: a plain TCP socket that does the opening handshake and
// then writes masked text frames, `count` chats as fast as its socket drains, or, in lockstep, the
// next one only when told that the server has the last. Cheaper than any server it floods.
class FloodClient : public QObject {
    Q_OBJECT
public:
    void start(const QUrl& url, qint64 count, bool lockstep)
    {
        m_count = count;
        m_sent = 0;
        m_lockstep = lockstep;
        m_open = false;
        m_head.clear();
        m_socket = new QTcpSocket(this);
        m_socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
        connect(m_socket, &QTcpSocket::connected, this, [this, url] {
            const QByteArray target = url.path(QUrl::FullyEncoded).toLatin1()
                + (url.hasQuery() ? "?" + url.query(QUrl::FullyEncoded).toLatin1() : QByteArray());
            m_socket->write("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1:" + QByteArray::number(url.port())
                + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                  "Sec-WebSocket-Version: 13\r\n\r\n");
        });
        connect(m_socket, &QTcpSocket::readyRead, this, [this] {
            const QByteArray bytes = m_socket->readAll();
            if (m_open)
                return; // what the server sends (items, pings) is not the flood's business
            m_head += bytes;
            if (!m_head.contains("\r\n\r\n"))
                return;
            if (!m_head.startsWith("HTTP/1.1 101")) {
                std::fprintf(stderr, "flood client: no upgrade: %s\n", m_head.left(m_head.indexOf('\r')).constData());
                return;
            }
            m_open = true;
            sendMore();
        });
        connect(m_socket, &QTcpSocket::bytesWritten, this, [this] {
            if (!m_lockstep)
                sendMore();
        });
        m_socket->connectToHost(QHostAddress::LocalHost, quint16(url.port()));
    }
    void next() { sendMore(); } // lockstep: the server has the last one
    void finish()
    {
        m_socket->abort();
        m_socket->deleteLater();
        m_socket = nullptr;
    }

private:
    void sendMore()
    {
        if (!m_socket || !m_open)
            return;
        if (m_lockstep) {
            if (m_sent < m_count)
                m_socket->write(textFrame(chat(++m_sent).toUtf8(), m_random.generate()));
            return;
        }
        while (m_sent < m_count && m_socket->bytesToWrite() < kHighWater)
            m_socket->write(textFrame(chat(++m_sent).toUtf8(), m_random.generate()));
    }

    QTcpSocket* m_socket = nullptr;
    QRandomGenerator m_random { 7 };
    QByteArray m_head;
    qint64 m_count = 0;
    qint64 m_sent = 0;
    bool m_lockstep = false;
    bool m_open = false;
};

// Receipt times, server side: rate from the first message to the last.
struct Count {
    qint64 received = 0;
    qint64 firstNs = 0;
    qint64 lastNs = 0;
    double rate() const { return lastNs > firstNs ? double(received - 1) * 1e9 / double(lastNs - firstNs) : 0; }
};

// A flooding client: it connects to `url` and sends `count` chats, or, in lockstep, one per next().
class Flooder {
public:
    virtual ~Flooder() = default;
    virtual void start(const QUrl& url, qint64 count, bool lockstep = false) = 0;
    virtual void next() { }
    virtual void finish() = 0;
};

struct Client : Flooder {
    QThread thread;
    FloodClient* flood = new FloodClient;
    Client()
    {
        flood->moveToThread(&thread);
        thread.start();
    }
    ~Client()
    {
        QMetaObject::invokeMethod(flood, &FloodClient::deleteLater);
        thread.quit();
        thread.wait();
    }
    void start(const QUrl& url, qint64 count, bool lockstep = false) override
    {
        QMetaObject::invokeMethod(flood, [this, url, count, lockstep] { flood->start(url, count, lockstep); });
    }
    void next() override { QMetaObject::invokeMethod(flood, &FloodClient::next); }
    void finish() override { QMetaObject::invokeMethod(flood, &FloodClient::finish, Qt::BlockingQueuedConnection); }
};

// The issue's flood: node's `ws` module sending chat envelopes as fast as its socket drains (it
// writes while `bufferedAmount` is under 64 KB, then yields to node's loop). Found through NODE_PATH,
// or /work/outside/node_modules where this machine keeps it.
const char kNodeFlood[] = R"(
const WebSocket = require('ws');
const [url, count] = [process.argv[1], Number(process.argv[2])];
const ws = new WebSocket(url);
let id = 0;
function pump() {
  while (id < count && ws.bufferedAmount < 64 * 1024)
    ws.send(JSON.stringify({type: 'chat', id: ++id, text: 'hello ' + id}));
  if (id < count) setImmediate(pump);
}
ws.on('open', pump);
ws.on('message', () => {});
ws.on('error', e => { console.error('node flood: ' + e.message); process.exit(1); });
)";

struct NodeClient : Flooder {
    QProcess process;
    static QString modules() { return qEnvironmentVariable("NODE_PATH", QStringLiteral("/work/outside/node_modules")); }
    static bool available()
    {
        QProcess probe;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("NODE_PATH"), modules());
        probe.setProcessEnvironment(env);
        probe.start(QStringLiteral("node"), { QStringLiteral("-e"), QStringLiteral("require('ws')") });
        return probe.waitForFinished(10'000) && probe.exitStatus() == QProcess::NormalExit && probe.exitCode() == 0;
    }
    void start(const QUrl& url, qint64 count, bool) override
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("NODE_PATH"), modules());
        process.setProcessEnvironment(env);
        process.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        process.start(QStringLiteral("node"),
            { QStringLiteral("-e"), QString::fromLatin1(kNodeFlood), url.toString(), QString::number(count) });
    }
    void finish() override
    {
        process.kill();
        process.waitForFinished(5000);
    }
};

bool waitFor(const std::function<bool()>& done, int timeoutMs = 120'000)
{
    QElapsedTimer timer;
    timer.start();
    while (!done()) {
        if (timer.elapsed() > timeoutMs)
            return false;
        QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents, 50);
    }
    return true;
}

double bareRound(Flooder& client, qint64 count)
{
    QWebSocketServer server(QStringLiteral("bare"), QWebSocketServer::NonSecureMode);
    if (!server.listen(QHostAddress::LocalHost, 0))
        return 0;
    Count c;
    QElapsedTimer clock;
    clock.start();
    QObject::connect(&server, &QWebSocketServer::newConnection, &server, [&] {
        while (QWebSocket* socket = server.nextPendingConnection()) {
            socket->setParent(&server);
            QObject::connect(socket, &QWebSocket::textMessageReceived, socket, [&](const QString&) {
                const qint64 t = clock.nsecsElapsed();
                if (c.received++ == 0)
                    c.firstNs = t;
                c.lastNs = t;
            });
        }
    });
    client.start(QUrl(QStringLiteral("ws://127.0.0.1:%1/feed").arg(server.serverPort())), count);
    const bool ok = waitFor([&] { return c.received >= count; });
    client.finish();
    return ok ? c.rate() : 0;
}

// What `serve websockets --set latency=0ms -o FILE` runs, the flood's client outside it.
struct Served {
    Run run;
    TraceWriter writer;
    bool start(const QString& path, const QStringList& assignments)
    {
        const PatternInfo* info = PatternRegistry::find(QStringLiteral("websockets"));
        ParameterSet parameters(info->parameters);
        QString reason;
        for (const QString& assignment : assignments)
            parameters.assign(assignment, &reason);
        TraceHeader header;
        header.pattern = info->id;
        header.parameters = parameters.formatted();
        header.seed = 1;
        if (!writer.open(path, header))
            return false;
        writer.attach(run.trace());
        run.setServe(0);
        if (!run.start(*info, parameters, 1, &reason)) {
            std::fprintf(stderr, "cannot serve: %s\n", qPrintable(reason));
            return false;
        }
        return true;
    }
    QUrl url() const { return QUrl(run.pattern()->publicUrl() + QStringLiteral("/feed?client=flood")); }
    WebSocketHub* hub() const { return static_cast<WebSockets*>(run.pattern())->hub(); }
    bool stop()
    {
        QObject::connect(&run, &Run::finished, &run, [] {});
        run.stop(1000);
        waitFor([this] { return !run.isRunning(); }, 10'000);
        writer.detach();
        return writer.close();
    }
};

// Chat messages the client sent that the trace has as delivered to the server.
qint64 countDelivered(const QString& path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return -1;
    qint64 chats = 0;
    QList<qint64> seqs;
    std::vector<char> chatSeq;
    qint64 delivered = 0;
    while (!file.atEnd()) {
        const QByteArray line = file.readLine();
        if (line.startsWith("{\"t\":\"message\"") && line.contains("\"kind\":\"ws-text\"") && line.contains("chat ")) {
            const qsizetype at = line.indexOf("\"seq\":") + 6;
            const qint64 seq = line.mid(at, line.indexOf(',', at) - at).toLongLong();
            if (size_t(seq) >= chatSeq.size())
                chatSeq.resize(size_t(seq) + 1, 0);
            chatSeq[size_t(seq)] = 1;
            ++chats;
        } else if (line.startsWith("{\"t\":\"delivered\"")) {
            const qsizetype at = line.indexOf("\"seq\":") + 6;
            const qint64 seq = line.mid(at, line.indexOf(',', at) - at).toLongLong();
            if (size_t(seq) < chatSeq.size() && chatSeq[size_t(seq)])
                ++delivered;
        }
    }
    return chats == delivered ? delivered : -delivered;
}

double recordedRound(Flooder& client, qint64 count, const QString& path, bool* complete)
{
    Served served;
    if (!served.start(path, { QStringLiteral("latency=0ms") }))
        return 0;
    Count c;
    QElapsedTimer clock;
    clock.start();
    // What was read counts once it is in the trace as delivered: the server's socket has it.
    QObject::connect(served.hub(), &WebSocketHub::envelopeReceived, served.hub(), [&] {
        const qint64 t = clock.nsecsElapsed();
        if (c.received++ == 0)
            c.firstNs = t;
        c.lastNs = t;
    });
    client.start(served.url(), count);
    const bool ok = waitFor([&] { return c.received >= count; });
    client.finish();
    served.stop();
    *complete = ok && countDelivered(path) == count;
    return ok ? c.rate() : 0;
}

double percentile(std::vector<TimeUs> values, double p)
{
    if (values.empty())
        return 0;
    std::sort(values.begin(), values.end());
    return double(values[std::min(values.size() - 1, size_t(p * double(values.size())))]);
}

// One message at a time: the next leaves once the server has the last.
std::vector<TimeUs> delays(Client& client, qint64 count, const QString& path)
{
    Served served;
    std::vector<TimeUs> result;
    if (!served.start(path, { QStringLiteral("latency=0ms") }))
        return result;
    qint64 received = 0;
    QObject::connect(served.hub(), &WebSocketHub::envelopeReceived, served.hub(), [&] {
        ++received;
        client.next();
    });
    client.start(served.url(), count, true);
    waitFor([&] { return received >= count; });
    client.finish();
    const Trace& trace = *served.run.trace();
    for (const Message& m : trace.messages()) {
        if (m.kind == Message::Kind::WsText && m.label.startsWith(QLatin1String("chat "))
            && m.state == Message::State::Delivered)
            result.push_back(m.receivedAt - m.sentAt);
    }
    served.stop();
    return result;
}

// Rounds that alternate the bare server and the recorded one under the same flooding client.
void floodRounds(Flooder& client, const char* who, qint64 messages, int rounds, const QTemporaryDir& dir)
{
    std::printf("flood of %lld chats from %s:\n", static_cast<long long>(messages), who);
    std::vector<double> bare, recorded;
    bool complete = true;
    for (int round = 0; round < rounds; ++round) {
        bare.push_back(bareRound(client, messages));
        bool roundComplete = false;
        recorded.push_back(
            recordedRound(client, messages, dir.filePath(QStringLiteral("flood.jsonl")), &roundComplete));
        complete = complete && roundComplete;
        std::printf("  round %d: bare %.0f messages/s, recorded %.0f messages/s (%.2fx)\n", round + 1, bare.back(),
            recorded.back(), bare.back() > 0 ? recorded.back() / bare.back() : 0.0);
        std::fflush(stdout);
    }
    std::sort(bare.begin(), bare.end());
    std::sort(recorded.begin(), recorded.end());
    const double bareRate = bare[bare.size() / 2];
    const double recordedRate = recorded[recorded.size() / 2];
    const double ratio = bareRate > 0 ? recordedRate / bareRate : 0;
    std::printf("  median of %d rounds: bare QtWebSockets %.0f messages/s, recorded %.0f messages/s%s\n", rounds,
        bareRate, recordedRate, complete ? "" : " (TRACE INCOMPLETE: not every chat delivered in the file)");
    std::printf("  recorded/bare: %.2fx (target >= %.1fx: %s)\n", ratio, kRatioTarget,
        ratio >= kRatioTarget && complete ? "met" : "MISSED");
    std::fflush(stdout);
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    auto option = [&](const char* name, qint64 fallback) {
        const qsizetype i = args.indexOf(QLatin1String(name));
        return i >= 0 && i + 1 < args.size() ? args.at(i + 1).toLongLong() : fallback;
    };
    const qint64 messages = option("--messages", 100'000);
    const int rounds = int(option("--rounds", 3));
    const qint64 pings = option("--pings", 2000);

    QTemporaryDir dir;
    Client client;
    floodRounds(client, "a raw-socket client (cheaper than either server)", messages, rounds, dir);
    if (NodeClient::available()) {
        NodeClient node;
        floodRounds(node, "node `ws` (the issue's flood)", messages, rounds, dir);
    } else {
        std::printf("node with `ws` not found (NODE_PATH=%s): the issue's flood was not run\n",
            qPrintable(NodeClient::modules()));
    }

    const std::vector<TimeUs> d = delays(client, pings, dir.filePath(QStringLiteral("lockstep.jsonl")));
    const double p50 = percentile(d, 0.5);
    std::printf("one-way delay at latency 0, %zu chats one at a time: p50 %.0f us, p99 %.0f us (target p50 <= %.0f "
                "us: %s)\n",
        d.size(), p50, percentile(d, 0.99), kDelayTargetUs, !d.empty() && p50 <= kDelayTargetUs ? "met" : "MISSED");
    return 0;
}

#include "bench_flood.moc"
