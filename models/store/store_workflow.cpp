// The front desk's workflow: snoozes that end, private notes and the staff they mention.
#include "store/rows.h"
#include "store/store.h"

namespace lobby::store {

using namespace lobby::chat;
using namespace rows;

namespace {

#define NOTE_COLUMNS "n.id, n.conversation_id, n.author_id, n.content, n.created_at"
Note readNote(const QSqlQuery &q)
{
    Note note;
    note.id = q.value(0).toLongLong();
    note.conversationId = q.value(1).toLongLong();
    note.authorId = q.value(2).toLongLong();
    note.content = q.value(3).toString();
    note.createdAt = fromDb(q.value(4));
    return note;
}

} // namespace

QList<Conversation> Store::snoozesEndedBy(const QDateTime &at)
{
    return all<Conversation>(run("SELECT " CONVERSATION_COLUMNS " FROM conversations c "
                                 "WHERE c.status = 'snoozed' AND c.snoozed_until <= ? "
                                 "ORDER BY c.snoozed_until",
                                 {toDb(at)}),
                             readConversation);
}

std::optional<QDateTime> Store::nextSnoozeEnd()
{
    const auto next = one<qint64>(run("SELECT MIN(snoozed_until) FROM conversations "
                                      "WHERE status = 'snoozed' AND snoozed_until IS NOT NULL"),
                                  readInt64);
    if (!next || *next == 0)
        return std::nullopt;
    return QDateTime::fromMSecsSinceEpoch(*next, Qt::UTC);
}

int Store::activeGuestSessionsOfRoom(qint64 roomId, const QDateTime &at)
{
    return int(one<qint64>(run("SELECT COUNT(*) FROM guest_sessions WHERE room_id = ? "
                               "AND ended_at IS NULL AND expires_at > ?",
                               {roomId, toDb(at)}),
                           readInt64)
                   .value_or(0));
}

std::optional<qint64> Store::insertNote(const Note &note)
{
    const auto id = insertReturningId(
        "INSERT INTO notes (conversation_id, author_id, content, "
        "created_at) VALUES (?, ?, ?, ?) RETURNING id",
        {note.conversationId, note.authorId, text(note.content), toDb(note.createdAt)});
    if (!id)
        return std::nullopt;
    for (const qint64 accountId : note.mentions) {
        if (!execute("INSERT INTO note_mentions (note_id, account_id) VALUES (?, ?)",
                     {*id, accountId}))
            return std::nullopt;
    }
    return id;
}

QList<Note> Store::withMentions(QList<Note> notes)
{
    for (Note &note : notes)
        note.mentions = all<qint64>(run("SELECT account_id FROM note_mentions WHERE note_id = ? "
                                        "ORDER BY account_id",
                                        {note.id}),
                                    readInt64);
    return notes;
}

QList<Note> Store::notesOfConversation(qint64 conversationId)
{
    return withMentions(all<Note>(run("SELECT " NOTE_COLUMNS " FROM notes n "
                                      "WHERE n.conversation_id = ? ORDER BY n.id",
                                      {conversationId}),
                                  readNote));
}

QList<Note> Store::notesOfSiteSince(qint64 siteId, const QDateTime &since, int limit)
{
    return withMentions(all<Note>(run("SELECT " NOTE_COLUMNS " FROM notes n JOIN conversations c "
                                      "ON c.id = n.conversation_id WHERE c.site_id = ? "
                                      "AND n.created_at >= ? ORDER BY n.id LIMIT ?",
                                      {siteId, toDb(since), limit}),
                                  readNote));
}

QList<Note> Store::notesMentioning(qint64 accountId, int limit)
{
    return withMentions(all<Note>(run("SELECT " NOTE_COLUMNS " FROM notes n JOIN note_mentions m "
                                      "ON m.note_id = n.id WHERE m.account_id = ? "
                                      "ORDER BY n.id DESC LIMIT ?",
                                      {accountId, limit}),
                                  readNote));
}

} // namespace lobby::store
