#pragma once

#include <QAbstractProxyModel>
#include <QList>
#include <QSet>

namespace lobby::ui {

// The inbox as the console shows it: one of the filters Open / Mine / Unassigned / Snoozed /
// Resolved / Archived, and a
// search over titles (here) and message text (ids found by a store query, see searchMatches).
// Keeps the source's order (newest activity first); rows come and go one by one.
// A flat proxy of its own rather than a QSortFilterProxyModel: that one turns every row move of
// the source (a conversation with a new message going to the top) into a layoutChanged, which
// makes QML's ListView destroy and create every delegate; moves are passed on as moves here.
class ConversationFilterModel : public QAbstractProxyModel
{
    Q_OBJECT
    Q_PROPERTY(Filter filter READ filter WRITE setFilter NOTIFY filterChanged)
    Q_PROPERTY(qint64 viewerId READ viewerId WRITE setViewerId NOTIFY viewerIdChanged)
    Q_PROPERTY(QString searchText READ searchText WRITE setSearchText NOTIFY searchTextChanged)
    Q_PROPERTY(int count READ count NOTIFY countChanged)

public:
    enum Filter
    {
        Open,       // open or pending (waiting on the guest), not archived
        Mine,       // open or pending, handled by the viewer, not archived
        Unassigned, // open or pending, nobody handles it yet, not archived
        Archived,   // archived ones only
        Snoozed,    // snoozed, not archived
        Resolved,   // resolved, not archived
        All = Open, // the name of the first filter before there were statuses
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
    // How long a guest has been waiting for an answer at `now`: "4 min", "2 h 5 min", "3 d";
    // empty when nobody is waiting.
    Q_INVOKABLE static QString waitingText(const QDateTime &since, const QDateTime &now);
    Q_INVOKABLE int rowOfConversation(qint64 conversationId) const;

    void setSourceModel(QAbstractItemModel *source) override;
    QModelIndex mapToSource(const QModelIndex &proxyIndex) const override;
    QModelIndex mapFromSource(const QModelIndex &sourceIndex) const override;
    QModelIndex index(int row, int column, const QModelIndex &parent = {}) const override;
    QModelIndex parent(const QModelIndex &child) const override;
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;

Q_SIGNALS:
    void filterChanged();
    void viewerIdChanged();
    void searchTextChanged();
    void countChanged();

private:
    bool accepts(int sourceRow) const;
    // The first proxy row whose source row is >= sourceRow.
    int lowerBound(int sourceRow) const;
    // Filters everything again; rows that leave or join are removed and inserted one by one.
    void refilter();
    void onRowsInserted(const QModelIndex &parent, int first, int last);
    void onRowsAboutToBeRemoved(const QModelIndex &parent, int first, int last);
    void onRowsRemoved(const QModelIndex &parent, int first, int last);
    void onRowsAboutToBeMoved(const QModelIndex &parent, int first, int last,
                              const QModelIndex &destination, int destinationRow);
    void onRowsMoved(const QModelIndex &parent, int first, int last, const QModelIndex &destination,
                     int destinationRow);
    void onDataChanged(const QModelIndex &topLeft, const QModelIndex &bottomRight,
                       const QList<int> &roles);

    QList<int> m_rows; // the accepted source rows, ascending: proxy row -> source row
    QList<QMetaObject::Connection> m_connections;
    bool m_moving = false; // between rowsAboutToBeMoved and rowsMoved of a visible move
    Filter m_filter = All;
    qint64 m_viewerId = 0;
    QString m_searchText;
    QSet<qint64> m_searchMatches;
};

} // namespace lobby::ui
