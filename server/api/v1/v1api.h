#pragma once

namespace lobby {
class LobbyServer;
struct ServerConfig;
} // namespace lobby

namespace lobby::api::v1 {

// The app API v1 (staff and customers): POST /api/v1/auth/login, /api/v1/customer-auth/login,
// the /api/v1/chat/... REST endpoints, uploads (and GET /uploads/chat/<file>), the WebSocket at
// /api/v1/chat/ws/chat/{user,customer}, and /docs. Lives as long as the server's HttpServer.
void registerV1Api(LobbyServer &server, const ServerConfig &config);

} // namespace lobby::api::v1
