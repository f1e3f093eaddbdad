#include "api/direct/directapi.h"

#include "api/v1/v1json.h"
#include "auth/login.h"
#include "chat/chatservice.h"
#include "lobbyserver.h"

#include "http/websocket.h"
#include <QJsonDocument>
#include <QSet>

namespace lobby::api::direct {

using namespace lobby::chat;
using http::HttpReply;
using http::HttpRequest;
using http::UpgradeDecision;
using Method = QHttpServerRequest::Method;

namespace {

constexpr int historyLimit = 500;
// Messages read from the store per page of the history on connect.
constexpr int historyPageSize = 20;

// One open /ws/chat/<peer>/ socket.
struct DirectConnection : QObject
{
    http::WebSocket *socket = nullptr; // child of this
    Account account;
    Account peer;
    qint64 conversationId = 0;
    // The history on connect, sent as the client reads it: the last id sent, each
    // participant's last-read pointer before the load (for is_read), and the newest message
    // of the peer's sent so far (marked read when the history is out).
    bool sendingHistory = true;
    qint64 historySentUpTo = 0;
    QHash<QPair<int, qint64>, qint64> lastReadBeforeLoad;
    qint64 newestFromOthers = 0;
};

class DirectApi : public QObject
{
public:
    DirectApi(LobbyServer &server, const ServerConfig &config)
        : m_http(server.http()), m_hub(server.hub()), m_chat(server.chat()),
          m_tokens(server.tokens()), m_loginPolicy(config.loginPolicy)
    {
        registerRoutes();
        connect(&m_chat, &ChatService::event, this, &DirectApi::onDomainEvent);
    }

    ~DirectApi() override
    {
        QObject::disconnect(&m_chat, nullptr, this, nullptr);
        for (DirectConnection *connection : std::as_const(m_connections)) {
            QObject::disconnect(connection->socket, nullptr, connection, nullptr);
            m_chat.connectionClosed(connection->account.siteId, connection->account.actor());
            connection->socket->abort();
            delete connection;
        }
    }

private:
    static QString topicOf(qint64 conversationId)
    {
        return QStringLiteral("direct:chat:") + QString::number(conversationId);
    }

    void registerRoutes();
    void accept(std::unique_ptr<http::WebSocket> socket, const QVariant &context);
    void sendHistory(DirectConnection *connection);
    void goLive(DirectConnection *connection);
    void onFrame(DirectConnection *connection, const QByteArray &text);
    void onDomainEvent(const DomainEvent &event);

