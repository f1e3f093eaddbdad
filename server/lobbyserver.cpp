#include "lobbyserver.h"

#include "api/direct/directapi.h"
#include "api/guest/guestapi.h"
#include "api/health.h"
#include "api/metricsroute.h"
#include "api/pages/guestpage.h"
#include "api/v1/v1api.h"
#include "chat/chatservice.h"
#include "http/staticfiles.h"

namespace lobby {

LobbyServer::LobbyServer(chat::ChatService &chat, const ServerConfig &config)
    : m_chat(chat), m_tokens(config.jwtSecret, config.tokenLifetimes),
      m_http(std::make_unique<http::HttpServer>(config.limits)),
      m_hub(std::make_unique<realtime::Hub>())
{
    api::registerHealthRoutes(*m_http);
    api::registerMetricsRoute(*m_http, config.metricsToken);
    http::registerStaticFiles(*m_http);
    m_widget = std::make_unique<api::widget::WidgetApi>(*m_http, m_chat, *m_hub, config.widget);
    api::pages::registerDemoPage(*m_http, m_chat, config.demoPage);
    api::pages::registerGuestPage(*m_http, m_chat);
    api::v1::registerV1Api(*this, config);
    api::direct::registerDirectApi(*this, config);
    api::guest::registerGuestApi(*this, config);
}

LobbyServer::~LobbyServer() = default;

bool LobbyServer::listen(const QHostAddress &address, quint16 port, QString *error)
{
    return m_http->listen(address, port, error);
}

} // namespace lobby
