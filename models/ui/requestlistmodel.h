#pragma once

#include "chat/requests.h"

#include <QAbstractListModel>
#include <QDateTime>
#include <QHash>
#include <QSet>

namespace lobby::ui {

// One column of the console's Requests view: the requests in some statuses, narrowed by
// category and department, oldest first (the longest waiting on top). apply() takes every
// change of the site's requests and inserts, updates or removes the one row it concerns.
// How long a request has been open, and whether that is past its category's amber or red
// threshold, are roles computed against `now` (set by a timer), so QML only binds.
class RequestListModel : public QAbstractListModel
{
    Q_OBJECT
    Q_PROPERTY(int count READ count NOTIFY countChanged)
    Q_PROPERTY(QDateTime now READ now WRITE setNow NOTIFY nowChanged)

public:
    enum Role
    {
        RequestIdRole = Qt::UserRole + 1,
        ConversationIdRole, // the conversation it belongs to, one click away
        TitleRole,          // what was asked ("Extra towels")
        WhereRole,          // "Room 101" or the place ("Pool")
        CategoryRole,       // wire name
        CategoryLabelRole,
        StatusRole, // open, in_progress, done, cancelled
        DepartmentRole,
        AssigneeNameRole, // empty while nobody took it
        CreatedAtRole,
        WaitingRole, // "12 min", "1 h 5 min": open for so long (until done for finished ones)
        UrgencyRole, // 0 fine, 1 past the category's amber threshold, 2 past red
        SummaryRole, // "Room 101 · Transport · Front desk" (a department named like its
                     // category is said once)
    };
    Q_ENUM(Role)

    explicit RequestListModel(QList<chat::RequestStatus> statuses, QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;
    int count() const { return int(m_rows.size()); }
    QDateTime now() const { return m_now; }
    void setNow(const QDateTime &now);

    // Thresholds in minutes by category name.
    void setThresholds(const QHash<QString, QPair<int, int>> &thresholds);
    // Empty: every category / department.
    void setFilter(const QString &category, const QString &department);
    void reset(const QList<chat::ServiceRequest> &requests);
    void apply(const chat::ServiceRequest &request);
    Q_INVOKABLE qint64 requestIdAt(int row) const;

Q_SIGNALS:
    void countChanged();
    void nowChanged();

private:
    bool accepts(const chat::ServiceRequest &request) const;
    int rowOf(qint64 requestId) const;
    // Where a request goes to keep the rows oldest first.
    int insertionRow(const chat::ServiceRequest &request) const;
    int urgency(const chat::ServiceRequest &request) const;

    QList<chat::RequestStatus> m_statuses;
    QString m_category;
    QString m_department;
    QHash<QString, QPair<int, int>> m_thresholds;
    QList<chat::ServiceRequest> m_all; // every request given, to refilter without a query
    QList<chat::ServiceRequest> m_rows;
    QDateTime m_now = QDateTime::currentDateTimeUtc();
};

} // namespace lobby::ui
