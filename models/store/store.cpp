#include "store/store.h"
#include "logging.h"

#include "store/rows.h"

#include <QJsonDocument>
#include <QSqlError>
#include <QSqlRecord>

namespace lobby::store {

using namespace lobby::chat;

using namespace rows;

Store::Store(Database &database) : m_database(database) {}

QSqlQuery *Store::run(const char *sql, const QVariantList &values)
{
    auto it = m_statements.find(sql);
    if (it == m_statements.end()) {
        QSqlQuery query(m_database.handle());
        // Rows are read once, front to back (rows.h): no client-side row cache.
        query.setForwardOnly(true);
        if (!query.prepare(QString::fromUtf8(sql))) {
            m_lastError = query.lastError().text();
            qCWarning(lcStore, "cannot prepare statement: %s", qPrintable(m_lastError));
            return nullptr;
        }
        it = m_statements.insert(sql, query);
    }
    QSqlQuery &query = it.value();
    ++m_statementsRun;
    for (int i = 0; i < values.size(); ++i)
        query.bindValue(i, values.at(i));
    if (!query.exec()) {
        m_lastError = query.lastError().text();
        return nullptr;
    }
    return &query;
}

bool Store::execute(const char *sql, const QVariantList &values)
{
    QSqlQuery *query = run(sql, values);
    if (query)
        query->finish();
    return query != nullptr;
}

std::optional<qint64> Store::insertReturningId(const char *sql, const QVariantList &values)
{
    return one<qint64>(run(sql, values), rows::readInt64);
}

bool Store::executeUnbound(const char *sql)
{
    // PostgreSQL cannot PREPARE savepoint statements; SQLite keeps them prepared.
    if (m_database.dialect() == Dialect::Sqlite)
        return execute(sql, {});
    QSqlQuery query(m_database.handle());
    if (query.exec(QString::fromUtf8(sql)))
        return true;
    m_lastError = query.lastError().text();
    return false;
}

// Nested levels share one savepoint name: SQLite and PostgreSQL both release or roll back the
// most recent savepoint of that name.
bool Store::beginTransaction()
{
    if (m_transactionDepth > 0) {
        if (!executeUnbound("SAVEPOINT lobby_nested"))
            return false;
    } else if (!m_database.handle().transaction()) {
        m_lastError = m_database.handle().lastError().text();
        return false;
    }
    ++m_transactionDepth;
    return true;
}

bool Store::commit()
{
    if (m_transactionDepth > 1) {
        if (!executeUnbound("RELEASE SAVEPOINT lobby_nested"))
            return false;
        --m_transactionDepth;
        return true;
    }
    if (!m_database.handle().commit()) {
        m_lastError = m_database.handle().lastError().text();
        return false;
    }
    m_transactionDepth = 0;
    ++m_commits;
    return true;
}

void Store::rollback()
{
    if (m_transactionDepth > 1) {
        executeUnbound("ROLLBACK TO SAVEPOINT lobby_nested");
        executeUnbound("RELEASE SAVEPOINT lobby_nested");
        --m_transactionDepth;
        return;
    }
    m_database.handle().rollback();
    m_transactionDepth = 0;
}

// ---- sites and accounts

std::optional<qint64> Store::insertSite(const Site &site)
{
    return insertReturningId(
        "INSERT INTO sites (slug, name, kind, created_at) VALUES (?, ?, ?, ?) RETURNING id",
        {site.slug, site.name, wireName(site.kind), toDb(site.createdAt)});
}

std::optional<Site> Store::siteById(qint64 id)
{
    return one<Site>(run("SELECT " SITE_COLUMNS " FROM sites WHERE id = ?", {id}), readSite);
}

std::optional<Site> Store::siteBySlug(const QString &slug)
{
    return one<Site>(run("SELECT " SITE_COLUMNS " FROM sites WHERE slug = ?", {slug}), readSite);
}

QList<Site> Store::sites()
{
    return all<Site>(run("SELECT " SITE_COLUMNS " FROM sites ORDER BY id"), readSite);
}

std::optional<qint64> Store::insertAccount(const Account &a)
{
    return insertReturningId(
        "INSERT INTO accounts (site_id, kind, role, email, phone, name, job_title, profile_image, "
        "password_hash, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        {a.siteId, wireName(a.kind), wireName(a.role), nullIfEmpty(a.email), nullIfEmpty(a.phone),
         text(a.name), text(a.jobTitle), text(a.profileImage), text(a.passwordHash),
         toDb(a.createdAt)});
}

