#include "ui/conversationlistmodel.h"

#include <algorithm>

namespace lobby::ui {

using chat::DomainEvent;

namespace {

// Newest activity first; ids break ties so the order is total.
bool sortsBefore(const QDateTime &aTime, qint64 aId, const QDateTime &bTime, qint64 bId)
{
    return aTime != bTime ? aTime > bTime : aId > bId;
}

} // namespace

ConversationListModel::ConversationListModel(QObject *parent) : QAbstractListModel(parent)
{
    qRegisterMetaType<QList<chat::ConversationSummary>>();
}

void ConversationListModel::setViewer(qint64 siteId, const chat::Actor &viewer)
{
    m_siteId = siteId;
    m_viewer = viewer;
}

int ConversationListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

QVariant ConversationListModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row &row = m_rows.at(index.row());
    const chat::Conversation &c = row.conversation;
    switch (role) {
    case Qt::DisplayRole:
    case TitleRole:
        return c.title;
    case DisplayTitleRole:
        return displayTitle(c);
    case ChannelLabelRole:
        return channelLabel(c.kind);
    case IdRole:
        return c.id;
    case KindRole:
        return chat::wireName(c.kind);
    case PreviewRole:
        return c.lastMessagePreview;
    case LastActivityRole:
        return c.lastActivityAt;
    case UnreadCountRole:
        return row.unreadCount;
    case HandlerIdRole:
        return c.handlerAccountId;
    case ArchivedRole:
        return c.archived;
    case TypingRole:
        return row.typing;
    case CreatedAtRole:
        return c.createdAt;
    case OnlineRole:
        return row.online;
    case StatusRole:
        return chat::wireName(c.status);
    case SnoozedUntilRole:
        return c.snoozedUntil;
    case WaitingSinceRole:
        return c.waitingSince;
    default:
        return {};
    }
}

QHash<int, QByteArray> ConversationListModel::roleNames() const
{
    return {{IdRole, "conversationId"},
            {KindRole, "kind"},
            {TitleRole, "title"},
            {PreviewRole, "preview"},
            {LastActivityRole, "lastActivity"},
            {UnreadCountRole, "unreadCount"},
            {HandlerIdRole, "handlerId"},
            {ArchivedRole, "archived"},
            {TypingRole, "typing"},
            {CreatedAtRole, "createdAt"},
            {OnlineRole, "online"},
            {DisplayTitleRole, "displayTitle"},
            {ChannelLabelRole, "channelLabel"},
            {StatusRole, "status"},
            {SnoozedUntilRole, "snoozedUntil"},
            {WaitingSinceRole, "waitingSince"}};
}

int ConversationListModel::totalUnread() const
{
    qint64 total = 0;
    for (const Row &row : m_rows)
        total += row.unreadCount;
    return int(total);
}

int ConversationListModel::rowOf(qint64 conversationId) const
{
    for (int i = 0; i < m_rows.size(); ++i) {
        if (m_rows.at(i).conversation.id == conversationId)
            return i;
    }
    return -1;
}

void ConversationListModel::resetConversations(const QList<chat::ConversationSummary> &summaries)
{
    beginResetModel();
    m_rows.clear();
    for (const chat::ConversationSummary &summary : summaries)
        m_rows.append({summary.conversation, summary.unreadCount, false, {}, false});
    std::sort(m_rows.begin(), m_rows.end(), [](const Row &a, const Row &b) {
        return sortsBefore(a.conversation.lastActivityAt, a.conversation.id,
                           b.conversation.lastActivityAt, b.conversation.id);
    });
    endResetModel();
    Q_EMIT totalUnreadChanged();
}

void ConversationListModel::applyEvents(const chat::DomainEvents &events)
{
    const int unreadBefore = totalUnread();
    // Role changes are collected per conversation and announced once at the end of the batch.
    m_batching = true;
    for (const DomainEvent &event : events) {
        if (event.siteId == m_siteId)
            apply(event);
    }
    m_batching = false;
    if (m_orderDirty)
        restoreOrder();
    for (auto it = m_pendingRoles.cbegin(); it != m_pendingRoles.cend(); ++it) {
        const int row = rowOf(it.key());
        if (row >= 0)
            changed(row, it.value());
    }
    m_pendingRoles.clear();
    if (totalUnread() != unreadBefore)
        Q_EMIT totalUnreadChanged();
}

