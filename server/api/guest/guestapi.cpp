#include "api/guest/guestapi.h"

#include "api/errorreply.h"
#include "api/pusher/pusherwebhooks.h"
#include "auth/crypto.h"
#include "auth/passwords.h"
#include "chat/chatservice.h"
#include "lobbyserver.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QUrlQuery>

namespace lobby::api::guest {

using namespace lobby::chat;
using http::HttpReply;
using http::HttpRequest;
using Method = QHttpServerRequest::Method;

namespace {

const QString tokenPrefix = QStringLiteral("guest_");

HttpReply detail(int status, const QString &message)
{
    return HttpReply::error(http::ApiFamily::Guest, status, message);
}

HttpReply fromError(const Error &error)
{
    return errorReply(http::ApiFamily::Guest, error,
                      QStringLiteral("The change could not be stored; try again."));
}

HttpReply tooManyAttempts(qint64 retryAfter)
{
    HttpReply reply = detail(
        429, QStringLiteral("Too many wrong PINs. Try again in %1 seconds.").arg(retryAfter));
    reply.headers.append({"Retry-After", QByteArray::number(retryAfter)});
    return reply;
}

QString iso(const QDateTime &time)
{
    return time.toUTC().toString(Qt::ISODate);
}

bool isGuestToken(const QString &token)
{
    return token.startsWith(tokenPrefix);
}

} // namespace

QString roomChannel(const QString &hotelSlug, const QString &roomNumber)
{
    return QStringLiteral("private-%1-room-%2-chat").arg(hotelSlug, roomNumber);
}

QString staffChannel(const QString &hotelSlug, qint64 staffId)
{
    return QStringLiteral("private-%1-staff-%2-chat").arg(hotelSlug).arg(staffId);
}

QString staffPresenceChannel(const QString &hotelSlug)
{
    return QStringLiteral("presence-%1-staff").arg(hotelSlug);
}

void registerGuestApi(LobbyServer &server, const ServerConfig &config)
{
    new GuestApi(server, config);
}

GuestApi::GuestApi(LobbyServer &server, const ServerConfig &config)
    : QObject(&server.http()), m_server(server), m_chat(server.chat()),
      m_sessionSeconds(config.guestSessionSeconds)
{
    pusher::PusherApp app = config.pusherApp;
    if (!app.isValid())
        app = pusher::generateApp();
    m_pusher =
        new pusher::PusherServer(server.http(), server.hub(), app, config.pusherOptions, this);
    m_pusher->joinCluster(m_chat);
    new pusher::PusherWebhooks(*m_pusher, m_chat, {}, this);
    connect(&m_chat, &ChatService::event, this, &GuestApi::onEvent);
    connect(m_pusher, &pusher::PusherServer::memberAdded, this,
            [this](const QString &channel, const QString &userId) {
                onPresence(channel, userId, true);
            });
    connect(m_pusher, &pusher::PusherServer::memberRemoved, this,
            [this](const QString &channel, const QString &userId) {
                onPresence(channel, userId, false);
            });
    connect(m_pusher, &pusher::PusherServer::subscribed, this,
            [this](const QString &, const pusher::Grant &grant) { onGuestPresence(grant, true); });
    connect(m_pusher, &pusher::PusherServer::unsubscribed, this,
            [this](const QString &, const pusher::Grant &grant) { onGuestPresence(grant, false); });
    registerRoutes();
}

GuestApi::~GuestApi() = default;

void GuestApi::registerRoutes()
{
    http::HttpServer &http = m_server.http();
    auto bind = [this](HttpReply (GuestApi::*handler)(const HttpRequest &)) {
        return [this, handler](const HttpRequest &request) { return (this->*handler)(request); };
    };
    http.route(Method::Post,
               QStringLiteral("/api/chat/{hotel_slug}/guest-session/room/{room}/initialize/"),
               bind(&GuestApi::initialize));
    http.route(Method::Get, QStringLiteral("/api/chat/guest-session/{token}/validate/"),
               bind(&GuestApi::validate));
    http.route(Method::Get, QStringLiteral("/api/chat/guest-session/{token}/unread-count/"),
               bind(&GuestApi::unreadCount));
    http.route(Method::Post, QStringLiteral("/api/chat/guest-session/{token}/mark-read/"),
               bind(&GuestApi::markRead));
    http.route(Method::Post,
               QStringLiteral("/api/chat/{hotel_slug}/conversations/{id}/messages/send/"),
               bind(&GuestApi::send));
    http.route(Method::Get, QStringLiteral("/api/chat/{hotel_slug}/conversations/{id}/messages/"),
               bind(&GuestApi::history));
    http.route(Method::Post, QStringLiteral("/api/chat/pusher/auth/"),
               bind(&GuestApi::authorizeChannel));
    http.route(Method::Post, QStringLiteral("/api/chat/pusher/user-auth/"),
               bind(&GuestApi::authorizeUser));
}

// ---- sessions

std::optional<GuestApi::Guest> GuestApi::guestByToken(const QString &token, QString *why)
{
    *why = QStringLiteral("Unknown guest session.");
    if (!isGuestToken(token) || token.size() > 128)
        return std::nullopt;
    const auto session = m_chat.guestSessionByTokenHash(auth::sha256Hex(token.toUtf8()));
    if (!session)
        return std::nullopt;
    if (session->endedAt.isValid()) {
        *why = QStringLiteral("This guest session has ended: the room was checked out.");
        return std::nullopt;
    }
    if (session->expiresAt <= QDateTime::currentDateTimeUtc()) {
        *why = QStringLiteral("This guest session has expired. Enter the room PIN again.");
        return std::nullopt;
    }
    const auto site = m_chat.site(session->siteId);
    const auto room = m_chat.room(session->roomId);
    const auto conversation = m_chat.conversationFor(
        {session->siteId, ChatService::guestActor(*session)}, session->conversationId);
    if (!site || !room || !conversation)
        return std::nullopt;
    return Guest{*session, *site, *room, conversation.value(), token};
}

QJsonValue GuestApi::staffInfo(qint64 accountId)
{
    const auto account = accountId ? m_chat.account(accountId) : std::nullopt;
    if (!account)
        return QJsonValue::Null;
    const QString role = !account->jobTitle.isEmpty()        ? account->jobTitle
                         : account->role == StaffRole::Admin ? QStringLiteral("Admin")
                                                             : QStringLiteral("Staff");
    return QJsonObject{{"name", account->name},
                       {"role", role},
                       {"profile_image", account->profileImage.isEmpty()
                                             ? QJsonValue(QJsonValue::Null)
                                             : QJsonValue(account->profileImage)}};
}

QJsonObject GuestApi::messageJson(const Message &message, const QString &roomNumber)
{
    const bool staff = message.sender.kind == ActorKind::Staff;
    const QJsonValue info = staff ? staffInfo(message.sender.id) : QJsonValue(QJsonValue::Null);
    QString senderName;
    if (staff)
        senderName = info.toObject().value(QStringLiteral("name")).toString();
    else if (message.sender.kind == ActorKind::Guest)
        senderName = QStringLiteral("Room %1").arg(roomNumber);
    else
        senderName = QStringLiteral("Hotel");
    QJsonObject json{{"id", message.id},
                     {"conversation_id", message.conversationId},
                     {"message", message.content},
                     {"message_type", wireName(message.type)},
                     {"sender_type", wireName(message.sender.kind)},
                     {"sender_name", senderName},
                     {"staff_info", info},
                     {"timestamp", iso(message.createdAt)}};
    if (!message.mediaUrl.isEmpty())
        json.insert(QStringLiteral("media_url"), message.mediaUrl);
    return json;
}

QJsonObject GuestApi::sessionJson(const Guest &guest, const HttpRequest &request)
{
    // Where this client reached Lobby is where it reaches the Pusher socket and auth endpoint.
    const QString host = QString::fromLatin1(request.header("host"));
    const qsizetype colon = host.lastIndexOf(QLatin1Char(':'));
    const bool hasPort = colon > 0 && !host.endsWith(QLatin1Char(']'));
    return QJsonObject{
        {"session_token", guest.token},
        {"conversation_id", guest.conversation.id},
        {"pusher_channel", roomChannel(guest.site.slug, guest.room.number)},
        {"current_staff_handler", staffInfo(guest.conversation.handlerAccountId)},
        {"hotel_slug", guest.site.slug},
        {"room_number", guest.room.number},
        {"guest_name", QStringLiteral("Room %1").arg(guest.room.number)},
        {"expires_at", iso(guest.session.expiresAt)},
        {"pusher_key", m_pusher->app().key},
        {"pusher_auth_endpoint", host.isEmpty()
                                     ? QStringLiteral("/api/chat/pusher/auth/")
                                     : QStringLiteral("http://%1/api/chat/pusher/auth/").arg(host)},
        {"pusher_ws_host", hasPort ? host.left(colon) : host},
        {"pusher_ws_port", hasPort ? host.mid(colon + 1).toInt() : 80},
        {"pusher_force_tls", false},
    };
}

HttpReply GuestApi::initialize(const HttpRequest &request)
{
    const auto site = m_chat.siteBySlug(request.param(QStringLiteral("hotel_slug")));
    if (!site)
        return detail(404, QStringLiteral("Hotel not found."));
    const auto room = m_chat.roomByNumber(site->id, request.param(QStringLiteral("room")));
    if (!room)
        return detail(404, QStringLiteral("Room not found."));
    HttpReply reply;
    const auto body = request.jsonObject(&reply);
    if (!body)
        return reply;

    const QString roomScope = QStringLiteral("pin:room:%1").arg(room->id);
    const QString addressScope =
        QStringLiteral("pin:address:%1").arg(request.raw().remoteAddress().toString());
    const LockoutState roomLock = m_chat.lockoutState(roomScope);
    const LockoutState addressLock = m_chat.lockoutState(addressScope);
    if (roomLock.locked || addressLock.locked)
        return tooManyAttempts(qMax(roomLock.retryAfterSeconds, addressLock.retryAfterSeconds));

    const QJsonValue pinValue = body->value(QStringLiteral("pin"));
    // A number is taken as its digits; one that is no whole number of PIN size cannot match.
    const qint64 pinNumber = http::idFromJson(pinValue).value_or(0);
    const QString pin = !pinValue.isDouble() ? pinValue.toString()
                        : pinNumber > 0      ? QString::number(pinNumber)
                                             : QStringLiteral("not-a-pin");
    if (pin.isEmpty())
        return detail(400, QStringLiteral("pin is required."));
    if (pin.size() > 64 || !auth::verifyPassword(room->pinHash, pin)) {
        const LockoutPolicy policy{maxPinFailures, pinLockSeconds, pinLockSeconds};
        const LockoutState roomNow = m_chat.recordAuthFailure(roomScope, policy);
        const LockoutState addressNow = m_chat.recordAuthFailure(addressScope, policy);
        if (roomNow.locked || addressNow.locked)
            return tooManyAttempts(qMax(roomNow.retryAfterSeconds, addressNow.retryAfterSeconds));
        return detail(401, QStringLiteral("Invalid PIN."));
    }

    // A still-valid session of this room continues: same token, same conversation.
    const QString previous = body->value(QStringLiteral("session_token")).toString();
    if (!previous.isEmpty()) {
        QString why;
        const auto guest = guestByToken(previous, &why);
        if (guest && guest->room.id == room->id)
            return HttpReply::json(200, sessionJson(*guest, request));
    }
    const QString token = tokenPrefix + auth::randomToken(32);
    const auto started =
        m_chat.startGuestSession(room->id, auth::sha256Hex(token.toUtf8()),
                                 QDateTime::currentDateTimeUtc().addSecs(m_sessionSeconds));
    if (!started)
        return fromError(started.error());
    const Guest guest{started->session, *site, *room, started->conversation, token};
    return HttpReply::json(200, sessionJson(guest, request));
}

HttpReply GuestApi::validate(const HttpRequest &request)
{
    QString why;
    const auto guest = guestByToken(request.param(QStringLiteral("token")), &why);
    if (!guest)
        return HttpReply::json(404, QJsonObject{{"valid", false}, {"detail", why}});
    QJsonObject body = sessionJson(*guest, request);
    body.insert(QStringLiteral("valid"), true);
    return HttpReply::json(200, body);
}

HttpReply GuestApi::unreadCount(const HttpRequest &request)
{
    QString why;
    const auto guest = guestByToken(request.param(QStringLiteral("token")), &why);
    if (!guest)
        return detail(404, why);
    return HttpReply::json(
        200,
        QJsonObject{{"unread_count",
                     m_chat.unreadCount({guest->site.id, ChatService::guestActor(guest->session)},
                                        guest->conversation.id)},
                    {"conversation_id", guest->conversation.id}});
}

HttpReply GuestApi::markRead(const HttpRequest &request)
{
    QString why;
    const auto guest = guestByToken(request.param(QStringLiteral("token")), &why);
    if (!guest)
        return detail(404, why);
    HttpReply reply;
    const auto body = request.jsonObject(&reply);
    if (!body)
        return reply;
    const Actor actor = ChatService::guestActor(guest->session);
    qint64 upTo = guest->conversation.lastMessageId;
    if (body->contains(QStringLiteral("message_id"))) {
        upTo = http::idFromJson(body->value(QStringLiteral("message_id"))).value_or(0);
        if (upTo <= 0)
            return detail(400, QStringLiteral("message_id must be a message id."));
    }
    qint64 lastRead = 0;
    if (upTo > 0) {
        const auto marked = m_chat.markRead(guest->conversation.id, actor, upTo);
        if (!marked)
            return fromError(marked.error());
        lastRead = marked.value();
    }
    return HttpReply::json(
        200, QJsonObject{{"conversation_id", guest->conversation.id},
                         {"last_read_message_id", lastRead},
                         {"unread_count",
                          m_chat.unreadCount({guest->site.id, actor}, guest->conversation.id)}});
}

// ---- messages

HttpReply GuestApi::send(const HttpRequest &request)
{
    const auto site = m_chat.siteBySlug(request.param(QStringLiteral("hotel_slug")));
    if (!site)
        return detail(404, QStringLiteral("Hotel not found."));
    const qint64 conversationId = request.param(QStringLiteral("id")).toLongLong();
    HttpReply reply;
    const auto body = request.jsonObject(&reply);
    if (!body)
        return reply;
    const QString senderType = body->value(QStringLiteral("sender_type")).toString();
    const QString bearer = request.bearerToken();
    Actor sender;
    QString roomNumber;
    if (senderType == u"guest") {
        const QString token = body->contains(QStringLiteral("session_token"))
                                  ? body->value(QStringLiteral("session_token")).toString()
                                  : (isGuestToken(bearer) ? bearer : QString());
        if (token.isEmpty())
            return detail(401, QStringLiteral("session_token is required for guest messages."));
        QString why;
        const auto guest = guestByToken(token, &why);
        if (!guest)
            return detail(401, why);
        if (guest->site.id != site->id || guest->conversation.id != conversationId)
            return detail(403, QStringLiteral("This guest session cannot post in this "
                                              "conversation."));
        sender = ChatService::guestActor(guest->session);
        roomNumber = guest->room.number;
    } else if (senderType == u"staff") {
        if (isGuestToken(bearer) ||
            (bearer.isEmpty() && body->contains(QStringLiteral("session_token"))))
            return detail(403, QStringLiteral("A guest cannot post as staff."));
        if (bearer.isEmpty())
            return detail(401, QStringLiteral("Staff messages need a staff token "
                                              "(Authorization: Bearer)."));
        QString why;
        const auto staff = auth::authenticate(m_server.tokens(), m_chat, bearer, {}, &why);
        if (!staff)
            return detail(401, why);
        if (staff->account.kind != AccountKind::Staff)
            return detail(403, QStringLiteral("Only staff accounts post as staff."));
        if (http::idFromJson(body->value(QStringLiteral("staff_id"))).value_or(0) !=
            staff->account.id)
            return detail(403, QStringLiteral("staff_id is not the account of this token."));
        if (staff->account.siteId != site->id)
            return detail(403, QStringLiteral("Not a staff member of this hotel."));
        // The domain's access rule: another hotel's conversation is not found.
        const auto conversation =
            m_chat.conversationFor({site->id, staff->account.actor()}, conversationId);
        if (!conversation || conversation->kind != ConversationKind::Room)
            return detail(404, QStringLiteral("Conversation not found."));
        const auto room = m_chat.room(conversation->roomId);
        roomNumber = room ? room->number : QString();
        sender = staff->account.actor();
    } else {
        return detail(400, QStringLiteral("sender_type must be 'guest' or 'staff'."));
    }

    const QJsonValue text = body->value(QStringLiteral("message"));
    if (!text.isString() || text.toString().trimmed().isEmpty())
        return detail(400, QStringLiteral("message must be a non-empty string."));
    const QJsonValue clientId = body->value(QStringLiteral("client_id"));
    if (!clientId.isString() && !clientId.isUndefined() && !clientId.isNull())
        return detail(400, QStringLiteral("client_id must be a string."));
    MessageDraft draft;
    draft.content = text.toString();
    draft.clientId = clientId.toString();
    const auto posted = m_chat.postMessage(conversationId, sender, draft);
    if (!posted)
        return fromError(posted.error());
    return HttpReply::json(posted->duplicate ? 200 : 201, messageJson(posted->message, roomNumber));
}

HttpReply GuestApi::history(const HttpRequest &request)
{
    const auto site = m_chat.siteBySlug(request.param(QStringLiteral("hotel_slug")));
    if (!site)
        return detail(404, QStringLiteral("Hotel not found."));
    const qint64 conversationId = request.param(QStringLiteral("id")).toLongLong();
    const QString bearer = request.bearerToken();
    const QString token =
        !bearer.isEmpty() ? bearer : request.query(QStringLiteral("session_token"));
    if (token.isEmpty())
        return detail(401, QStringLiteral("Authentication credentials were not provided."));
    QString roomNumber;
    Actor reader;
    if (isGuestToken(token)) {
        QString why;
        const auto guest = guestByToken(token, &why);
        if (!guest)
            return detail(401, why);
        if (guest->site.id != site->id || guest->conversation.id != conversationId)
            return detail(403, QStringLiteral("This guest session cannot read this "
                                              "conversation."));
        roomNumber = guest->room.number;
        reader = ChatService::guestActor(guest->session);
    } else {
        QString why;
        const auto staff = auth::authenticate(m_server.tokens(), m_chat, token, {}, &why);
        if (!staff)
            return detail(401, why);
        if (staff->account.kind != AccountKind::Staff || staff->account.siteId != site->id)
            return detail(403, QStringLiteral("Not a staff member of this hotel."));
        const auto conversation =
            m_chat.conversationFor({site->id, staff->account.actor()}, conversationId);
        if (!conversation || conversation->kind != ConversationKind::Room)
            return detail(404, QStringLiteral("Conversation not found."));
        const auto room = m_chat.room(conversation->roomId);
        roomNumber = room ? room->number : QString();
        reader = staff->account.actor();
    }
    bool ok = true;
    const QString afterText = request.query(QStringLiteral("after"));
    const bool hasAfter = request.raw().query().hasQueryItem(QStringLiteral("after"));
    const qint64 after = hasAfter ? afterText.toLongLong(&ok) : 0; // `after=` is no id
    if (!ok || after < 0)
        return detail(400, QStringLiteral("after must be a message id."));
    const QString limitText = request.query(QStringLiteral("limit"));
    const bool hasLimit = request.raw().query().hasQueryItem(QStringLiteral("limit"));
    int limit = hasLimit ? limitText.toInt(&ok) : 100;
    if (!ok || limit < 1)
        return detail(400, QStringLiteral("limit must be a positive number."));
    limit = qMin(limit, 200);
    const auto read = m_chat.history({site->id, reader}, conversationId, after, limit + 1);
    if (!read)
        return detail(404, QStringLiteral("Conversation not found."));
    QList<Message> messages = read.value();
    const bool hasMore = messages.size() > limit;
    if (hasMore)
        messages.removeLast();
    QJsonArray list;
    for (const Message &message : std::as_const(messages))
        list.append(messageJson(message, roomNumber));
    return HttpReply::json(
        200, QJsonObject{{"conversation_id", conversationId},
                         {"messages", list},
                         {"has_more", hasMore},
                         {"last_id", messages.isEmpty() ? after : messages.constLast().id}});
}

// ---- Pusher channel authorization

std::optional<QHash<QString, QString>> GuestApi::authFields(const HttpRequest &request,
                                                            HttpReply *reply)
{
    // pusher-js posts a form (socket_id, channel_name and any params); JSON is accepted too.
    QHash<QString, QString> fields;
    const QByteArray body = request.raw().body();
    if (request.header("content-type").startsWith("application/json")) {
        const auto object = request.jsonObject(reply);
        if (!object)
            return std::nullopt;
        for (auto it = object->constBegin(); it != object->constEnd(); ++it)
            fields.insert(it.key(), it.value().toString());
    } else {
        const QUrlQuery form(QString::fromUtf8(body).replace(QLatin1Char('+'), QLatin1Char(' ')));
        for (const auto &item : form.queryItems(QUrl::FullyDecoded))
            fields.insert(item.first, item.second);
    }
    return fields;
}

HttpReply GuestApi::authorizeUser(const HttpRequest &request)
{
    HttpReply reply;
    const auto fields = authFields(request, &reply);
    if (!fields)
        return reply;
    const QString socketId = fields->value(QStringLiteral("socket_id"));
    const QString bearer = request.bearerToken();
    const QString token =
        !bearer.isEmpty() ? bearer : fields->value(QStringLiteral("session_token"));
    if (token.isEmpty())
        return detail(401, QStringLiteral("Authentication credentials were not provided."));
    QString why;
    QJsonObject user;
    if (isGuestToken(token)) {
        const auto guest = guestByToken(token, &why);
        if (!guest)
            return detail(401, why);
        user = {
            {"id", QStringLiteral("guest-%1").arg(guest->session.id)},
            {"user_info", QJsonObject{{"name", QStringLiteral("Room %1").arg(guest->room.number)},
                                      {"hotel_slug", guest->site.slug},
                                      {"room_number", guest->room.number}}}};
    } else {
        const auto staff = auth::authenticate(m_server.tokens(), m_chat, token, {}, &why);
        if (!staff)
            return detail(401, why);
        if (staff->account.kind != AccountKind::Staff)
            return detail(403, QStringLiteral("Only staff and guests sign in here."));
        user = {{"id", QStringLiteral("staff-%1").arg(staff->account.id)},
                {"user_info", staffInfo(staff->account.id)}};
    }
    const QString userData = QString::fromUtf8(http::compactJson(user));
    const QString auth = m_pusher->authorizeUser(socketId, userData);
    if (auth.isEmpty())
        return detail(400,
                      QStringLiteral("No connection has socket_id %1.").arg(socketId.left(40)));
    return HttpReply::json(200, QJsonObject{{"auth", auth}, {"user_data", userData}});
}

HttpReply GuestApi::authorizeChannel(const HttpRequest &request)
{
    HttpReply reply;
    const auto parsed = authFields(request, &reply);
    if (!parsed)
        return reply;
    const QHash<QString, QString> &fields = *parsed;
    const QString socketId = fields.value(QStringLiteral("socket_id"));
    const QString channel = fields.value(QStringLiteral("channel_name"));
    const QString bearer = request.bearerToken();
    const QString token =
        !bearer.isEmpty() ? bearer : fields.value(QStringLiteral("session_token"));
    if (token.isEmpty())
        return detail(401, QStringLiteral("Authentication credentials were not provided."));
    static const QRegularExpression socketPattern(QStringLiteral("^\\d{1,20}\\.\\d{1,20}$"));
    if (!socketPattern.match(socketId).hasMatch())
        return detail(400, QStringLiteral("socket_id is missing or malformed."));
    if (!pusher::isValidChannelName(channel) ||
        (!pusher::isPrivateChannel(channel) && !pusher::isPresenceChannel(channel)))
        return detail(400, QStringLiteral("channel_name must be a private or presence channel."));

    // An encrypted channel is open to whoever may read its plain twin.
    const QString readable = pusher::isEncryptedChannel(channel)
                                 ? QStringLiteral("private-") + channel.mid(18)
                                 : channel;
    QString why;
    pusher::Grant grant;
    QString channelData;
    if (isGuestToken(token)) {
        const auto guest = guestByToken(token, &why);
        if (!guest)
            return detail(401, why);
        if (readable != roomChannel(guest->site.slug, guest->room.number))
            return detail(403,
                          QStringLiteral("This guest session may not read '%1'.").arg(channel));
        grant = {QStringLiteral("guest:%1").arg(guest->session.id), guest->conversation.id,
                 guest->session.expiresAt.toSecsSinceEpoch()};
    } else {
        const auto staff = auth::authenticate(m_server.tokens(), m_chat, token, {}, &why);
        if (!staff)
            return detail(401, why);
        if (staff->account.kind != AccountKind::Staff)
            return detail(403, QStringLiteral("Only staff and guests read these channels."));
        const auto site = m_chat.site(staff->account.siteId);
        if (!site)
            return detail(401, QStringLiteral("The account of this token no longer exists."));
        bool allowed = readable == staffChannel(site->slug, staff->account.id);
        const QString roomPrefix = QStringLiteral("private-%1-room-").arg(site->slug);
        if (!allowed && readable.startsWith(roomPrefix) && readable.endsWith(u"-chat")) {
            const QString number =
                readable.mid(roomPrefix.size(), readable.size() - roomPrefix.size() - 5);
            allowed = m_chat.roomByNumber(site->id, number).has_value();
        }
        if (!allowed && channel == staffPresenceChannel(site->slug)) {
            allowed = true;
            channelData = QString::fromUtf8(
                QJsonDocument(QJsonObject{{"user_id", QString::number(staff->account.id)},
                                          {"user_info", staffInfo(staff->account.id)}})
                    .toJson(QJsonDocument::Compact));
        }
        if (!allowed)
            return detail(403, QStringLiteral("This staff member may not read '%1'.").arg(channel));
        grant = {QStringLiteral("staff:%1").arg(staff->account.id), 0, 0};
    }
    const QString auth = m_pusher->authorize(socketId, channel, channelData, grant);
    if (auth.isEmpty())
        return detail(400, QStringLiteral("No connection has socket_id %1.").arg(socketId));
    QJsonObject answer{{"auth", auth}};
    if (!channelData.isEmpty())
        answer.insert(QStringLiteral("channel_data"), channelData);
    if (pusher::isEncryptedChannel(channel))
        answer.insert(
            QStringLiteral("shared_secret"),
            QString::fromLatin1(pusher::encryptedChannelSecret(m_pusher->app(), channel)));
    return HttpReply::json(200, answer);
}

} // namespace lobby::api::guest
