#pragma once

#include <QByteArray>

namespace lobby::http {
class HttpServer;
}

namespace lobby::api {

// GET /metrics: the Prometheus text format (see metrics.h), with the server's open connections.
// Answered to loopback clients, and to others that send "Authorization: Bearer <token>" with
// the token of DATA/metrics-token; anyone else gets 404, as if there were no such path.
void registerMetricsRoute(http::HttpServer &server, QByteArray token);

} // namespace lobby::api
