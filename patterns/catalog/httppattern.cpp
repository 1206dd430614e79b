// SPDX-License-Identifier: GPL-3.0-or-later
#include "httppattern.h"

#include "traceparent.h"

#include <QNetworkReply>

namespace PatternScope {

HttpPattern::HttpPattern(const PatternContext& context, QObject* parent)
    : Pattern(context, parent)
{
    m_http.setHandler(
        [this](const HttpRequest& request, std::shared_ptr<HttpExchange> exchange) { dispatch(request, exchange); });
    connect(&m_http, &HttpServer::breach, this, [this](const HttpBreach& breach) { m_recorder->breach(breach); });
}

HttpPattern::~HttpPattern() = default;

void HttpPattern::route(const QString& path, const QByteArrayList& methods)
{
    m_routes.append(
        { QRegularExpression(QRegularExpression::anchoredPattern(path)), HttpRecorder::allowedMethods(methods) });
}

void HttpPattern::dispatch(const HttpRequest& request, const std::shared_ptr<HttpExchange>& exchange)
{
    const QString path = request.url.path();
    for (const auto& [pattern, methods] : std::as_const(m_routes)) {
        if (!pattern.match(path).hasMatch())
            continue;
        if (request.method == "OPTIONS" || !methods.contains(request.method)) {
            m_recorder->answerMethod(exchange, m_recorder->arrive(request), request, methods);
            return;
        }
        break;
    }
    handleRequest(request, exchange);
}

bool HttpPattern::startServer(QString* error)
{
    m_server = trace()->addParticipant(QStringLiteral("Server"), Participant::Role::Server);
    m_recorder = std::make_unique<HttpRecorder>(trace(), m_server, links(), seed());
    m_http.setLinks(links());
    if (!m_http.listenLocal()) {
        *error = m_http.errorString();
        return false;
    }
    return !serveOnly() || openOutsideLink(m_server, m_http.port(), error);
}

void HttpPattern::settleExchange(
    QNetworkReply* reply, bool answered, const QString& correlation, int client, const QString& what)
{
    const TimeUs now = trace()->now();
    if (answered) {
        const QString answerCorrelation = TraceParent::correlationOf(reply->rawHeader("traceparent"), correlation);
        trace()->completeMessage(trace()->findInFlight(answerCorrelation, client), now);
        return;
    }
    trace()->loseMessage(trace()->findInFlight(correlation, m_server), now);
    trace()->loseMessage(trace()->findInFlight(correlation, client), now);
    trace()->addNote(client, QStringLiteral("%1 failed: %2").arg(what, reply->errorString()), now);
}

} // namespace PatternScope
