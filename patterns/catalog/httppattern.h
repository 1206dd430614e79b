// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "httprecorder.h"
#include "httpserver.h"
#include "pattern.h"

#include <QByteArrayList>
#include <QList>
#include <QRegularExpression>
#include <memory>
#include <utility>

class QNetworkReply;

namespace PatternScope {

// What the HTTP patterns share (request-response, the feeds, request-callback): one HTTP server that
// clients reach through links, recording every request it takes and every limit a client breaks.
class HttpPattern : public Pattern {
    Q_OBJECT
public:
    explicit HttpPattern(const PatternContext& context, QObject* parent = nullptr);
    ~HttpPattern() override;

    int serverId() const { return m_server; }
    quint16 serverPort() const { return m_http.port(); }
    HttpServer* httpServer() { return &m_http; }

protected:
    // The server's lifeline and recorder, then listening; in serve mode, the link outside clients come
    // through too. False with a reason if the server cannot listen.
    bool startServer(QString* error);
    // Paths matching `path` (a whole-path regular expression) take these methods. OPTIONS on them is
    // answered for the pattern (CORS preflights), and any other method with 405 and Allow; requests to
    // paths no route names reach handleRequest() as they are.
    void route(const QString& path, const QByteArrayList& methods);
    // Each request the server takes, limits already checked and methods matching their route.
    virtual void handleRequest(const HttpRequest& request, const std::shared_ptr<HttpExchange>& exchange) = 0;
    // Our client's request on `reply` has ended. Answered: the answer arrived now (found by the
    // traceparent the server sent back, else by `correlation`). Not answered: what was still on the
    // wire of this exchange never arrives, and a note on the client says "<what> failed: <why>".
    void settleExchange(
        QNetworkReply* reply, bool answered, const QString& correlation, int client, const QString& what);

    HttpServer m_http;
    std::unique_ptr<HttpRecorder> m_recorder;
    int m_server = -1;

private:
    void dispatch(const HttpRequest& request, const std::shared_ptr<HttpExchange>& exchange);

    QList<std::pair<QRegularExpression, QByteArrayList>> m_routes;
};

} // namespace PatternScope
