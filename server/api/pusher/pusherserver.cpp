#include "api/pusher/pusherserver.h"

#include "api/pusher/pusherhttpapi.h"

#include "chat/chatservice.h"
#include "http/httpserver.h"
#include "realtime/hub.h"

#include "http/websocket.h"
#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRandomGenerator>
#include <QTimer>

namespace lobby::api::pusher {

using http::HttpReply;
using http::HttpRequest;
using Method = QHttpServerRequest::Method;

namespace {

// Close codes pusher-js acts on: 4000-4099 do not reconnect, 4100-4199 reconnect after a
// back-off, 4200-4299 reconnect at once.
enum CloseCode
{
    AppDoesNotExist = 4001,
    InvalidVersionString = 4006,
    UnsupportedProtocol = 4007,
    NoProtocolVersion = 4008,
    ConnectionUnauthorized = 4009,
    OverCapacity = 4100,
    PongNotReceived = 4201,
    // 4300-4399 "any other error": Lobby answers every refused client event with 4301, as the
    // rate limit Pusher documents under that code, so an app can tell them from other errors.
    ClientEventRejected = 4301,
};

// What the upgrade request said, for the socket's first answer.
struct UpgradeContext
{
    QString key;
    QString protocol;
    bool protocolGiven = false;
};

QString topicOf(const QString &channel)
{
    return QStringLiteral("pusher/") + channel;
}

QByteArray compact(const QJsonValue &value)
{
    if (value.isObject())
        return http::compactJson(value.toObject());
    if (value.isArray())
        return QJsonDocument(value.toArray()).toJson(QJsonDocument::Compact);
    // A scalar: encode it inside an array and strip the brackets.
    const QByteArray wrapped = QJsonDocument(QJsonArray{value}).toJson(QJsonDocument::Compact);
    return wrapped.mid(1, wrapped.size() - 2);
}

// A presence user id's text, the key that makes 2 and "2" one member. Empty unless a string or a
// whole number.
QString userIdText(const QJsonValue &value)
{
    if (value.isString())
        return value.toString();
    if (value.isDouble()) {
        const double d = value.toDouble(); // range first: the conversion is UB outside it
        return d >= -9e15 && d <= 9e15 && d == double(qint64(d)) ? QString::number(qint64(d))
                                                                 : QString();
    }
    return {};
}

} // namespace
} // namespace lobby::api::pusher

Q_DECLARE_METATYPE(lobby::api::pusher::UpgradeContext)

namespace lobby::api::pusher {

// One WebSocket client. Owns its socket; lives until the socket disconnects.
class PusherConnection : public QObject
{
public:
    struct Subscription
    {
        Grant grant;
        QString userKey;   // presence channels: the member's id as text
        QJsonValue userId; // and as signed
    };

    PusherConnection(http::WebSocket *socket, QString socketId, QObject *parent)
        : QObject(parent), socket(socket), socketId(std::move(socketId))
    {
        socket->setParent(this);
        activity.setSingleShot(true);
    }

    void send(const QByteArray &frame) { socket->sendText(frame); }

    // pusher:* events whose data is an object (errors) rather than a string.
    void sendObject(const QString &event, const QJsonObject &data, const QString &channel = {})
    {
        QJsonObject message{{"event", event}, {"data", data}};
        if (!channel.isEmpty())
            message.insert(QStringLiteral("channel"), channel);
        send(compact(message));
    }

    void error(int code, const QString &message, const QString &channel = {})
    {
        sendObject(QStringLiteral("pusher:error"),
                   {{"code", code ? QJsonValue(code) : QJsonValue()}, {"message", message}},
                   channel);
    }

    void fail(int code, const QString &message)
    {
        error(code, message);
        socket->close(quint16(code), message);
    }

