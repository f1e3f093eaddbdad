#include "api/health.h"

#include "http/httpserver.h"

namespace lobby::api {

void registerHealthRoutes(http::HttpServer &server)
{
    server.route(QHttpServerRequest::Method::Get, QStringLiteral("/healthz"),
                 [](const http::HttpRequest &) {
                     return http::HttpReply::json(200, QJsonObject{{"status", "ok"}});
                 });
}

} // namespace lobby::api
