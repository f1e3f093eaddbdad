// The staff console's operations: settings it edits and the reads behind its views.
#include "chat/chatservice.h"

#include "store/store.h"

namespace lobby::chat {

QString actorKey(const Actor &actor)
{
    return wireName(actor.kind) + u':' + QString::number(actor.id);
}

Result<Room> ChatService::setRoomPin(qint64 siteId, qint64 roomId, const QString &pinHash)
{
    auto room = m_store.roomById(roomId);
    if (!room || room->siteId != siteId)
        return notFound(QStringLiteral("no such room"));
    if (pinHash.isEmpty())
        return invalid(QStringLiteral("a room needs a PIN"));
    if (!m_store.updateRoomPin(roomId, pinHash))
        return storageFailure();
    // A new PIN ends the lockout of the old one.
    clearAuthFailures(QStringLiteral("pin:room:%1").arg(roomId));
    room->pinHash = pinHash;
    return *room;
}

Result<ApiKey> ChatService::revokeApiKey(qint64 siteId, qint64 keyId)
{
    const QList<ApiKey> keys = m_store.apiKeysOfSite(siteId);
    const auto it = std::find_if(keys.cbegin(), keys.cend(),
                                 [keyId](const ApiKey &key) { return key.id == keyId; });
    if (it == keys.cend())
        return notFound(QStringLiteral("no such API key"));
    ApiKey key = *it;
    if (key.revokedAt.isValid())
        return key;
    key.revokedAt = QDateTime::currentDateTimeUtc();
    if (!m_store.revokeApiKey(keyId, key.revokedAt))
        return storageFailure();
    return key;
}

Result<bool> ChatService::removeFaqEntry(qint64 siteId, qint64 entryId)
{
    const QList<FaqEntry> entries = m_store.faqOfSite(siteId);
    const bool found =
        std::any_of(entries.cbegin(), entries.cend(),
                    [entryId](const FaqEntry &entry) { return entry.id == entryId; });
    if (!found)
        return notFound(QStringLiteral("no such FAQ entry"));
    if (!m_store.deleteFaqEntry(entryId))
        return storageFailure();
    return true;
}

QString ChatService::displayName(const Actor &actor)
{
    switch (actor.kind) {
    case ActorKind::Staff:
    case ActorKind::Customer:
        // Accounts can be renamed: read every time.
        if (const auto account = m_store.accountById(actor.id)) {
            if (!account->name.isEmpty())
                return account->name;
            if (!account->email.isEmpty())
                return account->email;
            if (!account->phone.isEmpty())
                return account->phone;
        }
        return actor.kind == ActorKind::Staff ? QStringLiteral("Staff")
                                              : QStringLiteral("Customer");
    case ActorKind::Guest:
    case ActorKind::Visitor:
        break;
    case ActorKind::Assistant:
        return QStringLiteral("Assistant");
    case ActorKind::System:
        return QStringLiteral("Lobby");
    }
    // Guests and visitors keep their label for good: computed once, then remembered.
    const QPair<int, qint64> key{int(actor.kind), actor.id};
    if (const auto known = m_labels.constFind(key); known != m_labels.cend())
        return known.value();
    QString label;
    if (actor.kind == ActorKind::Guest) {
        // "Room 205 · Guest 2": the room, and which device of the stay.
        const auto session = m_store.guestSessionById(actor.id);
        const auto room = session ? m_store.roomById(session->roomId) : std::nullopt;
        if (!room)
            return QStringLiteral("Guest");
        label = QStringLiteral("Room %1 · Guest %2")
                    .arg(room->number)
                    .arg(m_store.guestSessionNumber(*session));
    } else {
        // The name or email the website passed along, else "Visitor 3F7A2C" from the visitor id.
        const auto visitor = m_store.visitorById(actor.id);
        if (!visitor)
            return QStringLiteral("Website visitor");
        for (const char *field : {"name", "email"}) {
            label = visitor->metadata.value(QLatin1String(field)).toString().simplified().left(80);
            if (!label.isEmpty())
                break;
        }
        if (label.isEmpty())
            label = QStringLiteral("Visitor %1").arg(visitor->publicId.left(6).toUpper());
    }
    m_labels.insert(key, label);
    return label;
}

MessagePage ChatService::messagePage(qint64 conversationId, qint64 beforeId, int limit)
{
    MessagePage page;
    page.conversationId = conversationId;
    page.beforeId = beforeId;
    // One more than asked for tells whether older messages exist.
    QList<Message> messages = m_store.messagesBefore(conversationId, beforeId, limit + 1);
    page.hasMore = messages.size() > limit;
    if (page.hasMore)
        messages.removeFirst();
    page.messages = messages;
    page.participants = m_store.participants(conversationId);
    for (const Participant &p : std::as_const(page.participants))
        page.senderNames.insert(actorKey(p.actor), displayName(p.actor));
    for (const Message &m : std::as_const(page.messages)) {
        const QString key = actorKey(m.sender);
        if (!page.senderNames.contains(key))
            page.senderNames.insert(key, displayName(m.sender));
        if (m.replyToId && !page.quoted.contains(m.replyToId)) {
            if (const auto original = m_store.messageById(m.replyToId);
                original && original->conversationId == conversationId) {
                page.quoted.insert(original->id, *original);
                const QString originalKey = actorKey(original->sender);
                if (!page.senderNames.contains(originalKey))
                    page.senderNames.insert(originalKey, displayName(original->sender));
            }
        }
    }
    return page;
}

QList<qint64> ChatService::searchConversations(qint64 siteId, const QString &text)
{
    const QString needle = text.trimmed();
    if (needle.isEmpty())
        return {};
    return m_store.searchConversationIds(siteId, needle.left(200), 500);
}

std::optional<ConversationDetails> ChatService::conversationDetails(qint64 siteId,
                                                                    qint64 conversationId)
{
    const auto conversation = m_store.conversationById(conversationId);
    if (!conversation || conversation->siteId != siteId)
        return std::nullopt;
    ConversationDetails details;
    details.conversation = *conversation;
    if (conversation->roomId) {
        if (const auto room = m_store.roomById(conversation->roomId))
            details.roomNumber = room->number;
        if (const auto session = m_store.latestGuestSessionOfConversation(conversationId)) {
            details.guestSessionExpiresAt = session->expiresAt;
            details.guestSessionEndedAt = session->endedAt;
        }
    }
    if (conversation->handlerAccountId)
        details.handlerName = displayName({ActorKind::Staff, conversation->handlerAccountId});
    if (conversation->widgetSessionId) {
        if (const auto session = m_store.widgetSessionById(conversation->widgetSessionId)) {
            details.visitorInfo = session->metadata;
            if (const auto visitor = m_store.visitorById(session->visitorId)) {
                details.visitorId = visitor->publicId;
                for (auto it = visitor->metadata.constBegin(); it != visitor->metadata.constEnd();
                     ++it) {
                    if (!details.visitorInfo.contains(it.key()))
                        details.visitorInfo.insert(it.key(), it.value());
                }
            }
        }
    }
    for (const Participant &p : m_store.participants(conversationId))
        details.participants.append({p, displayName(p.actor), isOnline(p.actor)});
    return details;
}

ConsoleSettings ChatService::consoleSettings(qint64 siteId)
{
    return {m_store.roomsOfSite(siteId), m_store.apiKeysOfSite(siteId),
            m_store.accountsOfSite(siteId, AccountKind::Staff), m_store.faqOfSite(siteId)};
}

std::optional<ConsoleSession> ChatService::consoleSession(qint64 staffAccountId)
{
    const auto account = m_store.accountById(staffAccountId);
    if (!account || account->kind != AccountKind::Staff)
        return std::nullopt;
    const auto site = m_store.siteById(account->siteId);
    if (!site)
        return std::nullopt;
    return ConsoleSession{*account, *site};
}

std::optional<ConsoleSession> ChatService::consoleSessionByEmail(const QString &email)
{
    const auto account = m_store.accountByEmail(email.trimmed().toLower());
    return account ? consoleSession(account->id) : std::nullopt;
}

bool ChatService::isConversationOfSite(qint64 conversationId, qint64 siteId)
{
    const auto conversation = m_store.conversationById(conversationId);
    return conversation && conversation->siteId == siteId;
}

ConsolePresence ChatService::consolePresence(const QList<qint64> &conversationIds)
{
    ConsolePresence presence;
    for (const qint64 conversationId : conversationIds) {
        for (const Participant &p : m_store.participants(conversationId)) {
            if (p.actor.kind != ActorKind::Guest && p.actor.kind != ActorKind::Visitor &&
                p.actor.kind != ActorKind::Customer)
                continue;
            presence.counterparts[conversationId].append(p.actor);
            if (isOnline(p.actor) && !presence.online.contains(p.actor))
                presence.online.append(p.actor);
        }
    }
    return presence;
}

} // namespace lobby::chat
