#pragma once

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QString>

#include <optional>

// The credentials of Lobby's own Pusher "app" and the signatures of the Pusher protocol.
namespace lobby::api::pusher {

// app id (numeric text), key (public, in the WebSocket URL) and secret (signs channel
// authorizations and HTTP API requests). One per install, kept in the data folder.
struct PusherApp
{
    QString appId;
    QString key;
    QByteArray secret;

    bool isValid() const { return !appId.isEmpty() && !key.isEmpty() && secret.size() >= 16; }
};

// A new random app: 7-digit id, 20 hex key, 64 hex secret.
PusherApp generateApp();

// Reads the app from `path` (JSON {"app_id","key","secret"}), creating it (random, mode 0600)
// on first start. std::nullopt and `error` when it cannot.
std::optional<PusherApp> loadOrCreateApp(const QString &path, QString *error);

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
bool isPrivateChannel(const QString &name);  // private-... (presence- is not private-)
bool isPresenceChannel(const QString &name); // presence-...

} // namespace lobby::api::pusher
