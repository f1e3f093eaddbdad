#pragma once

#include "chat/domainevent.h"

#include <QAbstractListModel>
#include <QDateTime>
#include <QSet>

namespace lobby::ui {

// The inbox: one row per conversation of a site, newest activity first. Rows are inserted,
// moved and updated one by one; dataChanged names only the roles that changed.
class ConversationListModel : public QAbstractListModel
{
    Q_OBJECT
    Q_PROPERTY(int totalUnread READ totalUnread NOTIFY totalUnreadChanged)

public:
    enum Role
    {
        IdRole = Qt::UserRole + 1, // conversation id
        KindRole,                  // "room", "widget", "app" or "direct": picks the icon
        TitleRole,                 // "Room 205", the customer's name, ...
        PreviewRole,               // the last message, shortened
        LastActivityRole,          // QDateTime of the last message or creation
        UnreadCountRole,           // messages the viewer has not read
        HandlerIdRole,             // staff account handling it, 0 when unassigned
        ArchivedRole,              // bool
        TypingRole,                // bool: someone other than the viewer is typing
        CreatedAtRole,             // QDateTime the conversation started
        OnlineRole,                // bool: a guest, visitor or customer of it is connected
        DisplayTitleRole,          // the title as shown: "Website visitor" when there is none
        ChannelLabelRole,          // "Hotel room", "Website chat", "Customer app", "Direct chat"
        StatusRole,                // "open", "pending", "snoozed" or "resolved"
        SnoozedUntilRole,          // QDateTime the snooze ends, invalid unless snoozed
        WaitingSinceRole,          // QDateTime of the oldest unanswered guest message, or invalid
    };
    Q_ENUM(Role)

    // The console's words for a conversation (its list rows and its header use the same).
    static QString displayTitle(const chat::Conversation &conversation);
    static QString channelLabel(chat::ConversationKind kind);

    explicit ConversationListModel(QObject *parent = nullptr);

    // Whose unread counts and typing lines this inbox shows.
    void setViewer(qint64 siteId, const chat::Actor &viewer);

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    int totalUnread() const;
    int rowOf(qint64 conversationId) const;

public Q_SLOTS:
    void resetConversations(const QList<lobby::chat::ConversationSummary> &summaries);
    void applyEvents(const lobby::chat::DomainEvents &events);
    // Who the other side of each conversation is (guests, visitors, customers) and who of them
    // is connected now; presence events keep it current afterwards.
    void setPresence(const QHash<qint64, QList<lobby::chat::Actor>> &counterparts,
                     const QList<lobby::chat::Actor> &online);

Q_SIGNALS:
    void totalUnreadChanged();

private:
    struct Row
    {
        chat::Conversation conversation;
        qint64 unreadCount = 0;
        bool typing = false;
        QList<chat::Actor> counterparts;
        bool online = false;
    };

    bool anyOnline(const QList<chat::Actor> &actors) const;
    void addCounterpart(int row, const chat::Actor &actor);

    void apply(const chat::DomainEvent &event);
    void upsert(const chat::Conversation &conversation, bool newMessage,
                const chat::Message &message);
    int insertionRow(const QDateTime &lastActivity, qint64 id) const;
    void changed(int row, const QList<int> &roles);

    QList<Row> m_rows;
    bool m_batching = false;
    QHash<qint64, QList<int>> m_pendingRoles;
    // Within a batch rows are updated in place; the order is restored once at its end, with at
    // most one move per conversation that changed place (not one per message).
    bool m_orderDirty = false;
    void restoreOrder();
    qint64 m_siteId = 0;
    chat::Actor m_viewer;
    QSet<QPair<int, qint64>> m_online;
};

} // namespace lobby::ui
