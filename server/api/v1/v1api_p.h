#pragma once

// Internal to api/v1: the adapter object shared by v1api.cpp (wiring, domain events),
// v1rest.cpp (REST) and v1socket.cpp (WebSocket).

#include "auth/login.h"
#include "auth/tokenservice.h"
#include "chat/chatservice.h"
#include "http/httpserver.h"
#include "lobbyserver.h"
#include "realtime/hub.h"

#include "http/websocket.h"
#include <QDeadlineTimer>
#include <QHash>
#include <QObject>
#include <QSet>
#include <QTimer>

#include <memory>
#include <optional>

namespace lobby::api::v1 {

// One open v1 WebSocket.
struct V1Connection : QObject
{
    http::WebSocket *socket = nullptr; // child of this
    chat::Account account;
    QSet<qint64> joined;
    // Typing goes on at most once per V1Api::typingIntervalMs per socket; what arrives in
    // between waits for the end of the interval, the latest state per chat winning.
    QHash<qint64, bool> pendingTyping; // by chat id
    QDeadlineTimer typingIntervalEnds;
    QTimer typingTimer;
};

class V1Api : public QObject
{
public:
    V1Api(http::HttpServer &http, realtime::Hub &hub, chat::ChatService &chat,
          const auth::TokenService &tokens, const ServerConfig &config);
    ~V1Api() override;

    // ---- REST (v1rest.cpp)
    void registerRoutes();
    http::HttpReply upload(const http::HttpRequest &request, const chat::Account &me);
    // /api/v1/canned-replies (v1cannedreplies.cpp)
    void registerCannedReplyRoutes();

    // ---- Guest requests (v1requests.cpp)
    void registerRequestRoutes();
    http::HttpReply listRequests(const http::HttpRequest &request);
    http::HttpReply createRequest(const http::HttpRequest &request);
    http::HttpReply showRequest(const http::HttpRequest &request);
    http::HttpReply changeRequest(const http::HttpRequest &request);
    // Staff sockets hear of every request change of their site.
    void subscribeToRequests(V1Connection *connection);
    void publishRequest(const chat::DomainEvent &event);
    static QString requestsTopicOf(qint64 siteId)
    {
        return QStringLiteral("v1:requests:") + QString::number(siteId);
    }

    // ---- The front desk's workflow (v1workflow.cpp): status, notes, check-out; chat_status and
    // mention frames to staff sockets.
    void registerWorkflowRoutes();
    void announceWorkflow(const chat::DomainEvent &event);
    // The staff member behind the bearer token: 401 without a valid access token, 403 for a
    // customer's; with `admin`, 403 also for staff who are not admins.
    std::optional<chat::Account> staffCaller(const http::HttpRequest &request,
                                             http::HttpReply *reply, bool admin = false);
    http::HttpReply domainError(const http::HttpRequest &request, const chat::Error &error);
    QJsonObject noteJson(const chat::Note &note);

    // ---- WebSocket (v1socket.cpp)
    void registerSocketRoutes();
    void onDomainEvent(const chat::DomainEvent &event);

    static chat::Viewer viewerOf(const chat::Account &account)
    {
        return {account.siteId, account.actor()};
    }
    // Whether the account may read and write the conversation (participant, or staff of its
    // site); the conversation when it may. `forbidden` tells 403 from 404 for REST.
    std::optional<chat::Conversation> accessibleConversation(const chat::Account &account,
                                                             qint64 conversationId,
                                                             bool *forbidden = nullptr);
    // Whether the account may fetch an uploaded file.
    bool maySeeUpload(const chat::Account &account, const chat::Upload &upload);

    // A client that sends typing on every key, or floods it, reaches the other sockets (and
    // every other family) a few times a second at most.
    static constexpr int typingIntervalMs = 300;

    static QString topicOf(qint64 conversationId)
    {
        return QStringLiteral("v1:chat:") + QString::number(conversationId);
    }

    http::HttpServer &m_http;
    realtime::Hub &m_hub;
    chat::ChatService &m_chat;
    const auth::TokenService &m_tokens;
    QString m_uploadsDir;
    qint64 m_maxUploadBytes;
    qint64 m_dailyUploadBytes; // per account and UTC day; 0: no quota
    auth::LoginPolicy m_loginPolicy;
    // Set while an event is fanned out: that actor's own sockets are skipped (typing,
    // read receipts, joins and leaves go to the others).
    std::optional<chat::Actor> m_skipActor;
    QSet<V1Connection *> m_connections; // a set: thousands close at once

private:
    void accept(std::unique_ptr<http::WebSocket> socket, const QVariant &context);
    void onFrame(V1Connection *connection, const QByteArray &text);
    struct FrameRoute;
    static const QHash<QString, FrameRoute> &frameRoutes();
    void onPing(V1Connection *connection, const QJsonObject &frame, qint64 chatId);
    void onJoinChat(V1Connection *connection, const QJsonObject &frame, qint64 chatId);
    void onLeaveChat(V1Connection *connection, const QJsonObject &frame, qint64 chatId);
    void onTyping(V1Connection *connection, const QJsonObject &frame, qint64 chatId);
    void onReadMessage(V1Connection *connection, const QJsonObject &frame, qint64 chatId);
    void onSendMessage(V1Connection *connection, const QJsonObject &frame, qint64 chatId);
    void sendError(V1Connection *connection, const QString &message);
    void offerTyping(V1Connection *connection, qint64 chatId, bool typing);
    void forwardTyping(V1Connection *connection, qint64 chatId, bool typing);
    // user_joined / user_left to the chat's other sockets.
    void announceParticipant(qint64 conversationId, const chat::Actor &actor, bool joined);
    void publishRoomEvent(qint64 conversationId, const QJsonObject &event,
                          const chat::Actor &except);
    void closeConnection(V1Connection *connection);
};

} // namespace lobby::api::v1
