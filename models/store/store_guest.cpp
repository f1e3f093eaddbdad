// Store queries of the guest family (hotel rooms and guest sessions).
#include "store/store.h"

#include "store/rows.h"

namespace lobby::store {

using namespace lobby::chat;
using namespace rows;

QList<Conversation> Store::openRoomConversations(qint64 roomId)
{
    return all<Conversation>(run("SELECT " CONVERSATION_COLUMNS " FROM conversations c "
                                 "WHERE c.room_id = ? AND c.kind = ? AND c.archived = 0 "
                                 "ORDER BY c.id DESC",
                                 {roomId, wireName(ConversationKind::Room)}),
                             readConversation);
}

std::optional<GuestSession> Store::guestSessionById(qint64 id)
{
    return one<GuestSession>(
        run("SELECT " GUEST_SESSION_COLUMNS " FROM guest_sessions WHERE id = ?", {id}),
        readGuestSession);
}

qint64 Store::guestSessionNumber(const GuestSession &session)
{
    return one<qint64>(run("SELECT COUNT(*) FROM guest_sessions "
                           "WHERE conversation_id = ? AND id <= ?",
                           {session.conversationId, session.id}),
                       rows::readInt64)
        .value_or(1);
}

qint64 Store::unreadForGuest(qint64 conversationId, const Actor &guest)
{
    return one<qint64>(
               run("SELECT COUNT(*) FROM messages m WHERE m.conversation_id = ? "
                   "AND m.sender_kind <> ? AND m.id > COALESCE("
                   "(SELECT p.last_read_message_id FROM participants p WHERE p.conversation_id = ? "
                   "AND p.actor_kind = ? AND p.actor_id = ?), 0)",
                   {conversationId, wireName(ActorKind::Guest), conversationId,
                    wireName(guest.kind), guest.id}),
               rows::readInt64)
        .value_or(0);
}

} // namespace lobby::store
