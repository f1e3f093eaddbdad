#include "ui/messagelistmodel.h"

namespace lobby::ui {

using chat::ActorKind;
using chat::DomainEvent;

namespace {

constexpr qint64 groupingWindowSeconds = 5 * 60;

} // namespace

MessageListModel::MessageListModel(QObject *parent) : QAbstractListModel(parent)
{
    for (auto signal : {&QAbstractItemModel::rowsInserted, &QAbstractItemModel::rowsRemoved})
        connect(this, signal, this, &MessageListModel::countChanged);
    connect(this, &QAbstractItemModel::modelReset, this, &MessageListModel::countChanged);
}

bool MessageListModel::isOutgoing(const chat::Actor &sender) const
{
    return sender.kind == ActorKind::Staff || sender.kind == ActorKind::Assistant ||
           sender.kind == ActorKind::System;
}

QString MessageListModel::nameOf(const chat::Actor &actor) const
{
    const QString name = m_names.value(chat::actorKey(actor));
    if (!name.isEmpty())
        return name;
    switch (actor.kind) {
    case ActorKind::Staff:
        return tr("Staff");
    case ActorKind::Customer:
        return tr("Customer");
    case ActorKind::Guest:
        return tr("Guest");
    case ActorKind::Visitor:
        return tr("Website visitor");
    case ActorKind::Assistant:
        return tr("Assistant");
    case ActorKind::System:
        return tr("Lobby");
    }
    return {};
}

const chat::Message *MessageListModel::findMessage(qint64 id) const
{
    const int row = rowOfMessage(id);
    if (row >= 0)
        return &m_rows.at(row).message;
    const auto it = m_quoted.constFind(id);
    return it == m_quoted.cend() ? nullptr : &it.value();
}

int MessageListModel::rowOfMessage(qint64 messageId) const
{
    // Rows are sorted by id, newest first.
    int low = 0;
    int high = int(m_rows.size()) - 1;
    while (low <= high) {
        const int mid = (low + high) / 2;
        const qint64 id = m_rows.at(mid).message.id;
        if (id == messageId)
            return mid;
        if (id > messageId)
            low = mid + 1;
        else
            high = mid - 1;
    }
    return -1;
}

QString MessageListModel::typingText() const
{
    if (m_typing.isEmpty())
        return {};
    if (m_typing.size() == 1)
        return tr("%1 is typing…").arg(nameOf(m_typing.constFirst()));
    return tr("Several people are typing…");
}

int MessageListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

QVariant MessageListModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row &row = m_rows.at(index.row());
    const chat::Message &m = row.message;
    switch (role) {
    case Qt::DisplayRole:
    case TextRole:
        return m.deleted ? tr("This message was deleted") : m.content;
    case IdRole:
        return m.id;
    case SenderKindRole:
        return chat::wireName(m.sender.kind);
    case SenderNameRole:
        return nameOf(m.sender);
    case OutgoingRole:
        return isOutgoing(m.sender);
    case MineRole:
        return m.sender == m_viewer;
    case TypeRole:
        return chat::wireName(m.type);
    case MediaUrlRole:
        return m.mediaUrl;
    case MediaSourceRole:
        // Uploads are served to accounts allowed to see them: fetched as the viewer.
        if (m.mediaUrl.startsWith(u"/uploads/"))
            return m_serverUrl + m.mediaUrl + QStringLiteral("?token=") + m_mediaToken;
        return m.mediaUrl.startsWith(u'/') ? m_serverUrl + m.mediaUrl : m.mediaUrl;
    case ReplyToIdRole:
        return m.replyToId;
    case ReplySenderRole: {
        const chat::Message *original = m.replyToId ? findMessage(m.replyToId) : nullptr;
        return original ? nameOf(original->sender) : QString();
    }
    case ReplyTextRole: {
        if (!m.replyToId)
            return QString();
        const chat::Message *original = findMessage(m.replyToId);
        if (!original)
            return tr("An earlier message");
        return original->content.isEmpty() ? QStringLiteral("[%1]").arg(wireName(original->type))
                                           : original->content.left(140).simplified();
    }
    case CreatedAtRole:
        return m.createdAt;
    case ReadRole:
        return isOutgoing(m.sender) && m.id <= m_otherReadUpTo;
    case ContinuationRole:
        return row.continuation;
    case DayBreakRole:
        return row.dayBreak;
    default:
        return {};
    }
}

