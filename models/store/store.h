#pragma once

#include "chat/entities.h"
#include "chat/requests.h"

#include "chat/replies.h"
#include "store/database.h"

#include <QHash>
#include <QSqlQuery>
#include <QVariant>

#include <optional>

namespace lobby::store {

// Typed reads and writes over one Database. Every statement is prepared once, cached, and binds
// its values. SQL that differs between SQLite and PostgreSQL stays inside this class.
class Store
{
public:
    explicit Store(Database &database);

    Database &database() { return m_database; }
    QString lastError() const { return m_lastError; }

    // Transactions nest: inside an open one, begin/commit/rollback work on a savepoint, so that
    // a part that failed is undone without the rest (ChatService's group commit).
    bool beginTransaction();
    bool commit();
    void rollback();
    bool inTransaction() const { return m_transactionDepth > 0; }
    // Outermost commits that succeeded (each one fsync'd with SQLite's durable commits).
    qint64 commitCount() const { return m_commits; }
    // Statements run so far: lets tests hold a read to a fixed number of queries.
    qint64 statementCount() const { return m_statementsRun; }

    // Sites and accounts
    std::optional<qint64> insertSite(const chat::Site &site);
    std::optional<chat::Site> siteById(qint64 id);
    std::optional<chat::Site> siteBySlug(const QString &slug);
    QList<chat::Site> sites();
    std::optional<qint64> insertAccount(const chat::Account &account);
    std::optional<chat::Account> accountById(qint64 id);
    std::optional<chat::Account> accountByEmail(const QString &email);
    std::optional<chat::Account> accountByPhone(const QString &phone);
    QList<chat::Account> accountsOfSite(qint64 siteId, chat::AccountKind kind);

    // Rooms and guest sessions
    std::optional<qint64> insertRoom(const chat::Room &room);
    std::optional<chat::Room> roomById(qint64 id);
    std::optional<chat::Room> roomByNumber(qint64 siteId, const QString &number);
    QList<chat::Room> roomsOfSite(qint64 siteId);
    bool updateRoomPin(qint64 roomId, const QString &pinHash);
    std::optional<qint64> insertGuestSession(const chat::GuestSession &session,
                                             const QString &tokenHash);
    std::optional<chat::GuestSession> guestSessionByTokenHash(const QString &tokenHash);
    bool endGuestSessionsOfRoom(qint64 roomId, const QDateTime &at);

    // Visitors and widget sessions
    std::optional<qint64> insertVisitor(const chat::Visitor &visitor);
    std::optional<chat::Visitor> visitorByPublicId(const QString &publicId);
    std::optional<chat::Visitor> visitorById(qint64 id);
    bool touchVisitor(qint64 visitorId, const QDateTime &at);
    std::optional<qint64> insertWidgetSession(const chat::WidgetSession &session);
    std::optional<chat::WidgetSession> widgetSessionByPublicId(const QString &publicId);
    bool bindWidgetSession(qint64 sessionId, qint64 siteId, qint64 conversationId);

    // API keys and FAQ
    std::optional<qint64> insertApiKey(const chat::ApiKey &key);
    std::optional<chat::ApiKey> apiKeyByHash(const QString &keyHash);
    QList<chat::ApiKey> apiKeysOfSite(qint64 siteId);
    bool revokeApiKey(qint64 keyId, const QDateTime &at);
    std::optional<qint64> insertFaqEntry(const chat::FaqEntry &entry);
    QList<chat::FaqEntry> faqOfSite(qint64 siteId);
    // Identifies the site's FAQ as it stands: entries are only added (with new, higher ids) and
    // removed, never edited, so {count, highest id} changes whenever the FAQ does.
    QPair<qint64, qint64> faqVersion(qint64 siteId);

    // Conversations and participants
    std::optional<qint64> insertConversation(const chat::Conversation &conversation);
    std::optional<chat::Conversation> conversationById(qint64 id);
    QList<chat::Conversation> conversationsOfSite(qint64 siteId);
    bool updateConversation(const chat::Conversation &conversation);
    bool upsertParticipant(const chat::Participant &participant);
    std::optional<chat::Participant> participant(qint64 conversationId, const chat::Actor &actor);
    QList<chat::Participant> participants(qint64 conversationId);
    bool setParticipantActive(qint64 conversationId, const chat::Actor &actor, bool active);
    bool setLastRead(qint64 conversationId, const chat::Actor &actor, qint64 messageId,
                     const QDateTime &at);

