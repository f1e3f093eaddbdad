#include "chat/sqlitechangewatcher.h"

#include "chat/chatservice.h"
#include "store/store.h"

namespace lobby::chat {

namespace {

// Messages re-read per poll at most; a longer backlog is read by the polls that follow.
constexpr int messagesPerPoll = 1000;

} // namespace

SqliteChangeWatcher::SqliteChangeWatcher(ChatService &chat, store::Store &store, QObject *parent)
    : QObject(parent), m_chat(chat), m_store(store)
{
    connect(&m_timer, &QTimer::timeout, this, &SqliteChangeWatcher::poll);
}

void SqliteChangeWatcher::start(int intervalMs)
{
    m_version = m_store.dataVersion();
    m_newestMessageId = m_store.newestMessageId();
    for (const Conversation &conversation : m_store.allConversations())
        remember(conversation);
    connect(&m_chat, &ChatService::event, this, &SqliteChangeWatcher::onEvent,
            Qt::UniqueConnection);
    m_timer.start(intervalMs);
}

void SqliteChangeWatcher::remember(const Conversation &conversation)
{
    m_conversations.insert(conversation.id, {conversation.title, conversation.handlerAccountId,
                                             conversation.archived});
}

void SqliteChangeWatcher::onEvent(const DomainEvent &event)
{
    if (event.remote)
        return;
    switch (event.kind) {
    case DomainEvent::Kind::MessagePosted:
        m_localMessages.insert(event.message.id);
        break;
    case DomainEvent::Kind::ConversationCreated:
    case DomainEvent::Kind::ConversationUpdated:
        remember(event.conversation);
        break;
    default:
        break;
    }
}

void SqliteChangeWatcher::poll()
{
    const qint64 version = m_store.dataVersion();
    if (version < 0)
        return;
    if (version == m_version) {
        // Nobody else wrote: every message above the mark is this process's own.
        for (qint64 id : std::as_const(m_localMessages))
            m_newestMessageId = std::max(m_newestMessageId, id);
        m_localMessages.clear();
        return;
    }
    m_version = version;

    // New conversations first, so that their messages land in a conversation already known.
    for (const Conversation &conversation : m_store.allConversations()) {
        const auto known = m_conversations.constFind(conversation.id);
        DomainEvent event;
        event.conversationId = conversation.id;
        event.at = QDateTime::currentDateTimeUtc();
        if (known == m_conversations.cend())
            event.kind = DomainEvent::Kind::ConversationCreated;
        else if (known->title != conversation.title ||
                 known->handlerAccountId != conversation.handlerAccountId ||
                 known->archived != conversation.archived)
            event.kind = DomainEvent::Kind::ConversationUpdated;
        else
            continue;
        remember(conversation);
        m_chat.publishStored(event);
    }

    const QList<Message> messages = m_store.messagesAfterId(m_newestMessageId, messagesPerPoll);
    for (const Message &message : messages) {
        m_newestMessageId = message.id;
        if (m_localMessages.remove(message.id))
            continue;
        DomainEvent event;
        event.kind = DomainEvent::Kind::MessagePosted;
        event.conversationId = message.conversationId;
        event.messageId = message.id;
        event.at = message.createdAt;
        m_chat.publishStored(event);
    }
    if (messages.size() == messagesPerPoll)
        m_version = -2; // more to read: the next poll reads on without waiting for a commit
    else
        m_localMessages.clear();
}

} // namespace lobby::chat
