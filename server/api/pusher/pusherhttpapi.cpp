#include "api/pusher/pusherhttpapi.h"

#include "api/pusher/pusherserver.h"
#include "auth/crypto.h"
#include "http/httpserver.h"

#include <QCryptographicHash>
#include <QJsonArray>
#include <QJsonDocument>

namespace lobby::api::pusher {

using http::HttpReply;
using http::HttpRequest;
using Method = QHttpServerRequest::Method;

namespace {

const QString subscriptionCount = QStringLiteral("subscription_count");
const QString userCount = QStringLiteral("user_count");

// "info=user_count,subscription_count": the attributes, or an error for an unknown one.
std::optional<ApiError> parseInfo(const QString &text, QStringList *info)
{
    for (const QString &attribute : text.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        if (attribute != subscriptionCount && attribute != userCount)
            return ApiError{400, QStringLiteral("info may ask for subscription_count and "
                                                "user_count, not '%1'.")
                                     .arg(attribute.left(64))};
        info->append(attribute);
    }
    return std::nullopt;
}

bool isTriggerableChannel(const QString &channel)
{
    return isValidChannelName(channel) || !serverToUserId(channel).isEmpty();
}

} // namespace

std::optional<ApiError> parseTriggerEvent(const QJsonObject &object, const PusherLimits &limits,
                                          TriggerEvent *event)
{
    event->name = object.value(QStringLiteral("name")).toString();
    if (event->name.isEmpty() || event->name.size() > limits.maxEventNameLength ||
        event->name.startsWith(u"pusher"))
        return ApiError{400, QStringLiteral("name must be 1-%1 characters, not starting with "
                                            "'pusher'.")
                                 .arg(limits.maxEventNameLength)};
    const QJsonValue data = object.value(QStringLiteral("data"));
    if (data.isUndefined())
        return ApiError{400, QStringLiteral("data is required.")};
    event->data =
        data.isString()
            ? data.toString().toUtf8()
            : QJsonDocument(QJsonArray{data}).toJson(QJsonDocument::Compact).chopped(1).mid(1);
    if (event->data.size() > limits.maxEventDataBytes)
        return ApiError{
            413,
            QStringLiteral("Event data is larger than %1 bytes.").arg(limits.maxEventDataBytes)};
    if (object.value(QStringLiteral("channels")).isArray()) {
        for (const QJsonValue &channel : object.value(QStringLiteral("channels")).toArray())
            event->channels << channel.toString();
    } else if (object.value(QStringLiteral("channel")).isString()) {
        event->channels << object.value(QStringLiteral("channel")).toString();
    }
    if (event->channels.isEmpty() || event->channels.size() > limits.maxChannelsPerTrigger)
        return ApiError{400, QStringLiteral("channels must name 1 to %1 channels.")
                                 .arg(limits.maxChannelsPerTrigger)};
    for (const QString &channel : std::as_const(event->channels)) {
        if (!isTriggerableChannel(channel))
            return ApiError{400,
                            QStringLiteral("Invalid channel name '%1'.").arg(channel.left(200))};
    }
    event->socketId = object.value(QStringLiteral("socket_id")).toString();
    if (auto error = parseInfo(object.value(QStringLiteral("info")).toString(), &event->info))
        return error;
    if (event->info.contains(userCount)) {
        for (const QString &channel : std::as_const(event->channels)) {
            if (!isPresenceChannel(channel))
                return ApiError{400, QStringLiteral("user_count is only known of presence "
                                                    "channels.")};
        }
    }
    return std::nullopt;
}

PusherHttpApi::PusherHttpApi(PusherServer &pusher, http::HttpServer &http) : m_pusher(pusher)
{
    auto bind = [this](HttpReply (PusherHttpApi::*handler)(const HttpRequest &)) {
        return [this, handler](const HttpRequest &request) { return (this->*handler)(request); };
    };
    http.route(Method::Post, QStringLiteral("/apps/{app_id}/events"),
               [this](const HttpRequest &request) { return events(request, false); });
    http.route(Method::Post, QStringLiteral("/apps/{app_id}/batch_events"),
               [this](const HttpRequest &request) { return events(request, true); });
    http.route(Method::Get, QStringLiteral("/apps/{app_id}/channels"),
               bind(&PusherHttpApi::channels));
    http.route(Method::Get, QStringLiteral("/apps/{app_id}/channels/{channel_name}"),
               bind(&PusherHttpApi::channel));
    http.route(Method::Get, QStringLiteral("/apps/{app_id}/channels/{channel_name}/users"),
               bind(&PusherHttpApi::users));
    http.route(Method::Post, QStringLiteral("/apps/{app_id}/users/{user_id}/terminate_connections"),
               bind(&PusherHttpApi::terminate));
}

std::optional<HttpReply> PusherHttpApi::refuseUnsigned(const HttpRequest &request,
                                                       const QByteArray &method) const
{
    const PusherApp &app = m_pusher.app();
    if (request.param(QStringLiteral("app_id")) != app.appId)
        return request.error(404, QStringLiteral("Unknown app."));
    // Signature first, so nothing about the body is told to an unauthenticated caller.
    const QByteArray body = request.raw().body();
    const QList<QPair<QString, QString>> parameters =
        request.raw().query().queryItems(QUrl::FullyDecoded);
    QHash<QString, QString> values;
    for (const auto &parameter : parameters) {
        if (values.contains(parameter.first.toLower()))
            return request.error(
                400, QStringLiteral("Repeated query parameter %1.").arg(parameter.first));
        values.insert(parameter.first.toLower(), parameter.second);
    }
    if (values.value(QStringLiteral("auth_key")) != app.key)
        return request.error(401, QStringLiteral("Unknown auth_key."));
    if (values.value(QStringLiteral("auth_version")) != u"1.0")
        return request.error(401, QStringLiteral("auth_version must be 1.0."));
    bool ok = false;
    const qint64 timestamp = values.value(QStringLiteral("auth_timestamp")).toLongLong(&ok);
    const int tolerance = m_pusher.options().timestampToleranceSeconds;
    if (!ok || qAbs(m_pusher.now() - timestamp) > tolerance)
        return request.error(401, QStringLiteral("Timestamp expired: auth_timestamp must be "
                                                 "within %1 seconds of the server's time.")
                                      .arg(tolerance));
    if (!body.isEmpty() &&
        !auth::constantTimeEquals(values.value(QStringLiteral("body_md5")).toLatin1(),
                                  QCryptographicHash::hash(body, QCryptographicHash::Md5).toHex()))
        return request.error(401, QStringLiteral("body_md5 does not match the body."));
    const QByteArray signedText = requestStringToSign(method, request.path(), parameters);
    if (!auth::constantTimeEquals(values.value(QStringLiteral("auth_signature")).toLatin1(),
                                  hmacHex(app.secret, signedText)))
        return request.error(401, QStringLiteral("Invalid signature: expected the HMAC-SHA256 "
                                                 "hex digest of '%1'.")
                                      .arg(QString::fromUtf8(signedText)
                                               .replace(QLatin1Char('\n'), QLatin1String("\\n"))));
    return std::nullopt;
}

QJsonObject PusherHttpApi::channelAttributes(const QString &channel, const QStringList &info) const
{
    const ChannelInfo counts = m_pusher.channelInfo(channel);
    QJsonObject attributes;
    if (info.contains(subscriptionCount))
        attributes.insert(subscriptionCount, counts.subscriptionCount);
    if (info.contains(userCount))
        attributes.insert(userCount, counts.userCount);
    return attributes;
}

HttpReply PusherHttpApi::events(const HttpRequest &request, bool batch)
{
    if (auto refused = refuseUnsigned(request, "POST"))
        return *refused;
    HttpReply reply;
    const auto object = request.jsonObject(&reply);
    if (!object)
        return reply;
    const PusherLimits &limits = m_pusher.limits();
    QList<TriggerEvent> events;
    if (batch) {
        const QJsonArray list = object->value(QStringLiteral("batch")).toArray();
        if (list.isEmpty() || list.size() > limits.maxBatchEvents)
            return request.error(
                400, QStringLiteral("batch must hold 1 to %1 events.").arg(limits.maxBatchEvents));
        for (const QJsonValue &item : list) {
            TriggerEvent event;
            if (auto error = parseTriggerEvent(item.toObject(), limits, &event))
                return request.error(error->status, error->message);
            events << event;
        }
    } else {
        TriggerEvent event;
        if (auto error = parseTriggerEvent(*object, limits, &event))
            return request.error(error->status, error->message);
        events << event;
    }
    for (const TriggerEvent &event : std::as_const(events)) {
        for (const QString &channel : event.channels)
            m_pusher.triggerEverywhere(channel, event.name, event.data, event.socketId);
    }
    // With info: the counts after the event, per channel (per event in a batch).
    auto answer = [this](const TriggerEvent &event) {
        QJsonObject channels;
        for (const QString &channel : event.channels)
            channels.insert(channel, channelAttributes(channel, event.info));
        return QJsonObject{{"channels", channels}};
    };
    if (batch) {
        bool anyInfo = false;
        QJsonArray list;
        for (const TriggerEvent &event : std::as_const(events)) {
            anyInfo = anyInfo || !event.info.isEmpty();
            list.append(event.info.isEmpty() ? QJsonObject{} : answer(event).value("channels"));
        }
        return HttpReply::json(200, anyInfo ? QJsonObject{{"batch", list}} : QJsonObject{});
    }
    return HttpReply::json(200, events.constFirst().info.isEmpty() ? QJsonObject{}
                                                                   : answer(events.constFirst()));
}

HttpReply PusherHttpApi::channels(const HttpRequest &request)
{
    if (auto refused = refuseUnsigned(request, "GET"))
        return *refused;
    const QString prefix = request.query(QStringLiteral("filter_by_prefix"));
    QStringList info;
    if (auto error = parseInfo(request.query(QStringLiteral("info")), &info))
        return request.error(error->status, error->message);
    if (info.contains(userCount) && !isPresenceChannel(prefix))
        return request.error(400, QStringLiteral("info=user_count needs "
                                                 "filter_by_prefix=presence-..."));
    QJsonObject channels;
    const auto occupied = m_pusher.channels(prefix);
    for (auto it = occupied.cbegin(); it != occupied.cend(); ++it)
        channels.insert(it.key(), channelAttributes(it.key(), info));
    return HttpReply::json(200, QJsonObject{{"channels", channels}});
}

HttpReply PusherHttpApi::channel(const HttpRequest &request)
{
    if (auto refused = refuseUnsigned(request, "GET"))
        return *refused;
    const QString name = request.param(QStringLiteral("channel_name"));
    if (!isValidChannelName(name))
        return request.error(400, QStringLiteral("Invalid channel name."));
    QStringList info;
    if (auto error = parseInfo(request.query(QStringLiteral("info")), &info))
        return request.error(error->status, error->message);
    if (info.contains(userCount) && !isPresenceChannel(name))
        return request.error(400, QStringLiteral("user_count is only known of presence channels."));
    QJsonObject answer = channelAttributes(name, info);
    answer.insert(QStringLiteral("occupied"), m_pusher.channelInfo(name).subscriptionCount > 0);
    return HttpReply::json(200, answer);
}

HttpReply PusherHttpApi::users(const HttpRequest &request)
{
    if (auto refused = refuseUnsigned(request, "GET"))
        return *refused;
    const QString name = request.param(QStringLiteral("channel_name"));
    if (!isValidChannelName(name) || !isPresenceChannel(name))
        return request.error(400, QStringLiteral("Users are only known of presence channels."));
    QJsonArray users;
    for (const QJsonValue &id : m_pusher.presenceUserIds(name))
        users.append(QJsonObject{{"id", id}});
    return HttpReply::json(200, QJsonObject{{"users", users}});
}

HttpReply PusherHttpApi::terminate(const HttpRequest &request)
{
    if (auto refused = refuseUnsigned(request, "POST"))
        return *refused;
    const QString userId = request.param(QStringLiteral("user_id"));
    if (!isValidChannelName(userId))
        return request.error(400, QStringLiteral("Invalid user id."));
    m_pusher.terminateUserConnections(userId);
    return HttpReply::json(200, QJsonObject{});
}

} // namespace lobby::api::pusher
