#pragma once

#include <QString>

namespace lobby::http {

class HttpServer;

// Serves files compiled into the binary: GET `/` is `:/web/index.html`, GET `/static/<path>` is
// `:/web/static/<path>`. Paths with "..", backslashes or empty segments are refused; HTML gets a
// Content-Security-Policy, everything gets nosniff. Also the API docs: Swagger UI at /api/docs/
// over /api/docs/openapi.json, and the sockets' AsyncAPI document at /api/docs/asyncapi.json.
void registerStaticFiles(HttpServer &server);

} // namespace lobby::http
