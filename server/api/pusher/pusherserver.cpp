#include "api/pusher/pusherserver.h"

#include "auth/crypto.h"
#include "http/httpserver.h"
#include "realtime/hub.h"

#include "http/websocket.h"
#include <QCryptographicHash>
#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRandomGenerator>
#include <QTimer>
#include <QUrlQuery>

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
    PongNotReceived = 4201,
    ClientEventRateLimit = 4301,
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

QString userIdText(const QJsonValue &value)
{
    if (value.isString())
        return value.toString();
    if (value.isDouble()) {
        const double d = value.toDouble(); // range first: the conversion is UB outside it
        return d >= -9e15 && d <= 9e15 ? QString::number(qint64(d)) : QString();
    }
    return {};
}

} // namespace

// One WebSocket client. Owns its socket; lives until the socket disconnects.
class PusherConnection : public QObject
{
public:
    struct Subscription
    {
        Grant grant;
        QString userId; // presence channels
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

    void error(int code, const QString &message)
    {
        sendObject(QStringLiteral("pusher:error"),
                   {{"code", code ? QJsonValue(code) : QJsonValue()}, {"message", message}});
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
            return http::UpgradeDecision::accept(QVariantList{
                request.param(QStringLiteral("key")), request.query(QStringLiteral("protocol")),
                request.raw().query().hasQueryItem(QStringLiteral("protocol"))});
        },
        [this](std::unique_ptr<http::WebSocket> socket, const QVariant &context) {
            const QVariantList values = context.toList();
            auto *connection = new PusherConnection(socket.release(), newSocketId(), this);
            const QString key = values.value(0).toString();
            const QString protocol = values.value(1).toString();
            bool numeric = false;
            const int version = protocol.toInt(&numeric);
            if (key != m_app.key) {
                connection->fail(AppDoesNotExist,
                                 QStringLiteral("App key %1 does not exist").arg(key));
            } else if (!values.value(2).toBool() || protocol.isEmpty()) {
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

    auto trigger = [this](const HttpRequest &request, bool batch) -> HttpReply {
        if (request.param(QStringLiteral("app_id")) != m_app.appId)
            return request.error(404, QStringLiteral("Unknown app."));
        // Signature first, so nothing about the body is told to an unauthenticated caller.
        const QByteArray body = request.raw().body();
        QList<QPair<QString, QString>> parameters =
            request.raw().query().queryItems(QUrl::FullyDecoded);
        QHash<QString, QString> values;
        for (const auto &parameter : std::as_const(parameters)) {
            if (values.contains(parameter.first.toLower()))
                return request.error(
                    400, QStringLiteral("Repeated query parameter %1.").arg(parameter.first));
            values.insert(parameter.first.toLower(), parameter.second);
        }
        if (values.value(QStringLiteral("auth_key")) != m_app.key)
            return request.error(401, QStringLiteral("Unknown auth_key."));
        if (values.value(QStringLiteral("auth_version")) != u"1.0")
            return request.error(401, QStringLiteral("auth_version must be 1.0."));
        bool ok = false;
        const qint64 timestamp = values.value(QStringLiteral("auth_timestamp")).toLongLong(&ok);
        if (!ok || qAbs(now() - timestamp) > m_options.timestampToleranceSeconds)
            return request.error(401, QStringLiteral("Timestamp expired: auth_timestamp must be "
                                                     "within %1 seconds of the server's time.")
                                          .arg(m_options.timestampToleranceSeconds));
        if (!body.isEmpty() && !auth::constantTimeEquals(
                                   values.value(QStringLiteral("body_md5")).toLatin1(),
                                   QCryptographicHash::hash(body, QCryptographicHash::Md5).toHex()))
            return request.error(401, QStringLiteral("body_md5 does not match the body."));
        const QByteArray signedText = requestStringToSign("POST", request.path(), parameters);
        if (!auth::constantTimeEquals(values.value(QStringLiteral("auth_signature")).toLatin1(),
                                      hmacHex(m_app.secret, signedText)))
            return request.error(401,
                                 QStringLiteral("Invalid signature: expected the HMAC-SHA256 "
                                                "hex digest of '%1'.")
                                     .arg(QString::fromUtf8(signedText)
                                              .replace(QLatin1Char('\n'), QLatin1String("\\n"))));

        HttpReply reply;
        const auto object = request.jsonObject(&reply);
        if (!object)
            return reply;
        struct Event
        {
            QStringList channels;
            QString name;
            QByteArray data;
            QString socketId;
        };
        QList<Event> events;
        auto parse = [&](const QJsonObject &o, QString *problem) {
            Event event;
            event.name = o.value(QStringLiteral("name")).toString();
            if (event.name.isEmpty() || event.name.size() > 200 ||
                event.name.startsWith(u"pusher")) {
                *problem = QStringLiteral("name must be 1-200 characters, not starting with "
                                          "'pusher'.");
                return false;
            }
            const QJsonValue data = o.value(QStringLiteral("data"));
            if (data.isUndefined()) {
                *problem = QStringLiteral("data is required.");
                return false;
            }
            event.data = data.isString() ? data.toString().toUtf8() : compact(data);
            if (event.data.size() > m_options.maxEventDataBytes) {
                *problem = QStringLiteral("413");
                return false;
            }
            if (o.value(QStringLiteral("channels")).isArray()) {
                for (const QJsonValue &channel : o.value(QStringLiteral("channels")).toArray())
                    event.channels << channel.toString();
            } else if (o.value(QStringLiteral("channel")).isString()) {
                event.channels << o.value(QStringLiteral("channel")).toString();
            }
            if (event.channels.isEmpty() || event.channels.size() > 100) {
                *problem = QStringLiteral("channels must name 1 to 100 channels.");
                return false;
            }
            for (const QString &channel : std::as_const(event.channels)) {
                if (!isValidChannelName(channel)) {
                    *problem = QStringLiteral("Invalid channel name '%1'.").arg(channel);
                    return false;
                }
            }
            event.socketId = o.value(QStringLiteral("socket_id")).toString();
            events << event;
            return true;
        };
        QString problem;
        bool valid = true;
        if (batch) {
            const QJsonArray list = object->value(QStringLiteral("batch")).toArray();
            if (list.isEmpty() || list.size() > 10)
                return request.error(400, QStringLiteral("batch must hold 1 to 10 events."));
            for (const QJsonValue &item : list)
                valid = valid && parse(item.toObject(), &problem);
        } else {
            valid = parse(*object, &problem);
        }
        if (!valid && problem == u"413")
            return request.error(413, QStringLiteral("Event data is larger than %1 bytes.")
                                          .arg(m_options.maxEventDataBytes));
        if (!valid)
            return request.error(400, problem);
        for (const Event &event : std::as_const(events)) {
            for (const QString &channel : event.channels)
                this->trigger(channel, event.name, event.data, event.socketId);
        }
        return HttpReply::json(200, QJsonObject{});
    };
    http.route(Method::Post, QStringLiteral("/apps/{app_id}/events"),
               [trigger](const HttpRequest &request) { return trigger(request, false); });
    http.route(Method::Post, QStringLiteral("/apps/{app_id}/batch_events"),
               [trigger](const HttpRequest &request) { return trigger(request, true); });
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
    if (connection->grants.size() < 100 || connection->grants.contains(channel))
        connection->grants.insert(channel, grant);
    return channelAuth(m_app, socketId, channel, channelData);
}

void PusherServer::subscribe(PusherConnection *connection, const QJsonObject &data)
{
    const QString channel = data.value(QStringLiteral("channel")).toString();
    auto refuse = [connection, &channel](int status, const QString &type, const QString &message) {
        connection->sendObject(QStringLiteral("pusher:subscription_error"),
                               {{"type", type}, {"error", message}, {"status", status}}, channel);
    };
    if (!isValidChannelName(channel))
        return refuse(400, QStringLiteral("InvalidChannel"),
                      QStringLiteral("Invalid channel name"));
    if (channel.startsWith(u"private-encrypted-"))
        return refuse(400, QStringLiteral("InvalidChannel"),
                      QStringLiteral("Encrypted channels are not supported"));
    if (connection->subscriptions.size() >= 100 && !connection->subscriptions.contains(channel))
        return refuse(400, QStringLiteral("LimitReached"),
                      QStringLiteral("A connection may subscribe to at most 100 channels"));

    const bool presence = isPresenceChannel(channel);
    QString userId;
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
            userId = userIdText(member.value(QStringLiteral("user_id")));
            userInfo = member.value(QStringLiteral("user_info")).toObject();
            if (userId.isEmpty())
                return refuse(400, QStringLiteral("AuthError"),
                              QStringLiteral("channel_data must carry a user_id"));
        }
    }

