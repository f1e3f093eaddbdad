// ChatService operations of the accounts family (app v1 REST/WebSocket and direct chat).
#include "chat/chatservice.h"

#include "store/store.h"

namespace lobby::chat {

Result<PostedMessage> ChatService::openConversationWithMessage(const NewConversation &request,
                                                               const Actor &sender,
                                                               const MessageDraft &draft)
{
    const bool hasMessage = !draft.content.trimmed().isEmpty() || !draft.mediaUrl.isEmpty();
    if (draft.content.size() > maxMessageLength)
        return invalid(QStringLiteral("a message is at most %1 characters").arg(maxMessageLength));
    auto conversation = openConversation(request);
    if (!conversation)
        return conversation.error();
    if (!hasMessage)
        return PostedMessage{{}, conversation.value(), false};
    return postMessage(conversation->id, sender, draft);
}

Result<Conversation> ChatService::openDirectConversation(const Account &a, const Account &b)
{
    if (a.id == b.id)
        return invalid(QStringLiteral("a direct conversation needs two accounts"));
    if (a.siteId != b.siteId)
        return notFound(QStringLiteral("no such account"));
    // Everything runs in the core thread, so finding and creating cannot interleave.
    if (auto existing = m_store.directConversation(a.siteId, a.actor(), b.actor()))
        return *existing;
    NewConversation request;
    request.siteId = a.siteId;
    request.kind = ConversationKind::Direct;
    request.title = QStringLiteral("%1 and %2").arg(a.name, b.name);
    request.participants = {a.actor(), b.actor()};
    return openConversation(request);
}

Result<Upload> ChatService::recordUpload(Upload upload)
{
    if (!m_store.siteById(upload.siteId))
        return notFound(QStringLiteral("no such site"));
    if (upload.storedName.isEmpty() || upload.mimeType.isEmpty() || upload.size <= 0)
        return invalid(QStringLiteral("an upload needs a stored name, a type and content"));
    upload.createdAt = QDateTime::currentDateTimeUtc();
    const auto id = m_store.insertUpload(upload);
    if (!id)
        return storageFailure();
    upload.id = *id;
    return upload;
}

} // namespace lobby::chat
