#include "ui/conversationfiltermodel.h"

#include "ui/conversationlistmodel.h"

namespace lobby::ui {

ConversationFilterModel::ConversationFilterModel(QObject *parent) : QSortFilterProxyModel(parent)
{
    // Filters are re-evaluated when these roles change (e.g. a conversation gets archived).
    setDynamicSortFilter(true);
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
    invalidateRowsFilter();
    Q_EMIT filterChanged();
}

void ConversationFilterModel::setViewerId(qint64 id)
{
    if (id == m_viewerId)
        return;
    m_viewerId = id;
    invalidateRowsFilter();
    Q_EMIT viewerIdChanged();
}

void ConversationFilterModel::setSearchText(const QString &text)
{
    const QString trimmed = text.trimmed();
    if (trimmed == m_searchText)
        return;
    m_searchText = trimmed;
    m_searchMatches.clear();
    invalidateRowsFilter();
    Q_EMIT searchTextChanged();
}

void ConversationFilterModel::setSearchMatches(const QString &forText,
                                               const QList<qint64> &conversationIds)
{
    // An answer to an older query is dropped.
    if (forText.trimmed() != m_searchText)
        return;
    m_searchMatches = QSet<qint64>(conversationIds.cbegin(), conversationIds.cend());
    invalidateRowsFilter();
}

qint64 ConversationFilterModel::conversationIdAt(int row) const
{
    return data(index(row, 0), ConversationListModel::IdRole).toLongLong();
}

int ConversationFilterModel::rowOfConversation(qint64 conversationId) const
{
    for (int row = 0; row < rowCount(); ++row) {
        if (conversationIdAt(row) == conversationId)
            return row;
    }
    return -1;
}

bool ConversationFilterModel::filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const
{
    const QModelIndex at = sourceModel()->index(sourceRow, 0, sourceParent);
    const bool archived = at.data(ConversationListModel::ArchivedRole).toBool();
    const qint64 handler = at.data(ConversationListModel::HandlerIdRole).toLongLong();
    bool accepted = false;
    switch (m_filter) {
    case All:
        accepted = !archived;
        break;
    case Mine:
        accepted = !archived && m_viewerId != 0 && handler == m_viewerId;
        break;
    case Unassigned:
        accepted = !archived && handler == 0;
        break;
    case Archived:
        accepted = archived;
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
