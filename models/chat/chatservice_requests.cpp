// ChatService operations of guest requests: categories, places, departments and the requests.
#include "chat/chatservice.h"

#include "store/store.h"

#include <QRegularExpression>

namespace lobby::chat {

namespace {

QDateTime now()
{
    return QDateTime::currentDateTimeUtc();
}

constexpr int maxLabelLength = 60;
constexpr int maxPlaceNameLength = 60;

QString cleanDepartment(const QString &department)
{
    return department.simplified().left(maxLabelLength);
}

} // namespace

QList<RequestCategory> ChatService::defaultRequestCategories()
{
    // Kept equal to what migration 8 seeds for the sites that existed before it.
    return {
        {0, 0, QStringLiteral("housekeeping"), QStringLiteral("Housekeeping"),
         QStringLiteral("Housekeeping"), 20, 45, 1},
        {0, 0, QStringLiteral("maintenance"), QStringLiteral("Maintenance"),
         QStringLiteral("Maintenance"), 30, 90, 2},
        {0, 0, QStringLiteral("room_service"), QStringLiteral("Room service"),
         QStringLiteral("Kitchen"), 20, 40, 3},
        {0, 0, QStringLiteral("front_desk"), QStringLiteral("Front desk"),
         QStringLiteral("Front desk"), 10, 30, 4},
        {0, 0, QStringLiteral("transport"), QStringLiteral("Transport"),
         QStringLiteral("Front desk"), 10, 20, 5},
        {0, 0, QStringLiteral("other"), QStringLiteral("Other"), QString(), 15, 45, 6},
    };
}

Result<Account> ChatService::staffOfSite(qint64 siteId, const Actor &staff)
{
    // The one access rule of requests: a staff account of the site acts on the site's requests.
    const auto account =
        staff.kind == ActorKind::Staff ? m_store.accountById(staff.id) : std::nullopt;
    if (!account || account->kind != AccountKind::Staff || account->siteId != siteId)
        return forbidden(QStringLiteral("only staff of this site handle its requests"));
    return *account;
}

ServiceRequest ChatService::withNames(ServiceRequest request)
{
    if (request.assigneeId)
        request.assigneeName = displayName({ActorKind::Staff, request.assigneeId});
    return request;
}

void ChatService::announceRequest(const ServiceRequest &request, const Conversation &conversation,
                                  const Actor &actor, bool created)
{
    DomainEvent e;
    e.kind = DomainEvent::Kind::RequestUpdated;
    e.siteId = request.siteId;
    e.conversationId = request.conversationId;
    e.conversation = conversation;
    e.request = request;
    e.messageId = request.id;
    e.actor = actor;
    e.flag = created;
    e.at = request.updatedAt;
    announce(e);
}

// ---- categories

QList<RequestCategory> ChatService::requestCategories(qint64 siteId)
{
    return m_store.requestCategories(siteId);
}

Result<RequestCategory> ChatService::saveRequestCategory(qint64 siteId,
                                                         const RequestCategory &category)
{
    static const QRegularExpression namePattern(QStringLiteral("^[a-z0-9_]{1,32}$"));
    if (!m_store.siteById(siteId))
        return notFound(QStringLiteral("no such site"));
    if (!namePattern.match(category.name).hasMatch())
        return invalid(QStringLiteral("a category name is 1-32 lower-case letters, digits or "
                                      "underscores, e.g. room_service"));
    RequestCategory saved = category;
    saved.siteId = siteId;
    saved.label = category.label.simplified().left(maxLabelLength);
    if (saved.label.isEmpty())
        return invalid(QStringLiteral("a category needs a label guests can read"));
    saved.department = cleanDepartment(category.department);
    if (saved.amberMinutes < 1 || saved.redMinutes < saved.amberMinutes ||
        saved.redMinutes > 7 * 24 * 60)
        return invalid(QStringLiteral("the red threshold must come after the amber one (minutes, "
                                      "at least 1, at most a week)"));
    if (const auto existing = m_store.requestCategory(siteId, category.name)) {
        saved.id = existing->id;
        if (saved.position <= 0)
            saved.position = existing->position;
        if (!m_store.updateRequestCategory(saved))
            return storageFailure();
        return saved;
    }
    if (saved.position <= 0) {
        const QList<RequestCategory> all = m_store.requestCategories(siteId);
        saved.position = all.isEmpty() ? 1 : all.constLast().position + 1;
    }
    const auto id = m_store.insertRequestCategory(saved);
    if (!id)
        return storageFailure();
    saved.id = *id;
    return saved;
}

Result<bool> ChatService::removeRequestCategory(qint64 siteId, const QString &name)
{
    if (!m_store.requestCategory(siteId, name))
        return notFound(QStringLiteral("no such category"));
    if (!m_store.deleteRequestCategory(siteId, name))
        return storageFailure();
    return true;
}

// ---- departments

QList<qint64> ChatService::staffToTell(qint64 siteId, const QString &department)
{
    QList<qint64> staff;
    if (!department.isEmpty())
        staff = m_store.staffOfDepartment(siteId, department);
    if (staff.isEmpty()) {
        for (const Account &account : m_store.accountsOfSite(siteId, AccountKind::Staff))
            staff << account.id;
    }
    return staff;
}

Result<bool> ChatService::setStaffDepartment(qint64 siteId, qint64 accountId,
                                             const QString &department)
{
    const auto account = staffOfSite(siteId, {ActorKind::Staff, accountId});
    if (!account)
        return notFound(QStringLiteral("no such staff account on this site"));
    if (!m_store.setStaffDepartment(accountId, cleanDepartment(department)))
        return storageFailure();
    return true;
}

QString ChatService::staffDepartment(qint64 accountId)
{
    return m_store.staffDepartment(accountId);
}

std::optional<Account> ChatService::staffAccountByEmail(qint64 siteId, const QString &email)
{
    const auto account = m_store.accountByEmail(email.trimmed().toLower());
    if (!account || account->siteId != siteId || account->kind != AccountKind::Staff)
        return std::nullopt;
    return account;
}

// ---- places

Result<Place> ChatService::addPlace(qint64 siteId, const QString &name, const QString &token)
{
    if (!m_store.siteById(siteId))
        return notFound(QStringLiteral("no such site"));
    const QString clean = name.simplified();
    if (clean.isEmpty() || clean.size() > maxPlaceNameLength)
        return invalid(QStringLiteral("a place needs a name of at most %1 characters")
                           .arg(maxPlaceNameLength));
    if (token.size() < 16)
        return invalid(QStringLiteral("a place needs a long random token"));
    if (m_store.placeByName(siteId, clean))
        return conflict(QStringLiteral("the place %1 exists already").arg(clean));
    Place place{0, siteId, clean, token, now()};
    const auto id = m_store.insertPlace(place);
    if (!id)
        return storageFailure();
    place.id = *id;
    return place;
}

Result<bool> ChatService::removePlace(qint64 siteId, qint64 placeId)
{
    const auto place = m_store.placeById(placeId);
    if (!place || place->siteId != siteId)
        return notFound(QStringLiteral("no such place"));
    if (!m_store.deletePlace(placeId))
        return storageFailure();
    return true;
}

QList<Place> ChatService::places(qint64 siteId)
{
    QList<Place> live;
    for (const Place &place : m_store.placesOfSite(siteId)) {
        if (!place.token.startsWith(u"removed-"))
            live << place;
    }
    return live;
}

std::optional<Place> ChatService::placeByToken(const QString &token)
{
    if (token.isEmpty() || token.startsWith(u"removed-"))
        return std::nullopt;
    return m_store.placeByToken(token);
}

// ---- requests

Result<ServiceRequest> ChatService::createRequest(const NewRequest &asked)
{
    const auto conversation = m_store.conversationById(asked.conversationId);
    if (!conversation)
        return notFound(QStringLiteral("no such conversation"));
    const Actor &by = asked.createdBy;
    if (by.kind == ActorKind::Staff) {
        if (!staffOfSite(conversation->siteId, by))
            return notFound(QStringLiteral("no such conversation"));
    } else if (by.kind == ActorKind::Guest) {
        const auto participant = m_store.participant(conversation->id, by);
        if (!participant || conversation->archived)
            return forbidden(QStringLiteral("not a guest of this stay"));
    } else if (by.kind != ActorKind::System) {
        return forbidden(QStringLiteral("only guests and staff make requests"));
    }
    const auto category = m_store.requestCategory(conversation->siteId, asked.category);
    if (!category)
        return invalid(QStringLiteral("unknown category '%1'").arg(asked.category.left(40)));
    const QString details = asked.details.trimmed();
    if (details.isEmpty())
        return invalid(QStringLiteral("say what you need in details"));
    if (details.size() > maxRequestDetailsLength)
        return invalid(
            QStringLiteral("details are at most %1 characters").arg(maxRequestDetailsLength));
    if (asked.messageId) {
        const auto message = m_store.messageById(asked.messageId);
        if (!message || message->conversationId != conversation->id)
            return invalid(QStringLiteral("the message is not in this conversation"));
    }

    ServiceRequest request;
    request.siteId = conversation->siteId;
    request.conversationId = conversation->id;
    request.roomId = conversation->roomId;
    request.category = category->name;
    request.details = details;
    request.department = category->department;
    request.createdBy = by;
    request.messageId = asked.messageId;
    request.createdAt = now();
    request.updatedAt = request.createdAt;
    const auto id = m_store.insertRequest(request);
    if (!id)
        return storageFailure();
    const auto stored = m_store.requestById(*id);
    if (!stored)
        return storageFailure();
    announceRequest(*stored, *conversation, by, true);
    return *stored;
}

Result<ServiceRequest> ChatService::createPlaceRequest(const QString &placeToken,
                                                       const QString &category,
                                                       const QString &details)
{
    const auto place = placeByToken(placeToken);
    if (!place)
        return notFound(QStringLiteral("no such place"));
    // Checked before a conversation is opened, so a refused request leaves nothing behind.
    if (!m_store.requestCategory(place->siteId, category))
        return invalid(QStringLiteral("unknown category '%1'").arg(category.left(40)));
    if (details.trimmed().isEmpty() || details.trimmed().size() > maxRequestDetailsLength)
        return invalid(QStringLiteral("say what you need in details (at most %1 characters)")
                           .arg(maxRequestDetailsLength));

    std::optional<Result<ServiceRequest>> made;
    const bool committed = inOneCommit([&] {
        auto conversation = m_store.openPlaceConversation(place->siteId, place->id);
        if (!conversation) {
            NewConversation open;
            open.siteId = place->siteId;
            open.kind = ConversationKind::Room; // a hotel spot: shown like a room, without one
            open.title = place->name;
            const auto opened = openConversation(open);
            if (!opened || !m_store.linkPlaceConversation(opened->id, place->id)) {
                made = opened ? Result<ServiceRequest>(storageFailure())
                              : Result<ServiceRequest>(opened.error());
                return false;
            }
            conversation = opened.value();
        }
        ServiceRequest request;
        request.siteId = place->siteId;
        request.conversationId = conversation->id;
        request.placeId = place->id;
        request.category = category;
        request.details = details.trimmed();
        request.department = m_store.requestCategory(place->siteId, category)->department;
        request.createdBy = {ActorKind::System, 0};
        request.createdAt = now();
        request.updatedAt = request.createdAt;
        const auto id = m_store.insertRequest(request);
        const auto stored = id ? m_store.requestById(*id) : std::nullopt;
        if (!stored) {
            made = Result<ServiceRequest>(storageFailure());
            return false;
        }
        // A line in the place's conversation tells staff what was asked, where.
        MessageDraft line;
        line.type = MessageType::System;
        line.content = QStringLiteral("%1 asks: %2").arg(place->name, request.details);
        line.entityType = QStringLiteral("request");
        line.entityId = QString::number(stored->id);
        const auto posted = postMessage(conversation->id, {ActorKind::System, 0}, line);
        if (!posted) {
            made = Result<ServiceRequest>(posted.error());
            return false;
        }
        announceRequest(*stored, posted->conversation, {ActorKind::System, 0}, true);
        made = Result<ServiceRequest>(*stored);
        return true;
    });
    if (!committed && (!made || *made))
        return storageFailure();
    return *made;
}

Result<ServiceRequest> ChatService::updateRequest(qint64 siteId, const Actor &staff,
                                                  qint64 requestId, const RequestChange &change)
{
    const auto account = staffOfSite(siteId, staff);
    if (!account)
        return account.error();
    auto request = m_store.requestById(requestId);
    if (!request || request->siteId != siteId)
        return notFound(QStringLiteral("no such request"));
    ServiceRequest changed = *request;
    if (change.status) {
        if (!isAllowedTransition(request->status, *change.status))
            return conflict(QStringLiteral("the request is %1 already")
                                .arg(wireName(request->status).replace(u'_', u' ')));
        changed.status = *change.status;
    }
    if (change.assigneeId) {
        if (*change.assigneeId && !staffOfSite(siteId, {ActorKind::Staff, *change.assigneeId}))
            return invalid(QStringLiteral("the assignee is not staff of this site"));
        changed.assigneeId = *change.assigneeId;
    } else if (changed.status == RequestStatus::InProgress && !changed.assigneeId) {
        changed.assigneeId = account->id; // taking a request makes it yours
    }
    if (change.department)
        changed.department = cleanDepartment(*change.department);
    const bool finishing = !isFinal(request->status) && isFinal(changed.status);
    if (changed.status == request->status && changed.assigneeId == request->assigneeId &&
        changed.department == request->department)
        return withNames(*request);

    changed.updatedAt = now();
    if (finishing)
        changed.doneAt = changed.updatedAt;
    else if (!isFinal(changed.status))
        changed.doneAt = QDateTime();
    changed = withNames(changed);

    std::optional<Error> failure;
    const bool committed = inOneCommit([&] {
        if (!m_store.updateRequest(changed)) {
            failure = storageFailure();
            return false;
        }
        auto conversation = m_store.conversationById(changed.conversationId);
        if (!conversation) {
            failure = storageFailure();
            return false;
        }
        if (finishing) {
            // "Extra towels — done by Maria": a real message, so every family delivers it.
            MessageDraft line;
            line.type = MessageType::System;
            line.content =
                QStringLiteral("%1 — %2 by %3")
                    .arg(changed.details.left(120),
                         changed.status == RequestStatus::Done ? QStringLiteral("done")
                                                               : QStringLiteral("cancelled"),
                         displayName(staff));
            line.entityType = QStringLiteral("request");
            line.entityId = QString::number(changed.id);
            const auto posted = postMessage(changed.conversationId, {ActorKind::System, 0}, line);
            if (!posted) {
                failure = posted.error();
                return false;
            }
            conversation = posted->conversation;
        }
        announceRequest(changed, *conversation, staff, false);
        return true;
    });
    if (!committed)
        return failure.value_or(storageFailure());
    return changed;
}

Result<ServiceRequest> ChatService::requestForStaff(qint64 siteId, const Actor &staff,
                                                    qint64 requestId)
{
    if (const auto account = staffOfSite(siteId, staff); !account)
        return account.error();
    const auto request = m_store.requestById(requestId);
    if (!request || request->siteId != siteId)
        return notFound(QStringLiteral("no such request"));
    return withNames(*request);
}

Result<QList<ServiceRequest>> ChatService::requestsForStaff(qint64 siteId, const Actor &staff,
                                                            const RequestFilter &filter)
{
    if (const auto account = staffOfSite(siteId, staff); !account)
        return account.error();
    QList<ServiceRequest> requests = m_store.requestsOfSite(siteId, filter);
    for (ServiceRequest &request : requests)
        request = withNames(request);
    return requests;
}

Result<QList<ServiceRequest>> ChatService::requestsForGuest(const Actor &guest,
                                                            qint64 conversationId)
{
    if (guest.kind != ActorKind::Guest || !m_store.participant(conversationId, guest))
        return forbidden(QStringLiteral("not a guest of this stay"));
    QList<ServiceRequest> requests = m_store.requestsOfConversation(conversationId, 200);
    for (ServiceRequest &request : requests)
        request = withNames(request);
    return requests;
}

} // namespace lobby::chat
