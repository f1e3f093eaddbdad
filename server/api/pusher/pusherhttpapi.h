#pragma once

#include "api/pusher/pusherapp.h"
#include "http/httptypes.h"

#include <QJsonObject>
#include <QStringList>

#include <optional>

namespace lobby::http {
class HttpServer;
}

namespace lobby::api::pusher {

class PusherServer;

// A refused HTTP API request: the status and the reason.
struct ApiError
{
    int status = 400;
    QString message;
};

// One event of POST /apps/{id}/events or of a batch.
struct TriggerEvent
{
    QStringList channels;
    QString name;
    QByteArray data; // JSON text, sent to subscribers as a string
    QString socketId;
    QStringList info; // attributes asked for in the answer: subscription_count, user_count
};

// Reads one event object; std::nullopt when it is valid.
std::optional<ApiError> parseTriggerEvent(const QJsonObject &object, const PusherLimits &limits,
                                          TriggerEvent *event);

// Pusher's HTTP API on Lobby's port, every request signed with the app secret (auth_key,
// auth_timestamp, auth_version, body_md5, auth_signature):
//   POST /apps/{id}/events, /apps/{id}/batch_events
//   GET  /apps/{id}/channels, /apps/{id}/channels/{name}, /apps/{id}/channels/{name}/users
//   POST /apps/{id}/users/{user_id}/terminate_connections
// Counts are those of every instance sharing the database (see PusherServer::joinCluster). Owned by
// the PusherServer; lives in the core thread.
class PusherHttpApi
{
public:
    PusherHttpApi(PusherServer &pusher, http::HttpServer &http);

private:
    // The 401/404 of a request that is not the app's, signed; std::nullopt when it is.
    std::optional<http::HttpReply> refuseUnsigned(const http::HttpRequest &request,
                                                  const QByteArray &method) const;
    http::HttpReply events(const http::HttpRequest &request, bool batch);
    http::HttpReply channels(const http::HttpRequest &request);
    http::HttpReply channel(const http::HttpRequest &request);
    http::HttpReply users(const http::HttpRequest &request);
    http::HttpReply terminate(const http::HttpRequest &request);
    QJsonObject channelAttributes(const QString &channel, const QStringList &info) const;

    PusherServer &m_pusher;
};

} // namespace lobby::api::pusher