    // Messages
    // Inside a transaction: waits for other writers of the conversation (other instances on
    // PostgreSQL) so that message ids commit in order and "messages after id N" misses none.
    // SQLite has one writer at a time anyway.
    bool lockConversation(qint64 conversationId);
    std::optional<qint64> insertMessage(const chat::Message &message);
    std::optional<chat::Message> messageById(qint64 id);
    std::optional<chat::Message> messageByClientId(qint64 conversationId, const chat::Actor &sender,
                                                   const QString &clientId);
    // Oldest first, ids above afterId.
    QList<chat::Message> messagesAfter(qint64 conversationId, qint64 afterId, int limit);
    // Oldest first, the newest `limit` ids below beforeId (0: from the newest).
    QList<chat::Message> messagesBefore(qint64 conversationId, qint64 beforeId, int limit);
    qint64 messageCount(qint64 conversationId);
    // The same, for the messages up to lastMessageId: the conversation's last_message_id, which
    // every post moves forward in the transaction that inserts the message (ids commit in order).
    // Remembered per conversation: an unchanged conversation is not counted again, and one
    // that changed counts only its new messages (a COUNT over a long conversation is O(n)).
    qint64 messageCount(qint64 conversationId, qint64 lastMessageId);
    // The one unread rule: messages after the reader's last-read pointer that the reader's side
    // did not send. A guest's side is the whole stay (every guest session of the room's
    // conversation); anyone else's side is themselves.
    qint64 unreadCount(qint64 conversationId, const chat::Actor &reader);
    // unreadCount() of every conversation of the site in one grouped query, by conversation id;
    // conversations with nothing unread are left out.
    QHash<qint64, qint64> unreadCounts(qint64 siteId, const chat::Actor &reader);

    // Failure counters behind lockouts (PINs, logins), keyed by a scope like "pin:room:12".
    struct AuthFailures
    {
        int failures = 0;
        QDateTime windowStartedAt;
        QDateTime lockedUntil;
    };
    std::optional<AuthFailures> authFailures(const QString &scope);
    bool saveAuthFailures(const QString &scope, const AuthFailures &state);
    // Counts one failure in one atomic upsert (so instances sharing a PostgreSQL never lose a
    // count): a window older than windowMs, or a lock that has run out, starts again at 1; the
    // maxFailures-th failure locks until at + lockMs. Returns the new state.
    std::optional<AuthFailures> addAuthFailure(const QString &scope, const QDateTime &at,
                                               qint64 windowMs, int maxFailures, qint64 lockMs);
    bool clearAuthFailures(const QString &scope);

    // Family-specific reads and writes are declared below, one block per family, and
    // implemented in store_<family>.cpp.

    // ---- The staff console (store_console.cpp)
    // Conversations of the site whose title or any message contains `text` (case-insensitive
    // for ASCII letters), newest activity first.
    QList<qint64> searchConversationIds(qint64 siteId, const QString &text, int limit);
    std::optional<chat::WidgetSession> widgetSessionById(qint64 id);
    std::optional<chat::GuestSession> latestGuestSessionOfConversation(qint64 conversationId);
    bool deleteFaqEntry(qint64 entryId);
    // Settings edits (store_console.cpp): name, email, job title, role and password hash.
    bool updateAccount(const chat::Account &account);
    // Deletes a staff account after clearing it as the handler of any conversation.
    bool deleteStaffAccount(qint64 accountId);
    bool updateFaqEntry(const chat::FaqEntry &entry);

    // ---- Accounts family (app v1 + direct chat), implemented in store_accounts.cpp
    std::optional<qint64> insertUpload(const chat::Upload &upload);
    // By its stored name or its thumbnail's name.
    std::optional<chat::Upload> uploadByFileName(const QString &fileName);
    // The bytes of the files the actor uploaded at or after `since` (thumbnails not counted).
    std::optional<qint64> uploadedBytesSince(const chat::Actor &owner, const QDateTime &since);
    // Conversations with a message whose media_url is `mediaUrl`.
    QList<chat::Conversation> conversationsWithMedia(const QString &mediaUrl);
    // Conversations the actor takes part in (active or not), newest activity first.
    QList<chat::Conversation> conversationsOfActor(const chat::Actor &actor);
    // The oldest `direct` conversation whose participants include both actors.
    std::optional<chat::Conversation> directConversation(qint64 siteId, const chat::Actor &a,
                                                         const chat::Actor &b);
    // Newest first: `limit` messages after skipping the `offset` newest.
    QList<chat::Message> messagesNewestFirst(qint64 conversationId, int offset, int limit);
    // The same among the conversation's `total` messages up to upToId (its last_message_id, with
    // total from messageCount(conversationId, upToId)): a page in the older half is read from
    // the oldest end, so no page skips more than half of the conversation.
    QList<chat::Message> messagesNewestFirst(qint64 conversationId, qint64 upToId, qint64 total,
                                             int offset, int limit);
    // Every advance of a last-read pointer in the conversation, oldest first.
    using ReadReceipt = chat::ReadReceipt;
    QList<ReadReceipt> readReceipts(qint64 conversationId);
    // What readReceipts() returns that matters for the messages with ids lowId..highId: each
    // reader's advances within that range and its first one past it. Pointers only move
    // forward, so a reader first read message m at its first advance at or past m. Bounded by
    // the page, whatever the conversation's length.
    QList<ReadReceipt> readReceiptsForRange(qint64 conversationId, qint64 lowId, qint64 highId);

