// Store queries of guest requests: categories, places, staff departments and the requests.
#include "store/store.h"

#include "store/rows.h"

namespace lobby::store {

using namespace lobby::chat;
using namespace rows;

namespace {

#define CATEGORY_COLUMNS                                                                           \
    "id, site_id, name, label, department, amber_minutes, red_minutes, position"
RequestCategory readCategory(const QSqlQuery &q)
{
    RequestCategory c;
    c.id = q.value(0).toLongLong();
    c.siteId = q.value(1).toLongLong();
    c.name = q.value(2).toString();
    c.label = q.value(3).toString();
    c.department = q.value(4).toString();
    c.amberMinutes = q.value(5).toInt();
    c.redMinutes = q.value(6).toInt();
    c.position = q.value(7).toInt();
    return c;
}

#define PLACE_COLUMNS "id, site_id, name, token, created_at"
Place readPlace(const QSqlQuery &q)
{
    return {q.value(0).toLongLong(), q.value(1).toLongLong(), q.value(2).toString(),
            q.value(3).toString(), fromDb(q.value(4))};
}

// The request with what readers show beside it: room number, place name, category label.
#define REQUEST_SELECT                                                                             \
    "SELECT r.id, r.site_id, r.conversation_id, r.room_id, r.place_id, r.category, r.details, "    \
    "r.status, r.department, r.assignee_id, r.created_by_kind, r.created_by_id, r.message_id, "    \
    "r.created_at, r.updated_at, r.done_at, rm.number, p.name, rc.label "                          \
    "FROM service_requests r LEFT JOIN rooms rm ON rm.id = r.room_id "                             \
    "LEFT JOIN places p ON p.id = r.place_id "                                                     \
    "LEFT JOIN request_categories rc ON rc.site_id = r.site_id AND rc.name = r.category "
ServiceRequest readRequest(const QSqlQuery &q)
{
    ServiceRequest r;
    r.id = q.value(0).toLongLong();
    r.siteId = q.value(1).toLongLong();
    r.conversationId = q.value(2).toLongLong();
    r.roomId = q.value(3).toLongLong();
    r.placeId = q.value(4).toLongLong();
    r.category = q.value(5).toString();
    r.details = q.value(6).toString();
    r.status = requestStatusFromString(q.value(7).toString()).value_or(RequestStatus::Open);
    r.department = q.value(8).toString();
    r.assigneeId = q.value(9).toLongLong();
    r.createdBy = {actorKindFromString(q.value(10).toString()).value_or(ActorKind::System),
                   q.value(11).toLongLong()};
    r.messageId = q.value(12).toLongLong();
    r.createdAt = fromDb(q.value(13));
    r.updatedAt = fromDb(q.value(14));
    r.doneAt = fromDb(q.value(15));
    r.roomNumber = q.value(16).toString();
    r.placeName = q.value(17).toString();
    // A category removed later still names its requests.
    r.categoryLabel = q.value(18).isNull() ? r.category : q.value(18).toString();
    return r;
}

} // namespace

QList<RequestCategory> Store::requestCategories(qint64 siteId)
{
    return all<RequestCategory>(run("SELECT " CATEGORY_COLUMNS " FROM request_categories "
                                    "WHERE site_id = ? ORDER BY position, id",
                                    {siteId}),
                                readCategory);
}

std::optional<RequestCategory> Store::requestCategory(qint64 siteId, const QString &name)
{
    return one<RequestCategory>(run("SELECT " CATEGORY_COLUMNS " FROM request_categories "
                                    "WHERE site_id = ? AND name = ?",
                                    {siteId, name}),
                                readCategory);
}

std::optional<qint64> Store::insertRequestCategory(const RequestCategory &c)
{
    return insertReturningId(
        "INSERT INTO request_categories (site_id, name, label, department, amber_minutes, "
        "red_minutes, position) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
        {c.siteId, c.name, c.label, text(c.department), c.amberMinutes, c.redMinutes, c.position});
}

bool Store::updateRequestCategory(const RequestCategory &c)
{
    return execute("UPDATE request_categories SET label = ?, department = ?, amber_minutes = ?, "
                   "red_minutes = ?, position = ? WHERE id = ?",
                   {c.label, text(c.department), c.amberMinutes, c.redMinutes, c.position, c.id});
}

bool Store::deleteRequestCategory(qint64 siteId, const QString &name)
{
    return execute("DELETE FROM request_categories WHERE site_id = ? AND name = ?", {siteId, name});
}

std::optional<qint64> Store::insertPlace(const Place &place)
{
    return insertReturningId(
        "INSERT INTO places (site_id, name, token, created_at) VALUES (?, ?, ?, ?) RETURNING id",
        {place.siteId, place.name, place.token, toDb(place.createdAt)});
}

QList<Place> Store::placesOfSite(qint64 siteId)
{
    return all<Place>(
        run("SELECT " PLACE_COLUMNS " FROM places WHERE site_id = ? ORDER BY name", {siteId}),
        readPlace);
}

std::optional<Place> Store::placeById(qint64 id)
{
    return one<Place>(run("SELECT " PLACE_COLUMNS " FROM places WHERE id = ?", {id}), readPlace);
}

std::optional<Place> Store::placeByToken(const QString &token)
{
    return one<Place>(run("SELECT " PLACE_COLUMNS " FROM places WHERE token = ?", {token}),
                      readPlace);
}

std::optional<Place> Store::placeByName(qint64 siteId, const QString &name)
{
    return one<Place>(
        run("SELECT " PLACE_COLUMNS " FROM places WHERE site_id = ? AND name = ?", {siteId, name}),
        readPlace);
}

bool Store::deletePlace(qint64 placeId)
{
    // Its requests and conversations stay (they are history); only the code stops working.
    return execute("UPDATE places SET token = ? WHERE id = ?",
                   {QStringLiteral("removed-%1").arg(placeId), placeId});
}

std::optional<Conversation> Store::openPlaceConversation(qint64 siteId, qint64 placeId)
{
    return one<Conversation>(run("SELECT " CONVERSATION_COLUMNS " FROM conversations c "
                                 "JOIN place_conversations pc ON pc.conversation_id = c.id "
                                 "WHERE c.site_id = ? AND pc.place_id = ? AND c.archived = 0 "
                                 "ORDER BY c.id DESC LIMIT 1",
                                 {siteId, placeId}),
                             readConversation);
}

bool Store::linkPlaceConversation(qint64 conversationId, qint64 placeId)
{
    return execute("INSERT INTO place_conversations (conversation_id, place_id) VALUES (?, ?)",
                   {conversationId, placeId});
}

bool Store::setStaffDepartment(qint64 accountId, const QString &department)
{
    if (department.isEmpty())
        return execute("DELETE FROM staff_departments WHERE account_id = ?", {accountId});
    return execute("INSERT INTO staff_departments (account_id, department) VALUES (?, ?) "
                   "ON CONFLICT (account_id) DO UPDATE SET department = excluded.department",
                   {accountId, department});
}

QString Store::staffDepartment(qint64 accountId)
{
    return one<QString>(
               run("SELECT department FROM staff_departments WHERE account_id = ?", {accountId}),
               [](const QSqlQuery &q) { return q.value(0).toString(); })
        .value_or(QString());
}

QList<qint64> Store::staffOfDepartment(qint64 siteId, const QString &department)
{
    return all<qint64>(run("SELECT a.id FROM accounts a JOIN staff_departments d "
                           "ON d.account_id = a.id WHERE a.site_id = ? AND a.kind = ? "
                           "AND d.department = ? ORDER BY a.id",
                           {siteId, wireName(AccountKind::Staff), department}),
                       rows::readInt64);
}

std::optional<qint64> Store::insertRequest(const ServiceRequest &r)
{
    return insertReturningId(
        "INSERT INTO service_requests (site_id, conversation_id, room_id, place_id, category, "
        "details, status, department, assignee_id, created_by_kind, created_by_id, message_id, "
        "created_at, updated_at, done_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "RETURNING id",
        {r.siteId, r.conversationId, nullIfZero(r.roomId), nullIfZero(r.placeId), r.category,
         r.details, wireName(r.status), text(r.department), nullIfZero(r.assigneeId),
         wireName(r.createdBy.kind), r.createdBy.id, nullIfZero(r.messageId), toDb(r.createdAt),
         toDb(r.updatedAt), toDb(r.doneAt)});
}

bool Store::updateRequest(const ServiceRequest &r)
{
    return execute("UPDATE service_requests SET status = ?, department = ?, assignee_id = ?, "
                   "updated_at = ?, done_at = ? WHERE id = ?",
                   {wireName(r.status), text(r.department), nullIfZero(r.assigneeId),
                    toDb(r.updatedAt), toDb(r.doneAt), r.id});
}

std::optional<ServiceRequest> Store::requestById(qint64 id)
{
    return one<ServiceRequest>(run(REQUEST_SELECT "WHERE r.id = ?", {id}), readRequest);
}

QList<ServiceRequest> Store::requestsOfConversation(qint64 conversationId, int limit)
{
    return all<ServiceRequest>(run(REQUEST_SELECT
                                   "WHERE r.conversation_id = ? ORDER BY r.id DESC LIMIT ?",
                                   {conversationId, limit}),
                               readRequest);
}

QList<ServiceRequest> Store::requestsOfSite(qint64 siteId, const RequestFilter &filter)
{
    // One statement for every filter: an empty value matches everything. Requests still to do
    // come first, oldest first (the longest waiting on top); finished ones after, newest first.
    const QString status = filter.status ? wireName(*filter.status) : QString();
    return all<ServiceRequest>(
        run(REQUEST_SELECT "WHERE r.site_id = ? AND (? = '' OR r.status = ?) "
                           "AND (? = '' OR r.category = ?) AND (? = '' OR r.department = ?) "
                           "ORDER BY CASE WHEN r.done_at IS NULL THEN 0 ELSE 1 END, "
                           "CASE WHEN r.done_at IS NULL THEN r.created_at ELSE -r.created_at END, "
                           "r.id LIMIT ?",
            {siteId, text(status), text(status), text(filter.category), text(filter.category),
             text(filter.department), text(filter.department), filter.limit}),
        readRequest);
}

} // namespace lobby::store
