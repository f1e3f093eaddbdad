#pragma once

#include "chat/domainevent.h"

#include <QHash>
#include <QObject>
#include <QSet>
#include <QTimer>

namespace lobby::store {
class Store;
}

namespace lobby::chat {

class ChatService;

// Follows what other processes commit to the same SQLite file (`lobby admin check-out` while
// Lobby runs), so that the console, the guest pages and every other subscriber hear of it as
// they hear of this process's own changes.
//
// A timer asks SQLite for PRAGMA data_version, which changes only when another connection has
// committed (this process's own commits leave it alone). When it moved, the watcher reads the
// messages above the newest one it knows and every conversation's title, handler and archived
// flag, and announces what differs through ChatService::publishStored, the path that changes of
// other PostgreSQL instances take (ClusterBridge). A check-out from elsewhere thus arrives as
// ConversationUpdated (archived), which ends the room's guest pages live. The scan runs only
// after a foreign commit, and costs one pass over the conversations.
class SqliteChangeWatcher : public QObject
{
    Q_OBJECT

public:
    SqliteChangeWatcher(ChatService &chat, store::Store &store, QObject *parent = nullptr);

    // Takes the database as it is now as known, then polls every `intervalMs`.
    void start(int intervalMs = 1000);
    // One poll, now (also what the timer runs).
    void poll();

private:
    struct Known
    {
        QString title;
        qint64 handlerAccountId = 0;
        bool archived = false;
    };

    void onEvent(const DomainEvent &event);
    void remember(const Conversation &conversation);

    ChatService &m_chat;
    store::Store &m_store;
    QTimer m_timer;
    qint64 m_version = -1;
    qint64 m_newestMessageId = 0;         // every message up to this one has been announced
    QSet<qint64> m_localMessages;         // announced by this process since the last poll
    QHash<qint64, Known> m_conversations; // by id, as last announced
};

} // namespace lobby::chat