    http::WebSocket *socket;
    QString socketId;
    QHash<QString, Subscription> subscriptions;
    QHash<QString, Grant> grants; // signed for this socket, not yet used
    QTimer activity;
    bool awaitingPong = false;
    qint64 rateSecond = 0;
    int rateCount = 0;
    QString userId; // signed in with pusher:signin
};

PusherServer::PusherServer(http::HttpServer &http, realtime::Hub &hub, PusherApp app,
                           PusherOptions options, QObject *parent)
    : QObject(parent), m_hub(&hub), m_app(std::move(app)), m_options(std::move(options))
{
    registerRoutes(http);
}

PusherServer::~PusherServer()
{
    m_closing = true;
    const auto connections = m_connections;
    for (PusherConnection *connection : connections) {
        connection->socket->disconnect(this);
        connection->socket->disconnect(connection);
        delete connection;
    }
}

qint64 PusherServer::now() const
{
    return m_options.clock ? m_options.clock() : QDateTime::currentSecsSinceEpoch();
}

QString PusherServer::newSocketId() const
{
    auto *random = QRandomGenerator::system();
    QString id;
    do {
        id = QStringLiteral("%1.%2")
                 .arg(random->bounded(1u, 2000000000u))
                 .arg(random->bounded(1u, 2000000000u));
    } while (m_connections.contains(id));
    return id;
}

int PusherServer::subscriberCount(const QString &channel) const
{
    return m_hub ? m_hub->subscriberCount(topicOf(channel)) : 0;
}

QByteArray PusherServer::frame(const QString &event, const QString &channel, const QByteArray &data)
{
    return compact(
        QJsonObject{{"event", event}, {"channel", channel}, {"data", QString::fromUtf8(data)}});
}

// ---- connections

void PusherServer::registerRoutes(http::HttpServer &http)
{
    http.webSocketRoute(
        QStringLiteral("/app/{key}"),
        [](const HttpRequest &request) {
            // Accepted whatever the key and version: pusher-js understands a refusal only as a
            // pusher:error and a close code on an open socket.
            return http::UpgradeDecision::accept(QVariant::fromValue(UpgradeContext{
                request.param(QStringLiteral("key")), request.query(QStringLiteral("protocol")),
                request.raw().query().hasQueryItem(QStringLiteral("protocol"))}));
        },
        [this](std::unique_ptr<http::WebSocket> socket, const QVariant &context) {
            const auto [key, protocol, protocolGiven] = context.value<UpgradeContext>();
            auto *connection = new PusherConnection(socket.release(), newSocketId(), this);
            bool numeric = false;
            const int version = protocol.toInt(&numeric);
            if (key != m_app.key) {
                connection->fail(AppDoesNotExist,
                                 QStringLiteral("App key %1 does not exist").arg(key));
            } else if (!protocolGiven || protocol.isEmpty()) {
                connection->fail(NoProtocolVersion, QStringLiteral("No protocol version supplied"));
            } else if (!numeric) {
                connection->fail(InvalidVersionString,
                                 QStringLiteral("Invalid version string format"));
            } else if (version < 5 || version > 7) {
                connection->fail(UnsupportedProtocol,
                                 QStringLiteral("Unsupported protocol version %1").arg(version));
            } else {
                accept(connection);
                return;
            }
            connect(connection->socket, &http::WebSocket::disconnected, connection,
                    &QObject::deleteLater);
        });

    m_httpApi = std::make_unique<PusherHttpApi>(*this, http);
}

void PusherServer::accept(PusherConnection *connection)
{
    m_connections.insert(connection->socketId, connection);
    http::WebSocket *socket = connection->socket;
    connect(socket, &http::WebSocket::disconnected, connection, [this, connection] {
        forget(connection);
        connection->deleteLater();
    });
    auto restartActivity = [this, connection] {
        connection->awaitingPong = false;
        connection->activity.start(m_options.activityTimeoutSeconds * 1000);
    };
    connect(&connection->activity, &QTimer::timeout, connection, [this, connection] {
        if (connection->awaitingPong) {
            connection->fail(PongNotReceived, QStringLiteral("Pong reply not received"));
            return;
        }
        connection->send(compact(QJsonObject{{"event", "pusher:ping"}, {"data", "{}"}}));
        connection->awaitingPong = true;
        connection->activity.start(m_options.pongTimeoutSeconds * 1000);
    });
    connect(socket, &http::WebSocket::binaryMessageReceived, connection,
            [connection, restartActivity](const QByteArray &) {
                restartActivity();
                connection->error(0, QStringLiteral("Binary frames are not part of the protocol"));
            });
    connect(
        socket, &http::WebSocket::textMessageReceived, connection,
        [this, connection, restartActivity](const QByteArray &text) {
            restartActivity();
            QJsonParseError parseError;
            const QJsonDocument document = QJsonDocument::fromJson(text, &parseError);
            if (parseError.error != QJsonParseError::NoError || !document.isObject()) {
                connection->error(
                    0, QStringLiteral("Malformed message: %1").arg(parseError.errorString()));
                return;
            }
            const QJsonObject message = document.object();
            const QString event = message.value(QStringLiteral("event")).toString();
            QJsonValue data = message.value(QStringLiteral("data"));
            // pusher:* data may arrive as an object or as a JSON string.
            if (event.startsWith(u"pusher:") && data.isString())
                data = QJsonDocument::fromJson(data.toString().toUtf8()).object();
            if (event == u"pusher:ping") {
                connection->send(compact(QJsonObject{{"event", "pusher:pong"}, {"data", "{}"}}));
            } else if (event == u"pusher:pong") {
                // restartActivity() above has noted it.
            } else if (event == u"pusher:subscribe") {
                subscribe(connection, data.toObject());
            } else if (event == u"pusher:unsubscribe") {
                unsubscribe(connection,
                            data.toObject().value(QStringLiteral("channel")).toString());
            } else if (event == u"pusher:signin") {
                signIn(connection, data.toObject());
            } else if (event.startsWith(u"client-")) {
                clientEvent(connection, event, message.value(QStringLiteral("channel")).toString(),
                            data);
            } else {
                connection->error(0, QStringLiteral("Unknown event '%1'").arg(event.left(64)));
            }
        });
    connection->send(compact(
        QJsonObject{{"event", "pusher:connection_established"},
                    {"data", QString::fromUtf8(compact(QJsonObject{
                                 {"socket_id", connection->socketId},
                                 {"activity_timeout", m_options.activityTimeoutSeconds}}))}}));
    restartActivity();
}

void PusherServer::forget(PusherConnection *connection)
{
    if (m_closing)
        return;
    m_connections.remove(connection->socketId);
    const QStringList channels = connection->subscriptions.keys();
    for (const QString &channel : channels)
        unsubscribe(connection, channel);
    connection->activity.stop();
}

// ---- subscriptions

QString PusherServer::authorize(const QString &socketId, const QString &channel,
                                const QString &channelData, const Grant &grant)
{
    PusherConnection *connection = m_connections.value(socketId);
    if (!connection)
        return {};
    // Bounded: a connection keeps at most one pending grant per channel, 100 channels.
    if (connection->grants.size() < limits().maxSubscriptionsPerConnection ||
        connection->grants.contains(channel))
        connection->grants.insert(channel, grant);
    return channelAuth(m_app, socketId, channel, channelData);
}

QString PusherServer::authorizeUser(const QString &socketId, const QString &userData)
{
    if (!m_connections.contains(socketId))
        return {};
    return userAuth(m_app, socketId, userData);
}

void PusherServer::signIn(PusherConnection *connection, const QJsonObject &data)
{
    const QString userData = data.value(QStringLiteral("user_data")).toString();
    if (!verifyUserAuth(m_app, data.value(QStringLiteral("auth")).toString(), connection->socketId,
                        userData)) {
        connection->error(ConnectionUnauthorized,
                          QStringLiteral("Invalid signature for pusher:signin"));
        return;
    }
    const QJsonValue id =
        QJsonDocument::fromJson(userData.toUtf8()).object().value(QStringLiteral("id"));
    if (!id.isString() || !isValidChannelName(id.toString())) {
        connection->error(ConnectionUnauthorized,
                          QStringLiteral("user_data must be a JSON object whose id is a string "
                                         "of up to 164 characters A-Z a-z 0-9 _ - = @ , . ;"));
        return;
    }
    // Signed in as someone else now: the previous user's channel is not this socket's any more.
    if (!connection->userId.isEmpty() && connection->userId != id.toString())
        unsubscribe(connection, QStringLiteral("#server-to-user-") + connection->userId);
    connection->userId = id.toString();
    connection->send(compact(
        QJsonObject{{"event", "pusher:signin_success"},
                    {"data", QString::fromUtf8(compact(QJsonObject{{"user_data", userData}}))}}));
}

int PusherServer::terminateUserConnections(const QString &userId)
{
    if (m_cluster)
        m_cluster->sendClusterNote({{"p", "terminate"}, {"u", userId}});
    return terminateLocalUserConnections(userId);
}

int PusherServer::terminateLocalUserConnections(const QString &userId)
{
    QList<PusherConnection *> ended;
    for (PusherConnection *connection : std::as_const(m_connections)) {
        if (!userId.isEmpty() && connection->userId == userId)
            ended << connection;
    }
    for (PusherConnection *connection : std::as_const(ended))
        connection->fail(ConnectionUnauthorized,
                         QStringLiteral("Connection terminated by the app"));
    return int(ended.size());
}

void PusherServer::subscribe(PusherConnection *connection, const QJsonObject &data)
{
    const QString channel = data.value(QStringLiteral("channel")).toString();
    auto refuse = [connection, &channel](int status, const QString &type, const QString &message) {
        connection->sendObject(QStringLiteral("pusher:subscription_error"),
                               {{"type", type}, {"error", message}, {"status", status}}, channel);
    };
    const QString ownUser = serverToUserId(channel);
    if (!ownUser.isEmpty()) {
        // Sent by pusher-js after pusher:signin; only the signed-in user's own channel.
        if (ownUser != connection->userId)
            return refuse(401, QStringLiteral("AuthError"),
                          QStringLiteral("Sign in as this user first"));
    } else if (!isValidChannelName(channel)) {
        return refuse(400, QStringLiteral("InvalidChannel"),
                      QStringLiteral("Invalid channel name"));
    }
    if (connection->subscriptions.size() >= limits().maxSubscriptionsPerConnection &&
        !connection->subscriptions.contains(channel))
        return refuse(400, QStringLiteral("LimitReached"),
                      QStringLiteral("A connection may subscribe to at most %1 channels")
                          .arg(limits().maxSubscriptionsPerConnection));

    const bool presence = isPresenceChannel(channel);
    QString userKey;
    QJsonValue userId;
    QJsonObject userInfo;
    if (isPrivateChannel(channel) || presence) {
        const QJsonValue channelDataValue = data.value(QStringLiteral("channel_data"));
        const QString channelData = channelDataValue.isString()
                                        ? channelDataValue.toString()
                                        : QString::fromUtf8(compact(channelDataValue.toObject()));
        if (!verifyChannelAuth(m_app, data.value(QStringLiteral("auth")).toString(),
                               connection->socketId, channel, presence ? channelData : QString()))
            return refuse(401, QStringLiteral("AuthError"),
                          QStringLiteral("Invalid signature for channel '%1'").arg(channel));
        if (presence) {
            const QJsonObject member = QJsonDocument::fromJson(channelData.toUtf8()).object();
            userId = member.value(QStringLiteral("user_id"));
            userKey = userIdText(userId);
            userInfo = member.value(QStringLiteral("user_info")).toObject();
            if (userKey.isEmpty())
                return refuse(400, QStringLiteral("AuthError"),
                              QStringLiteral("channel_data must carry a user_id (a string or a "
                                             "whole number)"));
            if (userKey.size() > limits().maxPresenceUserIdLength)
                return refuse(ClientEventRejected, QStringLiteral("LimitReached"),
                              QStringLiteral("A presence user_id may be at most %1 characters")
                                  .arg(limits().maxPresenceUserIdLength));
            if (compact(member.value(QStringLiteral("user_info"))).size() >
                limits().maxPresenceUserInfoBytes)
                return refuse(ClientEventRejected, QStringLiteral("LimitReached"),
                              QStringLiteral("A presence member's user_info may be at most %1 "
                                             "bytes")
                                  .arg(limits().maxPresenceUserInfoBytes));
            if (!m_presence.value(channel).contains(userKey) &&
                !presentElsewhere(channel, userKey) &&
                channelInfo(channel).userCount >= limits().maxPresenceMembers)
                return refuse(OverCapacity, QStringLiteral("LimitReached"),
                              QStringLiteral("Presence channel '%1' has its %2 members")
                                  .arg(channel)
                                  .arg(limits().maxPresenceMembers));
        }
    }

    const bool already = connection->subscriptions.contains(channel);
    if (!already) {
        connection->subscriptions.insert(channel,
                                         {connection->grants.take(channel), userKey, userId});
        QSet<PusherConnection *> &subscribers = m_channels[channel];
        subscribers.insert(connection);
        if (m_hub)
            m_hub->subscribe(topicOf(channel), connection,
                             [connection](const QByteArray &frame) { connection->send(frame); });
        Q_EMIT subscribed(channel, connection->subscriptions.value(channel).grant);
        if (subscribers.size() == 1)
            Q_EMIT channelOccupied(channel);
        announceChannel(channel);
    }
    QByteArray succeeded = "{}";
    if (presence) {
        auto &members = m_presence[channel];
        if (!already) {
            Member &member = members[userKey];
            member.id = userId;
            member.info = userInfo;
            if (++member.subscriptions == 1) {
                announceMember(channel, userId, userInfo, true);
                if (m_hub && !presentElsewhere(channel, userKey))
                    m_hub->publish(
                        topicOf(channel),
                        frame(QStringLiteral("pusher_internal:member_added"), channel,
                              compact(QJsonObject{{"user_id", userId}, {"user_info", userInfo}})),
                        connection);
                Q_EMIT memberAdded(channel, userKey, userInfo);
            }
        }
        QHash<QString, Member> everyone = members;
        for (const auto &instance : std::as_const(m_remote)) {
            const auto remote = instance.constFind(channel);
            if (remote != instance.constEnd())
                everyone.insert(remote->members);
        }
        QJsonArray ids;
        QJsonObject hash;
        for (auto it = everyone.cbegin(); it != everyone.cend(); ++it) {
            ids.append(it->id);
            hash.insert(it.key(), it->info);
        }
        succeeded = compact(QJsonObject{
            {"presence", QJsonObject{{"ids", ids}, {"hash", hash}, {"count", ids.size()}}}});
    }
    connection->send(
        frame(QStringLiteral("pusher_internal:subscription_succeeded"), channel, succeeded));
    if (isCacheChannel(channel)) {
        const QByteArray cached = cachedFrame(channel);
        connection->send(!cached.isEmpty() ? cached
                                           : compact(QJsonObject{{"event", "pusher:cache_miss"},
                                                                 {"channel", channel}}));
    }
}

void PusherServer::unsubscribe(PusherConnection *connection, const QString &channel)
{
    const auto it = connection->subscriptions.constFind(channel);
    if (it == connection->subscriptions.constEnd())
        return;
    const QString userKey = it->userKey;
    const Grant grant = it->grant;
    connection->subscriptions.erase(it);
    if (m_hub)
        m_hub->unsubscribe(topicOf(channel), connection);
    Q_EMIT unsubscribed(channel, grant);
    if (isPresenceChannel(channel))
        leavePresence(channel, userKey);
    if (auto subscribers = m_channels.find(channel); subscribers != m_channels.end()) {
        subscribers->remove(connection);
        if (subscribers->isEmpty()) {
            m_channels.erase(subscribers);
            Q_EMIT channelVacated(channel);
        }
    }
    announceChannel(channel);
}

void PusherServer::leavePresence(const QString &channel, const QString &userKey)
{
    auto members = m_presence.find(channel);
    if (members == m_presence.end())
        return;
    auto member = members->find(userKey);
    if (member == members->end() || --member->subscriptions > 0)
        return;
    const QJsonValue userId = member->id;
    members->erase(member);
    if (members->isEmpty())
        m_presence.erase(members);
    announceMember(channel, userId, {}, false);
    if (m_hub && !presentElsewhere(channel, userKey))
        m_hub->publish(topicOf(channel), frame(QStringLiteral("pusher_internal:member_removed"),
                                               channel, compact(QJsonObject{{"user_id", userId}})));
    Q_EMIT memberRemoved(channel, userKey);
}

void PusherServer::clientEvent(PusherConnection *connection, const QString &event,
                               const QString &channel, const QJsonValue &data)
{
    auto reject = [connection, &channel](const QString &why) {
        connection->error(ClientEventRejected, QStringLiteral("Client event rejected - ") + why,
                          channel);
    };
    if (!isPrivateChannel(channel) && !isPresenceChannel(channel))
        return reject(QStringLiteral("only supported on private and presence channels"));
    if (isEncryptedChannel(channel))
        return reject(QStringLiteral("not supported on encrypted channels"));
    const auto subscription = connection->subscriptions.constFind(channel);
    if (subscription == connection->subscriptions.constEnd())
        return reject(QStringLiteral("not subscribed to channel '%1'").arg(channel));
    if (event.size() > limits().maxEventNameLength)
        return reject(
            QStringLiteral("name longer than %1 characters").arg(limits().maxEventNameLength));
    if (compact(data).size() > limits().maxEventDataBytes)
        return reject(QStringLiteral("data over %1 bytes").arg(limits().maxEventDataBytes));
    // Only valid events count towards the rate.
    const qint64 second = now();
    if (second != connection->rateSecond) {
        connection->rateSecond = second;
        connection->rateCount = 0;
    }
    if (++connection->rateCount > limits().clientEventsPerSecond)
        return connection->error(ClientEventRejected,
                                 QStringLiteral("Client event rejected due to rate limit (%1 per "
                                                "second)")
                                     .arg(limits().clientEventsPerSecond),
                                 channel);
    QJsonObject message{{"event", event}, {"channel", channel}, {"data", data}};
    if (!subscription->userKey.isEmpty())
        message.insert(QStringLiteral("user_id"), subscription->userId);
    const QByteArray encoded = compact(message);
    if (isCacheChannel(channel))
        remember(channel, encoded);
    if (m_hub)
        m_hub->publish(topicOf(channel), encoded, connection);
    relayFrame(channel, encoded);
    Q_EMIT clientEventSent(channel, event, data, connection->socketId, subscription->userKey);
}

// ---- cache channels

void PusherServer::remember(const QString &channel, const QByteArray &frame)
{
    const PusherLimits &limit = limits();
    if (frame.size() > limit.cacheBytes)
        return;
    if (auto old = m_cache.find(channel); old != m_cache.end()) {
        m_cacheBytes -= old->frame.size();
        m_cache.erase(old);
    }
    // Over a bound, the oldest entries go (expired ones are the oldest).
    const qint64 at = now();
    while (!m_cache.isEmpty() && (m_cache.size() >= limit.cacheChannels ||
                                  m_cacheBytes + frame.size() > limit.cacheBytes)) {
        auto oldest = m_cache.begin();
        for (auto it = m_cache.begin(); it != m_cache.end(); ++it) {
            if (it->storedAt < oldest->storedAt)
                oldest = it;
        }
        m_cacheBytes -= oldest->frame.size();
        m_cache.erase(oldest);
    }
    m_cache.insert(channel, {frame, at});
    m_cacheBytes += frame.size();
}

QByteArray PusherServer::cachedFrame(const QString &channel)
{
    const auto it = m_cache.find(channel);
    if (it == m_cache.end())
        return {};
    if (now() - it->storedAt >= limits().cacheSeconds) {
        m_cacheBytes -= it->frame.size();
        m_cache.erase(it);
        return {};
    }
    return it->frame;
}

// ---- channel information

QMap<QString, ChannelInfo> PusherServer::channels(const QString &prefix) const
{
    QSet<QString> names(m_channels.keyBegin(), m_channels.keyEnd());
    for (const auto &instance : m_remote) {
        for (auto it = instance.cbegin(); it != instance.cend(); ++it) {
            if (it->subscriptions > 0)
                names.insert(it.key());
        }
    }
    QMap<QString, ChannelInfo> result;
    for (const QString &name : std::as_const(names)) {
        if (name.startsWith(prefix) && !name.startsWith(QLatin1Char('#')))
            result.insert(name, channelInfo(name));
    }
    return result;
}

ChannelInfo PusherServer::channelInfo(const QString &channel) const
{
    ChannelInfo info{int(m_channels.value(channel).size()), 0};
    QSet<QString> members;
    for (auto it = m_presence.value(channel).keyBegin(); it != m_presence.value(channel).keyEnd();
         ++it)
        members.insert(*it);
    for (const auto &instance : m_remote) {
        const auto remote = instance.constFind(channel);
        if (remote == instance.constEnd())
            continue;
        info.subscriptionCount += remote->subscriptions;
        for (auto it = remote->members.keyBegin(); it != remote->members.keyEnd(); ++it)
            members.insert(*it);
    }
    info.userCount = int(members.size());
    return info;
}

QList<QJsonValue> PusherServer::presenceUserIds(const QString &channel) const
{
    QHash<QString, QJsonValue> ids;
    for (const auto &instance : m_remote) {
        const auto remote = instance.constFind(channel);
        if (remote == instance.constEnd())
            continue;
        for (auto it = remote->members.cbegin(); it != remote->members.cend(); ++it)
            ids.insert(it.key(), it->id);
    }
    const auto members = m_presence.value(channel);
    for (auto it = members.cbegin(); it != members.cend(); ++it)
        ids.insert(it.key(), it->id);
    return ids.values();
}

// ---- publishing

int PusherServer::trigger(const QString &channel, const QString &event, const QByteArray &data,
                          const QString &exceptSocketId)
{
    const QByteArray encoded = frame(event, channel, data);
    if (isCacheChannel(channel))
        remember(channel, encoded);
    if (!m_hub)
        return 0;
    return m_hub->publish(topicOf(channel), encoded, m_connections.value(exceptSocketId));
}

int PusherServer::triggerEverywhere(const QString &channel, const QString &event,
                                    const QByteArray &data, const QString &exceptSocketId)
{
    relayFrame(channel, frame(event, channel, data));
    return trigger(channel, event, data, exceptSocketId);
}

int PusherServer::revoke(const QString &channel, const std::function<bool(const Grant &)> &matches,
                         const QString &event, const QByteArray &data)
{
    QList<PusherConnection *> ended;
    for (PusherConnection *connection : m_channels.value(channel)) {
        const auto it = connection->subscriptions.constFind(channel);
        if (it != connection->subscriptions.constEnd() && matches(it->grant))
            ended << connection;
    }
    const QByteArray told = event.isEmpty() ? QByteArray() : frame(event, channel, data);
    for (PusherConnection *connection : std::as_const(ended)) {
        if (!told.isEmpty())
            connection->send(told);
        unsubscribe(connection, channel);
    }
    return int(ended.size());
}

// ---- several instances
//
// Notes (key p): "channel" c, n: this instance's subscription count of channel c (0: none);
// "member" c, u (the id as signed), o (user_info), f (present): a member's first connection on
// this instance, or its last one gone; "frame" c, b: an encoded event for c's subscribers;
// "terminate" u: close the connections signed in as u.

void PusherServer::joinCluster(chat::ChatService &chat)
{
    m_cluster = &chat;
    connect(&chat, &chat::ChatService::clusterNote, this, &PusherServer::onClusterNote);
    connect(&chat, &chat::ChatService::clusterInstanceJoined, this, &PusherServer::announceAll);
    connect(&chat, &chat::ChatService::clusterInstanceLeft, this, &PusherServer::onInstanceLeft);
}

void PusherServer::announceAll()
{
    for (auto it = m_channels.cbegin(); it != m_channels.cend(); ++it)
        announceChannel(it.key());
    for (auto channel = m_presence.cbegin(); channel != m_presence.cend(); ++channel) {
        for (const Member &member : *channel)
            announceMember(channel.key(), member.id, member.info, true);
    }
}

void PusherServer::announceChannel(const QString &channel)
{
    if (m_cluster && !m_closing)
        m_cluster->sendClusterNote(
            {{"p", "channel"}, {"c", channel}, {"n", int(m_channels.value(channel).size())}});
}

void PusherServer::announceMember(const QString &channel, const QJsonValue &id,
                                  const QJsonObject &info, bool present)
{
    if (m_cluster && !m_closing)
        m_cluster->sendClusterNote(
            {{"p", "member"}, {"c", channel}, {"u", id}, {"o", info}, {"f", present}});
}

void PusherServer::relayFrame(const QString &channel, const QByteArray &frame)
{
    if (m_cluster)
        m_cluster->sendClusterNote(
            {{"p", "frame"}, {"c", channel}, {"b", QString::fromUtf8(frame)}});
}

bool PusherServer::presentElsewhere(const QString &channel, const QString &userKey) const
{
    for (const auto &instance : m_remote) {
        const auto remote = instance.constFind(channel);
        if (remote != instance.constEnd() && remote->members.contains(userKey))
            return true;
    }
    return false;
}

void PusherServer::onClusterNote(const QString &instance, const QJsonObject &note)
{
    const QString kind = note.value(QStringLiteral("p")).toString();
    const QString channel = note.value(QStringLiteral("c")).toString();
    if (kind == u"frame") {
        const QByteArray encoded = note.value(QStringLiteral("b")).toString().toUtf8();
        if (isCacheChannel(channel))
            remember(channel, encoded);
        if (m_hub)
            m_hub->publish(topicOf(channel), encoded);
    } else if (kind == u"terminate") {
        terminateLocalUserConnections(note.value(QStringLiteral("u")).toString());
    } else if (kind == u"channel") {
        auto &channels = m_remote[instance];
        const int subscriptions = note.value(QStringLiteral("n")).toInt();
        if (subscriptions > 0)
            channels[channel].subscriptions = subscriptions;
        else if (auto it = channels.find(channel); it != channels.end()) {
            it->subscriptions = 0;
            if (it->members.isEmpty())
                channels.erase(it);
        }
    } else if (kind == u"member" && isPresenceChannel(channel)) {
        const QJsonValue id = note.value(QStringLiteral("u"));
        const QString userKey = userIdText(id);
        if (userKey.isEmpty())
            return;
        const bool before =
            m_presence.value(channel).contains(userKey) || presentElsewhere(channel, userKey);
        RemoteChannel &remote = m_remote[instance][channel];
        if (note.value(QStringLiteral("f")).toBool()) {
            remote.members.insert(userKey, {id, note.value(QStringLiteral("o")).toObject(), 0});
            if (!before && m_hub)
                m_hub->publish(
                    topicOf(channel),
                    frame(QStringLiteral("pusher_internal:member_added"), channel,
                          compact(QJsonObject{{"user_id", id},
                                              {"user_info", remote.members.value(userKey).info}})));
            return;
        }
        remote.members.remove(userKey);
        if (remote.members.isEmpty() && remote.subscriptions == 0)
            m_remote[instance].remove(channel);
        if (before && !m_presence.value(channel).contains(userKey) &&
            !presentElsewhere(channel, userKey) && m_hub)
            m_hub->publish(topicOf(channel), frame(QStringLiteral("pusher_internal:member_removed"),
                                                   channel, compact(QJsonObject{{"user_id", id}})));
    }
}

// An instance gone: its subscriptions no longer count, and its members that no other instance
// has leave.
void PusherServer::onInstanceLeft(const QString &instance)
{
    const QHash<QString, RemoteChannel> channels = m_remote.take(instance);
    for (auto channel = channels.cbegin(); channel != channels.cend(); ++channel) {
        for (auto member = channel->members.cbegin(); member != channel->members.cend(); ++member) {
            if (m_presence.value(channel.key()).contains(member.key()) ||
                presentElsewhere(channel.key(), member.key()) || !m_hub)
                continue;
            m_hub->publish(topicOf(channel.key()),
                           frame(QStringLiteral("pusher_internal:member_removed"), channel.key(),
                                 compact(QJsonObject{{"user_id", member->id}})));
        }
    }
}

} // namespace lobby::api::pusher