std::optional<Account> Store::accountById(qint64 id)
{
    return one<Account>(run("SELECT " ACCOUNT_COLUMNS " FROM accounts WHERE id = ?", {id}),
                        readAccount);
}

std::optional<Account> Store::accountByEmail(const QString &email)
{
    return one<Account>(
        run("SELECT " ACCOUNT_COLUMNS " FROM accounts WHERE email = ?", {email.toLower()}),
        readAccount);
}

std::optional<Account> Store::accountByPhone(const QString &phone)
{
    return one<Account>(run("SELECT " ACCOUNT_COLUMNS " FROM accounts WHERE phone = ?", {phone}),
                        readAccount);
}

QList<Account> Store::accountsOfSite(qint64 siteId, AccountKind kind)
{
    return all<Account>(run("SELECT " ACCOUNT_COLUMNS
                            " FROM accounts WHERE site_id = ? AND kind = ? ORDER BY id",
                            {siteId, wireName(kind)}),
                        readAccount);
}

// ---- rooms and guest sessions

std::optional<qint64> Store::insertRoom(const Room &room)
{
    return insertReturningId("INSERT INTO rooms (site_id, number, pin_hash, created_at) VALUES (?, "
                             "?, ?, ?) RETURNING id",
                             {room.siteId, room.number, text(room.pinHash), toDb(room.createdAt)});
}

std::optional<Room> Store::roomById(qint64 id)
{
    return one<Room>(run("SELECT " ROOM_COLUMNS " FROM rooms WHERE id = ?", {id}), readRoom);
}

std::optional<Room> Store::roomByNumber(qint64 siteId, const QString &number)
{
    return one<Room>(run("SELECT " ROOM_COLUMNS " FROM rooms WHERE site_id = ? AND number = ?",
                         {siteId, number}),
                     readRoom);
}

QList<Room> Store::roomsOfSite(qint64 siteId)
{
    return all<Room>(
        run("SELECT " ROOM_COLUMNS " FROM rooms WHERE site_id = ? ORDER BY number", {siteId}),
        readRoom);
}

bool Store::updateRoomPin(qint64 roomId, const QString &pinHash)
{
    return execute("UPDATE rooms SET pin_hash = ? WHERE id = ?", {pinHash, roomId});
}

std::optional<qint64> Store::insertGuestSession(const GuestSession &s, const QString &tokenHash)
{
    return insertReturningId(
        "INSERT INTO guest_sessions (site_id, room_id, conversation_id, token_hash, created_at, "
        "expires_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
        {s.siteId, s.roomId, s.conversationId, tokenHash, toDb(s.createdAt), toDb(s.expiresAt)});
}

std::optional<GuestSession> Store::guestSessionByTokenHash(const QString &tokenHash)
{
    return one<GuestSession>(run("SELECT " GUEST_SESSION_COLUMNS
                                 " FROM guest_sessions WHERE token_hash = ?",
                                 {tokenHash}),
                             readGuestSession);
}

bool Store::endGuestSessionsOfRoom(qint64 roomId, const QDateTime &at)
{
    return execute("UPDATE guest_sessions SET ended_at = ? WHERE room_id = ? AND ended_at IS NULL",
                   {toDb(at), roomId});
}

// ---- visitors and widget sessions

