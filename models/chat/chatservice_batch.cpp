// Group commit: messages queued in one event-loop turn are stored in one transaction, and only
// after its durable commit are their events emitted and their senders answered.
#include "chat/chatservice.h"
#include "logging.h"
#include "metrics.h"

#include "store/store.h"

#include <QElapsedTimer>

namespace lobby::chat {

void ChatService::queueMessage(qint64 conversationId, const Actor &sender,
                               const MessageDraft &draft, PostDone done)
{
    m_queue.append({conversationId, sender, draft, std::move(done)});
    if (!m_flushTimer.isActive())
        m_flushTimer.start();
}

void ChatService::afterCommit(std::function<void()> action)
{
    if (m_pendingActions)
        m_pendingActions->append(std::move(action));
    else
        action();
}

bool ChatService::inOneCommit(const std::function<bool()> &work)
{
    if (m_pendingActions) { // the outer scope commits and emits
        store::Transaction savepoint(m_store);
        return savepoint.isOpen() && work() && savepoint.commit();
    }
    QList<std::function<void()>> actions;
    bool committed = false;
    QElapsedTimer commitTimer;
    commitTimer.start();
    {
        store::Transaction transaction(m_store);
        m_pendingActions = &actions;
        const bool done = transaction.isOpen() && work();
        m_pendingActions = nullptr;
        committed = done && transaction.commit();
    }
    const int messages = std::exchange(m_messagesInCommit, 0);
    if (committed && messages > 0) // a commit of messages, as a group commit is
        metrics::observeCommit(commitTimer.nsecsElapsed() / 1e9, messages);
    if (committed) {
        for (const auto &action : std::as_const(actions))
            action();
    }
    return committed;
}

void ChatService::flushQueue()
{
    m_flushTimer.stop();
    if (m_queue.isEmpty())
        return;
    const QList<QueuedPost> queue = std::exchange(m_queue, {});
    QList<std::function<void()>> actions; // the events, in order, once the commit succeeded
    QList<Result<PostedMessage>> results;
    QList<qsizetype> actionsEnd; // actions[..actionsEnd[i]] belong to posts 0..i
    results.reserve(queue.size());
    actionsEnd.reserve(queue.size());

    bool committed = false;
    QElapsedTimer commitTimer;
    commitTimer.start();
    {
        store::Transaction batch(m_store);
        m_pendingActions = &actions;
        for (const QueuedPost &post : queue) {
            // Each post runs in a savepoint of the batch (store::Transaction nests), so one
            // that fails is undone alone.
            results.append(batch.isOpen()
                               ? postMessage(post.conversationId, post.sender, post.draft)
                               : Result<PostedMessage>(storageFailure()));
            actionsEnd.append(actions.size());
        }
        m_pendingActions = nullptr;
        committed = batch.isOpen() && batch.commit();
    }
    if (committed)
        metrics::observeCommit(commitTimer.nsecsElapsed() / 1e9,
                               std::exchange(m_messagesInCommit, 0));
    m_messagesInCommit = 0;
    if (!committed) {
        qCWarning(lcChat, "a batch of %d messages could not be stored: %s", int(queue.size()),
                  qPrintable(m_store.lastError()));
        for (Result<PostedMessage> &result : results) {
            if (result)
                result = storageError(QStringLiteral("the change could not be stored"));
        }
    }
    qsizetype next = 0;
    for (qsizetype i = 0; i < queue.size(); ++i) {
        if (committed) {
            for (; next < actionsEnd.at(i); ++next)
                actions.at(next)();
        }
        if (queue.at(i).done)
            queue.at(i).done(results.at(i));
    }
}

} // namespace lobby::chat
