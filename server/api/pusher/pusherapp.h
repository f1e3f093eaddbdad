#pragma once

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QString>

#include <optional>

// The credentials of Lobby's own Pusher "app" and the signatures of the Pusher protocol.
namespace lobby::api::pusher {

// What one install allows. Pusher's documented defaults; the presence and client-event limits
// can be changed in the app file's optional "limits" object.
struct PusherLimits
{
    int maxEventDataBytes = 10 * 1024; // an event's data, HTTP API and client events
    int maxEventNameLength = 200;
    int maxChannelsPerTrigger = 100;
    int maxBatchEvents = 10;
    int maxSubscriptionsPerConnection = 100;
    int maxPresenceMembers = 100;        // "max_presence_members"
    int maxPresenceUserInfoBytes = 1024; // "max_presence_user_info_bytes"
    int maxPresenceUserIdLength = 128;
    int clientEventsPerSecond = 10; // "client_events_per_second", per connection
    // Cache channels: the last event of at most this many channels, bytes in all, kept this long.
    int cacheChannels = 1000;
    qint64 cacheBytes = 8 * 1024 * 1024;
    int cacheSeconds = 30 * 60;
};

// app id (numeric text), key (public, in the WebSocket URL), secret (signs channel
// authorizations and HTTP API requests) and the encryption master key of private-encrypted-
// channels (32 bytes). One per install, kept in the data folder.
struct PusherApp
{
    QString appId;
    QString key;
    QByteArray secret;
    QByteArray encryptionMasterKey = {};
    PusherLimits limits = {};

    bool isValid() const { return !appId.isEmpty() && !key.isEmpty() && secret.size() >= 16; }
};

// A new random app: 7-digit id, 20 hex key, 64 hex secret, 32 random bytes of master key.
PusherApp generateApp();

// Reads the app from `path` (JSON {"app_id","key","secret","encryption_master_key_base64",
// "limits"?}), creating it (random, mode 0600) on first start; a file written before encrypted
// channels gets its master key added. std::nullopt and `error` when it cannot.
std::optional<PusherApp> loadOrCreateApp(const QString &path, QString *error);

// The "auth" of pusher:signin: "key:HMAC(secret, socket_id::user::user_data)".
QString userAuth(const PusherApp &app, const QString &socketId, const QString &userData);
bool verifyUserAuth(const PusherApp &app, const QString &auth, const QString &socketId,
                    const QString &userData);

// The shared_secret of a private-encrypted- channel: base64(SHA-256(channel + master key)).
QByteArray encryptedChannelSecret(const PusherApp &app, const QString &channel);

// Lower-case hex HMAC-SHA256 of `message` with `secret`.
QByteArray hmacHex(const QByteArray &secret, const QByteArray &message);

// The "auth" of a private or presence subscription: "key:HMAC(secret, socket_id:channel)", with
// ":channel_data" appended to the signed text for presence channels.
QString channelAuth(const PusherApp &app, const QString &socketId, const QString &channel,
                    const QString &channelData = {});
// Checks a subscription's "auth" in constant time.
bool verifyChannelAuth(const PusherApp &app, const QString &auth, const QString &socketId,
                       const QString &channel, const QString &channelData = {});

// The text an HTTP API request signs: "METHOD\npath\nk=v&..." with the query parameters (except
// auth_signature) lower-cased, sorted by key and not URL-escaped.
QByteArray requestStringToSign(const QByteArray &method, const QString &path,
                               QList<QPair<QString, QString>> parameters);

// Channel names: up to 164 characters of A-Z a-z 0-9 _ - = @ , . ;
bool isValidChannelName(const QString &name);
bool isPrivateChannel(const QString &name);   // private-... (presence- is not private-)
bool isPresenceChannel(const QString &name);  // presence-...
bool isEncryptedChannel(const QString &name); // private-encrypted-...
bool isCacheChannel(const QString &name);     // cache-, private-cache-, presence-cache-...
// "#server-to-user-{id}": the channel of one signed-in user; the id, or empty when it is not one.
QString serverToUserId(const QString &name);

} // namespace lobby::api::pusher
