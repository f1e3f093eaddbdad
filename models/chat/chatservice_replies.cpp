// Canned replies: the site's library and the values of its variables.
#include "chat/chatservice.h"

#include "store/store.h"

namespace lobby::chat {

namespace {

// Checks and applies a change; an error message when a field is refused.
QString applyChange(CannedReply *reply, const CannedReplyChange &change)
{
    if (change.category)
        reply->category = change.category->simplified();
    if (change.title)
        reply->title = change.title->simplified();
    if (change.body)
        reply->body = change.body->trimmed();
    if (reply->title.isEmpty())
        return QStringLiteral("a canned reply needs a title");
    if (reply->title.size() > 200)
        return QStringLiteral("a title is at most 200 characters");
    if (reply->category.size() > 100)
        return QStringLiteral("a category is at most 100 characters");
    if (reply->body.isEmpty())
        return QStringLiteral("a canned reply needs a text");
    if (reply->body.size() > ChatService::maxMessageLength)
        return QStringLiteral("a text is at most %1 characters").arg(ChatService::maxMessageLength);
    if (reply->category.isEmpty())
        reply->category = QStringLiteral("General");
    return {};
}

} // namespace

QList<CannedReply> ChatService::cannedReplies(qint64 siteId)
{
    return m_store.cannedRepliesOfSite(siteId);
}

QList<FaqEntry> ChatService::faqEntries(qint64 siteId)
{
    return m_store.faqOfSite(siteId);
}

Result<CannedReply> ChatService::addCannedReply(qint64 siteId, const CannedReplyChange &change)
{
    if (!m_store.siteById(siteId))
        return notFound(QStringLiteral("no such site"));
    CannedReply reply;
    reply.siteId = siteId;
    if (const QString refused = applyChange(&reply, change); !refused.isEmpty())
        return invalid(refused);
    if (m_store.cannedRepliesOfSite(siteId).size() >= maxCannedReplies)
        return conflict(
            QStringLiteral("a site keeps at most %1 canned replies").arg(maxCannedReplies));
    reply.createdAt = reply.updatedAt = clockTime();
    const auto id = m_store.insertCannedReply(reply);
    if (!id)
        return storageFailure();
    reply.id = *id;
    return reply;
}

Result<CannedReply> ChatService::updateCannedReply(qint64 siteId, qint64 replyId,
                                                   const CannedReplyChange &change)
{
    auto reply = m_store.cannedReplyById(replyId);
    if (!reply || reply->siteId != siteId) // another site's reply does not exist for this one
        return notFound(QStringLiteral("no such canned reply"));
    if (const QString refused = applyChange(&*reply, change); !refused.isEmpty())
        return invalid(refused);
    reply->updatedAt = clockTime();
    if (!m_store.updateCannedReply(*reply))
        return storageFailure();
    return *reply;
}

Result<bool> ChatService::removeCannedReply(qint64 siteId, qint64 replyId)
{
    const auto reply = m_store.cannedReplyById(replyId);
    if (!reply || reply->siteId != siteId)
        return notFound(QStringLiteral("no such canned reply"));
    if (!m_store.deleteCannedReply(replyId))
        return storageFailure();
    return true;
}

QHash<QString, QString> ChatService::replyVariableValues(qint64 siteId, qint64 conversationId,
                                                         const Actor &staff)
{
    QHash<QString, QString> values;
    const auto site = m_store.siteById(siteId);
    if (!site)
        return values;
    const SiteSettings settings = siteSettings(siteId);
    values.insert(QStringLiteral("hotel"), displayNameOfSite(*site, settings));
    values.insert(QStringLiteral("wifi"), settings.wifi);
    values.insert(QStringLiteral("checkout_time"), settings.checkoutTime);
    if (staff.kind == ActorKind::Staff) {
        const auto account = m_store.accountById(staff.id);
        if (account && account->siteId == siteId)
            values.insert(QStringLiteral("staff.name"), account->name);
    }
    const auto conversation =
        conversationId ? m_store.conversationById(conversationId) : std::nullopt;
    if (!conversation || conversation->siteId != siteId)
        return values;
    if (conversation->roomId) {
        if (const auto room = m_store.roomById(conversation->roomId))
            values.insert(QStringLiteral("room"), room->number);
    }
    // The guest's name only when someone told it: a website's visitor metadata or a customer's
    // account. A room guest's label ("Room 205 · Guest 2") is not a name to greet with.
    for (const Participant &p : m_store.participants(conversationId)) {
        if (p.actor.kind == ActorKind::Customer) {
            if (const auto account = m_store.accountById(p.actor.id))
                values.insert(QStringLiteral("guest.name"), account->name);
        } else if (p.actor.kind == ActorKind::Visitor) {
            if (const auto visitor = m_store.visitorById(p.actor.id))
                values.insert(QStringLiteral("guest.name"),
                              visitor->metadata.value(u"name").toString().simplified().left(80));
        }
    }
    return values;
}

} // namespace lobby::chat
