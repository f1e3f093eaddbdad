#include "ui/conversationfiltermodel.h"

#include "ui/conversationlistmodel.h"

#include <algorithm>

namespace lobby::ui {

ConversationFilterModel::ConversationFilterModel(QObject *parent) : QAbstractProxyModel(parent)
{
    for (auto signal : {&QAbstractItemModel::rowsInserted, &QAbstractItemModel::rowsRemoved})
        connect(this, signal, this, &ConversationFilterModel::countChanged);
    connect(this, &QAbstractItemModel::modelReset, this, &ConversationFilterModel::countChanged);
    connect(this, &QAbstractItemModel::layoutChanged, this, &ConversationFilterModel::countChanged);
}

void ConversationFilterModel::setFilter(Filter filter)
{
    if (filter == m_filter)
        return;
    m_filter = filter;
    refilter();
    Q_EMIT filterChanged();
}

void ConversationFilterModel::setViewerId(qint64 id)
{
    if (id == m_viewerId)
        return;
    m_viewerId = id;
    refilter();
    Q_EMIT viewerIdChanged();
}

void ConversationFilterModel::setSearchText(const QString &text)
{
    const QString trimmed = text.trimmed();
    if (trimmed == m_searchText)
        return;
    m_searchText = trimmed;
    m_searchMatches.clear();
    refilter();
    Q_EMIT searchTextChanged();
}

void ConversationFilterModel::setSearchMatches(const QString &forText,
                                               const QList<qint64> &conversationIds)
{
    // An answer to an older query is dropped.
    if (forText.trimmed() != m_searchText)
        return;
    m_searchMatches = QSet<qint64>(conversationIds.cbegin(), conversationIds.cend());
    refilter();
}

qint64 ConversationFilterModel::conversationIdAt(int row) const
{
    return data(index(row, 0), ConversationListModel::IdRole).toLongLong();
}

QString ConversationFilterModel::waitingText(const QDateTime &since, const QDateTime &now)
{
    if (!since.isValid())
        return {};
    const qint64 minutes =
        std::max<qint64>(0, since.secsTo(now.isValid() ? now : QDateTime::currentDateTime())) / 60;
    if (minutes < 1)
        return tr("< 1 min");
    if (minutes < 60)
        return tr("%1 min").arg(minutes);
    if (minutes < 24 * 60)
        return minutes % 60 ? tr("%1 h %2 min").arg(minutes / 60).arg(minutes % 60)
                            : tr("%1 h").arg(minutes / 60);
    return tr("%1 d").arg(minutes / (24 * 60));
}

int ConversationFilterModel::rowOfConversation(qint64 conversationId) const
{
    for (int row = 0; row < rowCount(); ++row) {
        if (conversationIdAt(row) == conversationId)
            return row;
    }
    return -1;
}

// ---- the proxy

void ConversationFilterModel::setSourceModel(QAbstractItemModel *source)
{
    beginResetModel();
    for (const auto &connection : std::as_const(m_connections))
        disconnect(connection);
    m_connections.clear();
    QAbstractProxyModel::setSourceModel(source);
    m_rows.clear();
    if (source) {
        m_connections = {
            connect(source, &QAbstractItemModel::rowsInserted, this,
                    &ConversationFilterModel::onRowsInserted),
            connect(source, &QAbstractItemModel::rowsAboutToBeRemoved, this,
                    &ConversationFilterModel::onRowsAboutToBeRemoved),
            connect(source, &QAbstractItemModel::rowsRemoved, this,
                    &ConversationFilterModel::onRowsRemoved),
            connect(source, &QAbstractItemModel::rowsAboutToBeMoved, this,
                    &ConversationFilterModel::onRowsAboutToBeMoved),
            connect(source, &QAbstractItemModel::rowsMoved, this,
                    &ConversationFilterModel::onRowsMoved),
            connect(source, &QAbstractItemModel::dataChanged, this,
                    &ConversationFilterModel::onDataChanged),
            connect(source, &QAbstractItemModel::modelAboutToBeReset, this,
                    [this] { beginResetModel(); }),
            connect(source, &QAbstractItemModel::modelReset, this,
                    [this] {
                        m_rows.clear();
                        for (int row = 0; row < sourceModel()->rowCount(); ++row) {
                            if (accepts(row))
                                m_rows.append(row);
                        }
                        endResetModel();
                    }),
            // The inbox never changes its layout; should a source do so, start again.
            connect(source, &QAbstractItemModel::layoutChanged, this,
                    [this] {
                        beginResetModel();
                        m_rows.clear();
                        for (int row = 0; row < sourceModel()->rowCount(); ++row) {
                            if (accepts(row))
                                m_rows.append(row);
                        }
                        endResetModel();
                    }),
        };
        for (int row = 0; row < source->rowCount(); ++row) {
            if (accepts(row))
                m_rows.append(row);
        }
    }
    endResetModel();
}

QModelIndex ConversationFilterModel::mapToSource(const QModelIndex &proxyIndex) const
{
    if (!proxyIndex.isValid() || !sourceModel() || proxyIndex.row() >= m_rows.size())
        return {};
    return sourceModel()->index(m_rows.at(proxyIndex.row()), proxyIndex.column());
}

QModelIndex ConversationFilterModel::mapFromSource(const QModelIndex &sourceIndex) const
{
    if (!sourceIndex.isValid() || sourceIndex.model() != sourceModel())
        return {};
    const int row = lowerBound(sourceIndex.row());
    if (row >= m_rows.size() || m_rows.at(row) != sourceIndex.row())
        return {};
    return createIndex(row, sourceIndex.column());
}

QModelIndex ConversationFilterModel::index(int row, int column, const QModelIndex &parent) const
{
    if (parent.isValid() || row < 0 || row >= m_rows.size() || column < 0 ||
        column >= columnCount())
        return {};
    return createIndex(row, column);
}

QModelIndex ConversationFilterModel::parent(const QModelIndex &) const
{
    return {};
}

int ConversationFilterModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int ConversationFilterModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() || !sourceModel() ? 0 : sourceModel()->columnCount();
}