void ConversationListModel::apply(const DomainEvent &event)
{
    switch (event.kind) {
    case DomainEvent::Kind::ConversationCreated:
    case DomainEvent::Kind::ConversationUpdated:
    case DomainEvent::Kind::StatusChanged:
        upsert(event.conversation, false, {});
        break;
    case DomainEvent::Kind::MessagePosted:
        upsert(event.conversation, true, event.message);
        break;
    case DomainEvent::Kind::MessagesRead: {
        const int row = rowOf(event.conversationId);
        if (row < 0 || event.actor != m_viewer)
            return;
        Row &r = m_rows[row];
        if (event.messageId >= r.conversation.lastMessageId && r.unreadCount != 0) {
            r.unreadCount = 0;
            changed(row, {UnreadCountRole});
        }
        break;
    }
    case DomainEvent::Kind::Typing: {
        const int row = rowOf(event.conversationId);
        if (row < 0 || event.actor == m_viewer || m_rows[row].typing == event.flag)
            return;
        m_rows[row].typing = event.flag;
        changed(row, {TypingRole});
        break;
    }
    case DomainEvent::Kind::ParticipantJoined: {
        const int row = rowOf(event.conversationId);
        if (row >= 0)
            addCounterpart(row, event.actor);
        break;
    }
    case DomainEvent::Kind::PresenceChanged: {
        const QPair<int, qint64> key{int(event.actor.kind), event.actor.id};
        if (event.flag)
            m_online.insert(key);
        else
            m_online.remove(key);
        for (int row = 0; row < m_rows.size(); ++row) {
            Row &r = m_rows[row];
            if (!r.counterparts.contains(event.actor))
                continue;
            const bool online = anyOnline(r.counterparts);
            if (online != r.online) {
                r.online = online;
                changed(row, {OnlineRole});
            }
        }
        break;
    }
    case DomainEvent::Kind::ParticipantLeft:
    case DomainEvent::Kind::RequestUpdated: // the Requests view's model shows these
        break;
    }
}

void ConversationListModel::restoreOrder()
{
    m_orderDirty = false;
    QList<qint64> order; // conversation ids, as they should be
    order.reserve(m_rows.size());
    QList<const Row *> sorted;
    sorted.reserve(m_rows.size());
    for (const Row &row : std::as_const(m_rows))
        sorted.append(&row);
    std::stable_sort(sorted.begin(), sorted.end(), [](const Row *a, const Row *b) {
        return sortsBefore(a->conversation.lastActivityAt, a->conversation.id,
                           b->conversation.lastActivityAt, b->conversation.id);
    });
    for (const Row *row : std::as_const(sorted))
        order.append(row->conversation.id);
    // Top down: each conversation that is not where it belongs is moved up to its place.
    for (int target = 0; target < order.size(); ++target) {
        if (m_rows.at(target).conversation.id == order.at(target))
            continue;
        int from = target + 1;
        while (m_rows.at(from).conversation.id != order.at(target))
            ++from;
        beginMoveRows({}, from, from, {}, target);
        m_rows.move(from, target);
        endMoveRows();
    }
}

int ConversationListModel::insertionRow(const QDateTime &lastActivity, qint64 id) const
{
    int row = 0;
    while (row < m_rows.size() && sortsBefore(m_rows.at(row).conversation.lastActivityAt,
                                              m_rows.at(row).conversation.id, lastActivity, id))
        ++row;
    return row;
}