QHash<int, QByteArray> MessageListModel::roleNames() const
{
    return {{IdRole, "messageId"},
            {SenderKindRole, "senderKind"},
            {SenderNameRole, "senderName"},
            {OutgoingRole, "outgoing"},
            {MineRole, "mine"},
            {TypeRole, "type"},
            {TextRole, "text"},
            {MediaUrlRole, "mediaUrl"},
            {MediaSourceRole, "mediaSource"},
            {ReplyToIdRole, "replyToId"},
            {ReplySenderRole, "replySender"},
            {ReplyTextRole, "replyText"},
            {CreatedAtRole, "createdAt"},
            {ReadRole, "read"},
            {ContinuationRole, "continuation"},
            {DayBreakRole, "dayBreak"}};
}

bool MessageListModel::canFetchMore(const QModelIndex &parent) const
{
    return !parent.isValid() && m_conversationId && m_firstPageArrived && m_hasMore && !m_loading;
}

void MessageListModel::fetchMore(const QModelIndex &parent)
{
    if (!canFetchMore(parent) || !m_loader)
        return;
    setLoading(true);
    const qint64 oldest = m_rows.isEmpty() ? 0 : m_rows.constLast().message.id;
    m_loader(m_conversationId, oldest, m_pageSize);
}

void MessageListModel::open(qint64 conversationId)
{
    if (conversationId == m_conversationId && (m_firstPageArrived || m_loading))
        return;
    beginResetModel();
    m_rows.clear();
    m_names.clear();
    m_quoted.clear();
    m_otherReadUpTo = 0;
    m_firstPageArrived = false;
    m_conversationId = conversationId;
    endResetModel();
    const bool wasTyping = !m_typing.isEmpty();
    m_typing.clear();
    setHasMore(false);
    Q_EMIT conversationIdChanged();
    if (wasTyping)
        Q_EMIT typingTextChanged();
    setLoading(conversationId != 0 && m_loader);
    if (m_loading)
        m_loader(conversationId, 0, m_pageSize);
}

QList<int> MessageListModel::regroup(int row)
{
    Row &r = m_rows[row];
    const Row *older = row + 1 < m_rows.size() ? &m_rows.at(row + 1) : nullptr;
    const QDateTime at = r.message.createdAt.toLocalTime();
    const bool dayBreak = !older || older->message.createdAt.toLocalTime().date() != at.date();
    const bool continuation =
        older && !dayBreak && older->message.sender == r.message.sender &&
        older->message.type != chat::MessageType::System &&
        older->message.createdAt.secsTo(r.message.createdAt) < groupingWindowSeconds;
    QList<int> roles;
    if (dayBreak != r.dayBreak)
        roles << DayBreakRole;
    if (continuation != r.continuation)
        roles << ContinuationRole;
    r.dayBreak = dayBreak;
    r.continuation = continuation;
    return roles;
}

void MessageListModel::addPage(const chat::MessagePage &page)
{
    if (page.conversationId != m_conversationId || !m_conversationId)
        return;
    for (auto it = page.senderNames.cbegin(); it != page.senderNames.cend(); ++it)
        m_names.insert(it.key(), it.value());
    m_quoted.insert(page.quoted);
    qint64 readUpTo = m_otherReadUpTo;
    for (const chat::Participant &p : page.participants) {
        if (!isOutgoing(p.actor))
            readUpTo = std::max(readUpTo, p.lastReadMessageId);
    }

    // Only what is older than every row: live events may have brought the newest already.
    const qint64 oldest =
        m_rows.isEmpty() ? std::numeric_limits<qint64>::max() : m_rows.constLast().message.id;
    QList<Row> older;
    for (auto it = page.messages.crbegin(); it != page.messages.crend(); ++it) {
        if (it->id < oldest)
            older.append({*it, false, true});
    }
    const int first = int(m_rows.size());
    if (!older.isEmpty()) {
        beginInsertRows({}, first, first + int(older.size()) - 1);
        m_rows.append(older);
        for (int row = int(m_rows.size()) - 1; row >= first; --row)
            regroup(row);
        endInsertRows();
        // The row that was the oldest has a neighbour now.
        if (first > 0) {
            const QList<int> roles = regroup(first - 1);
            if (!roles.isEmpty())
                Q_EMIT dataChanged(index(first - 1), index(first - 1), roles);
        }
    }
    m_firstPageArrived = true;
    setHasMore(page.hasMore);
    setLoading(false);
    if (readUpTo != m_otherReadUpTo) {
        const qint64 before = m_otherReadUpTo;
        m_otherReadUpTo = readUpTo;
        // Rows of the page were inserted knowing the new pointer; earlier rows may change.
        for (int row = 0; row < first; ++row) {
            const chat::Message &m = m_rows.at(row).message;
            if (isOutgoing(m.sender) && m.id > before && m.id <= readUpTo)
                Q_EMIT dataChanged(index(row), index(row), {ReadRole});
        }
    }
}