std::optional<qint64> Store::insertVisitor(const Visitor &v)
{
    return insertReturningId("INSERT INTO visitors (public_id, created_at, last_seen_at, metadata) "
                             "VALUES (?, ?, ?, ?) RETURNING id",
                             {v.publicId, toDb(v.createdAt), toDb(v.lastSeenAt), toDb(v.metadata)});
}

std::optional<Visitor> Store::visitorByPublicId(const QString &publicId)
{
    return one<Visitor>(
        run("SELECT " VISITOR_COLUMNS " FROM visitors WHERE public_id = ?", {publicId}),
        readVisitor);
}

std::optional<Visitor> Store::visitorById(qint64 id)
{
    return one<Visitor>(run("SELECT " VISITOR_COLUMNS " FROM visitors WHERE id = ?", {id}),
                        readVisitor);
}

bool Store::touchVisitor(qint64 visitorId, const QDateTime &at)
{
    return execute("UPDATE visitors SET last_seen_at = ? WHERE id = ?", {toDb(at), visitorId});
}

std::optional<qint64> Store::insertWidgetSession(const WidgetSession &s)
{
    return insertReturningId(
        "INSERT INTO widget_sessions (public_id, visitor_id, site_id, conversation_id, "
        "external_user_id, created_at, expires_at, is_active, metadata) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        {s.publicId, s.visitorId, nullIfZero(s.siteId), nullIfZero(s.conversationId),
         nullIfEmpty(s.externalUserId), toDb(s.createdAt), toDb(s.expiresAt), int(s.active),
         toDb(s.metadata)});
}

std::optional<WidgetSession> Store::widgetSessionByPublicId(const QString &publicId)
{
    return one<WidgetSession>(run("SELECT " WIDGET_SESSION_COLUMNS
                                  " FROM widget_sessions WHERE public_id = ?",
                                  {publicId}),
                              readWidgetSession);
}

bool Store::bindWidgetSession(qint64 sessionId, qint64 siteId, qint64 conversationId)
{
    return execute("UPDATE widget_sessions SET site_id = ?, conversation_id = ? WHERE id = ?",
                   {siteId, conversationId, sessionId});
}

// ---- API keys and FAQ

std::optional<qint64> Store::insertApiKey(const ApiKey &key)
{
    return insertReturningId(
        "INSERT INTO api_keys (site_id, label, prefix, key_hash, created_at) "
        "VALUES (?, ?, ?, ?, ?) RETURNING id",
        {key.siteId, text(key.label), text(key.prefix), key.keyHash, toDb(key.createdAt)});
}

std::optional<ApiKey> Store::apiKeyByHash(const QString &keyHash)
{
    return one<ApiKey>(
        run("SELECT " API_KEY_COLUMNS " FROM api_keys WHERE key_hash = ?", {keyHash}), readApiKey);
}

QList<ApiKey> Store::apiKeysOfSite(qint64 siteId)
{
    return all<ApiKey>(
        run("SELECT " API_KEY_COLUMNS " FROM api_keys WHERE site_id = ? ORDER BY id", {siteId}),
        readApiKey);
}

bool Store::revokeApiKey(qint64 keyId, const QDateTime &at)
{
    return execute("UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
                   {toDb(at), keyId});
}

std::optional<qint64> Store::insertFaqEntry(const FaqEntry &entry)
{
    return insertReturningId(
        "INSERT INTO faq_entries (site_id, question, answer, created_at) "
        "VALUES (?, ?, ?, ?) RETURNING id",
        {entry.siteId, text(entry.question), text(entry.answer), toDb(entry.createdAt)});
}

QList<FaqEntry> Store::faqOfSite(qint64 siteId)
{
    return all<FaqEntry>(
        run("SELECT " FAQ_COLUMNS " FROM faq_entries WHERE site_id = ? ORDER BY id", {siteId}),
        readFaqEntry);
}

