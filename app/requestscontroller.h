#pragma once

#include "chat/requests.h"
#include "coretasks.h"
#include "ui/requestlistmodel.h"

#include <QObject>
#include <QQmlEngine>
#include <QStringList>

#include <atomic>
#include <memory>

namespace lobby::app {

class Core;
class ConsoleController;

// The console's Requests view (as `requests` in QML): the signed-in site's requests in three
// columns (open, in progress, finished), filters by category and department, and the staff
// actions on them. Lives in the GUI thread; reads and writes run in the core thread through
// ChatService, and every RequestUpdated event of the site updates the columns.
class RequestsController : public QObject
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("created by the application")
    Q_PROPERTY(lobby::ui::RequestListModel *open READ openModel CONSTANT)
    Q_PROPERTY(lobby::ui::RequestListModel *inProgress READ inProgressModel CONSTANT)
    Q_PROPERTY(lobby::ui::RequestListModel *finished READ finishedModel CONSTANT)
    // Names and labels of the site's categories, in the same order.
    Q_PROPERTY(QStringList categoryNames READ categoryNames NOTIFY categoriesChanged)
    Q_PROPERTY(QStringList categoryLabels READ categoryLabels NOTIFY categoriesChanged)
    Q_PROPERTY(QStringList departments READ departments NOTIFY categoriesChanged)
    // The filters' choices: "All …" first, then the labels / departments.
    Q_PROPERTY(QStringList categoryChoices READ categoryChoices NOTIFY categoriesChanged)
    Q_PROPERTY(QStringList departmentChoices READ departmentChoices NOTIFY categoriesChanged)
    Q_PROPERTY(
        QString categoryFilter READ categoryFilter WRITE setCategoryFilter NOTIFY filterChanged)
    Q_PROPERTY(QString departmentFilter READ departmentFilter WRITE setDepartmentFilter NOTIFY
                   filterChanged)
    // Open and in-progress requests of the site, whatever the filters.
    Q_PROPERTY(int activeCount READ activeCount NOTIFY activeCountChanged)

public:
    explicit RequestsController(Core &core, QObject *parent = nullptr);
    ~RequestsController() override;

    ui::RequestListModel *openModel() { return &m_open; }
    ui::RequestListModel *inProgressModel() { return &m_inProgress; }
    ui::RequestListModel *finishedModel() { return &m_finished; }
    QStringList categoryNames() const { return m_categoryNames; }
    QStringList categoryLabels() const { return m_categoryLabels; }
    QStringList departments() const { return m_departments; }
    QStringList categoryChoices() const
    {
        return QStringList{tr("All categories")} + m_categoryLabels;
    }
    QStringList departmentChoices() const
    {
        return QStringList{tr("All departments")} + m_departments;
    }
    QString categoryFilter() const { return m_categoryFilter; }
    void setCategoryFilter(const QString &category);
    QString departmentFilter() const { return m_departmentFilter; }
    void setDepartmentFilter(const QString &department);
    int activeCount() const { return m_activeCount; }

    // Follows the console's sign-in: the signed-in staff member's site, or nothing.
    void follow(ConsoleController &console);
    void start(qint64 siteId, qint64 staffId);
    void stop();

    // The staff member takes it (in progress, assigned to them), finishes or cancels it.
    Q_INVOKABLE void take(qint64 requestId);
    Q_INVOKABLE void finish(qint64 requestId);
    Q_INVOKABLE void cancel(qint64 requestId);
    // "Make a request" from a message of the open conversation.
    Q_INVOKABLE void makeRequest(qint64 conversationId, const QString &category,
                                 const QString &details, qint64 messageId);
    // Picks a filter by its row in categoryChoices / departmentChoices (0: all).
    Q_INVOKABLE void chooseCategory(int choice);
    Q_INVOKABLE void chooseDepartment(int choice);
    // Moves every column's clock (waiting times, amber and red).
    Q_INVOKABLE void tick();

Q_SIGNALS:
    void categoriesChanged();
    void filterChanged();
    void activeCountChanged();
    // A new request for the signed-in staff member's department (or for everyone).
    void newRequest(const QString &title, const QString &text);
    void notice(const QString &text, bool error);

private:
    void change(qint64 requestId, const chat::RequestChange &change);
    void onRequest(const chat::ServiceRequest &request, bool ring);
    void applied(const chat::ServiceRequest &request);
    void updateActiveCount();

    Core &m_core;
    std::shared_ptr<std::atomic_bool> m_alive = std::make_shared<std::atomic_bool>(true);
    ui::RequestListModel m_open{{chat::RequestStatus::Open}};
    ui::RequestListModel m_inProgress{{chat::RequestStatus::InProgress}};
    ui::RequestListModel m_finished{{chat::RequestStatus::Done, chat::RequestStatus::Cancelled}};
    QHash<qint64, chat::RequestStatus> m_statuses; // every request's status, for activeCount
    QStringList m_categoryNames;
    QStringList m_categoryLabels;
    QStringList m_departments;
    QString m_categoryFilter;
    QString m_departmentFilter;
    int m_activeCount = 0;
    qint64 m_siteId = 0;
    qint64 m_staffId = 0;
    QObject *m_relay = nullptr; // lives in, and is only touched from, the core thread
    CoreTasks m_tasks;          // last: stops before the models go
};

} // namespace lobby::app
