#pragma once

#include <QSet>
#include <QSortFilterProxyModel>

namespace lobby::ui {

// The inbox as the console shows it: one of the filters All / Mine / Unassigned / Archived, and a
// search over titles (here) and message text (ids found by a store query, see searchMatches).
// Keeps the source's order (newest activity first); rows come and go one by one.
class ConversationFilterModel : public QSortFilterProxyModel
{
    Q_OBJECT
    Q_PROPERTY(Filter filter READ filter WRITE setFilter NOTIFY filterChanged)
    Q_PROPERTY(qint64 viewerId READ viewerId WRITE setViewerId NOTIFY viewerIdChanged)
    Q_PROPERTY(QString searchText READ searchText WRITE setSearchText NOTIFY searchTextChanged)
    Q_PROPERTY(int count READ count NOTIFY countChanged)

public:
    enum Filter
    {
        All,        // every conversation that is not archived
        Mine,       // handled by the viewer, not archived
        Unassigned, // nobody handles it yet, not archived
        Archived,   // archived ones only
    };
    Q_ENUM(Filter)

    explicit ConversationFilterModel(QObject *parent = nullptr);

    Filter filter() const { return m_filter; }
    void setFilter(Filter filter);
    qint64 viewerId() const { return m_viewerId; }
    void setViewerId(qint64 id);
    QString searchText() const { return m_searchText; }
    void setSearchText(const QString &text);
    // Conversations whose messages match searchText (from the store, answered asynchronously).
    void setSearchMatches(const QString &forText, const QList<qint64> &conversationIds);
    int count() const { return rowCount(); }

    Q_INVOKABLE qint64 conversationIdAt(int row) const;
    Q_INVOKABLE int rowOfConversation(qint64 conversationId) const;

Q_SIGNALS:
    void filterChanged();
    void viewerIdChanged();
    void searchTextChanged();
    void countChanged();

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;

private:
    Filter m_filter = All;
    qint64 m_viewerId = 0;
    QString m_searchText;
    QSet<qint64> m_searchMatches;
};

} // namespace lobby::ui