QPair<qint64, qint64> Store::faqVersion(qint64 siteId)
{
    return one<QPair<qint64, qint64>>(
               run("SELECT COUNT(*), COALESCE(MAX(id), 0) FROM faq_entries WHERE site_id = ?",
                   {siteId}),
               [](const QSqlQuery &q) {
                   return QPair<qint64, qint64>(q.value(0).toLongLong(), q.value(1).toLongLong());
               })
        .value_or(QPair<qint64, qint64>(-1, -1));
}

// ---- conversations and participants

std::optional<qint64> Store::insertConversation(const Conversation &c)
{
    return insertReturningId(
        "INSERT INTO conversations (site_id, kind, title, room_id, handler_account_id, archived, "
        "created_at, last_activity_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        {c.siteId, wireName(c.kind), text(c.title), nullIfZero(c.roomId),
         nullIfZero(c.handlerAccountId), int(c.archived), toDb(c.createdAt),
         toDb(c.lastActivityAt)});
}

std::optional<Conversation> Store::conversationById(qint64 id)
{
    return one<Conversation>(
        run("SELECT " CONVERSATION_COLUMNS " FROM conversations c WHERE c.id = ?", {id}),
        readConversation);
}

QList<Conversation> Store::conversationsOfSite(qint64 siteId)
{
    return all<Conversation>(run("SELECT " CONVERSATION_COLUMNS
                                 " FROM conversations c WHERE c.site_id = ? "
                                 "ORDER BY c.last_activity_at DESC, c.id DESC",
                                 {siteId}),
                             readConversation);
}

bool Store::updateConversation(const Conversation &c)
{
    return execute("UPDATE conversations SET title = ?, handler_account_id = ?, archived = ?, "
                   "last_message_id = ?, last_message_preview = ?, last_activity_at = ?, "
                   "status = ?, snoozed_until = ?, waiting_since = ? WHERE id = ?",
                   {text(c.title), nullIfZero(c.handlerAccountId), int(c.archived), c.lastMessageId,
                    text(c.lastMessagePreview), toDb(c.lastActivityAt), wireName(c.status),
                    toDb(c.snoozedUntil), toDb(c.waitingSince), c.id});
}

bool Store::upsertParticipant(const Participant &p)
{
    // ON CONFLICT ... DO UPDATE is spelled the same in SQLite (3.24+) and PostgreSQL.
    return execute("INSERT INTO participants (conversation_id, actor_kind, actor_id, joined_at, "
                   "last_read_message_id, is_active) VALUES (?, ?, ?, ?, ?, ?) "
                   "ON CONFLICT (conversation_id, actor_kind, actor_id) "
                   "DO UPDATE SET is_active = excluded.is_active",
                   {p.conversationId, wireName(p.actor.kind), p.actor.id, toDb(p.joinedAt),
                    p.lastReadMessageId, int(p.active)});
}

std::optional<Participant> Store::participant(qint64 conversationId, const Actor &actor)
{
    return one<Participant>(run("SELECT " PARTICIPANT_COLUMNS " FROM participants "
                                "WHERE conversation_id = ? AND actor_kind = ? AND actor_id = ?",
                                {conversationId, wireName(actor.kind), actor.id}),
                            readParticipant);
}

QList<Participant> Store::participants(qint64 conversationId)
{
    return all<Participant>(
        run("SELECT " PARTICIPANT_COLUMNS " FROM participants "
            "WHERE conversation_id = ? ORDER BY joined_at, actor_kind, actor_id",
            {conversationId}),
        readParticipant);
}

bool Store::setParticipantActive(qint64 conversationId, const Actor &actor, bool active)
{
    return execute("UPDATE participants SET is_active = ? "
                   "WHERE conversation_id = ? AND actor_kind = ? AND actor_id = ?",
                   {int(active), conversationId, wireName(actor.kind), actor.id});
}

