#include "requestscontroller.h"

#include "chat/chatservice.h"
#include "consolecontroller.h"
#include "core.h"

namespace lobby::app {

using namespace lobby::chat;

RequestsController::RequestsController(Core &core, QObject *parent)
    : QObject(parent), m_core(core), m_tasks(core, this)
{}

RequestsController::~RequestsController()
{
    // The relay's events check the flag; the one being handled now is done after runBlocking.
    *m_alive = false;
    m_tasks.stop();
    m_core.runBlocking([this](CoreRuntime &) {
        delete m_relay;
        m_relay = nullptr;
    });
}

void RequestsController::follow(ConsoleController &console)
{
    connect(&console, &ConsoleController::signedInChanged, this, [this, &console] {
        if (!console.signedIn())
            return stop();
        start(console.site().value(QStringLiteral("id")).toLongLong(),
              console.staff().value(QStringLiteral("id")).toLongLong());
    });
}

void RequestsController::start(qint64 siteId, qint64 staffId)
{
    m_siteId = siteId;
    m_staffId = staffId;
    struct Snapshot
    {
        QList<ServiceRequest> requests;
        QList<RequestCategory> categories;
    };
    std::shared_ptr<std::atomic_bool> alive = m_alive;
    m_tasks
        .run([this, alive, siteId, staffId](CoreRuntime &runtime) {
            ChatService &chat = runtime.chat();
            // Subscribe before the snapshot: later events are applied on top of it.
            delete m_relay;
            m_relay = new QObject(&runtime);
            connect(&chat, &ChatService::event, m_relay,
                    [this, alive, &chat, siteId, staffId](const DomainEvent &event) {
                        if (event.kind != DomainEvent::Kind::RequestUpdated ||
                            event.siteId != siteId || !*alive)
                            return;
                        const bool ring =
                            event.flag &&
                            chat.staffToTell(siteId, event.request.department).contains(staffId);
                        QMetaObject::invokeMethod(this,
                                                  [this, alive, request = event.request, ring] {
                                                      if (*alive && request.siteId == m_siteId)
                                                          onRequest(request, ring);
                                                  });
                    });
            const auto requests = chat.requestsForStaff(siteId, {ActorKind::Staff, staffId}, {});
            return Snapshot{requests ? requests.value() : QList<ServiceRequest>(),
                            chat.requestCategories(siteId)};
        })
        .then([this, siteId](const Snapshot &snapshot) {
            if (siteId != m_siteId)
                return;
            m_categoryNames.clear();
            m_categoryLabels.clear();
            m_departments.clear();
            QHash<QString, QPair<int, int>> thresholds;
            for (const RequestCategory &c : snapshot.categories) {
                m_categoryNames << c.name;
                m_categoryLabels << c.label;
                if (!c.department.isEmpty() && !m_departments.contains(c.department))
                    m_departments << c.department;
                thresholds.insert(c.name, {c.amberMinutes, c.redMinutes});
            }
            m_statuses.clear();
            for (ui::RequestListModel *model : {&m_open, &m_inProgress, &m_finished}) {
                model->setThresholds(thresholds);
                model->reset(snapshot.requests);
            }
            for (const ServiceRequest &r : snapshot.requests)
                m_statuses.insert(r.id, r.status);
            updateActiveCount();
            Q_EMIT categoriesChanged();
        });
}

void RequestsController::onRequest(const ServiceRequest &request, bool ring)
{
    applied(request);
    if (ring)
        Q_EMIT newRequest(tr("New request · %1")
                              .arg(request.roomNumber.isEmpty()
                                       ? request.placeName
                                       : tr("Room %1").arg(request.roomNumber)),
                          request.details);
}

void RequestsController::stop()
{
    m_siteId = 0;
    m_staffId = 0;
    m_tasks.run([this](CoreRuntime &) {
        delete m_relay;
        m_relay = nullptr;
    });
    for (ui::RequestListModel *model : {&m_open, &m_inProgress, &m_finished})
        model->reset({});
    m_statuses.clear();
    updateActiveCount();
}

void RequestsController::applied(const ServiceRequest &request)
{
    for (ui::RequestListModel *model : {&m_open, &m_inProgress, &m_finished})
        model->apply(request);
    m_statuses.insert(request.id, request.status);
    updateActiveCount();
}

void RequestsController::updateActiveCount()
{
    int active = 0;
    for (RequestStatus status : std::as_const(m_statuses))
        active += isFinal(status) ? 0 : 1;
    if (active == m_activeCount)
        return;
    m_activeCount = active;
    Q_EMIT activeCountChanged();
}

void RequestsController::setCategoryFilter(const QString &category)
{
    if (category == m_categoryFilter)
        return;
    m_categoryFilter = category;
    for (ui::RequestListModel *model : {&m_open, &m_inProgress, &m_finished})
        model->setFilter(m_categoryFilter, m_departmentFilter);
    Q_EMIT filterChanged();
}

void RequestsController::setDepartmentFilter(const QString &department)
{
    if (department == m_departmentFilter)
        return;
    m_departmentFilter = department;
    for (ui::RequestListModel *model : {&m_open, &m_inProgress, &m_finished})
        model->setFilter(m_categoryFilter, m_departmentFilter);
    Q_EMIT filterChanged();
}

void RequestsController::chooseCategory(int choice)
{
    setCategoryFilter(choice > 0 && choice <= m_categoryNames.size()
                          ? m_categoryNames.at(choice - 1)
                          : QString());
}

void RequestsController::chooseDepartment(int choice)
{
    setDepartmentFilter(choice > 0 && choice <= m_departments.size() ? m_departments.at(choice - 1)
                                                                     : QString());
}

void RequestsController::change(qint64 requestId, const RequestChange &change)
{
    const qint64 siteId = m_siteId;
    const Actor staff{ActorKind::Staff, m_staffId};
    m_tasks
        .run([requestId, change, siteId, staff](CoreRuntime &runtime) {
            const auto changed = runtime.chat().updateRequest(siteId, staff, requestId, change);
            // A change that worked arrives as its RequestUpdated event.
            return changed ? QString() : changed.error().message;
        })
        .then([this](const QString &refusal) {
            if (!refusal.isEmpty())
                Q_EMIT notice(refusal, true);
        });
}

void RequestsController::take(qint64 requestId)
{
    change(requestId, {RequestStatus::InProgress, m_staffId, {}});
}

void RequestsController::finish(qint64 requestId)
{
    change(requestId, {RequestStatus::Done, {}, {}});
}

void RequestsController::cancel(qint64 requestId)
{
    change(requestId, {RequestStatus::Cancelled, {}, {}});
}

void RequestsController::makeRequest(qint64 conversationId, const QString &category,
                                     const QString &details, qint64 messageId)
{
    const Actor staff{ActorKind::Staff, m_staffId};
    m_tasks
        .run([conversationId, category, details, messageId, staff](CoreRuntime &runtime) {
            const auto made =
                runtime.chat().createRequest({conversationId, staff, category, details, messageId});
            return std::pair{bool(made), made ? tr("Request made: %1").arg(made->details)
                                              : made.error().message};
        })
        .then([this](const std::pair<bool, QString> &outcome) {
            Q_EMIT notice(outcome.second, !outcome.first);
        });
}

void RequestsController::tick()
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    for (ui::RequestListModel *model : {&m_open, &m_inProgress, &m_finished})
        model->setNow(now);
}

} // namespace lobby::app
