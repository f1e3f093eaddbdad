// Guest requests in the app API v1 (staff only): the site's requests, making one from a
// message, taking and finishing them; `request_updated` on every staff socket of the site.
#include "api/errorreply.h"
#include "api/requestjson.h"
#include "api/v1/v1api_p.h"
#include "api/v1/v1json.h"

#include <QJsonArray>

namespace lobby::api::v1 {

using namespace lobby::chat;
using http::HttpReply;
using http::HttpRequest;
using Method = QHttpServerRequest::Method;

namespace {

HttpReply validationError(const QString &where, const QString &field, const QString &message,
                          const QString &type = QStringLiteral("value_error"))
{
    const QJsonObject item{{"loc", QJsonArray{where, field}}, {"msg", message}, {"type", type}};
    return HttpReply::json(422, QJsonObject{{"detail", QJsonArray{item}}});
}

HttpReply fromError(const Error &error)
{
    return errorReply(http::ApiFamily::V1, error,
                      QStringLiteral("The request could not be stored; try again."));
}

QJsonArray requestsJson(const QList<ServiceRequest> &requests)
{
    QJsonArray out;
    for (const ServiceRequest &r : requests)
        out.append(requestJson(r));
    return out;
}

} // namespace

void V1Api::registerRequestRoutes()
{
    m_http.route(Method::Get, QStringLiteral("/api/v1/requests"),
                 [this](const HttpRequest &r) { return listRequests(r); });
    m_http.route(Method::Post, QStringLiteral("/api/v1/requests"),
                 [this](const HttpRequest &r) { return createRequest(r); });
    m_http.route(Method::Get, QStringLiteral("/api/v1/requests/{id}"),
                 [this](const HttpRequest &r) { return showRequest(r); });
    m_http.route(Method::Patch, QStringLiteral("/api/v1/requests/{id}"),
                 [this](const HttpRequest &r) { return changeRequest(r); });
}

HttpReply V1Api::listRequests(const HttpRequest &request)
{
    HttpReply reply;
    const auto me = staffCaller(request, &reply);
    if (!me)
        return reply;
    RequestFilter filter;
    const QString status = request.query(QStringLiteral("status"));
    if (!status.isEmpty()) {
        filter.status = requestStatusFromString(status);
        if (!filter.status)
            return validationError(QStringLiteral("query"), QStringLiteral("status"),
                                   QStringLiteral("one of open, in_progress, done, cancelled"));
    }
    filter.category = request.query(QStringLiteral("category")).left(64);
    filter.department = request.query(QStringLiteral("department")).left(64);
    const auto requests = m_chat.requestsForStaff(me->siteId, me->actor(), filter);
    if (!requests)
        return request.error(401, QStringLiteral("Could not validate credentials: the account of "
                                                 "this token is not staff of its site"));
    return HttpReply::json(200, requestsJson(requests.value()));
}

HttpReply V1Api::createRequest(const HttpRequest &request)
{
    HttpReply reply;
    const auto me = staffCaller(request, &reply);
    if (!me)
        return reply;
    const auto body = request.jsonObject(&reply);
    if (!body)
        return reply;
    const auto chatId = http::idFromJson(body->value(u"chat_id"));
    if (!chatId)
        return validationError(QStringLiteral("body"), QStringLiteral("chat_id"),
                               QStringLiteral("value is not a valid id"),
                               QStringLiteral("type_error.integer"));
    for (const char *field : {"category", "details"}) {
        if (!body->value(QLatin1String(field)).isString())
            return validationError(QStringLiteral("body"), QLatin1String(field),
                                   QStringLiteral("str type expected"),
                                   QStringLiteral("type_error.str"));
    }
    qint64 messageId = 0;
    const QJsonValue message = body->value(u"message_id");
    if (!message.isNull() && !message.isUndefined()) {
        const auto id = http::idFromJson(message);
        if (!id)
            return validationError(QStringLiteral("body"), QStringLiteral("message_id"),
                                   QStringLiteral("value is not a valid id"),
                                   QStringLiteral("type_error.integer"));
        messageId = *id;
    }
    const auto made =
        m_chat.createRequest({*chatId, me->actor(), body->value(u"category").toString(),
                              body->value(u"details").toString(), messageId});
    if (!made)
        return fromError(made.error());
    return HttpReply::json(201, requestJson(made.value()));
}

HttpReply V1Api::showRequest(const HttpRequest &request)
{
    HttpReply reply;
    const auto me = staffCaller(request, &reply);
    if (!me)
        return reply;
    const auto found = m_chat.requestForStaff(me->siteId, me->actor(),
                                              request.param(QStringLiteral("id")).toLongLong());
    if (!found)
        return fromError(found.error());
    return HttpReply::json(200, requestJson(found.value()));
}

HttpReply V1Api::changeRequest(const HttpRequest &request)
{
    HttpReply reply;
    const auto me = staffCaller(request, &reply);
    if (!me)
        return reply;
    const auto body = request.jsonObject(&reply);
    if (!body)
        return reply;
    RequestChange change;
    if (body->contains(u"status")) {
        change.status = requestStatusFromString(body->value(u"status").toString());
        if (!change.status)
            return validationError(QStringLiteral("body"), QStringLiteral("status"),
                                   QStringLiteral("one of open, in_progress, done, cancelled"));
    }
    if (body->contains(u"assignee_id")) {
        const QJsonValue assignee = body->value(u"assignee_id");
        const auto id = assignee.isNull() ? std::optional<qint64>(0) : http::idFromJson(assignee);
        if (!id)
            return validationError(QStringLiteral("body"), QStringLiteral("assignee_id"),
                                   QStringLiteral("value is not a valid id"),
                                   QStringLiteral("type_error.integer"));
        change.assigneeId = *id;
    }
    if (body->contains(u"department")) {
        const QJsonValue department = body->value(u"department");
        if (!department.isString() && !department.isNull())
            return validationError(QStringLiteral("body"), QStringLiteral("department"),
                                   QStringLiteral("str type expected"),
                                   QStringLiteral("type_error.str"));
        change.department = department.toString();
    }
    const auto changed = m_chat.updateRequest(
        me->siteId, me->actor(), request.param(QStringLiteral("id")).toLongLong(), change);
    if (!changed)
        return fromError(changed.error());
    return HttpReply::json(200, requestJson(changed.value()));
}

void V1Api::subscribeToRequests(V1Connection *connection)
{
    if (connection->account.kind != AccountKind::Staff)
        return;
    m_hub.subscribe(requestsTopicOf(connection->account.siteId), connection,
                    [connection](const QByteArray &frame) { connection->socket->sendText(frame); });
}

void V1Api::publishRequest(const DomainEvent &event)
{
    const QString topic = requestsTopicOf(event.siteId);
    if (!m_hub.subscriberCount(topic))
        return;
    m_hub.publish(topic, http::compactJson({{"type", "request_updated"},
                                            {"request", requestJson(event.request)}}));
}

} // namespace lobby::api::v1
