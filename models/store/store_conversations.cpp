// Store queries behind chat lists: grouped over a site, so a list of N conversations costs the
// same few statements as a list of one.
#include "store/store.h"

#include "store/rows.h"

namespace lobby::store {

using namespace lobby::chat;
using namespace rows;

// Each participant's unread count: a range seek on messages_by_conversation from its pointer.
#define PARTICIPANTS_WITH_UNREAD                                                                   \
    "SELECT p.conversation_id, p.actor_kind, p.actor_id, p.joined_at, p.last_read_message_id, "    \
    "p.is_active, COUNT(m.id) FROM conversations c "                                               \
    "JOIN participants p ON p.conversation_id = c.id "                                             \
    "LEFT JOIN messages m ON m.conversation_id = p.conversation_id "                               \
    "AND m.id > COALESCE(p.last_read_message_id, 0) "                                              \
    "AND NOT (m.sender_kind = p.actor_kind AND (m.sender_kind = ? OR m.sender_id = p.actor_id)) "  \
    "WHERE c.site_id = ? "
#define PARTICIPANTS_GROUPED                                                                       \
    " GROUP BY p.conversation_id, p.actor_kind, p.actor_id, p.joined_at, "                         \
    "p.last_read_message_id, p.is_active "                                                         \
    "ORDER BY p.conversation_id, p.joined_at, p.actor_kind, p.actor_id"

QList<QPair<Participant, qint64>> Store::participantsWithUnread(qint64 siteId,
                                                                const std::optional<Actor> &member)
{
    QList<QPair<Participant, qint64>> out;
    QSqlQuery *query =
        member ? run(PARTICIPANTS_WITH_UNREAD
                     "AND c.id IN (SELECT q.conversation_id FROM participants q "
                     "WHERE q.actor_kind = ? AND q.actor_id = ?)" PARTICIPANTS_GROUPED,
                     {wireName(ActorKind::Guest), siteId, wireName(member->kind), member->id})
               : run(PARTICIPANTS_WITH_UNREAD PARTICIPANTS_GROUPED,
                     {wireName(ActorKind::Guest), siteId});
    if (!query)
        return out;
    while (query->next())
        out.append({readParticipant(*query), query->value(6).toLongLong()});
    query->finish();
    return out;
}

QHash<qint64, QDateTime> Store::lastMessageTimes(qint64 siteId)
{
    QHash<qint64, QDateTime> times;
    QSqlQuery *query = run("SELECT c.id, m.created_at FROM conversations c "
                           "JOIN messages m ON m.id = c.last_message_id WHERE c.site_id = ?",
                           {siteId});
    if (!query)
        return times;
    while (query->next())
        times.insert(query->value(0).toLongLong(), fromDb(query->value(1)));
    query->finish();
    return times;
}

} // namespace lobby::store
