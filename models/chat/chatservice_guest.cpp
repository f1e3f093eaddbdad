// ChatService operations of the guest family: room stays (guest sessions) and check-out.
#include "chat/chatservice.h"

#include "store/store.h"

namespace lobby::chat {

Result<GuestSessionStart> ChatService::startGuestSession(qint64 roomId, const QString &tokenHash,
                                                         const QDateTime &expiresAt)
{
    const auto room = m_store.roomById(roomId);
    if (!room)
        return notFound(QStringLiteral("no such room"));
    if (tokenHash.isEmpty())
        return invalid(QStringLiteral("a guest session needs a token"));
    const QDateTime at = QDateTime::currentDateTimeUtc();
    if (expiresAt <= at)
        return invalid(QStringLiteral("a guest session must expire in the future"));

    GuestSessionStart start;
    store::Transaction transaction(m_store);
    const QList<Conversation> open = m_store.openRoomConversations(roomId);
    if (!open.isEmpty()) {
        start.conversation = open.constFirst();
    } else {
        Conversation &c = start.conversation;
        c.siteId = room->siteId;
        c.kind = ConversationKind::Room;
        c.title = QStringLiteral("Room %1").arg(room->number);
        c.roomId = roomId;
        c.createdAt = at;
        c.lastActivityAt = at;
        const auto id = m_store.insertConversation(c);
        if (!id)
            return storageFailure();
        c.id = *id;
        start.newConversation = true;
    }
    GuestSession &session = start.session;
    session.siteId = room->siteId;
    session.roomId = roomId;
    session.conversationId = start.conversation.id;
    session.createdAt = at;
    session.expiresAt = expiresAt;
    const auto sessionId = m_store.insertGuestSession(session, tokenHash);
    if (!sessionId)
        return storageFailure();
    session.id = *sessionId;
    // A new device of the stay has read nothing yet: its pointer starts at 0.
    if (!m_store.upsertParticipant({start.conversation.id, guestActor(session), at, 0, true}) ||
        !transaction.commit())
        return storageFailure();

    if (start.newConversation)
        emitEvent(DomainEvent::Kind::ConversationCreated, start.conversation);
    emitEvent(DomainEvent::Kind::ParticipantJoined, start.conversation, guestActor(session));
    return start;
}

Result<CheckOut> ChatService::checkOutRoom(qint64 roomId, const QString &newPinHash)
{
    const auto room = m_store.roomById(roomId);
    if (!room)
        return notFound(QStringLiteral("no such room"));
    if (newPinHash.isEmpty())
        return invalid(QStringLiteral("a check-out needs the room's new PIN"));
    const QDateTime at = QDateTime::currentDateTimeUtc();

    CheckOut result;
    result.room = *room;
    result.room.pinHash = newPinHash;
    store::Transaction transaction(m_store);
    result.archived = m_store.openRoomConversations(roomId);
    result.endedSessions = m_store.activeGuestSessionsOfRoom(roomId, at);
    bool stored =
        m_store.updateRoomPin(roomId, newPinHash) && m_store.endGuestSessionsOfRoom(roomId, at);
    for (Conversation &conversation : result.archived) {
        conversation.archived = true;
        // The stay is over: nothing is waiting for an answer any more.
        conversation.status = ConversationStatus::Resolved;
        conversation.snoozedUntil = {};
        conversation.waitingSince = {};
        stored = stored && m_store.updateConversation(conversation);
    }
    if (!stored || !transaction.commit())
        return storageFailure();
    result.sessionsEnded = true;
    for (const Conversation &conversation : std::as_const(result.archived)) {
        emitEvent(DomainEvent::Kind::ConversationUpdated, conversation);
        emitEvent(DomainEvent::Kind::StatusChanged, conversation);
    }
    scheduleSnoozeEnd();
    return result;
}

} // namespace lobby::chat
