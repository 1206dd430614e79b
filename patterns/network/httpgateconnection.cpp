// SPDX-License-Identifier: GPL-3.0-or-later
#include "httpgateconnection.h"

#include "httpserver.h"
#include "units.h"

#include <QHostAddress>
#include <QTcpSocket>
#include <utility>

#ifdef Q_OS_UNIX
#include <sys/socket.h>
#endif

namespace PatternScope {

namespace {

constexpr qint64 kReadChunk = 64 * 1024;
// Reading pauses while this much waits to be written on the other side, so a fast sender cannot fill
// our memory faster than the other end takes it; the kernel's buffers then slow the sender down.
constexpr qint64 kMaxBacklog = 1024 * 1024;
constexpr qint64 kSocketReadBuffer = 256 * 1024;
// How long a client may take to close after our last byte, before it is cut off.
constexpr int kLingerMs = 2000;

QByteArray errorResponse(int status, const QString& reason, const QByteArray& extraHeaders = {})
{
    const QByteArray body = reason.toUtf8();
    return "HTTP/1.1 " + QByteArray::number(status) + ' ' + HttpExchange::reasonPhrase(status)
        + "\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: "
        + QByteArray::number(body.size())
        // A page on another origin may read why it was refused (the Fetch standard's CORS check).
        + "\r\nAccess-Control-Allow-Origin: *\r\n" + extraHeaders + "Connection: close\r\n\r\n" + body;
}

void tuneSocket(QTcpSocket* socket)
{
    socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    socket->setReadBufferSize(kSocketReadBuffer);
}

} // namespace

HttpGateConnection::HttpGateConnection(QTcpSocket* client, const HttpLimits& limits, QObject* parent)
    : QObject(parent)
    , m_client(client)
    , m_limits(limits)
    , m_framer(limits.maxHeaderBytes, limits.maxBodyBytes)
    , m_peerPort(client->peerPort())
    , m_peerAddress(client->peerAddress())
{
    client->setParent(this);
    tuneSocket(client);
    for (QTimer* timer : { &m_headerTimer, &m_idleTimer, &m_lingerTimer })
        timer->setSingleShot(true);
    // A coarse timer may fire 5% early; a limit we state must not bite before it is reached.
    m_headerTimer.setTimerType(Qt::PreciseTimer);
    m_idleTimer.setTimerType(Qt::PreciseTimer);
    connect(&m_headerTimer, &QTimer::timeout, this, [this] {
        m_framer.fail(
            408, QStringLiteral("headers not complete after %1").arg(Units::wholeDuration(m_limits.headerTimeoutMs)));
        framingFailed();
    });
    connect(&m_idleTimer, &QTimer::timeout, this, &HttpGateConnection::idleTimeout);
    connect(&m_lingerTimer, &QTimer::timeout, this, [this] {
        if (m_client)
            m_client->abort();
    });
    connect(client, &QTcpSocket::readyRead, this, &HttpGateConnection::readClient);
    connect(client, &QTcpSocket::bytesWritten, this, &HttpGateConnection::clientWritten);
    connect(client, &QTcpSocket::disconnected, this, &HttpGateConnection::clientClosed);
    connect(client, &QTcpSocket::errorOccurred, this, [this] {
        if (m_client && m_client->state() == QAbstractSocket::UnconnectedState)
            clientClosed();
    });
}

HttpGateConnection::~HttpGateConnection() = default;

void HttpGateConnection::open(quint16 backendPort)
{
    connectBackend(backendPort);
    updateTimers(false);
    readClient(); // whatever arrived before the accept
}

void HttpGateConnection::connectBackend(quint16 backendPort)
{
    m_backend = new QTcpSocket(this);
    connect(m_backend, &QTcpSocket::connected, this, &HttpGateConnection::backendReady);
    connect(m_backend, &QTcpSocket::readyRead, this, &HttpGateConnection::readBackend);
    connect(m_backend, &QTcpSocket::bytesWritten, this, &HttpGateConnection::readClient); // room again upstream
    connect(m_backend, &QTcpSocket::disconnected, this, &HttpGateConnection::backendClosed);
    connect(m_backend, &QTcpSocket::errorOccurred, this, &HttpGateConnection::backendError);
    // Bound first, so the port the server will see is known now: the server admits only our sockets.
    // A failed bind was answered with a 502 by backendError().
    if (m_backend->bind(QHostAddress::LocalHost, 0)) {
        m_backendSidePort = m_backend->localPort();
        m_backend->connectToHost(QHostAddress::LocalHost, backendPort);
    }
    Q_EMIT backendOpened();
}

void HttpGateConnection::openWhenPassed(quint16 backendPort)
{
    m_lazyBackendPort = backendPort;
    updateTimers(false);
    readClient();
}

void HttpGateConnection::reject(int status, const QString& reason, const QByteArray& extraHeaders)
{
    m_closing = true;
    const QByteArray response = errorResponse(status, reason, extraHeaders);
    answer(response);
    Q_EMIT breach({ m_peerPort, status, reason, {}, {}, response.size() });
}

void HttpGateConnection::backendReady()
{
    tuneSocket(m_backend);
    m_backendConnected = true;
    if (!m_upBacklog.isEmpty())
        m_backend->write(std::exchange(m_upBacklog, {}));
    readClient();
}

void HttpGateConnection::backendError()
{
    if (!m_backend)
        return;
    if (!m_backendConnected && !m_closing) {
        // The server never took the connection: nothing we relay could be answered.
        m_framer.fail(502, QStringLiteral("server not reachable: %1").arg(m_backend->errorString()));
        framingFailed(true);
    } else if (m_backend->state() == QAbstractSocket::UnconnectedState) {
        backendClosed();
    }
}

qint64 HttpGateConnection::upstreamBacklog() const
{
    return m_upBacklog.size() + (m_backend ? m_backend->bytesToWrite() : 0);
}

void HttpGateConnection::sendToBackend(const QByteArray& bytes)
{
    if (bytes.isEmpty() || !m_backend)
        return;
    if (m_backend->state() == QAbstractSocket::ConnectedState)
        m_backend->write(bytes);
    else
        m_upBacklog.append(bytes);
}

void HttpGateConnection::readClient()
{
    if (!m_client)
        return;
    if (m_closing) {
        m_client->readAll(); // after a breach or a close nothing more goes up
        return;
    }
    if (!m_backend && m_lazyBackendPort == 0)
        return;
    bool headStarted = false;
    while (m_client && m_client->bytesAvailable() > 0 && upstreamBacklog() < kMaxBacklog) {
        const QByteArray chunk = m_client->read(kReadChunk);
        const HttpRequestFramer::Result result = m_framer.feed(chunk.constData(), chunk.size());
        headStarted = headStarted || result.headStarted;
        for (const HttpRequestFramer::Request& request : result.requests)
            m_responses.expect(request);
        if (!m_backend && !result.forward.isEmpty()) {
            m_upBacklog.append(result.forward); // sent once connected
            connectBackend(std::exchange(m_lazyBackendPort, 0));
        } else {
            sendToBackend(result.forward);
        }
        if (result.continueAfter)
            writeClient(m_responses.addContinue(*result.continueAfter).toClient);
        if (result.failed) {
            framingFailed();
            return;
        }
    }
    updateTimers(headStarted);
}

void HttpGateConnection::readBackend()
{
    if (!m_backend)
        return;
    if (m_clientClosing || !m_client || m_client->state() != QAbstractSocket::ConnectedState) {
        m_backend->readAll(); // nobody left to take it
        return;
    }
    while (m_backend->bytesAvailable() > 0 && m_client->bytesToWrite() < kMaxBacklog) {
        const QByteArray chunk = m_backend->read(kReadChunk);
        const HttpResponseRelay::Output out = m_responses.relay(chunk.constData(), chunk.size());
        writeClient(out.toClient);
        if (out.closeNow) {
            answered();
            return;
        }
    }
    if (!m_deferredAnswer.isEmpty() && m_responses.idle()) {
        answer(std::exchange(m_deferredAnswer, {}));
        return;
    }
    if (m_backendGone && m_backend->bytesAvailable() == 0) {
        closeClient(false);
        return;
    }
    updateTimers(false);
}

void HttpGateConnection::clientWritten()
{
    if (!m_client)
        return;
    if (m_clientClosing) {
        if (m_client->bytesToWrite() == 0)
            halfCloseClient();
        return;
    }
    readBackend(); // room again downstream
}

void HttpGateConnection::framingFailed(bool serverGone)
{
    const HttpRequestFramer::Failure failure = m_framer.failure();
    const QByteArray response
        = failure.response.isEmpty() ? errorResponse(failure.status, failure.reason) : failure.response;
    const HttpBreach report { m_peerPort, failure.status, failure.reason, m_framer.traceparent(),
        m_framer.requestLine(), response.size() };
    m_closing = true;
    updateTimers(false);
    if (m_client)
        m_client->readAll();
    if (m_responses.idle() || serverGone) {
        answer(response);
    } else {
        // Answers to earlier requests are still on their way: ours goes after them, never in between.
        m_deferredAnswer = response;
    }
    Q_EMIT breach(report);
}

void HttpGateConnection::idleTimeout()
{
    m_closing = true;
    closeBackend();
    closeClient(true);
    const QString reason = m_framer.anyRequest()
        ? QStringLiteral("idle for %1").arg(Units::wholeDuration(m_limits.idleTimeoutMs))
        : QStringLiteral("no request within %1").arg(Units::wholeDuration(m_limits.headerTimeoutMs));
    Q_EMIT breach({ m_peerPort, 0, reason, {}, {}, 0 });
}

void HttpGateConnection::answered()
{
    // RFC 9112 9.6: the connection ends after the answer to a request that said so (or was HTTP/1.0).
    m_closing = true;
    if (m_backend)
        m_backend->readAll();
    closeBackend();
    closeClient(false);
}

void HttpGateConnection::writeClient(const QByteArray& bytes)
{
    if (!bytes.isEmpty() && m_client && m_client->state() == QAbstractSocket::ConnectedState && !m_clientClosing)
        m_client->write(bytes);
}

void HttpGateConnection::answer(const QByteArray& response)
{
    writeClient(response);
    closeBackend();
    closeClient(true);
}

void HttpGateConnection::closeBackend()
{
    m_closing = true;
    if (!m_backend)
        return;
    if (m_backend->state() == QAbstractSocket::ConnectedState)
        m_backend->disconnectFromHost(); // after what we relayed is written
    else if (m_backend->state() != QAbstractSocket::ClosingState)
        m_backend->abort();
    maybeFinish();
}

void HttpGateConnection::closeClient(bool bounded)
{
    m_closing = true;
    updateTimers(false);
    if (m_clientClosing)
        return;
    m_clientClosing = true;
    if (!m_client || m_client->state() != QAbstractSocket::ConnectedState) {
        maybeFinish();
        return;
    }
    // A client that won't read our answer must not hold the connection; one still reading what the
    // server sent before closing may take its time.
    if (bounded)
        m_lingerTimer.start(kLingerMs);
    m_client->flush();
    if (m_client && m_client->bytesToWrite() == 0)
        halfCloseClient();
}

void HttpGateConnection::halfCloseClient()
{
    if (m_halfClosed || !m_client || m_client->state() != QAbstractSocket::ConnectedState)
        return;
    m_halfClosed = true;
#ifdef Q_OS_UNIX
    // QTcpSocket cannot half-close. Closing outright while the client still sends (the rest of a body
    // we refused) would answer with a reset, which can destroy our answer before the client reads it.
    // So send our FIN only, drop what still comes, and close when the client does or lingered too long.
    ::shutdown(int(m_client->socketDescriptor()), SHUT_WR);
    if (!m_lingerTimer.isActive())
        m_lingerTimer.start(kLingerMs);
#else
    m_client->disconnectFromHost();
#endif
}

void HttpGateConnection::clientClosed()
{
    if (m_clientGone)
        return;
    m_clientGone = true;
    m_lingerTimer.stop();
    if (!m_closing)
        readClient(); // complete requests that came with the close still go up
    m_closing = true;
    m_clientClosing = true;
    updateTimers(false);
    closeBackend();
    maybeFinish();
}

void HttpGateConnection::backendClosed()
{
    if (!m_backendGone) {
        m_backendGone = true;
        m_closing = true;
        updateTimers(false);
        readBackend(); // passes the rest on, then closes the client side
    }
    maybeFinish();
}

void HttpGateConnection::updateTimers(bool headStarted)
{
    if (m_closing) {
        m_headerTimer.stop();
        m_idleTimer.stop();
        return;
    }
    if (!m_framer.inHead())
        m_headerTimer.stop();
    else if (headStarted || !m_headerTimer.isActive())
        m_headerTimer.start(m_limits.headerTimeoutMs);
    // Idle means nothing in progress either way: a client waiting for a long poll or reading an
    // event stream is busy, however quiet.
    // A connection that never sent a request gets no longer than a request head would have.
    if (!m_framer.betweenRequests() || !m_responses.idle())
        m_idleTimer.stop();
    else if (!m_idleTimer.isActive())
        m_idleTimer.start(m_framer.anyRequest() ? m_limits.idleTimeoutMs : m_limits.headerTimeoutMs);
}

void HttpGateConnection::maybeFinish()
{
    if (m_finished)
        return;
    const bool clientDone = !m_client || m_client->state() == QAbstractSocket::UnconnectedState;
    const bool backendDone = !m_backend || m_backend->state() == QAbstractSocket::UnconnectedState;
    if (!clientDone || !backendDone)
        return;
    m_finished = true;
    m_headerTimer.stop();
    m_idleTimer.stop();
    m_lingerTimer.stop();
    Q_EMIT finished();
}

} // namespace PatternScope