    http::HttpServer &m_http;
    realtime::Hub &m_hub;
    ChatService &m_chat;
    const auth::TokenService &m_tokens;
    auth::LoginPolicy m_loginPolicy;
    QSet<DirectConnection *> m_connections; // a set: thousands close at once
    // The message being fanned out: recipients (not its sender) mark it read on receipt.
    std::optional<Message> m_delivering;
};

void DirectApi::registerRoutes()
{
    m_http.route(
        Method::Post, QStringLiteral("/api/auth/login/"), [this](const HttpRequest &request) {
            HttpReply reply;
            const auto body = request.jsonObject(&reply);
            if (!body)
                return reply;
            const QString email = body->value(u"email").toString();
            const QString password = body->value(u"password").toString();
            if (email.trimmed().isEmpty() || password.isEmpty())
                return request.error(400, QStringLiteral("email and password are required."));
            const auto outcome =
                auth::attemptLogin(m_chat, auth::LoginName::Email, email, password, std::nullopt,
                                   request.raw().remoteAddress(), m_loginPolicy);
            if (!outcome.account) {
                HttpReply failure = request.error(outcome.status, outcome.message);
                if (outcome.status == 429)
                    failure.headers.append(
                        http::Header("Retry-After", QByteArray::number(outcome.retryAfterSeconds)));
                return failure;
            }
            const auth::IssuedTokens tokens = m_tokens.issue(*outcome.account);
            return HttpReply::json(
                200, QJsonObject{{"user", v1::userJson(*outcome.account)},
                                 {"tokens", QJsonObject{{"access", tokens.access},
                                                        {"refresh", tokens.refresh}}}});
        });
    m_http.route(
        Method::Post, QStringLiteral("/api/auth/token/refresh/"),
        [this](const HttpRequest &request) {
            HttpReply reply;
            const auto body = request.jsonObject(&reply);
            if (!body)
                return reply;
            const QString refresh = body->value(u"refresh").toString();
            if (refresh.isEmpty())
                return request.error(400, QStringLiteral("refresh is required."));
            QString error;
            const auto claims = m_tokens.verify(refresh, auth::TokenUse::Refresh, &error);
            const auto account = claims ? m_chat.account(claims->accountId) : std::nullopt;
            if (!claims || !account || account->kind != claims->kind ||
                account->siteId != claims->siteId) {
                HttpReply failure = request.error(
                    401, QStringLiteral("Token is invalid or expired: %1")
                             .arg(claims ? QStringLiteral("no such account") : error));
                failure.headers.append(http::Header("WWW-Authenticate", "Bearer"));
                return failure;
            }
            return HttpReply::json(200, QJsonObject{{"access", m_tokens.refreshAccess(*claims)}});
        });

    m_http.webSocketRoute(
        QStringLiteral("/ws/chat/{peer_id}/"),
        [this](const HttpRequest &request) {
            QString error;
            // The guide's clients pass ?token=; the Authorization header works too.
            QString token = request.query(QStringLiteral("token"));
            if (token.isEmpty())
                token = request.bearerToken();
            const auto who = auth::authenticate(m_tokens, m_chat, token, std::nullopt, &error);
            if (!who)
                return UpgradeDecision::refuse(401, QStringLiteral("Invalid or expired token."));
            bool ok = false;
            const qint64 peerId = request.param(QStringLiteral("peer_id")).toLongLong(&ok);
            const auto peer = ok && peerId > 0 ? m_chat.account(peerId) : std::nullopt;
            // Another site's accounts do not exist for this one.
            if (!peer || peer->siteId != who->account.siteId)
                return UpgradeDecision::refuse(404, QStringLiteral("No such user."));
            if (peer->id == who->account.id)
                return UpgradeDecision::refuse(400,
                                               QStringLiteral("You cannot chat with yourself."));
            return UpgradeDecision::accept(
                QVariantList{who->account.id, peer->id, who->claims.expiresAt.toMSecsSinceEpoch()});
        },
        [this](std::unique_ptr<http::WebSocket> socket, const QVariant &context) {
            accept(std::move(socket), context);
        });
}

void DirectApi::accept(std::unique_ptr<http::WebSocket> socket, const QVariant &context)
{
    const QVariantList ids = context.toList();
    http::WebSocket *ws = socket.release();
    const auto account = m_chat.account(ids.value(0).toLongLong());
    const auto peer = m_chat.account(ids.value(1).toLongLong());
    const auto conversation = account && peer ? m_chat.openDirectConversation(*account, *peer)
                                              : Result<Conversation>(notFound(QString()));
    if (!conversation) {
        ws->setParent(this);
        connect(ws, &http::WebSocket::disconnected, ws, &QObject::deleteLater);
        ws->close(http::WebSocket::ClosePolicyViolated,
                  QStringLiteral("The conversation could not be opened."));
        return;
    }

    auto *connection = new DirectConnection;
    connection->setParent(this);
    connection->socket = ws;
    connection->account = *account;
    connection->peer = *peer;
    connection->conversationId = conversation->id;
    ws->setParent(connection);
    m_connections.insert(connection);
    m_chat.connectionOpened(account->siteId, account->actor());

    connect(ws, &http::WebSocket::textMessageReceived, connection,
            [this, connection](const QByteArray &text) { onFrame(connection, text); });
    connect(ws, &http::WebSocket::binaryMessageReceived, connection, [connection] {
        connection->socket->sendText(
            http::compactJson({{"error", "Send JSON text: {\"message\": \"...\"}"}}));
    });
    connect(ws, &http::WebSocket::disconnected, connection, [this, connection] {
        if (!m_connections.remove(connection))
            return;
        m_hub.unsubscribeAll(connection);
        m_chat.connectionClosed(connection->account.siteId, connection->account.actor());
        connection->deleteLater();
    });
    const qint64 expiresAt = ids.value(2).toLongLong();
    ws->closeAt(expiresAt, http::WebSocket::ClosePolicyViolated, QStringLiteral("Token expired."));

    // The pair's history, oldest first, one frame each, from the 500th newest message on.
    // is_read shows the state before this load, which then marks the peer's messages read.
    const Viewer viewer{account->siteId, account->actor()};
    const auto oldest = m_chat.historyNewestFirst(viewer, conversation->id, historyLimit - 1, 1);
    connection->historySentUpTo =
        !oldest || oldest->messages.isEmpty() ? 0 : oldest->messages.constFirst().id - 1;
    const auto participants = m_chat.participants(viewer, conversation->id);
    for (const Participant &p : participants ? participants.value() : QList<Participant>())
        connection->lastReadBeforeLoad.insert({int(p.actor.kind), p.actor.id}, p.lastReadMessageId);
    connect(ws, &http::WebSocket::drained, connection,
            [this, connection] { sendHistory(connection); });
    sendHistory(connection);
}

// Queues pages of history while the socket's queue is low, so a long history leaves as the
// client reads it instead of all at once (500 long messages are more than the output cap).
// Messages posted meanwhile are read with the last pages; then the connection goes live in the
// same turn as the last read, so nothing falls between.
void DirectApi::sendHistory(DirectConnection *connection)
{
    http::WebSocket *ws = connection->socket;
    const Actor me = connection->account.actor();
    while (connection->sendingHistory && ws->isOpen() && ws->wantsMoreOutput()) {
        const auto history =
            m_chat.history({connection->account.siteId, me}, connection->conversationId,
                           connection->historySentUpTo, historyPageSize);
        const QList<Message> page = history ? history.value() : QList<Message>();
        for (const Message &m : page) {
            const Actor recipient = m.sender == me ? connection->peer.actor() : me;
            const bool isRead =
                connection->lastReadBeforeLoad.value({int(recipient.kind), recipient.id}) >= m.id;
            ws->sendText(http::compactJson({{"sender_id", m.sender.id},
                                            {"reciever_id", recipient.id},
                                            {"content", m.content},
                                            {"timestamp", http::isoTimeMs(m.createdAt)},
                                            {"is_read", isRead}}));
            if (!(m.sender == me))
                connection->newestFromOthers = m.id;
            connection->historySentUpTo = m.id;
        }
        if (page.size() < historyPageSize)
            goLive(connection);
    }
}

void DirectApi::goLive(DirectConnection *connection)
{
    connection->sendingHistory = false;
    connection->lastReadBeforeLoad.clear();
    if (connection->newestFromOthers)
        m_chat.markRead(connection->conversationId, connection->account.actor(),
                        connection->newestFromOthers);
    m_hub.subscribe(
        topicOf(connection->conversationId), connection, [this, connection](const QByteArray &f) {
            connection->socket->sendText(f);
            if (m_delivering && !(m_delivering->sender == connection->account.actor())) {
                // Received means read. Queued so that every family sees the message
                // before its read receipt.
                const qint64 conversationId = m_delivering->conversationId;
                const qint64 messageId = m_delivering->id;
                const Actor reader = connection->account.actor();
                QMetaObject::invokeMethod(
                    this,
                    [this, conversationId, reader, messageId] {
                        m_chat.markRead(conversationId, reader, messageId);
                    },
                    Qt::QueuedConnection);
            }
        });
}

void DirectApi::onFrame(DirectConnection *connection, const QByteArray &text)
{
    const auto fail = [connection](const QString &message) {
        connection->socket->sendText(http::compactJson({{"error", message}}));
    };
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(text, &parseError);
    if (parseError.error != QJsonParseError::NoError || !document.isObject())
        return fail(QStringLiteral("Send JSON: {\"message\": \"...\"}"));
    const QJsonValue message = document.object().value(u"message");
    if (!message.isString() || message.toString().trimmed().isEmpty())
        return fail(QStringLiteral("\"message\" must be non-empty text."));
    MessageDraft draft;
    draft.content = message.toString();
    const auto posted =
        m_chat.postMessage(connection->conversationId, connection->account.actor(), draft);
    if (!posted)
        fail(posted.error().message);
}

void DirectApi::onDomainEvent(const DomainEvent &event)
{
    if (event.kind != DomainEvent::Kind::MessagePosted ||
        !m_hub.subscriberCount(topicOf(event.conversationId)))
        return;
    // Messages posted in this conversation by any family reach the direct sockets.
    m_delivering = event.message;
    m_hub.publish(topicOf(event.conversationId),
                  http::compactJson({{"message", event.message.content},
                                     {"sender_id", event.message.sender.id}}));
    m_delivering.reset();
}

} // namespace

void registerDirectApi(LobbyServer &server, const ServerConfig &config)
{
    auto *api = new DirectApi(server, config);
    api->setParent(&server.http());
}

} // namespace lobby::api::direct