    // ---- Chat lists (store_conversations.cpp): a few grouped queries, whatever the number of
    // conversations.
    // Every participant of the site's conversations (of `member`'s conversations only, when
    // given) with its unread count by the unread rule, in conversation order.
    QList<QPair<chat::Participant, qint64>>
    participantsWithUnread(qint64 siteId, const std::optional<chat::Actor> &member = std::nullopt);
    // When each of the site's conversations got its last message, by conversation id.
    QHash<qint64, QDateTime> lastMessageTimes(qint64 siteId);

    // ---- Guest family (hotel rooms, store_guest.cpp)
    // The room's open (not archived) conversations, newest first.
    QList<chat::Conversation> openRoomConversations(qint64 roomId);
    std::optional<chat::GuestSession> guestSessionById(qint64 id);
    // 1 for the first device of its stay (the conversation's first guest session), 2 for the
    // next, ...: how the console tells phones of one room apart.
    qint64 guestSessionNumber(const chat::GuestSession &session);

    // ---- Pusher webhooks (store_webhooks.cpp)
    bool upsertWebhook(const chat::Webhook &webhook);
    bool deleteWebhook(qint64 siteId);
    std::optional<chat::Webhook> webhookOfSite(qint64 siteId);
    QList<chat::Webhook> webhooks();
    std::optional<qint64> insertWebhookDelivery(const chat::WebhookDelivery &delivery);
    // The oldest batch of each site that still has a webhook, when it is due at `at` (a site's
    // batches go out in order: a newer one waits for the one before it).
    QList<chat::WebhookDelivery> dueWebhookDeliveries(const QDateTime &at, int limit);
    // Moves next_attempt_at from what was read to `until` unless another instance did first.
    // Deletes a site's oldest batches beyond its `keep` newest; returns how many (-1: failed).
    int trimWebhookOutbox(qint64 siteId, int keep);
    bool claimWebhookDelivery(const chat::WebhookDelivery &delivery, const QDateTime &until);
    bool rescheduleWebhookDelivery(qint64 id, int attempts, const QDateTime &next,
                                   const QString &error);
    bool deleteWebhookDelivery(qint64 id);
    bool deleteWebhookDeliveriesOfSite(qint64 siteId);
    // Empty only when the database failed.
    std::optional<chat::WebhookOutboxStatus> webhookOutboxStatus(qint64 siteId);

