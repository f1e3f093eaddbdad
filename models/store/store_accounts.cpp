// Store queries of the accounts family (app v1 and direct chat): uploads, the conversations of
// one account, the direct conversation of a pair, message pages and read receipts.
#include "store/store.h"

#include "store/rows.h"

#include <algorithm>

namespace lobby::store {

using namespace lobby::chat;
using namespace rows;

namespace {

#define UPLOAD_COLUMNS                                                                             \
    "id, site_id, owner_kind, owner_id, stored_name, original_name, mime_type, size, "             \
    "thumbnail_name, created_at"
Upload readUpload(const QSqlQuery &q)
{
    Upload u;
    u.id = q.value(0).toLongLong();
    u.siteId = q.value(1).toLongLong();
    u.owner = {actorKindFromString(q.value(2).toString()).value_or(ActorKind::System),
               q.value(3).toLongLong()};
    u.storedName = q.value(4).toString();
    u.originalName = q.value(5).toString();
    u.mimeType = q.value(6).toString();
    u.size = q.value(7).toLongLong();
    u.thumbnailName = q.value(8).toString();
    u.createdAt = fromDb(q.value(9));
    return u;
}

} // namespace

std::optional<qint64> Store::insertUpload(const Upload &u)
{
    return insertReturningId(
        "INSERT INTO uploads (site_id, owner_kind, owner_id, stored_name, original_name, "
        "mime_type, size, thumbnail_name, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "RETURNING id",
        {u.siteId, wireName(u.owner.kind), u.owner.id, u.storedName, text(u.originalName),
         u.mimeType, u.size, nullIfEmpty(u.thumbnailName), toDb(u.createdAt)});
}

std::optional<Upload> Store::uploadByFileName(const QString &fileName)
{
    return one<Upload>(run("SELECT " UPLOAD_COLUMNS
                           " FROM uploads WHERE stored_name = ? OR thumbnail_name = ?",
                           {fileName, fileName}),
                       readUpload);
}

std::optional<qint64> Store::uploadedBytesSince(const Actor &owner, const QDateTime &since)
{
    return one<qint64>(run("SELECT COALESCE(SUM(size), 0) FROM uploads "
                           "WHERE owner_kind = ? AND owner_id = ? AND created_at >= ?",
                           {wireName(owner.kind), owner.id, toDb(since)}),
                       rows::readInt64);
}

QList<Conversation> Store::conversationsWithMedia(const QString &mediaUrl)
{
    return all<Conversation>(
        // The second term lets SQLite use the partial index messages_by_media_url.
        run("SELECT " CONVERSATION_COLUMNS " FROM conversations c WHERE c.id IN "
            "(SELECT m.conversation_id FROM messages m WHERE m.media_url = ? "
            "AND m.media_url <> '') ORDER BY c.id",
            {mediaUrl}),
        readConversation);
}

QList<Conversation> Store::conversationsOfActor(const Actor &actor)
{
    return all<Conversation>(
        run("SELECT " CONVERSATION_COLUMNS " FROM conversations c JOIN participants p "
            "ON p.conversation_id = c.id WHERE p.actor_kind = ? AND p.actor_id = ? "
            "ORDER BY c.last_activity_at DESC, c.id DESC",
            {wireName(actor.kind), actor.id}),
        readConversation);
}

std::optional<Conversation> Store::directConversation(qint64 siteId, const Actor &a, const Actor &b)
{
    return one<Conversation>(run("SELECT " CONVERSATION_COLUMNS " FROM conversations c "
                                 "JOIN participants pa ON pa.conversation_id = c.id "
                                 "AND pa.actor_kind = ? AND pa.actor_id = ? "
                                 "JOIN participants pb ON pb.conversation_id = c.id "
                                 "AND pb.actor_kind = ? AND pb.actor_id = ? "
                                 "WHERE c.site_id = ? AND c.kind = ? ORDER BY c.id LIMIT 1",
                                 {wireName(a.kind), a.id, wireName(b.kind), b.id, siteId,
                                  wireName(ConversationKind::Direct)}),
                             readConversation);
}

QList<Message> Store::messagesNewestFirst(qint64 conversationId, int offset, int limit)
{
    // The offset is skipped in the index alone (the subquery is covered by
    // messages_by_conversation); only the page's rows are read: half the time for deep pages.
    return all<Message>(run("SELECT " MESSAGE_COLUMNS " FROM messages WHERE id IN "
                            "(SELECT id FROM messages WHERE conversation_id = ? "
                            "ORDER BY id DESC LIMIT ? OFFSET ?) ORDER BY id DESC",
                            {conversationId, limit, offset}),
                        readMessage);
}

QList<Message> Store::messagesNewestFirst(qint64 conversationId, qint64 upToId, qint64 total,
                                          int offset, int limit)
{
    if (offset >= total || limit <= 0)
        return {};
    if (qint64(offset) + limit / 2 <= total / 2)
        return all<Message>(run("SELECT " MESSAGE_COLUMNS " FROM messages WHERE id IN "
                                "(SELECT id FROM messages WHERE conversation_id = ? AND id <= ? "
                                "ORDER BY id DESC LIMIT ? OFFSET ?) ORDER BY id DESC",
                                {conversationId, upToId, limit, offset}),
                            readMessage);
    // Counted from the oldest: the page is the `count` messages after the `skip` oldest.
    const qint64 end = std::min<qint64>(total, qint64(offset) + limit);
    const qint64 count = end - offset;
    const qint64 skip = total - end;
    return all<Message>(run("SELECT " MESSAGE_COLUMNS " FROM messages WHERE id IN "
                            "(SELECT id FROM messages WHERE conversation_id = ? AND id <= ? "
                            "ORDER BY id LIMIT ? OFFSET ?) ORDER BY id DESC",
                            {conversationId, upToId, count, skip}),
                        readMessage);
}

namespace {

Store::ReadReceipt readReceipt(const QSqlQuery &q)
{
    return Store::ReadReceipt{
        {actorKindFromString(q.value(0).toString()).value_or(ActorKind::System),
         q.value(1).toLongLong()},
        q.value(2).toLongLong(),
        fromDb(q.value(3))};
}

} // namespace

QList<Store::ReadReceipt> Store::readReceipts(qint64 conversationId)
{
    return all<ReadReceipt>(
        run("SELECT reader_kind, reader_id, up_to_message_id, read_at FROM read_receipts "
            "WHERE conversation_id = ? ORDER BY up_to_message_id, read_at",
            {conversationId}),
        readReceipt);
}

QList<Store::ReadReceipt> Store::readReceiptsForRange(qint64 conversationId, qint64 lowId,
                                                      qint64 highId)
{
    // Per reader (every reader is a participant), both parts are range seeks on the primary key
    // (conversation_id, reader_kind, reader_id, up_to_message_id). CROSS JOIN keeps SQLite from
    // starting with the receipts (all of the conversation's); PostgreSQL plans it freely.
#define LOBBY_READERS                                                                              \
    "SELECT r.reader_kind, r.reader_id, r.up_to_message_id, r.read_at "                            \
    "FROM participants p CROSS JOIN read_receipts r WHERE p.conversation_id = ? "                  \
    "AND r.conversation_id = p.conversation_id AND r.reader_kind = p.actor_kind "                  \
    "AND r.reader_id = p.actor_id "
    return all<ReadReceipt>(run(LOBBY_READERS
                                "AND r.up_to_message_id BETWEEN ? AND ? "
                                "UNION ALL " LOBBY_READERS
                                "AND r.up_to_message_id = (SELECT MIN(n.up_to_message_id) "
                                "FROM read_receipts n WHERE n.conversation_id = p.conversation_id "
                                "AND n.reader_kind = p.actor_kind AND n.reader_id = p.actor_id "
                                "AND n.up_to_message_id > ?) "
                                "ORDER BY up_to_message_id, read_at",
                                {conversationId, lowId, highId, conversationId, highId}),
                            readReceipt);
#undef LOBBY_READERS
}

} // namespace lobby::store
