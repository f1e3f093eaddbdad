#include "api/requestjson.h"

namespace lobby::api {

using namespace lobby::chat;

namespace {

QJsonValue timeOrNull(const QDateTime &time)
{
    return time.isValid() ? QJsonValue(time.toUTC().toString(Qt::ISODateWithMs))
                          : QJsonValue(QJsonValue::Null);
}

QJsonValue textOrNull(const QString &text)
{
    return text.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(text);
}

QJsonValue idOrNull(qint64 id)
{
    return id ? QJsonValue(id) : QJsonValue(QJsonValue::Null);
}

} // namespace

QJsonObject requestJson(const ServiceRequest &r)
{
    return {{"id", r.id},
            {"conversation_id", r.conversationId},
            {"room_number", textOrNull(r.roomNumber)},
            {"place", textOrNull(r.placeName)},
            {"category", r.category},
            {"category_label", r.categoryLabel},
            {"details", r.details},
            {"status", wireName(r.status)},
            {"department", textOrNull(r.department)},
            {"assignee_id", idOrNull(r.assigneeId)},
            {"assignee_name", textOrNull(r.assigneeName)},
            // A place's requests come from whoever stands there: a guest too.
            {"created_by_type", r.createdBy.kind == ActorKind::Staff ? "staff" : "guest"},
            {"message_id", idOrNull(r.messageId)},
            {"created_at", timeOrNull(r.createdAt)},
            {"updated_at", timeOrNull(r.updatedAt)},
            {"done_at", timeOrNull(r.doneAt)}};
}

QJsonObject requestCategoryJson(const RequestCategory &c)
{
    return {{"name", c.name},
            {"label", c.label},
            {"department", textOrNull(c.department)},
            {"amber_minutes", c.amberMinutes},
            {"red_minutes", c.redMinutes}};
}

} // namespace lobby::api