bool Store::setLastRead(qint64 conversationId, const Actor &actor, qint64 messageId,
                        const QDateTime &at)
{
    return execute("UPDATE participants SET last_read_message_id = ? "
                   "WHERE conversation_id = ? AND actor_kind = ? AND actor_id = ?",
                   {messageId, conversationId, wireName(actor.kind), actor.id}) &&
           execute("INSERT INTO read_receipts (conversation_id, reader_kind, reader_id, "
                   "up_to_message_id, read_at) VALUES (?, ?, ?, ?, ?)",
                   {conversationId, wireName(actor.kind), actor.id, messageId, toDb(at)});
}

// ---- messages

bool Store::lockConversation(qint64 conversationId)
{
    if (m_database.dialect() != Dialect::Postgres)
        return true;
    return one<qint64>(
               run("SELECT id FROM conversations WHERE id = ? FOR UPDATE", {conversationId}),
               rows::readInt64)
        .has_value();
}

std::optional<qint64> Store::insertMessage(const Message &m)
{
    return insertReturningId(
        "INSERT INTO messages (conversation_id, sender_kind, sender_id, type, content, media_url, "
        "reply_to_id, entity_type, entity_id, client_id, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        {m.conversationId, wireName(m.sender.kind), m.sender.id, wireName(m.type), text(m.content),
         text(m.mediaUrl), m.replyToId, text(m.entityType), text(m.entityId),
         nullIfEmpty(m.clientId), toDb(m.createdAt)});
}

std::optional<Message> Store::messageById(qint64 id)
{
    return one<Message>(run("SELECT " MESSAGE_COLUMNS " FROM messages WHERE id = ?", {id}),
                        readMessage);
}

std::optional<Message> Store::messageByClientId(qint64 conversationId, const Actor &sender,
                                                const QString &clientId)
{
    return one<Message>(run("SELECT " MESSAGE_COLUMNS " FROM messages WHERE conversation_id = ? "
                            "AND sender_kind = ? AND sender_id = ? AND client_id = ?",
                            {conversationId, wireName(sender.kind), sender.id, clientId}),
                        readMessage);
}

QList<Message> Store::messagesAfter(qint64 conversationId, qint64 afterId, int limit)
{
    return all<Message>(run("SELECT " MESSAGE_COLUMNS " FROM messages "
                            "WHERE conversation_id = ? AND id > ? ORDER BY id LIMIT ?",
                            {conversationId, afterId, limit}),
                        readMessage);
}

QList<Message> Store::messagesBefore(qint64 conversationId, qint64 beforeId, int limit)
{
    QSqlQuery *query = beforeId > 0
                           ? run("SELECT " MESSAGE_COLUMNS " FROM messages "
                                 "WHERE conversation_id = ? AND id < ? ORDER BY id DESC LIMIT ?",
                                 {conversationId, beforeId, limit})
                           : run("SELECT " MESSAGE_COLUMNS " FROM messages "
                                 "WHERE conversation_id = ? ORDER BY id DESC LIMIT ?",
                                 {conversationId, limit});
    QList<Message> newestFirst = all<Message>(query, readMessage);
    std::reverse(newestFirst.begin(), newestFirst.end());
    return newestFirst;
}

qint64 Store::messageCount(qint64 conversationId)
{
    return one<qint64>(
               run("SELECT COUNT(*) FROM messages WHERE conversation_id = ?", {conversationId}),
               rows::readInt64)
        .value_or(0);
}

qint64 Store::messageCount(qint64 conversationId, qint64 lastMessageId)
{
    const auto count = [this](qint64 conversation, qint64 afterId, qint64 upToId) {
        return one<qint64>(run("SELECT COUNT(*) FROM messages WHERE conversation_id = ? "
                               "AND id > ? AND id <= ?",
                               {conversation, afterId, upToId}),
                           rows::readInt64);
    };
    auto it = m_messageCounts.find(conversationId);
    if (it != m_messageCounts.end() && it->upToId == lastMessageId)
        return it->count;
    const bool grown = it != m_messageCounts.end() && it->upToId < lastMessageId;
    const auto counted = count(conversationId, grown ? it->upToId : 0, lastMessageId);
    if (!counted)
        return 0;
    if (m_messageCounts.size() >= 100000) // a bound on memory; counts come back on demand
        m_messageCounts.clear();
    const qint64 total = (grown ? it->count : 0) + *counted;
    m_messageCounts.insert(conversationId, {lastMessageId, total});
    return total;
}