int ConversationFilterModel::lowerBound(int sourceRow) const
{
    return int(std::lower_bound(m_rows.cbegin(), m_rows.cend(), sourceRow) - m_rows.cbegin());
}

void ConversationFilterModel::refilter()
{
    if (!sourceModel())
        return;
    // Leaving rows first (from the bottom, so rows above keep their numbers), then joining ones.
    for (int row = int(m_rows.size()) - 1; row >= 0; --row) {
        if (!accepts(m_rows.at(row))) {
            beginRemoveRows({}, row, row);
            m_rows.removeAt(row);
            endRemoveRows();
        }
    }
    for (int source = 0; source < sourceModel()->rowCount(); ++source) {
        const int row = lowerBound(source);
        if ((row < m_rows.size() && m_rows.at(row) == source) || !accepts(source))
            continue;
        beginInsertRows({}, row, row);
        m_rows.insert(row, source);
        endInsertRows();
    }
}

void ConversationFilterModel::onRowsInserted(const QModelIndex &parent, int first, int last)
{
    if (parent.isValid())
        return;
    const int count = last - first + 1;
    for (int &row : m_rows) {
        if (row >= first)
            row += count;
    }
    for (int source = first; source <= last; ++source) {
        if (!accepts(source))
            continue;
        const int row = lowerBound(source);
        beginInsertRows({}, row, row);
        m_rows.insert(row, source);
        endInsertRows();
    }
}

void ConversationFilterModel::onRowsAboutToBeRemoved(const QModelIndex &parent, int first, int last)
{
    if (parent.isValid())
        return;
    const int from = lowerBound(first);
    const int to = lowerBound(last + 1) - 1;
    if (from > to)
        return;
    beginRemoveRows({}, from, to);
    m_rows.remove(from, to - from + 1);
    endRemoveRows();
}

