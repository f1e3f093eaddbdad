#pragma once

namespace lobby::http {
class HttpServer;
}

namespace lobby::api {

// GET /healthz -> 200 {"status": "ok"}: for load balancers and scripts that wait for start-up.
void registerHealthRoutes(http::HttpServer &server);

} // namespace lobby::api
