#pragma once

#include "api/pages/demopage.h"
#include "api/pusher/pusherserver.h"
#include "api/widget/widgetapi.h"
#include "auth/login.h"
#include "auth/tokenservice.h"
#include "http/httpserver.h"
#include "realtime/hub.h"

#include <memory>

namespace lobby::chat {
class ChatService;
}

namespace lobby {

struct ServerConfig
{
    http::ServerLimits limits;
    QByteArray jwtSecret;    // per install, see auth/secretfile.h
    QByteArray metricsToken; // DATA/metrics-token: GET /metrics from other than loopback
    auth::TokenLifetimes tokenLifetimes;
    api::widget::WidgetConfig widget;
    api::pages::DemoPageConfig demoPage;
    // Accounts family: where app v1 uploads are stored (DATA/uploads; empty refuses uploads
    // with 503), the largest accepted file, and how failed logins are slowed down.
    QString uploadsDir;
    qint64 maxUploadBytes = 10 << 20;
    // What one account may upload through the app API per UTC day, counted from the stored
    // uploads (0: no quota).
    qint64 dailyUploadBytesPerAccount = qint64(200) << 20;
    auth::LoginPolicy loginPolicy;
    // Guest family: the Pusher app (per install, DATA/pusher-app; random for this process when
    // left empty), protocol options, and how long a guest session lasts.
    api::pusher::PusherApp pusherApp;
    api::pusher::PusherOptions pusherOptions;
    int guestSessionSeconds = 7 * 24 * 60 * 60;
    // Requests from a place's QR code page (no PIN): at most this many a minute per address.
    int placeRequestsPerMinute = 6;
};

// Every API family on one HttpServer, over one ChatService. Lives in the core thread.
class LobbyServer
{
public:
    LobbyServer(chat::ChatService &chat, const ServerConfig &config);
    ~LobbyServer();

    bool listen(const QHostAddress &address, quint16 port, QString *error);
    void stopListening() { m_http->stopListening(); }

    http::HttpServer &http() { return *m_http; }
    realtime::Hub &hub() { return *m_hub; }
    const auth::TokenService &tokens() const { return m_tokens; }
    chat::ChatService &chat() { return m_chat; }

private:
    chat::ChatService &m_chat;
    auth::TokenService m_tokens;
    std::unique_ptr<http::HttpServer> m_http;
    std::unique_ptr<realtime::Hub> m_hub;
    // The API families, after the server and hub they use (destroyed before them).
    std::unique_ptr<api::widget::WidgetApi> m_widget;
};

} // namespace lobby