void ConversationFilterModel::onRowsRemoved(const QModelIndex &parent, int first, int last)
{
    if (parent.isValid())
        return;
    const int count = last - first + 1;
    for (int &row : m_rows) {
        if (row > last)
            row -= count;
    }
}

void ConversationFilterModel::onRowsAboutToBeMoved(const QModelIndex &parent, int first, int last,
                                                   const QModelIndex &destination,
                                                   int destinationRow)
{
    if (parent.isValid() || destination.isValid())
        return;
    // The accepted rows of the block move together, in front of the accepted rows that were in
    // front of destinationRow (numbers before the move, as beginMoveRows wants them too).
    const int from = lowerBound(first);
    const int to = lowerBound(last + 1) - 1;
    const int target = lowerBound(destinationRow);
    m_moving = from <= to && (target < from || target > to + 1);
    if (m_moving)
        beginMoveRows({}, from, to, {}, target);
}

void ConversationFilterModel::onRowsMoved(const QModelIndex &parent, int first, int last,
                                          const QModelIndex &destination, int destinationRow)
{
    if (parent.isValid() || destination.isValid())
        return;
    // Where each source row went: the block to its new place, the rows in between shift over.
    const int count = last - first + 1;
    const auto moved = [=](int row) {
        if (destinationRow > last) { // down
            if (row >= first && row <= last)
                return row + (destinationRow - last - 1);
            if (row > last && row < destinationRow)
                return row - count;
        } else { // up
            if (row >= first && row <= last)
                return row - (first - destinationRow);
            if (row >= destinationRow && row < first)
                return row + count;
        }
        return row;
    };
    for (int &row : m_rows)
        row = moved(row);
    std::sort(m_rows.begin(), m_rows.end());
    if (m_moving)
        endMoveRows();
    m_moving = false;
}

void ConversationFilterModel::onDataChanged(const QModelIndex &topLeft,
                                            const QModelIndex &bottomRight, const QList<int> &roles)
{
    if (topLeft.parent().isValid())
        return;
    for (int source = topLeft.row(); source <= bottomRight.row(); ++source) {
        const int row = lowerBound(source);
        const bool shown = row < m_rows.size() && m_rows.at(row) == source;
        const bool wanted = accepts(source);
        if (shown && wanted) {
            const QModelIndex at = index(row, 0);
            Q_EMIT dataChanged(at, at.siblingAtColumn(columnCount() - 1), roles);
        } else if (shown) {
            beginRemoveRows({}, row, row);
            m_rows.removeAt(row);
            endRemoveRows();
        } else if (wanted) {
            beginInsertRows({}, row, row);
            m_rows.insert(row, source);
            endInsertRows();
        }
    }
}

bool ConversationFilterModel::accepts(int sourceRow) const
{
    const QModelIndex at = sourceModel()->index(sourceRow, 0);
    const bool archived = at.data(ConversationListModel::ArchivedRole).toBool();
    const qint64 handler = at.data(ConversationListModel::HandlerIdRole).toLongLong();
    const QString status = at.data(ConversationListModel::StatusRole).toString();
    const bool inHand = status == u"open" || status == u"pending";
    bool accepted = false;
    switch (m_filter) {
    case Open:
        accepted = !archived && inHand;
        break;
    case Mine:
        accepted = !archived && inHand && m_viewerId != 0 && handler == m_viewerId;
        break;
    case Unassigned:
        accepted = !archived && inHand && handler == 0;
        break;
    case Archived:
        accepted = archived;
        break;
    case Snoozed:
        accepted = !archived && status == u"snoozed";
        break;
    case Resolved:
        accepted = !archived && status == u"resolved";
        break;
    }
    if (!accepted || m_searchText.isEmpty())
        return accepted;
    const qint64 id = at.data(ConversationListModel::IdRole).toLongLong();
    return m_searchMatches.contains(id) ||
           at.data(ConversationListModel::TitleRole)
               .toString()
               .contains(m_searchText, Qt::CaseInsensitive) ||
           at.data(ConversationListModel::PreviewRole)
               .toString()
               .contains(m_searchText, Qt::CaseInsensitive);
}

} // namespace lobby::ui