qint64 Store::unreadCount(qint64 conversationId, const Actor &reader)
{
    return one<qint64>(run("SELECT COUNT(*) FROM messages m WHERE m.conversation_id = ? "
                           "AND NOT " UNREAD_OWN_SIDE(
                               "?", "?") " AND m.id > COALESCE("
                                         "(SELECT p.last_read_message_id FROM participants p WHERE "
                                         "p.conversation_id = ? "
                                         "AND p.actor_kind = ? AND p.actor_id = ?), 0)",
                           {conversationId, wireName(reader.kind), wireName(ActorKind::Guest),
                            reader.id, conversationId, wireName(reader.kind), reader.id}),
                       rows::readInt64)
        .value_or(0);
}

QHash<qint64, qint64> Store::unreadCounts(qint64 siteId, const Actor &reader)
{
    // Conversation, then the reader's pointer, then a range seek on messages_by_conversation
    // from that pointer: CROSS JOIN keeps SQLite from starting with the messages.
    QHash<qint64, qint64> counts;
    QSqlQuery *query =
        run("SELECT c.id, COUNT(m.id) FROM conversations c "
            "LEFT JOIN participants p ON p.conversation_id = c.id AND p.actor_kind = ? "
            "AND p.actor_id = ? CROSS JOIN messages m WHERE c.site_id = ? "
            "AND m.conversation_id = c.id AND m.id > COALESCE(p.last_read_message_id, 0) "
            "AND NOT " UNREAD_OWN_SIDE("?", "?") " GROUP BY c.id",
            {wireName(reader.kind), reader.id, siteId, wireName(reader.kind),
             wireName(ActorKind::Guest), reader.id});
    if (!query)
        return counts;
    while (query->next())
        counts.insert(query->value(0).toLongLong(), query->value(1).toLongLong());
    query->finish();
    return counts;
}

// ---- lockouts

std::optional<Store::AuthFailures> Store::authFailures(const QString &scope)
{
    return one<AuthFailures>(
        run("SELECT failures, window_started_at, locked_until FROM auth_failures WHERE scope = ?",
            {scope}),
        [](const QSqlQuery &q) {
            return AuthFailures{q.value(0).toInt(), fromDb(q.value(1)), fromDb(q.value(2))};
        });
}

bool Store::saveAuthFailures(const QString &scope, const AuthFailures &state)
{
    return execute("INSERT INTO auth_failures (scope, failures, window_started_at, locked_until) "
                   "VALUES (?, ?, ?, ?) ON CONFLICT (scope) DO UPDATE SET "
                   "failures = excluded.failures, window_started_at = excluded.window_started_at, "
                   "locked_until = excluded.locked_until",
                   {scope, state.failures, toDb(state.windowStartedAt),
                    state.lockedUntil.isValid() ? toDb(state.lockedUntil) : QVariant(0)});
}

