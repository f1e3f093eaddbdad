#pragma once

#include "api/pusher/pusherapp.h"

#include <QHash>
#include <QJsonObject>
#include <QObject>
#include <QPointer>
#include <QSet>

#include <functional>

namespace lobby::http {
class HttpServer;
}
namespace lobby::realtime {
class Hub;
}

namespace lobby::api::pusher {

struct PusherOptions
{
    int activityTimeoutSeconds = 120;    // sent in connection_established; ping after this silence
    int pongTimeoutSeconds = 30;         // then close with 4201 when no answer came
    int timestampToleranceSeconds = 600; // HTTP API auth_timestamp
    int maxEventDataBytes = 10 * 1024;   // Pusher's limit for event data
    int clientEventsPerSecond = 10;      // per connection, as Pusher does
    std::function<qint64()> clock;       // seconds since the epoch; tests may pin it
};

// Who obtained a channel signature, recorded by the authorizer when it signs and attached to the
// subscription that uses it. `subject` names the holder (e.g. "guest:12", "staff:3"); `scope` is
// adapter-defined (the guest family puts the conversation of the guest's stay there); `expiresAt`
// is when the credential behind it runs out. A
// subscription signed by someone else holding the secret (e.g. Pusher's server SDK) has none.
struct Grant
{
    QString subject;
    qint64 scope = 0;
    qint64 expiresAt = 0; // seconds since the epoch when the holder's credential expires; 0: never
};

class PusherConnection;

// The Pusher Channels protocol v7 on Lobby's port (ws://HOST:PORT/app/{key}) and the HTTP API
// (POST /apps/{app_id}/events and batch_events) that Pusher's server SDKs call. Channels map to
// Hub topics "pusher/<channel>": an event is encoded once and the same frame goes to every
// subscriber. Lives in the core thread.
class PusherServer : public QObject
{
    Q_OBJECT

public:
    PusherServer(http::HttpServer &http, realtime::Hub &hub, PusherApp app,
                 PusherOptions options = {}, QObject *parent = nullptr);
    ~PusherServer() override;

    const PusherApp &app() const { return m_app; }
    const PusherOptions &options() const { return m_options; }

    bool isConnected(const QString &socketId) const { return m_connections.contains(socketId); }
    int connectionCount() const { return int(m_connections.size()); }
    int subscriberCount(const QString &channel) const;

    // Signs a subscription for a connected socket and records who asked for it. Returns the
    // "auth" value (empty when the socket is not connected).
    QString authorize(const QString &socketId, const QString &channel, const QString &channelData,
                      const Grant &grant);

    // Sends `event` with `data` (JSON text, sent as a string as Pusher does) to the channel's
    // subscribers, except the connection `exceptSocketId`. Returns how many got it.
    int trigger(const QString &channel, const QString &event, const QByteArray &data,
                const QString &exceptSocketId = {});

    // Ends the subscriptions to `channel` whose grant matches, telling each of them `event` first
    // (when not empty). Returns how many ended.
    int revoke(const QString &channel, const std::function<bool(const Grant &)> &matches,
               const QString &event = {}, const QByteArray &data = {});

    // Encodes a server event frame: {"event","channel","data":"<data as a string>"}.
    static QByteArray frame(const QString &event, const QString &channel, const QByteArray &data);

Q_SIGNALS:
    // A user's first subscription to a presence channel, and the end of its last one.
    void memberAdded(const QString &channel, const QString &userId, const QJsonObject &info);
    void memberRemoved(const QString &channel, const QString &userId);
    // Every subscription that starts (after its signature checked) and every one that ends
    // (unsubscribed, revoked, or the connection gone), with the grant it was signed for.
    void subscribed(const QString &channel, const lobby::api::pusher::Grant &grant);
    void unsubscribed(const QString &channel, const lobby::api::pusher::Grant &grant);

private:
    friend class PusherConnection;

    void registerRoutes(http::HttpServer &http);
    void accept(PusherConnection *connection);
    void forget(PusherConnection *connection);
    void subscribe(PusherConnection *connection, const QJsonObject &data);
    void unsubscribe(PusherConnection *connection, const QString &channel);
    void clientEvent(PusherConnection *connection, const QString &event, const QString &channel,
                     const QJsonValue &data);
    qint64 now() const;
    QString newSocketId() const;

    struct Member
    {
        QJsonObject info;
        int subscriptions = 0;
    };

    QPointer<realtime::Hub> m_hub;
    PusherApp m_app;
    PusherOptions m_options;
    QHash<QString, PusherConnection *> m_connections;
    QHash<QString, QHash<QString, Member>> m_presence;   // channel -> user id -> member
    QHash<QString, QSet<PusherConnection *>> m_channels; // channel -> its subscribers
    bool m_closing = false;
};

} // namespace lobby::api::pusher
