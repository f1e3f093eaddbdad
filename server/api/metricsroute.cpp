#include "api/metricsroute.h"

#include "auth/crypto.h"
#include "http/httpserver.h"
#include "metrics.h"

#include <QPointer>

namespace lobby::api {

void registerMetricsRoute(http::HttpServer &server, QByteArray token)
{
    QPointer<http::HttpServer> http(&server);
    metrics::setGaugeSource([http]() -> QByteArray {
        // Read at scrape time, in the core thread that answers GET /metrics.
        if (!http)
            return {};
        return "# HELP lobby_open_connections Open client connections (HTTP, WebSocket, SSE).\n"
               "# TYPE lobby_open_connections gauge\nlobby_open_connections " +
               QByteArray::number(http->openConnections()) +
               "\n# HELP lobby_refused_connections_total Connections refused for the per-address "
               "cap or shed without file descriptors.\n"
               "# TYPE lobby_refused_connections_total counter\nlobby_refused_connections_total " +
               QByteArray::number(http->refusedConnections()) + '\n';
    });
    server.route(QHttpServerRequest::Method::Get, QStringLiteral("/metrics"),
                 [token](const http::HttpRequest &request) {
                     const bool allowed =
                         request.raw().remoteAddress().isLoopback() ||
                         (!token.isEmpty() &&
                          auth::constantTimeEquals(request.bearerToken().toLatin1(), token));
                     if (!allowed)
                         return request.error(404, QStringLiteral("Not found."));
                     http::HttpReply reply;
                     reply.status = 200;
                     reply.contentType = "text/plain; version=0.0.4; charset=utf-8";
                     reply.body = metrics::render();
                     return reply;
                 });
}

} // namespace lobby::api
