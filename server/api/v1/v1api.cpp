#include "api/v1/v1api.h"

#include "api/v1/v1api_p.h"
#include "api/v1/v1json.h"
#include "lobbyserver.h"

#include <QJsonDocument>

namespace lobby::api::v1 {

using namespace lobby::chat;

void registerV1Api(LobbyServer &server, const ServerConfig &config)
{
    // Parented to the HttpServer: its routes hold a pointer to the adapter.
    auto *api = new V1Api(server.http(), server.hub(), server.chat(), server.tokens(), config);
    api->setParent(&server.http());
}

V1Api::V1Api(http::HttpServer &http, realtime::Hub &hub, ChatService &chat,
             const auth::TokenService &tokens, const ServerConfig &config)
    : m_http(http), m_hub(hub), m_chat(chat), m_tokens(tokens), m_uploadsDir(config.uploadsDir),
      m_maxUploadBytes(config.maxUploadBytes),
      m_dailyUploadBytes(config.dailyUploadBytesPerAccount), m_loginPolicy(config.loginPolicy)
{
    registerRoutes();
    registerRequestRoutes();
    registerCannedReplyRoutes();
    registerWorkflowRoutes();
    registerSocketRoutes();
    connect(&m_chat, &ChatService::event, this, &V1Api::onDomainEvent);
}

V1Api::~V1Api()
{
    QObject::disconnect(&m_chat, nullptr, this, nullptr);
    // The hub may be gone already (it is destroyed before the HttpServer): close sockets
    // without the handlers that would unsubscribe from it.
    for (V1Connection *connection : std::as_const(m_connections)) {
        QObject::disconnect(connection->socket, nullptr, this, nullptr);
        QObject::disconnect(connection->socket, nullptr, connection, nullptr);
        m_chat.connectionClosed(connection->account.siteId, connection->account.actor());
        connection->socket->abort();
        delete connection;
    }
}

std::optional<Conversation> V1Api::accessibleConversation(const Account &account,
                                                          qint64 conversationId, bool *forbidden)
{
    if (forbidden)
        *forbidden = false;
    // The domain's one access rule: another site's chat is not found, a chat of the site that
    // the account does not take part in is forbidden (staff see all of their site's).
    const auto conversation = m_chat.conversationFor(viewerOf(account), conversationId);
    if (conversation)
        return conversation.value();
    if (forbidden)
        *forbidden = conversation.error().code == ErrorCode::Forbidden;
    return std::nullopt;
}

bool V1Api::maySeeUpload(const Account &account, const Upload &upload)
{
    return m_chat.maySeeUpload(viewerOf(account), upload,
                               QStringLiteral("/uploads/chat/") + upload.storedName);
}

} // namespace lobby::api::v1