void ConversationListModel::upsert(const chat::Conversation &conversation, bool newMessage,
                                   const chat::Message &message)
{
    int from = rowOf(conversation.id);
    if (from < 0) {
        const int to = insertionRow(conversation.lastActivityAt, conversation.id);
        const bool unread = newMessage && message.sender != m_viewer;
        beginInsertRows({}, to, to);
        m_rows.insert(to, {conversation, unread ? 1 : 0, false, {}, false});
        endInsertRows();
        if (newMessage)
            addCounterpart(to, message.sender);
        return;
    }

    Row updated = m_rows.at(from);
    const chat::Conversation &old = updated.conversation;
    // Events can arrive after a snapshot that already contains them: never count twice.
    if (newMessage && message.id <= old.lastMessageId)
        return;
    QList<int> roles;
    if (old.title != conversation.title)
        roles << TitleRole;
    if (old.lastMessagePreview != conversation.lastMessagePreview)
        roles << PreviewRole;
    if (old.lastActivityAt != conversation.lastActivityAt)
        roles << LastActivityRole;
    if (old.handlerAccountId != conversation.handlerAccountId)
        roles << HandlerIdRole;
    if (old.archived != conversation.archived)
        roles << ArchivedRole;
    if (old.status != conversation.status)
        roles << StatusRole;
    if (old.snoozedUntil != conversation.snoozedUntil)
        roles << SnoozedUntilRole;
    if (old.waitingSince != conversation.waitingSince)
        roles << WaitingSinceRole;
    if (newMessage) {
        const qint64 unread = message.sender == m_viewer ? 0 : updated.unreadCount + 1;
        if (unread != updated.unreadCount)
            roles << UnreadCountRole;
        updated.unreadCount = unread;
        if (updated.typing && message.sender != m_viewer) {
            updated.typing = false;
            roles << TypingRole;
        }
    }
    updated.conversation = conversation;

    if (m_batching) { // moved once at the end of the batch (restoreOrder)
        m_rows[from] = updated;
        m_orderDirty = true;
        if (!roles.isEmpty())
            changed(from, roles);
        if (newMessage)
            addCounterpart(from, message.sender);
        return;
    }
    m_rows.removeAt(from);
    const int to = insertionRow(conversation.lastActivityAt, conversation.id);
    m_rows.insert(from, updated);
    if (to != from) {
        beginMoveRows({}, from, from, {}, to > from ? to + 1 : to);
        m_rows.move(from, to);
        endMoveRows();
    }
    if (!roles.isEmpty())
        changed(to, roles);
    if (newMessage)
        addCounterpart(to, message.sender);
}

bool ConversationListModel::anyOnline(const QList<chat::Actor> &actors) const
{
    return std::any_of(actors.cbegin(), actors.cend(), [this](const chat::Actor &actor) {
        return m_online.contains({int(actor.kind), actor.id});
    });
}

// Guests, visitors and customers are the other side; staff and the assistant are not.
void ConversationListModel::addCounterpart(int row, const chat::Actor &actor)
{
    if (actor.kind != chat::ActorKind::Guest && actor.kind != chat::ActorKind::Visitor &&
        actor.kind != chat::ActorKind::Customer)
        return;
    Row &r = m_rows[row];
    if (r.counterparts.contains(actor))
        return;
    r.counterparts.append(actor);
    const bool online = anyOnline(r.counterparts);
    if (online != r.online) {
        r.online = online;
        changed(row, {OnlineRole});
    }
}

void ConversationListModel::setPresence(const QHash<qint64, QList<chat::Actor>> &counterparts,
                                        const QList<chat::Actor> &online)
{
    m_online.clear();
    for (const chat::Actor &actor : online)
        m_online.insert({int(actor.kind), actor.id});
    for (int row = 0; row < m_rows.size(); ++row) {
        const QList<chat::Actor> actors = counterparts.value(m_rows.at(row).conversation.id);
        for (const chat::Actor &actor : actors) {
            if (!m_rows.at(row).counterparts.contains(actor))
                m_rows[row].counterparts.append(actor);
        }
        const bool isOnline = anyOnline(m_rows.at(row).counterparts);
        if (isOnline != m_rows.at(row).online) {
            m_rows[row].online = isOnline;
            changed(row, {OnlineRole});
        }
    }
}

void ConversationListModel::changed(int row, const QList<int> &roles)
{
    if (m_batching) {
        QList<int> &pending = m_pendingRoles[m_rows.at(row).conversation.id];
        for (int role : roles) {
            if (!pending.contains(role))
                pending.append(role);
        }
        return;
    }
    const QModelIndex at = index(row);
    Q_EMIT dataChanged(at, at, roles);
}

QString ConversationListModel::displayTitle(const chat::Conversation &conversation)
{
    // Titles name the person (the domain's display name); only very old website chats have none.
    return conversation.title.isEmpty() ? tr("Website visitor") : conversation.title;
}

QString ConversationListModel::channelLabel(chat::ConversationKind kind)
{
    switch (kind) {
    case chat::ConversationKind::Room:
        return tr("Hotel room");
    case chat::ConversationKind::Widget:
        return tr("Website chat");
    case chat::ConversationKind::App:
        return tr("Customer app");
    case chat::ConversationKind::Direct:
        return tr("Direct chat");
    }
    return {};
}

} // namespace lobby::ui
