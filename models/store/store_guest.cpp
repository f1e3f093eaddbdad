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

} // namespace lobby::store
