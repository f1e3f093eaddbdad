#pragma once

#include "chat/entities.h"
#include "chat/requests.h"

#include <QList>
#include <QMetaType>

namespace lobby::chat {

// One state change, emitted by ChatService after it is persisted. Adapters encode it once per
// wire format; the console's models apply batches of them.
struct DomainEvent
{
    enum class Kind
    {
        ConversationCreated, // conversation
        ConversationUpdated, // conversation (title, handler, archived)
        MessagePosted,       // conversation (with its new last message), message
        MessagesRead,        // actor read up to messageId
        Typing,              // actor, flag = typing
        ParticipantJoined,   // actor
        ParticipantLeft,     // actor
        PresenceChanged,     // actor, flag = online; conversationId 0 (presence is per actor)
        RequestUpdated,      // conversation, request, actor who changed it, flag = created;
                             // messageId = the request's id (how other instances re-read it)
        StatusChanged,       // conversation (status, snoozedUntil); actor = who (System: by itself)
        NoteAdded,           // conversation, note: for staff only, never a guest's family
    };

    Kind kind = Kind::ConversationCreated;
    qint64 siteId = 0;
    qint64 conversationId = 0;
    Conversation conversation;
    Message message;
    Note note;          // NoteAdded
    QString senderName; // MessagePosted: the sender's ChatService::displayName
    Actor actor;
    qint64 messageId = 0;
    ServiceRequest request; // RequestUpdated
    bool flag = false;
    QDateTime at;
    // Another instance (sharing one PostgreSQL) made and stored this change; this instance only
    // re-announces it to its own subscribers (see ClusterBridge) and must not announce it back.
    bool remote = false;
};

using DomainEvents = QList<DomainEvent>;

} // namespace lobby::chat

Q_DECLARE_METATYPE(lobby::chat::DomainEvent)
Q_DECLARE_METATYPE(lobby::chat::DomainEvents)
