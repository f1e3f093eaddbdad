#pragma once

// Value conversions, column lists and row readers shared by the store's translation units. Each
// reader matches the column list named beside it. Internal to store/: not for adapters.

#include "chat/entities.h"

#include <QJsonDocument>
#include <QSqlQuery>
#include <QVariant>

#include <optional>

namespace lobby::store::rows {

using namespace lobby::chat;

inline QVariant toDb(const QDateTime &time)
{
    return time.isValid() ? QVariant(time.toMSecsSinceEpoch())
                          : QVariant(QMetaType(QMetaType::LongLong));
}

inline QDateTime fromDb(const QVariant &value)
{
    return value.isNull() ? QDateTime()
                          : QDateTime::fromMSecsSinceEpoch(value.toLongLong(), Qt::UTC);
}

inline QVariant nullIfZero(qint64 id)
{
    return id ? QVariant(id) : QVariant(QMetaType(QMetaType::LongLong));
}

inline QVariant nullIfEmpty(const QString &text)
{
    return text.isEmpty() ? QVariant(QMetaType(QMetaType::QString)) : QVariant(text);
}

// NOT NULL text columns: a null QString would bind as SQL NULL.
inline QString text(const QString &value)
{
    return value.isNull() ? QStringLiteral("") : value;
}

inline QString toDb(const QJsonObject &object)
{
    return QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Compact));
}

inline QJsonObject jsonFromDb(const QVariant &value)
{
    return QJsonDocument::fromJson(value.toString().toUtf8()).object();
}

// The unread rule's "sent by the reader's own side", for a message `m` and a reader given by
// its kind (bound twice: `kind`, then the guest kind's wire name, then the id): a guest's side
// is every guest of the conversation, anyone else's is themselves (see Store::unreadCount).
#define UNREAD_OWN_SIDE(kind, id)                                                                  \
    "(m.sender_kind = " kind " AND (m.sender_kind = ? OR m.sender_id = " id "))"

// Row readers: each matches the column list named beside it.
#define SITE_COLUMNS "id, slug, name, kind, created_at"
// The first column as an integer (COUNT(*), an id).
inline qint64 readInt64(const QSqlQuery &q)
{
    return q.value(0).toLongLong();
}

inline Site readSite(const QSqlQuery &q)
{
    return {q.value(0).toLongLong(), q.value(1).toString(), q.value(2).toString(),
            siteKindFromString(q.value(3).toString()).value_or(SiteKind::Hotel),
            fromDb(q.value(4))};
}

#define ACCOUNT_COLUMNS                                                                            \
    "id, site_id, kind, role, email, phone, name, job_title, profile_image, password_hash, "       \
    "created_at"
inline Account readAccount(const QSqlQuery &q)
{
    Account a;
    a.id = q.value(0).toLongLong();
    a.siteId = q.value(1).toLongLong();
    a.kind = accountKindFromString(q.value(2).toString()).value_or(AccountKind::Customer);
    a.role = staffRoleFromString(q.value(3).toString()).value_or(StaffRole::Staff);
    a.email = q.value(4).toString();
    a.phone = q.value(5).toString();
    a.name = q.value(6).toString();
    a.jobTitle = q.value(7).toString();
    a.profileImage = q.value(8).toString();
    a.passwordHash = q.value(9).toString();
    a.createdAt = fromDb(q.value(10));
    return a;
}

#define ROOM_COLUMNS "id, site_id, number, pin_hash, created_at"
inline Room readRoom(const QSqlQuery &q)
{
    return {q.value(0).toLongLong(), q.value(1).toLongLong(), q.value(2).toString(),
            q.value(3).toString(), fromDb(q.value(4))};
}

#define GUEST_SESSION_COLUMNS                                                                      \
    "id, site_id, room_id, conversation_id, created_at, expires_at, ended_at"
inline GuestSession readGuestSession(const QSqlQuery &q)
{
    return {q.value(0).toLongLong(), q.value(1).toLongLong(), q.value(2).toLongLong(),
            q.value(3).toLongLong(), fromDb(q.value(4)),      fromDb(q.value(5)),
            fromDb(q.value(6))};
}

#define VISITOR_COLUMNS "id, public_id, created_at, last_seen_at, metadata"
inline Visitor readVisitor(const QSqlQuery &q)
{
    return {q.value(0).toLongLong(), q.value(1).toString(), fromDb(q.value(2)), fromDb(q.value(3)),
            jsonFromDb(q.value(4))};
}

#define WIDGET_SESSION_COLUMNS                                                                     \
    "id, public_id, visitor_id, site_id, conversation_id, external_user_id, created_at, "          \
    "expires_at, is_active, metadata"
