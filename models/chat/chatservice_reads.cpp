// Reads on the domain: the one access rule, the one unread rule, the display-name policy and
// the look-ups adapters need. Adapters read through here and never open the store.
#include "chat/chatservice.h"

#include "store/store.h"

namespace lobby::chat {

Result<Conversation> ChatService::conversationFor(const Viewer &viewer, qint64 conversationId)
{
    const auto conversation = m_store.conversationById(conversationId);
    // Another tenant's conversation does not exist for this viewer: same answer as a wrong id.
    if (!conversation || conversation->siteId != viewer.siteId)
        return notFound(QStringLiteral("Chat not found."));
    if (viewer.actor.kind == ActorKind::Staff || m_store.participant(conversationId, viewer.actor))
        return *conversation;
    return forbidden(QStringLiteral("You are not a participant of this chat."));
}

Result<QList<Message>> ChatService::history(const Viewer &viewer, qint64 conversationId,
                                            qint64 afterId, int limit)
{
    const auto conversation = conversationFor(viewer, conversationId);
    if (!conversation)
        return conversation.error();
    return m_store.messagesAfter(conversationId, afterId, limit);
}

Result<HistoryPage> ChatService::historyNewestFirst(const Viewer &viewer, qint64 conversationId,
                                                    int offset, int limit)
{
    const auto conversation = conversationFor(viewer, conversationId);
    if (!conversation)
        return conversation.error();
    HistoryPage page;
    page.conversation = conversation.value();
    const qint64 upTo = page.conversation.lastMessageId;
    page.total = m_store.messageCount(conversationId, upTo);
    page.messages = m_store.messagesNewestFirst(conversationId, upTo, page.total, offset, limit);
    // Newest first: the page spans ids messages.last().id .. messages.first().id.
    if (!page.messages.isEmpty())
        page.receipts = m_store.readReceiptsForRange(conversationId, page.messages.last().id,
                                                     page.messages.first().id);
    return page;
}

QList<ChatListEntry> ChatService::chatList(const Viewer &viewer, std::optional<bool> archived)
{
    const bool staff = viewer.actor.kind == ActorKind::Staff;
    // Staff see every conversation of their site; anyone else only their own.
    const QList<Conversation> conversations = staff ? m_store.conversationsOfSite(viewer.siteId)
                                                    : m_store.conversationsOfActor(viewer.actor);
    const auto participants = m_store.participantsWithUnread(
        viewer.siteId, staff ? std::nullopt : std::optional<Actor>(viewer.actor));
    const QHash<qint64, qint64> unread = m_store.unreadCounts(viewer.siteId, viewer.actor);
    const QHash<qint64, QDateTime> lastTimes = m_store.lastMessageTimes(viewer.siteId);

    QHash<qint64, QList<QPair<Participant, qint64>>> byConversation;
    for (const auto &row : participants)
        byConversation[row.first.conversationId].append(row);
    QList<ChatListEntry> list;
    for (const Conversation &c : conversations) {
        if (c.siteId != viewer.siteId || (archived && c.archived != *archived))
            continue;
        // messageCount is remembered per conversation: only new messages are counted again.
        list.append({c, byConversation.value(c.id), unread.value(c.id),
                     m_store.messageCount(c.id, c.lastMessageId), lastTimes.value(c.id)});
    }
    return list;
}

std::optional<Participant> ChatService::participation(const Viewer &viewer, qint64 conversationId)
{
    if (!conversationFor(viewer, conversationId))
        return std::nullopt;
    return m_store.participant(conversationId, viewer.actor);
}

Result<QList<Participant>> ChatService::participants(const Viewer &viewer, qint64 conversationId)
{
    const auto conversation = conversationFor(viewer, conversationId);
    if (!conversation)
        return conversation.error();
    return m_store.participants(conversationId);
}

ChatListEntry ChatService::chatListEntry(const Viewer &viewer, const Conversation &conversation)
{
    ChatListEntry entry{conversation,
                        {},
                        unreadCount(viewer, conversation.id),
                        m_store.messageCount(conversation.id, conversation.lastMessageId),
                        {}};
    for (const Participant &p : m_store.participants(conversation.id))
        entry.participants.append({p, m_store.unreadCount(conversation.id, p.actor)});
    if (conversation.lastMessageId) {
        if (const auto last = m_store.messageById(conversation.lastMessageId))
            entry.lastMessageAt = last->createdAt;
    }
    return entry;
}

qint64 ChatService::unreadCount(const Viewer &viewer, qint64 conversationId)
{
    return m_store.unreadCount(conversationId, viewer.actor);
}

// The display-name policy, in each family's words:
//
// | actor          | Console / V1                          | Guest page  | Widget        |
// |----------------|---------------------------------------|-------------|---------------|
// | staff          | name, email or phone; "Staff"         | name        | name          |
// |                | (V1: "Deleted account" when gone)     |             |               |
// | customer       | name, email or phone; "Customer"      | "Hotel"     | (none)        |
// |                | (V1: "Deleted account" when gone)     |             |               |
// | guest          | "Room 205 · Guest 2"                  | "Room 205"  | (none)        |
// | visitor        | metadata name/email, "Visitor 3F7A2C" | "Hotel"     | (none)        |
// | assistant      | "Assistant"                           | "Hotel"     | (none)        |
// | system         | "Lobby" (V1: "System")                | "Hotel"     | (none)        |
QString ChatService::displayName(const Actor &actor, NameFamily family)
{
    switch (family) {
    case NameFamily::Console:
        return displayName(actor);
    case NameFamily::V1:
        if (actor.isAccount()) {
            const auto a = m_store.accountById(actor.id);
            if (!a)
                return QStringLiteral("Deleted account");
            return a->name.isEmpty() ? (a->email.isEmpty() ? a->phone : a->email) : a->name;
        }
        return actor.kind == ActorKind::System ? QStringLiteral("System") : displayName(actor);
    case NameFamily::Guest:
        if (actor.kind == ActorKind::Staff) {
            const auto a = m_store.accountById(actor.id);
            return a ? a->name : QString();
        }
        if (actor.kind == ActorKind::Guest) {
            if (const auto known = m_guestRoomLabels.constFind(actor.id);
                known != m_guestRoomLabels.cend())
                return known.value();
            const auto session = m_store.guestSessionById(actor.id);
            const auto room = session ? m_store.roomById(session->roomId) : std::nullopt;
            if (!room)
                return QStringLiteral("Room");
            const QString label = QStringLiteral("Room %1").arg(room->number);
            m_guestRoomLabels.insert(actor.id, label);
            return label;
        }
        return QStringLiteral("Hotel");
    case NameFamily::Widget:
        if (actor.kind == ActorKind::Staff) {
            const auto a = m_store.accountById(actor.id);
            return a ? a->name : QString();
        }
        return {};
    }
    return displayName(actor);
}

// ---- look-ups by key

std::optional<Site> ChatService::site(qint64 id)
{
    return m_store.siteById(id);
}
std::optional<Site> ChatService::siteBySlug(const QString &slug)
{
    return m_store.siteBySlug(slug);
}
QList<Site> ChatService::sites()
{
    return m_store.sites();
}
std::optional<Account> ChatService::account(qint64 id)
{
    return m_store.accountById(id);
}
std::optional<Account> ChatService::accountByEmail(const QString &email)
{
    return m_store.accountByEmail(email);
}
std::optional<Account> ChatService::accountByPhone(const QString &phone)
{
    return m_store.accountByPhone(phone);
}
QList<Account> ChatService::accountsOfSite(qint64 siteId, AccountKind kind)
{
    return m_store.accountsOfSite(siteId, kind);
}
std::optional<Room> ChatService::room(qint64 id)
{
    return m_store.roomById(id);
}
std::optional<Room> ChatService::roomByNumber(qint64 siteId, const QString &number)
{
    return m_store.roomByNumber(siteId, number);
}
QList<Room> ChatService::roomsOfSite(qint64 siteId)
{
    return m_store.roomsOfSite(siteId);
}
QList<Conversation> ChatService::openRoomConversations(qint64 roomId)
{
    return m_store.openRoomConversations(roomId);
}
std::optional<GuestSession> ChatService::guestSessionByTokenHash(const QString &tokenHash)
{
    return m_store.guestSessionByTokenHash(tokenHash);
}
std::optional<GuestSession> ChatService::guestSession(qint64 id)
{
    return m_store.guestSessionById(id);
}
std::optional<Visitor> ChatService::visitor(qint64 id)
{
    return m_store.visitorById(id);
}
std::optional<ApiKey> ChatService::apiKeyByHash(const QString &keyHash)
{
    return m_store.apiKeyByHash(keyHash);
}
QList<FaqEntry> ChatService::faqOfSite(qint64 siteId)
{
    return m_store.faqOfSite(siteId);
}
QPair<qint64, qint64> ChatService::faqVersion(qint64 siteId)
{
    return m_store.faqVersion(siteId);
}
std::optional<Upload> ChatService::upload(const QString &fileName)
{
    return m_store.uploadByFileName(fileName);
}
std::optional<qint64> ChatService::uploadedBytesSince(const Actor &owner, const QDateTime &since)
{
    return m_store.uploadedBytesSince(owner, since);
}

bool ChatService::maySeeUpload(const Viewer &viewer, const Upload &upload, const QString &mediaUrl)
{
    if (upload.owner == viewer.actor)
        return true;
    for (const Conversation &c : m_store.conversationsWithMedia(mediaUrl)) {
        if (conversationFor(viewer, c.id))
            return true;
    }
    return false;
}

} // namespace lobby::chat
