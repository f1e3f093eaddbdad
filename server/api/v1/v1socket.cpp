// The WebSocket side of the app API v1 (/api/v1/chat/ws/chat/user and /customer): the guide's
// ChatClient protocol over ChatService, and domain events translated into its frames.
#include "api/v1/v1api_p.h"
#include "api/v1/v1json.h"

#include <QJsonDocument>
#include <QPointer>

namespace lobby::api::v1 {

using namespace lobby::chat;
using http::HttpRequest;
using http::UpgradeDecision;

namespace {} // namespace

void V1Api::registerSocketRoutes()
{
    const QList<QPair<QString, AccountKind>> endpoints = {
        {QStringLiteral("/api/v1/chat/ws/chat/user"), AccountKind::Staff},
        {QStringLiteral("/api/v1/chat/ws/chat/customer"), AccountKind::Customer}};
    for (const auto &[path, kind] : endpoints) {
        // The guide's clients expect a bad token to close the socket with 1008, so the upgrade
        // is accepted and the verdict travels to the handler.
        m_http.webSocketRoute(
            path,
            [this, kind = kind](const HttpRequest &request) {
                QString error;
                const auto who = auth::authenticate(
                    m_tokens, m_chat, request.query(QStringLiteral("token")), kind, &error);
                QVariantMap context;
                if (who) {
                    context.insert(QStringLiteral("account"), who->account.id);
                    context.insert(QStringLiteral("expires"),
                                   who->claims.expiresAt.toMSecsSinceEpoch());
                } else {
                    context.insert(QStringLiteral("error"), error);
                }
                return UpgradeDecision::accept(context);
            },
            [this](std::unique_ptr<http::WebSocket> socket, const QVariant &context) {
                accept(std::move(socket), context);
            });
    }
}

void V1Api::accept(std::unique_ptr<http::WebSocket> socket, const QVariant &context)
{
    const QVariantMap map = context.toMap();
    http::WebSocket *ws = socket.release();
    const auto account = map.contains(QStringLiteral("account"))
                             ? m_chat.account(map.value(QStringLiteral("account")).toLongLong())
                             : std::nullopt;
    if (!account) {
        ws->setParent(this);
        connect(ws, &http::WebSocket::disconnected, ws, &QObject::deleteLater);
        const QString reason = map.value(QStringLiteral("error")).toString();
        ws->close(http::WebSocket::ClosePolicyViolated,
                  QStringLiteral("Authentication failed: %1").arg(reason).left(120));
        return;
    }

    auto *connection = new V1Connection;
    connection->setParent(this);
    connection->socket = ws;
    connection->account = *account;
    ws->setParent(connection);
    m_connections.insert(connection);
    m_chat.connectionOpened(account->siteId, account->actor());
    subscribeToRequests(connection);

    connect(ws, &http::WebSocket::textMessageReceived, connection,
            [this, connection](const QByteArray &text) { onFrame(connection, text); });
    connect(ws, &http::WebSocket::binaryMessageReceived, connection,
            [this, connection] { sendError(connection, QStringLiteral("Frames are JSON text.")); });
    connect(ws, &http::WebSocket::disconnected, connection,
            [this, connection] { closeConnection(connection); });
    connection->typingTimer.setSingleShot(true);
    connect(&connection->typingTimer, &QTimer::timeout, connection, [this, connection] {
        connection->typingIntervalEnds.setRemainingTime(typingIntervalMs);
        const QHash<qint64, bool> pending = std::exchange(connection->pendingTyping, {});
        for (auto it = pending.cbegin(); it != pending.cend(); ++it)
            forwardTyping(connection, it.key(), it.value());
    });
    // An access token stops working when it expires, and so does the socket it opened.
    ws->closeAt(map.value(QStringLiteral("expires")).toLongLong(),
                http::WebSocket::ClosePolicyViolated, QStringLiteral("Token expired."));

    ws->sendText(http::compactJson({{"type", "connected"},
                                    {"participant_type", actorType(account->actor().kind)},
                                    {"participant_id", account->id},
                                    {"timestamp", isoTime(QDateTime::currentDateTimeUtc())}}));
}

void V1Api::closeConnection(V1Connection *connection)
{
    if (!m_connections.remove(connection))
        return;
    const Actor actor = connection->account.actor();
    m_hub.unsubscribeAll(connection);
    for (const qint64 chatId : std::as_const(connection->joined)) {
        announceParticipant(chatId, actor, false);
    }
    m_chat.connectionClosed(connection->account.siteId, actor);
    connection->deleteLater();
}

void V1Api::sendError(V1Connection *connection, const QString &message)
{
    connection->socket->sendText(http::compactJson({{"type", "error"}, {"error", message}}));
}

void V1Api::offerTyping(V1Connection *connection, qint64 chatId, bool typing)
{
    if (connection->typingIntervalEnds.hasExpired() && !connection->typingTimer.isActive()) {
        connection->typingIntervalEnds.setRemainingTime(typingIntervalMs);
        return forwardTyping(connection, chatId, typing);
    }
    connection->pendingTyping.insert(chatId, typing);
    if (!connection->typingTimer.isActive())
        connection->typingTimer.start(
            std::max<qint64>(0, connection->typingIntervalEnds.remainingTime()));
}

void V1Api::forwardTyping(V1Connection *connection, qint64 chatId, bool typing)
{
    if (!connection->joined.contains(chatId))
        return; // left the chat while the state waited
    if (!accessibleConversation(connection->account, chatId))
        return sendError(connection,
                         QStringLiteral("Chat %1 not found or access denied.").arg(chatId));
    const auto result = m_chat.setTyping(chatId, connection->account.actor(), typing);
    if (!result)
        sendError(connection, result.error().message);
}

void V1Api::publishRoomEvent(qint64 conversationId, const QJsonObject &event, const Actor &except)
{
    m_skipActor = except;
    m_hub.publish(topicOf(conversationId), http::compactJson(event));
    m_skipActor.reset();
}

void V1Api::announceParticipant(qint64 conversationId, const Actor &actor, bool joined)
{
    publishRoomEvent(conversationId,
                     {{"type", joined ? "user_joined" : "user_left"},
                      {"chat_id", conversationId},
                      {"participant_type", actorType(actor.kind)},
                      {"participant_id", actor.id}},
                     actor);
}

// The frames a client sends, by type: each to its handler, with what must hold first.
struct V1Api::FrameRoute
{
    void (V1Api::*handle)(V1Connection *, const QJsonObject &, qint64 chatId);
    bool needsChat = true;   // carries a chat_id the sender may see (the domain's access rule)
    bool needsJoined = true; // the chat was joined on this socket (join_chat) first
};

const QHash<QString, V1Api::FrameRoute> &V1Api::frameRoutes()
{
    static const QHash<QString, FrameRoute> routes{
        {QStringLiteral("ping"), {&V1Api::onPing, false, false}},
        {QStringLiteral("join_chat"), {&V1Api::onJoinChat, true, false}},
        {QStringLiteral("leave_chat"), {&V1Api::onLeaveChat}},
        {QStringLiteral("typing"), {&V1Api::onTyping}},
        {QStringLiteral("read_message"), {&V1Api::onReadMessage}},
        {QStringLiteral("send_message"), {&V1Api::onSendMessage}},
    };
    return routes;
}

void V1Api::onFrame(V1Connection *connection, const QByteArray &text)
{
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(text, &parseError);
    if (parseError.error != QJsonParseError::NoError || !document.isObject())
        return sendError(connection, QStringLiteral("Invalid JSON: a frame is a JSON object."));
    const QJsonObject frame = document.object();
    const QString type = frame.value(u"type").toString();
    const auto route = frameRoutes().constFind(type);
    if (route == frameRoutes().cend())
        return sendError(connection, type.isEmpty()
                                         ? QStringLiteral("A frame needs a \"type\".")
                                         : QStringLiteral("Unknown message type: %1").arg(type));
    if (!route->needsChat)
        return (this->*route->handle)(connection, frame, 0);
    const auto chatId = http::idFromJson(frame.value(u"chat_id"));
    if (!chatId)
        return sendError(connection, QStringLiteral("%1 needs a chat_id.").arg(type));
    const bool joined = connection->joined.contains(*chatId);
    // Typing in a joined chat is checked against the store only when it goes on
    // (forwardTyping), not per frame.
    if (!(type == u"typing" && joined) && !accessibleConversation(connection->account, *chatId))
        return sendError(connection,
                         QStringLiteral("Chat %1 not found or access denied.").arg(*chatId));
    if (route->needsJoined && !joined)
        return sendError(
            connection,
            QStringLiteral("Join chat %1 (join_chat) before %2.").arg(*chatId).arg(type));
    (this->*route->handle)(connection, frame, *chatId);
}

void V1Api::onPing(V1Connection *connection, const QJsonObject &, qint64)
{
    connection->socket->sendText(http::compactJson(
        {{"type", "pong"}, {"timestamp", isoTime(QDateTime::currentDateTimeUtc())}}));
}

void V1Api::onJoinChat(V1Connection *connection, const QJsonObject &, qint64 chatId)
{
    const Account &me = connection->account;
    const Actor actor = me.actor();
    if (connection->joined.contains(chatId))
        return;
    connection->joined.insert(chatId);
    m_hub.subscribe(topicOf(chatId), connection, [this, connection](const QByteArray &f) {
        if (m_skipActor && *m_skipActor == connection->account.actor())
            return;
        connection->socket->sendText(f);
    });
    const auto participant = m_chat.participation(viewerOf(me), chatId);
    if (!participant || !participant->active) {
        // Staff answering a conversation become its participants; the domain's
        // ParticipantJoined event announces them (see onDomainEvent).
        const auto joined = m_chat.join(chatId, actor);
        if (!joined)
            sendError(connection, joined.error().message);
        return;
    }
    announceParticipant(chatId, actor, true);
}

void V1Api::onLeaveChat(V1Connection *connection, const QJsonObject &, qint64 chatId)
{
    connection->joined.remove(chatId);
    m_hub.unsubscribe(topicOf(chatId), connection);
    announceParticipant(chatId, connection->account.actor(), false);
}

void V1Api::onTyping(V1Connection *connection, const QJsonObject &frame, qint64 chatId)
{
    const QJsonValue flag = frame.value(u"is_typing");
    if (!flag.isBool() && !flag.isUndefined())
        return sendError(connection, QStringLiteral("is_typing is true or false."));
    offerTyping(connection, chatId, flag.toBool(true));
}

void V1Api::onReadMessage(V1Connection *connection, const QJsonObject &frame, qint64 chatId)
{
    const Actor actor = connection->account.actor();
    const auto messageId = http::idFromJson(frame.value(u"message_id"));
    if (!messageId)
        return sendError(connection, QStringLiteral("read_message needs a message_id."));
    const auto result = m_chat.markRead(chatId, actor, *messageId);
    if (!result)
        sendError(connection, result.error().message);
}

void V1Api::onSendMessage(V1Connection *connection, const QJsonObject &frame, qint64 chatId)
{
    const Account &me = connection->account;
    const Actor actor = me.actor();
    MessageDraft draft;
    const QJsonValue content = frame.value(u"content");
    if (!content.isString() && !content.isUndefined() && !content.isNull())
        return sendError(connection, QStringLiteral("content is a string."));
    draft.content = content.toString();
    const QString messageType = frame.value(u"message_type").toString(QStringLiteral("text"));
    const auto parsedType = messageTypeFromString(messageType);
    if (!parsedType || *parsedType == MessageType::System)
        return sendError(connection, QStringLiteral("message_type is text, image, voice or file."));
    draft.type = *parsedType;
    const QString mediaUrl = frame.value(u"media_url").toString();
    if (!mediaUrl.isEmpty()) {
        // Only files uploaded to this Lobby that the sender may see: a message makes a file
        // visible to the conversation, so it must not lend out someone else's.
        static const QString prefix = QStringLiteral("/uploads/chat/");
        const auto upload =
            mediaUrl.startsWith(prefix) ? m_chat.upload(mediaUrl.mid(prefix.size())) : std::nullopt;
        if (!upload || upload->siteId != me.siteId ||
            mediaUrl.mid(prefix.size()) != upload->storedName || !maySeeUpload(me, *upload))
            return sendError(
                connection,
                QStringLiteral("media_url must be a file_url from /api/v1/chat/upload."));
        draft.mediaUrl = mediaUrl;
    }
    if ((draft.type == MessageType::Image || draft.type == MessageType::Voice ||
         draft.type == MessageType::File) &&
        draft.mediaUrl.isEmpty())
        return sendError(connection,
                         QStringLiteral("A %1 message needs a media_url.").arg(messageType));
    if (frame.contains(u"reply_to_message_id") && !frame.value(u"reply_to_message_id").isNull()) {
        const auto replyTo = http::idFromJson(frame.value(u"reply_to_message_id"));
        if (!replyTo)
            return sendError(connection, QStringLiteral("reply_to_message_id is a message id."));
        draft.replyToId = *replyTo;
    }
    // Entity references: {"entity_type": "appointment", "entity_id": 12} or the short form
    // {"appointment_id": 12} (also product_id, pack_id).
    static const QStringList entityTypes = {QStringLiteral("appointment"),
                                            QStringLiteral("product"), QStringLiteral("pack")};
    QString entityType = frame.value(u"entity_type").toString();
    QJsonValue entityId = frame.value(u"entity_id");
    for (const QString &candidate : entityTypes) {
        const QJsonValue value = frame.value(candidate + QStringLiteral("_id"));
        if (!value.isUndefined() && !value.isNull()) {
            entityType = candidate;
            entityId = value;
        }
    }
    if (!entityType.isEmpty()) {
        if (!entityTypes.contains(entityType))
            return sendError(connection,
                             QStringLiteral("entity_type is appointment, product or pack."));
        QString idText = entityId.toString();
        if (entityId.isDouble()) { // range-checked: 1e300 must not reach a qint64 conversion
            const auto id = http::idFromJson(entityId);
            idText = id ? QString::number(*id) : QString();
        }
        if (idText.isEmpty() || idText.size() > 64)
            return sendError(connection, QStringLiteral("An entity reference needs an id."));
        draft.entityType = entityType;
        draft.entityId = idText;
    }
    draft.clientId = frame.value(u"client_message_id").toString();
    // Group commit: stored with the other messages of this event-loop turn, durable before the
    // room's `message` frame (this socket's copy is the sender's acknowledgement) goes out.
    m_chat.queueMessage(chatId, actor, draft,
                        [this, connection = QPointer<V1Connection>(connection),
                         chatId](const Result<PostedMessage> &posted) {
                            if (!connection)
                                return;
                            if (!posted)
                                return sendError(connection, posted.error().message);
                            if (posted->duplicate) {
                                // A retry: nothing new was emitted, so confirm to this socket
                                // only.
                                Presenter presenter(m_chat);
                                connection->socket->sendText(http::compactJson(
                                    {{"type", "message"},
                                     {"chat_id", chatId},
                                     {"message", presenter.message(posted->message)}}));
                            }
                        });
}

void V1Api::onDomainEvent(const DomainEvent &event)
{
    using Kind = DomainEvent::Kind;
    if (event.kind == Kind::RequestUpdated)
        return publishRequest(event);
    if (event.kind == Kind::StatusChanged || event.kind == Kind::NoteAdded)
        return announceWorkflow(event);
    if (!event.conversationId || !m_hub.subscriberCount(topicOf(event.conversationId)))
        return;
    const qint64 chatId = event.conversationId;
    switch (event.kind) {
    case Kind::MessagePosted: {
        Presenter presenter(m_chat);
        m_hub.publish(topicOf(chatId),
                      http::compactJson({{"type", "message"},
                                         {"chat_id", chatId},
                                         {"message", presenter.message(event.message)}}));
        break;
    }
    case Kind::Typing:
        publishRoomEvent(chatId,
                         {{"type", "typing"},
                          {"chat_id", chatId},
                          {"participant_type", actorType(event.actor.kind)},
                          {"participant_id", event.actor.id},
                          {"is_typing", event.flag}},
                         event.actor);
        break;
    case Kind::MessagesRead:
        publishRoomEvent(chatId,
                         {{"type", "read_receipt"},
                          {"chat_id", chatId},
                          {"message_id", event.messageId},
                          {"reader_type", actorType(event.actor.kind)},
                          {"reader_id", event.actor.id},
                          {"read_at", isoTime(event.at)}},
                         event.actor);
        break;
    case Kind::ParticipantJoined:
    case Kind::ParticipantLeft:
        announceParticipant(chatId, event.actor, event.kind == Kind::ParticipantJoined);
        break;
    default:
        break;
    }
}

} // namespace lobby::api::v1
