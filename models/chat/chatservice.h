#pragma once

#include "chat/domainevent.h"
#include "chat/entities.h"
#include "chat/result.h"

#include <QHash>
#include <QObject>

namespace lobby::store {
class Store;
}

namespace lobby::chat {

// What a sender puts into a message; the service adds id, sender and time.
struct MessageDraft
{
    MessageType type = MessageType::Text;
    QString content;
    QString mediaUrl;
    qint64 replyToId = 0;
    QString entityType;
    QString entityId;
    QString clientId; // idempotency key: a retry with the same one returns the first message
};

struct PostedMessage
{
    Message message;
    Conversation conversation;
    bool duplicate = false; // true when clientId matched an earlier message: nothing was emitted
};

struct NewConversation
{
    qint64 siteId = 0;
    ConversationKind kind = ConversationKind::App;
    QString title;
    qint64 roomId = 0;
    qint64 handlerAccountId = 0;
    QList<Actor> participants;
};

// The one writer. Every state change goes through here: it is persisted first, then announced
// by exactly one `event`. Lives in the core thread with the store it was given.
class ChatService : public QObject
{
    Q_OBJECT

public:
    static constexpr int maxMessageLength = 10000;
    static constexpr int previewLength = 120;

    explicit ChatService(store::Store &store, QObject *parent = nullptr);

    store::Store &store() { return m_store; }

    // Provisioning: secrets arrive already hashed (see server/auth).
    Result<Site> createSite(const QString &slug, const QString &name, SiteKind kind);
    Result<Account> createAccount(Account account);
    Result<Room> createRoom(qint64 siteId, const QString &number, const QString &pinHash);
    Result<ApiKey> createApiKey(qint64 siteId, const QString &label, const QString &prefix,
                                const QString &keyHash);
    Result<FaqEntry> addFaqEntry(qint64 siteId, const QString &question, const QString &answer);

    // Conversations
    Result<Conversation> openConversation(const NewConversation &request);
    Result<PostedMessage> postMessage(qint64 conversationId, const Actor &sender,
                                      const MessageDraft &draft);
    // Moves the reader's last-read pointer forward to messageId (never back).
    Result<qint64> markRead(qint64 conversationId, const Actor &reader, qint64 messageId);
    Result<bool> setTyping(qint64 conversationId, const Actor &actor, bool typing);
    Result<Participant> join(qint64 conversationId, const Actor &actor);
    Result<bool> leave(qint64 conversationId, const Actor &actor);
    Result<Conversation> assignHandler(qint64 conversationId, qint64 staffAccountId);
    Result<Conversation> setArchived(qint64 conversationId, bool archived);

    // Presence: an actor is online while it has at least one open connection.
    void connectionOpened(qint64 siteId, const Actor &actor);
    void connectionClosed(qint64 siteId, const Actor &actor);
    bool isOnline(const Actor &actor) const;

    // Reads used by every family.
    QList<ConversationSummary> conversationSummaries(qint64 siteId, const Actor &viewer);

Q_SIGNALS:
    void event(const lobby::chat::DomainEvent &event);

private:
    void emitEvent(DomainEvent::Kind kind, const Conversation &conversation,
                   const Actor &actor = {}, qint64 messageId = 0, bool flag = false);
    Error storageFailure() const;

    store::Store &m_store;
    QHash<QPair<int, qint64>, int> m_openConnections;
};

} // namespace lobby::chat
