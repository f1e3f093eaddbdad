// The app API v1's canned replies: the site's library of ready-made answers, read by any staff
// member (with the variables filled in for a chat when asked), changed by admins.
#include "api/errorreply.h"
#include "api/v1/v1api_p.h"
#include "api/v1/v1json.h"

namespace lobby::api::v1 {

using namespace lobby::chat;
using http::HttpReply;
using http::HttpRequest;
using Method = QHttpServerRequest::Method;

namespace {

QJsonObject replyJson(const CannedReply &reply)
{
    return {{"id", reply.id},
            {"category", reply.category},
            {"title", reply.title},
            {"body", reply.body},
            {"created_at", isoTime(reply.createdAt)},
            {"updated_at", isoTime(reply.updatedAt)}};
}

// The fields a POST or PATCH sets; a 422 (FastAPI's shape, as elsewhere in v1) for a field that
// is there but not a string.
std::optional<CannedReplyChange> changeOf(const QJsonObject &body, HttpReply *error)
{
    CannedReplyChange change;
    for (const auto &[name, field] :
         {std::pair{"category", &change.category}, std::pair{"title", &change.title},
          std::pair{"body", &change.body}}) {
        const QJsonValue value = body.value(QLatin1String(name));
        if (value.isUndefined() || value.isNull())
            continue;
        if (!value.isString()) {
            const QJsonObject item{{"loc", QJsonArray{"body", name}},
                                   {"msg", "str type expected"},
                                   {"type", "type_error.str"}};
            *error = HttpReply::json(422, QJsonObject{{"detail", QJsonArray{item}}});
            return std::nullopt;
        }
        *field = value.toString();
    }
    return change;
}

} // namespace

void V1Api::registerCannedReplyRoutes()
{
    const auto failure = [](const HttpRequest &request, const Error &error) {
        if (error.code == ErrorCode::Invalid)
            return request.error(422, error.message);
        return errorReply(request.family(), error,
                          QStringLiteral("The canned replies could not be stored; retry."));
    };
    const auto idOf = [](const HttpRequest &request) {
        return http::idFromJson(QJsonValue(request.param(QStringLiteral("id"))));
    };

    m_http.route(Method::Get, QStringLiteral("/api/v1/canned-replies"),
                 [this](const HttpRequest &request) {
                     HttpReply reply;
                     const auto me = staffCaller(request, &reply);
                     if (!me)
                         return reply;
                     // ?chat_id=N: each reply also as it reads in that chat.
                     const QString chatParameter = request.query(QStringLiteral("chat_id"));
                     std::optional<QHash<QString, QString>> values;
                     if (!chatParameter.isEmpty()) {
                         const auto chatId = http::idFromJson(QJsonValue(chatParameter));
                         if (!chatId || !accessibleConversation(*me, *chatId))
                             return request.error(404, QStringLiteral("Chat not found"));
                         values = m_chat.replyVariableValues(me->siteId, *chatId, me->actor());
                     }
                     QJsonArray list;
                     for (const CannedReply &canned : m_chat.cannedReplies(me->siteId)) {
                         QJsonObject json = replyJson(canned);
                         if (values) {
                             const FilledReply filled = fillReplyVariables(canned.body, *values);
                             QJsonArray unfilled;
                             for (const TextRange &range : filled.unfilled)
                                 unfilled << QJsonObject{{"start", range.start},
                                                         {"length", range.length},
                                                         {"variable", range.variable}};
                             json.insert(QStringLiteral("text"), filled.text);
                             json.insert(QStringLiteral("unfilled"), unfilled);
                         }
                         list << json;
                     }
                     return HttpReply::json(200, list);
                 });
    m_http.route(Method::Post, QStringLiteral("/api/v1/canned-replies"),
                 [this, failure](const HttpRequest &request) {
                     HttpReply reply;
                     const auto me = staffCaller(request, &reply, true);
                     if (!me)
                         return reply;
                     const auto body = request.jsonObject(&reply);
                     if (!body)
                         return reply;
                     const auto change = changeOf(*body, &reply);
                     if (!change)
                         return reply;
                     const auto added = m_chat.addCannedReply(me->siteId, *change);
                     if (!added)
                         return failure(request, added.error());
                     return HttpReply::json(201, replyJson(added.value()));
                 });
    m_http.route(Method::Patch, QStringLiteral("/api/v1/canned-replies/{id}"),
                 [this, failure, idOf](const HttpRequest &request) {
                     HttpReply reply;
                     const auto me = staffCaller(request, &reply, true);
                     if (!me)
                         return reply;
                     const auto id = idOf(request);
                     if (!id)
                         return request.error(404, QStringLiteral("Canned reply not found"));
                     const auto body = request.jsonObject(&reply);
                     if (!body)
                         return reply;
                     const auto change = changeOf(*body, &reply);
                     if (!change)
                         return reply;
                     const auto changed = m_chat.updateCannedReply(me->siteId, *id, *change);
                     if (!changed)
                         return failure(request, changed.error());
                     return HttpReply::json(200, replyJson(changed.value()));
                 });
    m_http.route(Method::Delete, QStringLiteral("/api/v1/canned-replies/{id}"),
                 [this, failure, idOf](const HttpRequest &request) {
                     HttpReply reply;
                     const auto me = staffCaller(request, &reply, true);
                     if (!me)
                         return reply;
                     const auto id = idOf(request);
                     if (!id)
                         return request.error(404, QStringLiteral("Canned reply not found"));
                     const auto removed = m_chat.removeCannedReply(me->siteId, *id);
                     if (!removed)
                         return failure(request, removed.error());
                     return HttpReply{204, {}, "application/json", {}};
                 });
}

} // namespace lobby::api::v1