    const bool already = connection->subscriptions.contains(channel);
    if (!already) {
        connection->subscriptions.insert(channel, {connection->grants.take(channel), userId});
        m_channels[channel].insert(connection);
        if (m_hub)
            m_hub->subscribe(topicOf(channel), connection,
                             [connection](const QByteArray &frame) { connection->send(frame); });
        Q_EMIT subscribed(channel, connection->subscriptions.value(channel).grant);
    }
    QByteArray succeeded = "{}";
    if (presence) {
        auto &members = m_presence[channel];
        if (!already) {
            Member &member = members[userId];
            member.info = userInfo;
            if (++member.subscriptions == 1) {
                if (m_hub)
                    m_hub->publish(
                        topicOf(channel),
                        frame(QStringLiteral("pusher_internal:member_added"), channel,
                              compact(QJsonObject{{"user_id", userId}, {"user_info", userInfo}})),
                        connection);
                Q_EMIT memberAdded(channel, userId, userInfo);
            }
        }
        QJsonArray ids;
        QJsonObject hash;
        for (auto it = members.cbegin(); it != members.cend(); ++it) {
            ids.append(it.key());
            hash.insert(it.key(), it.value().info);
        }
        succeeded = compact(QJsonObject{
            {"presence", QJsonObject{{"ids", ids}, {"hash", hash}, {"count", ids.size()}}}});
    }
    connection->send(
        frame(QStringLiteral("pusher_internal:subscription_succeeded"), channel, succeeded));
}

void PusherServer::unsubscribe(PusherConnection *connection, const QString &channel)
{
    const auto it = connection->subscriptions.constFind(channel);
    if (it == connection->subscriptions.constEnd())
        return;
    const QString userId = it->userId;
    const Grant grant = it->grant;
    connection->subscriptions.erase(it);
    if (auto subscribers = m_channels.find(channel); subscribers != m_channels.end()) {
        subscribers->remove(connection);
        if (subscribers->isEmpty())
            m_channels.erase(subscribers);
    }
    if (m_hub)
        m_hub->unsubscribe(topicOf(channel), connection);
    Q_EMIT unsubscribed(channel, grant);
    if (!isPresenceChannel(channel))
        return;
    auto members = m_presence.find(channel);
    if (members == m_presence.end())
        return;
    auto member = members->find(userId);
    if (member == members->end() || --member->subscriptions > 0)
        return;
    members->erase(member);
    if (members->isEmpty())
        m_presence.erase(members);
    if (m_hub)
        m_hub->publish(topicOf(channel), frame(QStringLiteral("pusher_internal:member_removed"),
                                               channel, compact(QJsonObject{{"user_id", userId}})));
    Q_EMIT memberRemoved(channel, userId);
}

void PusherServer::clientEvent(PusherConnection *connection, const QString &event,
                               const QString &channel, const QJsonValue &data)
{
    if (!isPrivateChannel(channel) && !isPresenceChannel(channel))
        return connection->error(0, QStringLiteral("Client event rejected - only supported on "
                                                   "private and presence channels"));
    const auto subscription = connection->subscriptions.constFind(channel);
    if (subscription == connection->subscriptions.constEnd())
        return connection->error(
            0,
            QStringLiteral("Client event rejected - not subscribed to channel '%1'").arg(channel));
    if (event.size() > 200)
        return connection->error(0, QStringLiteral("Client event rejected - name too long"));
    const qint64 second = now();
    if (second != connection->rateSecond) {
        connection->rateSecond = second;
        connection->rateCount = 0;
    }
    if (++connection->rateCount > m_options.clientEventsPerSecond)
        return connection->error(ClientEventRateLimit,
                                 QStringLiteral("Client event rejected due to rate limit"));
    QJsonObject message{{"event", event}, {"channel", channel}, {"data", data}};
    if (compact(data).size() > m_options.maxEventDataBytes)
        return connection->error(0, QStringLiteral("Client event rejected - data over %1 bytes")
                                        .arg(m_options.maxEventDataBytes));
    if (!subscription->userId.isEmpty())
        message.insert(QStringLiteral("user_id"), subscription->userId);
    if (m_hub)
        m_hub->publish(topicOf(channel), compact(message), connection);
}

// ---- publishing

int PusherServer::trigger(const QString &channel, const QString &event, const QByteArray &data,
                          const QString &exceptSocketId)
{
    if (!m_hub)
        return 0;
    return m_hub->publish(topicOf(channel), frame(event, channel, data),
                          m_connections.value(exceptSocketId));
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

} // namespace lobby::api::pusher
