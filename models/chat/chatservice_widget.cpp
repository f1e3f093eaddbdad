#include "chat/chatservice.h"

#include "store/store.h"

#include <QJsonDocument>
#include <QUuid>

// Website visitors: the widget family's part of the domain.
namespace lobby::chat {

namespace {

QDateTime now()
{
    return QDateTime::currentDateTimeUtc();
}

bool metadataTooLarge(const QJsonObject &metadata)
{
    return QJsonDocument(metadata).toJson(QJsonDocument::Compact).size() >
           ChatService::maxMetadataBytes;
}

QString newPublicId()
{
    return QUuid::createUuid().toString(QUuid::WithoutBraces);
}

Error unknownVisitor(const QString &publicId)
{
    return notFound(QStringLiteral("Visitor with ID '%1' does not exist. Please create a visitor "
                                   "first via POST /api/chats/visitors/")
                        .arg(publicId.left(64)));
}

} // namespace

Result<Visitor> ChatService::createVisitor(const QJsonObject &metadata)
{
    if (metadataTooLarge(metadata))
        return invalid(QStringLiteral("metadata is at most %1 bytes").arg(maxMetadataBytes));
    const QDateTime at = now();
    Visitor visitor{0, newPublicId(), at, at, metadata};
    const auto id = m_store.insertVisitor(visitor);
    if (!id)
        return storageFailure();
    visitor.id = *id;
    return visitor;
}

Result<Visitor> ChatService::touchVisitor(const QString &publicId)
{
    auto visitor = m_store.visitorByPublicId(publicId);
    if (!visitor)
        return unknownVisitor(publicId);
    visitor->lastSeenAt = now();
    if (!m_store.touchVisitor(visitor->id, visitor->lastSeenAt))
        return storageFailure();
    return *visitor;
}

Result<WidgetSession> ChatService::createWidgetSession(const QString &visitorPublicId,
                                                       const QString &externalUserId,
                                                       const QJsonObject &metadata,
                                                       int lifetimeSeconds)
{
    if (metadataTooLarge(metadata))
        return invalid(QStringLiteral("metadata is at most %1 bytes").arg(maxMetadataBytes));
    if (externalUserId.size() > 255)
        return invalid(QStringLiteral("external_user_id is at most 255 characters"));
    const auto visitor = touchVisitor(visitorPublicId);
    if (!visitor)
        return visitor.error();
    WidgetSession session;
    session.publicId = newPublicId();
    session.visitorId = visitor->id;
    session.externalUserId = externalUserId;
    session.createdAt = visitor->lastSeenAt;
    session.expiresAt = session.createdAt.addSecs(lifetimeSeconds);
    session.metadata = metadata;
    const auto id = m_store.insertWidgetSession(session);
    if (!id)
        return storageFailure();
    session.id = *id;
    return session;
}

Result<WidgetChat> ChatService::widgetChatForVisitor(const QString &sessionPublicId,
                                                     const QString &visitorPublicId)
{
    const auto session = m_store.widgetSessionByPublicId(sessionPublicId);
    if (!session)
        return notFound(
            QStringLiteral("Session with ID '%1' does not exist.").arg(sessionPublicId.left(64)));
    const auto visitor = m_store.visitorByPublicId(visitorPublicId);
    if (!visitor)
        return unknownVisitor(visitorPublicId);
    if (session->visitorId != visitor->id)
        return forbidden(QStringLiteral("This session belongs to another visitor."));
    WidgetChat chat{*session, *visitor, {}};
    if (session->conversationId) {
        const auto conversation = m_store.conversationById(session->conversationId);
        if (!conversation)
            return storageFailure();
        chat.conversation = *conversation;
    }
    return chat;
}

Result<WidgetChat> ChatService::openWidgetChat(const QString &sessionPublicId,
                                               const QString &visitorPublicId, qint64 siteId)
{
    auto chat = widgetChatForVisitor(sessionPublicId, visitorPublicId);
    if (!chat)
        return chat;
    WidgetSession &session = chat.value().session;
    if (!session.active)
        return expired(QStringLiteral("This session has been closed. Start a new chat."));
    if (session.expiresAt <= now())
        return expired(QStringLiteral("This session has expired. Start a new chat."));
    if (session.siteId && session.siteId != siteId)
        return forbidden(QStringLiteral("This session belongs to another site."));
    chat.value().visitor.lastSeenAt = now();
    if (!m_store.touchVisitor(chat->visitor.id, chat->visitor.lastSeenAt))
        return storageFailure();
    if (session.conversationId)
        return chat;

    // Opening and binding happen together: a session never points at half a conversation.
    store::Transaction transaction(m_store);
    const QDateTime at = now();
    const Actor visitor{ActorKind::Visitor, chat->visitor.id};
    Conversation conversation;
    conversation.siteId = siteId;
    conversation.kind = ConversationKind::Widget;
    conversation.title = displayName(visitor); // "Visitor 3F7A2C", or the name the website gave
    conversation.widgetSessionId = session.id;
    conversation.createdAt = at;
    conversation.lastActivityAt = at;
    const auto id = m_store.insertConversation(conversation);
    if (!id)
        return storageFailure();
    conversation.id = *id;
    if (!m_store.upsertParticipant({conversation.id, visitor, at, 0, true}) ||
        !m_store.bindWidgetSession(session.id, siteId, conversation.id) || !transaction.commit())
        return storageFailure();
    session.siteId = siteId;
    session.conversationId = conversation.id;
    chat.value().conversation = conversation;
    emitEvent(DomainEvent::Kind::ConversationCreated, conversation);
    return chat;
}

} // namespace lobby::chat