    // ---- Guest requests (store_requests.cpp)
    QList<chat::RequestCategory> requestCategories(qint64 siteId);
    std::optional<chat::RequestCategory> requestCategory(qint64 siteId, const QString &name);
    std::optional<qint64> insertRequestCategory(const chat::RequestCategory &category);
    bool updateRequestCategory(const chat::RequestCategory &category);
    bool deleteRequestCategory(qint64 siteId, const QString &name);
    std::optional<qint64> insertPlace(const chat::Place &place);
    QList<chat::Place> placesOfSite(qint64 siteId);
    std::optional<chat::Place> placeById(qint64 id);
    std::optional<chat::Place> placeByToken(const QString &token);
    std::optional<chat::Place> placeByName(qint64 siteId, const QString &name);
    bool deletePlace(qint64 placeId);
    // The open conversation of a place (title = its name, no room), newest first.
    std::optional<chat::Conversation> openPlaceConversation(qint64 siteId, qint64 placeId);
    bool setStaffDepartment(qint64 accountId, const QString &department);
    QString staffDepartment(qint64 accountId);
    // Staff accounts of the site in the department.
    QList<qint64> staffOfDepartment(qint64 siteId, const QString &department);
    std::optional<qint64> insertRequest(const chat::ServiceRequest &request);
    bool updateRequest(const chat::ServiceRequest &request);
    // Room number, place name and category label are filled in; assignee names are not.
    std::optional<chat::ServiceRequest> requestById(qint64 id);
    // Newest first.
    QList<chat::ServiceRequest> requestsOfConversation(qint64 conversationId, int limit);
    // Oldest first; the filter's empty fields match everything.
    QList<chat::ServiceRequest> requestsOfSite(qint64 siteId, const chat::RequestFilter &filter);
    // Conversations with places carry their place here (title alone would be ambiguous).
    bool linkPlaceConversation(qint64 conversationId, qint64 placeId);
    // ---- Canned replies, site settings and away notices (store_replies.cpp)
    std::optional<qint64> insertCannedReply(const chat::CannedReply &reply);
    bool updateCannedReply(const chat::CannedReply &reply);
    bool deleteCannedReply(qint64 id);
    std::optional<chat::CannedReply> cannedReplyById(qint64 id);
    // By category, then title.
    QList<chat::CannedReply> cannedRepliesOfSite(qint64 siteId);
    // The site's settings by name; empty only when the database failed.
    std::optional<QHash<QString, QString>> siteSettingValues(qint64 siteId);
    bool setSiteSettingValue(qint64 siteId, const QString &name, const QString &value);
    // Records that the conversation was told the desk is closed during `period` (the closed
    // period's reopening time): true the first time, false when it was already told (one atomic
    // insert, so two instances never both tell it); empty when the database failed.
    std::optional<bool> recordAwayNotice(qint64 conversationId, qint64 period, const QDateTime &at);
    // ---- The front desk's workflow (store_workflow.cpp)
    // Snoozed conversations whose snooze ends at or before `at`, soonest first.
    QList<chat::Conversation> snoozesEndedBy(const QDateTime &at);
    // When the soonest snooze ends; empty when nothing is snoozed.
    std::optional<QDateTime> nextSnoozeEnd();
    // Guest sessions of the room neither ended nor expired at `at`.
    int activeGuestSessionsOfRoom(qint64 roomId, const QDateTime &at);
    std::optional<qint64> insertNote(const chat::Note &note);     // with its mentions
    QList<chat::Note> notesOfConversation(qint64 conversationId); // oldest first
    QList<chat::Note> notesOfSiteSince(qint64 siteId, const QDateTime &since, int limit);
    QList<chat::Note> notesMentioning(qint64 accountId, int limit); // newest first

    // ---- Several instances on one PostgreSQL (store.cpp). No-ops on SQLite.
    // NOTIFY channel, payload (at most 8000 bytes) once the current transaction commits.
    bool notify(const QString &channel, const QString &payload);
    // The schema this connection works in ("public" unless the URL sets a search_path).
    QString currentSchema();
    // Notes too long for a NOTIFY payload, read by id by the other instances.
    std::optional<qint64> insertClusterNote(const QString &payload, const QDateTime &at);
    std::optional<QString> clusterNote(qint64 id);
    bool deleteClusterNotesBefore(const QDateTime &before);

    // ---- Other processes on one SQLite file (store.cpp): see chat::SqliteChangeWatcher.
    // SQLite's PRAGMA data_version: it changes when another connection commits; -1 on
    // PostgreSQL or when it cannot be read.
    qint64 dataVersion();
    qint64 newestMessageId();
    // Messages of every conversation with ids above afterId, oldest first.
    QList<chat::Message> messagesAfterId(qint64 afterId, int limit);
    QList<chat::Conversation> allConversations();

private:
    // Prepares (once), binds and runs a statement; nullptr when it failed (see lastError()).
    QSqlQuery *run(const char *sql, const QVariantList &values = {});
    std::optional<qint64> insertReturningId(const char *sql, const QVariantList &values);
    bool execute(const char *sql, const QVariantList &values);
    // Runs a statement without values (savepoints), prepared where the database can.
    bool executeUnbound(const char *sql);
    QList<chat::Note> withMentions(QList<chat::Note> notes);

    Database &m_database;
    int m_transactionDepth = 0;
    qint64 m_commits = 0;
    qint64 m_statementsRun = 0;
    QHash<const char *, QSqlQuery> m_statements;
    struct MessageCount
    {
        qint64 upToId = 0;
        qint64 count = 0;
    };
    QHash<qint64, MessageCount> m_messageCounts; // by conversation id
    QString m_lastError;
};

// RAII transaction: rolls back unless commit() succeeded.
class Transaction
{
public:
    explicit Transaction(Store &store) : m_store(store), m_open(store.beginTransaction()) {}
    ~Transaction()
    {
        if (m_open)
            m_store.rollback();
    }
    bool isOpen() const { return m_open; }
    bool commit()
    {
        if (!m_open)
            return false;
        m_open = !m_store.commit();
        return !m_open;
    }

private:
    Store &m_store;
    bool m_open;
};

} // namespace lobby::store