std::optional<Store::AuthFailures> Store::addAuthFailure(const QString &scope, const QDateTime &at,
                                                         qint64 windowMs, int maxFailures,
                                                         qint64 lockMs)
{
    // SET expressions see the row as it was; excluded.window_started_at is `at`.
#define LOBBY_RESTART                                                                              \
    "((auth_failures.locked_until > 0 AND auth_failures.locked_until <= "                          \
    "excluded.window_started_at) OR (excluded.window_started_at - "                                \
    "auth_failures.window_started_at > CAST(? AS BIGINT)))"
#define LOBBY_COUNT "(CASE WHEN " LOBBY_RESTART " THEN 1 ELSE auth_failures.failures + 1 END)"
    const qint64 now = at.toMSecsSinceEpoch();
    const qint64 lockedUntil = now + lockMs;
    return one<AuthFailures>(
        run("INSERT INTO auth_failures (scope, failures, window_started_at, locked_until) "
            "VALUES (?, 1, ?, CASE WHEN 1 >= CAST(? AS INTEGER) THEN CAST(? AS BIGINT) ELSE 0 END) "
            "ON CONFLICT (scope) DO UPDATE SET failures = " LOBBY_COUNT ", "
            "window_started_at = CASE WHEN " LOBBY_RESTART " THEN excluded.window_started_at "
            "ELSE auth_failures.window_started_at END, "
            "locked_until = CASE WHEN " LOBBY_COUNT " >= CAST(? AS INTEGER) THEN CAST(? AS BIGINT) "
            "WHEN " LOBBY_RESTART " THEN 0 ELSE auth_failures.locked_until END "
            "RETURNING failures, window_started_at, locked_until",
            {scope, now, maxFailures, lockedUntil, windowMs, windowMs, windowMs, maxFailures,
             lockedUntil, windowMs}),
        [](const QSqlQuery &q) {
            return AuthFailures{q.value(0).toInt(), fromDb(q.value(1)), fromDb(q.value(2))};
        });
#undef LOBBY_COUNT
#undef LOBBY_RESTART
}

bool Store::clearAuthFailures(const QString &scope)
{
    return execute("DELETE FROM auth_failures WHERE scope = ?", {scope});
}

// ---- several instances

bool Store::notify(const QString &channel, const QString &payload)
{
    if (m_database.dialect() != Dialect::Postgres)
        return true;
    QSqlQuery *query =
        run("SELECT pg_notify(CAST(? AS TEXT), CAST(? AS TEXT))", {channel, payload});
    if (query)
        query->finish();
    return query != nullptr;
}

qint64 Store::dataVersion()
{
    if (m_database.dialect() != Dialect::Sqlite)
        return -1;
    return one<qint64>(run("PRAGMA data_version"), rows::readInt64).value_or(-1);
}

qint64 Store::newestMessageId()
{
    return one<qint64>(run("SELECT COALESCE(MAX(id), 0) FROM messages"), rows::readInt64)
        .value_or(0);
}

QList<Message> Store::messagesAfterId(qint64 afterId, int limit)
{
    return all<Message>(run("SELECT " MESSAGE_COLUMNS
                            " FROM messages WHERE id > ? ORDER BY id LIMIT ?",
                            {afterId, limit}),
                        readMessage);
}

QList<Conversation> Store::allConversations()
{
    return all<Conversation>(
        run("SELECT " CONVERSATION_COLUMNS " FROM conversations c ORDER BY c.id"),
        readConversation);
}

std::optional<qint64> Store::insertClusterNote(const QString &payload, const QDateTime &at)
{
    return insertReturningId(
        "INSERT INTO cluster_notes (payload, created_at) VALUES (?, ?) RETURNING id",
        {payload, toDb(at)});
}

std::optional<QString> Store::clusterNote(qint64 id)
{
    return one<QString>(run("SELECT payload FROM cluster_notes WHERE id = ?", {id}),
                        [](const QSqlQuery &q) { return q.value(0).toString(); });
}

bool Store::deleteClusterNotesBefore(const QDateTime &before)
{
    return execute("DELETE FROM cluster_notes WHERE created_at < ?", {toDb(before)});
}

QString Store::currentSchema()
{
    if (m_database.dialect() != Dialect::Postgres)
        return QStringLiteral("main");
    return one<QString>(run("SELECT current_schema()"),
                        [](const QSqlQuery &q) { return q.value(0).toString(); })
        .value_or(QString());
}

} // namespace lobby::store
