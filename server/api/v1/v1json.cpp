#include "api/v1/v1json.h"

#include "chat/chatservice.h"

namespace lobby::api::v1 {

using namespace lobby::chat;

QJsonValue isoTime(const QDateTime &time)
{
    if (!time.isValid())
        return QJsonValue::Null;
    return time.toUTC().toString(Qt::ISODateWithMs);
}

QString actorType(ActorKind kind)
{
    switch (kind) {
    case ActorKind::Staff:
        return QStringLiteral("user");
    case ActorKind::Customer:
        return QStringLiteral("customer");
    case ActorKind::Guest:
        return QStringLiteral("guest");
    case ActorKind::Visitor:
        return QStringLiteral("visitor");
    case ActorKind::Assistant:
        return QStringLiteral("assistant");
    case ActorKind::System:
        break;
    }
    return QStringLiteral("system");
}

QString chatType(ConversationKind kind)
{
    switch (kind) {
    case ConversationKind::App:
        return QStringLiteral("user_customer");
    case ConversationKind::Room:
        return QStringLiteral("room_guest");
    case ConversationKind::Widget:
        return QStringLiteral("widget_visitor");
    case ConversationKind::Direct:
        break;
    }
    return QStringLiteral("direct");
}

namespace {
QJsonValue orNull(const QString &text)
{
    return text.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(text);
}
QJsonValue orNull(qint64 id)
{
    return id ? QJsonValue(id) : QJsonValue(QJsonValue::Null);
}
} // namespace

QJsonObject userJson(const Account &account)
{
    const bool staff = account.kind == AccountKind::Staff;
    QJsonObject user{{"id", account.id},
                     {"user_type", staff ? "user" : "customer"},
                     {"account_type", wireName(account.kind)},
                     {"email", orNull(account.email)},
                     {"phone", orNull(account.phone)},
                     {"name", account.name},
                     {"salon_id", account.siteId},
                     {"site_id", account.siteId}};
    if (staff) {
        user.insert(QStringLiteral("role"), wireName(account.role));
        user.insert(QStringLiteral("job_title"), orNull(account.jobTitle));
    }
    return user;
}

Presenter::Presenter(ChatService &chat) : m_chat(chat) {}

std::optional<Account> Presenter::account(qint64 id)
{
    auto it = m_accounts.find(id);
    if (it == m_accounts.end())
        it = m_accounts.insert(id, m_chat.account(id));
    return *it;
}

QString Presenter::nameOf(const Actor &actor)
{
    const QPair<int, qint64> key{int(actor.kind), actor.id};
    auto it = m_names.find(key);
    if (it == m_names.end())
        it = m_names.insert(key, m_chat.displayName(actor, NameFamily::V1));
    return *it;
}

QJsonObject Presenter::participant(const Participant &p, qint64 unreadCount)
{
    QJsonObject object{{"participant_type", actorType(p.actor.kind)},
                       {"participant_id", p.actor.id},
                       {"joined_at", isoTime(p.joinedAt)},
                       {"is_active", p.active},
                       {"unread_count", unreadCount},
                       {"is_online", m_chat.isOnline(p.actor)},
                       {"name", nameOf(p.actor)}};
    if (p.actor.isAccount()) {
        if (const auto a = account(p.actor.id)) {
            if (!a->email.isEmpty())
                object.insert(QStringLiteral("email"), a->email);
            if (a->kind == AccountKind::Customer && !a->phone.isEmpty())
                object.insert(QStringLiteral("phone"), a->phone);
        }
    }
    return object;
}

QJsonObject Presenter::chat(const ChatListEntry &entry)
{
    const Conversation &c = entry.conversation;
    QJsonArray participants;
    QJsonArray online;
    for (const auto &[p, unread] : entry.participants) {
        participants.append(participant(p, unread));
        if (p.actor.isAccount() && m_chat.isOnline(p.actor))
            online.append(p.actor.id);
    }
    const QDateTime &lastMessageAt = entry.lastMessageAt;
    return {{"id", c.id},
            {"chat_type", chatType(c.kind)},
            {"salon_id", c.siteId},
            {"title", c.title},
            {"is_active", true},
            {"is_archived", c.archived},
            {"handler_user_id", orNull(c.handlerAccountId)},
            {"last_message_at", isoTime(lastMessageAt)},
            {"last_message_preview", orNull(c.lastMessagePreview)},
            {"created_at", isoTime(c.createdAt)},
            {"updated_at", isoTime(c.lastActivityAt)},
            {"participants", participants},
            {"total_messages", entry.totalMessages},
            {"unread_count", entry.unreadCount},
            {"online_participants", online},
            {"status", wireName(c.status)},
            {"snoozed_until", isoTime(c.snoozedUntil)},
            {"waiting_since", isoTime(c.waitingSince)}};
}

QJsonObject Presenter::message(const Message &m, const QJsonArray &readReceipts)
{
    QJsonValue thumbnail = QJsonValue::Null;
    static const QString uploadPrefix = QStringLiteral("/uploads/chat/");
    if (m.mediaUrl.startsWith(uploadPrefix)) {
        const auto upload = m_chat.upload(m.mediaUrl.mid(uploadPrefix.size()));
        if (upload && !upload->thumbnailName.isEmpty())
            thumbnail = uploadPrefix + upload->thumbnailName;
    }
    const auto entityId = [&m](const char *type) {
        return m.entityType == QLatin1String(type) ? orNull(m.entityId)
                                                   : QJsonValue(QJsonValue::Null);
    };
    return {{"id", m.id},
            {"chat_id", m.conversationId},
            {"sender_type", actorType(m.sender.kind)},
            {"sender_id", m.sender.id},
            {"sender_user_id",
             m.sender.kind == ActorKind::Staff ? QJsonValue(m.sender.id) : QJsonValue::Null},
            {"sender_customer_id",
             m.sender.kind == ActorKind::Customer ? QJsonValue(m.sender.id) : QJsonValue::Null},
            {"sender_name", nameOf(m.sender)},
            {"message_type", wireName(m.type)},
            {"content", m.deleted ? QString() : m.content},
            {"media_url", orNull(m.mediaUrl)},
            {"thumbnail_url", thumbnail},
            {"reply_to_message_id", orNull(m.replyToId)},
            {"entity_type", orNull(m.entityType)},
            {"entity_id", orNull(m.entityId)},
            {"appointment_id", entityId("appointment")},
            {"product_id", entityId("product")},
            {"pack_id", entityId("pack")},
            {"client_message_id", orNull(m.clientId)},
            {"created_at", isoTime(m.createdAt)},
            {"is_edited", m.editedAt.isValid()},
            {"is_deleted", m.deleted},
            {"read_receipts", readReceipts}};
}

void Presenter::writeMessage(http::JsonWriter &out, const Message &m,
                             const QList<ReadReceipt> &receipts)
{
    // Keys in QJsonObject's (sorted) order, values as message() makes them.
    const auto text = [&out](const QString &value) {
        if (value.isEmpty())
            out.null();
        else
            out.value(value);
    };
    const auto id = [&out](qint64 value) {
        if (value)
            out.value(value);
        else
            out.null();
    };
    const auto entityId = [&](const char *type) {
        if (m.entityType == QLatin1String(type))
            text(m.entityId);
        else
            out.null();
    };
    static const QString uploadPrefix = QStringLiteral("/uploads/chat/");
    QString thumbnail;
    if (m.mediaUrl.startsWith(uploadPrefix)) {
        const auto upload = m_chat.upload(m.mediaUrl.mid(uploadPrefix.size()));
        if (upload && !upload->thumbnailName.isEmpty())
            thumbnail = uploadPrefix + upload->thumbnailName;
    }
    out.beginObject();
    out.key("appointment_id");
    entityId("appointment");
    out.key("chat_id").value(m.conversationId);
    out.key("client_message_id");
    text(m.clientId);
    out.key("content").value(m.deleted ? QString() : m.content);
    out.key("created_at").isoTime(m.createdAt);
    out.key("entity_id");
    text(m.entityId);
    out.key("entity_type");
    text(m.entityType);
    out.key("id").value(m.id);
    out.key("is_deleted").value(m.deleted);
    out.key("is_edited").value(m.editedAt.isValid());
    out.key("media_url");
    text(m.mediaUrl);
    out.key("message_type").value(wireName(m.type));
    out.key("pack_id");
    entityId("pack");
    out.key("product_id");
    entityId("product");
    out.key("read_receipts").beginArray();
    QList<Actor> seen; // as receiptsFor(): each reader's first receipt at or past the message
    for (const auto &r : receipts) {
        if (r.upToMessageId < m.id || r.reader == m.sender || seen.contains(r.reader))
            continue;
        seen.append(r.reader);
        out.beginObject()
            .key("read_at")
            .isoTime(r.readAt)
            .key("reader_id")
            .value(r.reader.id)
            .key("reader_type")
            .value(actorType(r.reader.kind))
            .endObject();
    }
    out.endArray();
    out.key("reply_to_message_id");
    id(m.replyToId);
    out.key("sender_customer_id");
    if (m.sender.kind == ActorKind::Customer)
        out.value(m.sender.id);
    else
        out.null();
    out.key("sender_id").value(m.sender.id);
    out.key("sender_name").value(nameOf(m.sender));
    out.key("sender_type").value(actorType(m.sender.kind));
    out.key("sender_user_id");
    if (m.sender.kind == ActorKind::Staff)
        out.value(m.sender.id);
    else
        out.null();
    out.key("thumbnail_url");
    text(thumbnail);
    out.endObject();
}

QJsonArray Presenter::receiptsFor(const Message &m, const QList<ReadReceipt> &receipts)
{
    // Receipts are ordered by up_to_message_id: the first one of a reader at or past this
    // message is when that reader first read it.
    QJsonArray out;
    QList<Actor> seen;
    for (const auto &r : receipts) {
        if (r.upToMessageId < m.id || r.reader == m.sender || seen.contains(r.reader))
            continue;
        seen.append(r.reader);
        out.append(QJsonObject{{"reader_type", actorType(r.reader.kind)},
                               {"reader_id", r.reader.id},
                               {"read_at", isoTime(r.readAt)}});
    }
    return out;
}

} // namespace lobby::api::v1
