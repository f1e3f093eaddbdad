#pragma once

namespace lobby {
class LobbyServer;
struct ServerConfig;
} // namespace lobby

namespace lobby::api::direct {

// The direct chat family: POST /api/auth/login/ and /api/auth/token/refresh/, and the
// WebSocket /ws/chat/<peer_id>/?token= between two accounts of one site. Lives as long as the
// server's HttpServer.
void registerDirectApi(LobbyServer &server, const ServerConfig &config);

} // namespace lobby::api::direct