inline WidgetSession readWidgetSession(const QSqlQuery &q)
{
    WidgetSession s;
    s.id = q.value(0).toLongLong();
    s.publicId = q.value(1).toString();
    s.visitorId = q.value(2).toLongLong();
    s.siteId = q.value(3).toLongLong();
    s.conversationId = q.value(4).toLongLong();
    s.externalUserId = q.value(5).toString();
    s.createdAt = fromDb(q.value(6));
    s.expiresAt = fromDb(q.value(7));
    s.active = q.value(8).toBool();
    s.metadata = jsonFromDb(q.value(9));
    return s;
}

#define API_KEY_COLUMNS "id, site_id, label, prefix, key_hash, created_at, revoked_at"
inline ApiKey readApiKey(const QSqlQuery &q)
{
    return {q.value(0).toLongLong(), q.value(1).toLongLong(), q.value(2).toString(),
            q.value(3).toString(),   q.value(4).toString(),   fromDb(q.value(5)),
            fromDb(q.value(6))};
}

#define FAQ_COLUMNS "id, site_id, question, answer, created_at"
inline FaqEntry readFaqEntry(const QSqlQuery &q)
{
    return {q.value(0).toLongLong(), q.value(1).toLongLong(), q.value(2).toString(),
            q.value(3).toString(), fromDb(q.value(4))};
}

#define CONVERSATION_COLUMNS                                                                       \
    "c.id, c.site_id, c.kind, c.title, c.room_id, c.handler_account_id, c.archived, "              \
    "c.last_message_id, c.last_message_preview, c.created_at, c.last_activity_at, "                \
    "(SELECT MIN(w.id) FROM widget_sessions w WHERE w.conversation_id = c.id), "                   \
    "c.status, c.snoozed_until, c.waiting_since"
inline Conversation readConversation(const QSqlQuery &q)
{
    Conversation c;
    c.id = q.value(0).toLongLong();
    c.siteId = q.value(1).toLongLong();
    c.kind = conversationKindFromString(q.value(2).toString()).value_or(ConversationKind::App);
    c.title = q.value(3).toString();
    c.roomId = q.value(4).toLongLong();
    c.handlerAccountId = q.value(5).toLongLong();
    c.archived = q.value(6).toBool();
    c.lastMessageId = q.value(7).toLongLong();
    c.lastMessagePreview = q.value(8).toString();
    c.createdAt = fromDb(q.value(9));
    c.lastActivityAt = fromDb(q.value(10));
    c.widgetSessionId = q.value(11).toLongLong();
    c.status =
        conversationStatusFromString(q.value(12).toString()).value_or(ConversationStatus::Open);
    c.snoozedUntil = fromDb(q.value(13));
    c.waitingSince = fromDb(q.value(14));
    return c;
}

#define PARTICIPANT_COLUMNS                                                                        \
    "conversation_id, actor_kind, actor_id, joined_at, last_read_message_id, is_active"
inline Participant readParticipant(const QSqlQuery &q)
{
    Participant p;
    p.conversationId = q.value(0).toLongLong();
    p.actor = {actorKindFromString(q.value(1).toString()).value_or(ActorKind::System),
               q.value(2).toLongLong()};
    p.joinedAt = fromDb(q.value(3));
    p.lastReadMessageId = q.value(4).toLongLong();
    p.active = q.value(5).toBool();
    return p;
}

#define MESSAGE_COLUMNS                                                                            \
    "id, conversation_id, sender_kind, sender_id, type, content, media_url, reply_to_id, "         \
    "entity_type, entity_id, client_id, created_at, edited_at, deleted"
inline Message readMessage(const QSqlQuery &q)
{
    Message m;
    m.id = q.value(0).toLongLong();
    m.conversationId = q.value(1).toLongLong();
    m.sender = {actorKindFromString(q.value(2).toString()).value_or(ActorKind::System),
                q.value(3).toLongLong()};
    m.type = messageTypeFromString(q.value(4).toString()).value_or(MessageType::Text);
    m.content = q.value(5).toString();
    m.mediaUrl = q.value(6).toString();
    m.replyToId = q.value(7).toLongLong();
    m.entityType = q.value(8).toString();
    m.entityId = q.value(9).toString();
    m.clientId = q.value(10).toString();
    m.createdAt = fromDb(q.value(11));
    m.editedAt = fromDb(q.value(12));
    m.deleted = q.value(13).toBool();
    return m;
}

template <typename T, typename Reader> std::optional<T> one(QSqlQuery *query, Reader read)
{
    if (!query || !query->next())
        return std::nullopt;
    T value = read(*query);
    query->finish();
    return value;
}

template <typename T, typename Reader> QList<T> all(QSqlQuery *query, Reader read)
{
    QList<T> rows;
    if (!query)
        return rows;
    while (query->next())
        rows << read(*query);
    query->finish();
    return rows;
}

} // namespace lobby::store::rows