void MessageListModel::applyEvents(const chat::DomainEvents &events)
{
    if (!m_conversationId)
        return;
    QList<chat::Message> fresh;
    qint64 readUpTo = m_otherReadUpTo;
    bool typingChanged = false;
    const qint64 newest = newestId();
    for (const DomainEvent &event : events) {
        if (event.conversationId != m_conversationId)
            continue;
        switch (event.kind) {
        case DomainEvent::Kind::MessagePosted:
            // A sender new to the conversation (staff answering for the first time) is named
            // by the event, as the history page would name them.
            if (!event.senderName.isEmpty())
                m_names.insert(chat::actorKey(event.message.sender), event.senderName);
            if (event.message.id > newest &&
                (fresh.isEmpty() || event.message.id > fresh.constLast().id))
                fresh.append(event.message);
            if (m_typing.removeAll(event.message.sender) > 0)
                typingChanged = true;
            break;
        case DomainEvent::Kind::MessagesRead:
            if (!isOutgoing(event.actor))
                readUpTo = std::max(readUpTo, event.messageId);
            break;
        case DomainEvent::Kind::Typing:
            if (isOutgoing(event.actor))
                break;
            if (event.flag && !m_typing.contains(event.actor)) {
                m_typing.append(event.actor);
                typingChanged = true;
            } else if (!event.flag && m_typing.removeAll(event.actor) > 0) {
                typingChanged = true;
            }
            break;
        default:
            break;
        }
    }

    if (!fresh.isEmpty()) {
        QList<Row> rows;
        for (auto it = fresh.crbegin(); it != fresh.crend(); ++it)
            rows.append({*it, false, true});
        beginInsertRows({}, 0, int(rows.size()) - 1);
        m_rows = rows + m_rows;
        for (int row = int(rows.size()) - 1; row >= 0; --row)
            regroup(row);
        endInsertRows();
        const bool incoming = std::any_of(fresh.cbegin(), fresh.cend(),
                                          [this](const auto &m) { return !isOutgoing(m.sender); });
        if (incoming)
            Q_EMIT incomingMessages(m_conversationId, fresh.constLast().id);
    }

    if (readUpTo > m_otherReadUpTo) {
        const qint64 before = m_otherReadUpTo;
        m_otherReadUpTo = readUpTo;
        // One dataChanged per run of outgoing rows whose tick turned.
        int runStart = -1;
        for (int row = 0; row <= m_rows.size(); ++row) {
            bool turned = false;
            if (row < m_rows.size()) {
                const chat::Message &m = m_rows.at(row).message;
                turned = isOutgoing(m.sender) && m.id > before && m.id <= readUpTo;
            }
            if (turned && runStart < 0)
                runStart = row;
            if (!turned && runStart >= 0) {
                Q_EMIT dataChanged(index(runStart), index(row - 1), {ReadRole});
                runStart = -1;
            }
        }
    }
    if (typingChanged)
        Q_EMIT typingTextChanged();
}

void MessageListModel::setLoading(bool loading)
{
    if (loading == m_loading)
        return;
    m_loading = loading;
    Q_EMIT loadingChanged();
}

void MessageListModel::setHasMore(bool hasMore)
{
    if (hasMore == m_hasMore)
        return;
    m_hasMore = hasMore;
    Q_EMIT hasOlderChanged();
}

void MessageListModel::setMediaAccess(const QString &serverUrl, const QString &token)
{
    if (serverUrl == m_serverUrl && token == m_mediaToken)
        return;
    m_serverUrl = serverUrl;
    m_mediaToken = token;
    if (!m_rows.isEmpty())
        Q_EMIT dataChanged(index(0), index(int(m_rows.size()) - 1), {MediaSourceRole});
}

} // namespace lobby::ui
