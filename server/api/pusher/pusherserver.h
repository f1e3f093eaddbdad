#pragma once

#include "api/pusher/pusherapp.h"

#include <QHash>
#include <QJsonObject>
#include <QJsonValue>
#include <QMap>
#include <QObject>
#include <QPointer>
#include <QSet>

#include <functional>
#include <memory>

namespace lobby::http {
class HttpServer;
}
namespace lobby::realtime {
class Hub;
}
namespace lobby::chat {
class ChatService;
}

namespace lobby::api::pusher {

struct PusherOptions
{
    int activityTimeoutSeconds = 120;    // sent in connection_established; ping after this silence
    int pongTimeoutSeconds = 30;         // then close with 4201 when no answer came
    int timestampToleranceSeconds = 600; // HTTP API auth_timestamp
    std::function<qint64()> clock;       // seconds since the epoch; tests may pin it
};

// What the channel information API tells of one channel (summed over the instances).
struct ChannelInfo
{
    int subscriptionCount = 0; // connections subscribed
    int userCount = 0;         // presence channels: distinct members
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
class PusherHttpApi;

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
    const PusherLimits &limits() const { return m_app.limits; }
    const PusherOptions &options() const { return m_options; }
    qint64 now() const;

    bool isConnected(const QString &socketId) const { return m_connections.contains(socketId); }
    int connectionCount() const { return int(m_connections.size()); }
    int subscriberCount(const QString &channel) const;

    // Several instances on one PostgreSQL: this server tells the others (through the chat's
    // ClusterBridge) its channels' subscription counts and presence members, and relays the
    // HTTP API's triggers and terminations, client events; it hears theirs. The channel
    // information below then counts every instance, a presence member once however many
    // instances have its connections.
    void joinCluster(chat::ChatService &chat);

    // Occupied channels (at least one subscription on some instance), by name.
    QMap<QString, ChannelInfo> channels(const QString &prefix = {}) const;
    ChannelInfo channelInfo(const QString &channel) const;
    // A presence channel's members' ids, each with the JSON type it was signed with.
    QList<QJsonValue> presenceUserIds(const QString &channel) const;
    // Closes every connection signed in (pusher:signin) as `userId`, here and on the other
    // instances; how many here.
    int terminateUserConnections(const QString &userId);

    // Signs a subscription for a connected socket and records who asked for it. Returns the
    // "auth" value (empty when the socket is not connected).
    QString authorize(const QString &socketId, const QString &channel, const QString &channelData,
                      const Grant &grant);
    // Signs pusher:signin for a connected socket (empty when it is not connected).
    QString authorizeUser(const QString &socketId, const QString &userData);

    // Sends `event` with `data` (JSON text, sent as a string as Pusher does) to the channel's
    // subscribers, except the connection `exceptSocketId`. Returns how many got it.
    int trigger(const QString &channel, const QString &event, const QByteArray &data,
                const QString &exceptSocketId = {});
    // The same, and on the other instances (the HTTP API's events: the chat's own events reach
    // the other instances as domain events already).
    int triggerEverywhere(const QString &channel, const QString &event, const QByteArray &data,
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
    // The first subscription to a channel on this instance, and the end of its last one.
    void channelOccupied(const QString &channel);
    void channelVacated(const QString &channel);
    // A client event relayed (user id empty outside presence channels).
    void clientEventSent(const QString &channel, const QString &event, const QJsonValue &data,
                         const QString &socketId, const QString &userId);

private:
    friend class PusherConnection;

    void registerRoutes(http::HttpServer &http);
    void accept(PusherConnection *connection);
    void forget(PusherConnection *connection);
    void subscribe(PusherConnection *connection, const QJsonObject &data);
    void unsubscribe(PusherConnection *connection, const QString &channel);
    void leavePresence(const QString &channel, const QString &userKey);
    void clientEvent(PusherConnection *connection, const QString &event, const QString &channel,
                     const QJsonValue &data);
    void signIn(PusherConnection *connection, const QJsonObject &data);
    // Cache channels: keeps `frame` as the channel's last event.
    void remember(const QString &channel, const QByteArray &frame);
    QByteArray cachedFrame(const QString &channel);
    QString newSocketId() const;

    // ---- several instances
    void onClusterNote(const QString &instance, const QJsonObject &note);
    void onInstanceLeft(const QString &instance);
    void announceAll();
    void announceChannel(const QString &channel);
    void announceMember(const QString &channel, const QJsonValue &id, const QJsonObject &info,
                        bool present);
    void relayFrame(const QString &channel, const QByteArray &frame);
    // Whether a presence member has connections on some other instance.
    bool presentElsewhere(const QString &channel, const QString &userKey) const;
    int terminateLocalUserConnections(const QString &userId);

    struct Member
    {
        QJsonValue id; // as signed: a number stays a number
        QJsonObject info;
        int subscriptions = 0;
    };
    struct CachedEvent
    {
        QByteArray frame;
        qint64 storedAt = 0;
    };

    QPointer<realtime::Hub> m_hub;
    PusherApp m_app;
    PusherOptions m_options;
    QHash<QString, PusherConnection *> m_connections;
    QHash<QString, QHash<QString, Member>> m_presence;   // channel -> user id -> member
    QHash<QString, QSet<PusherConnection *>> m_channels; // channel -> its subscribers
    QHash<QString, CachedEvent> m_cache;                 // cache channel -> its last event
    struct RemoteChannel
    {
        int subscriptions = 0;
        QHash<QString, Member> members; // user id as text -> member (subscriptions unused)
    };
    QHash<QString, QHash<QString, RemoteChannel>> m_remote; // instance -> channel -> its state
    QPointer<chat::ChatService> m_cluster;
    qint64 m_cacheBytes = 0;
    std::unique_ptr<PusherHttpApi> m_httpApi;
    bool m_closing = false;
};

} // namespace lobby::api::pusher
