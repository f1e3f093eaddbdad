#include "api/guest/guestapi.h"
#include "api/pusher/pusherapp.h"
#include "auth/crypto.h"
#include "auth/passwords.h"
#include "lobbyserver.h"
#include "openapivalidator.h"
#include "testsupport.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSqlQuery>
#include <QTcpSocket>
#include <QTest>
#include <QWebSocket>

using namespace lobby;
using namespace lobby::chat;
using lobby::test::HttpResult;

namespace {

// Pusher's worked-example credentials, so the HTTP API can be checked against its example.
const api::pusher::PusherApp exampleApp{QStringLiteral("3"), QStringLiteral("278d425bdf160c739803"),
                                        "7ad3773142a6692b25b8"};
constexpr qint64 exampleTimestamp = 1353088179;

// A raw Pusher protocol client over QWebSocket, to see frames and close codes exactly.
class PusherClient : public QObject
{
public:
    explicit PusherClient(quint16 port, const QString &path = {})
    {
        connect(&socket, &QWebSocket::textMessageReceived, this, [this](const QString &text) {
            frames << QJsonDocument::fromJson(text.toUtf8()).object();
        });
        connect(&socket, &QWebSocket::disconnected, this, [this] {
            closed = true;
            closeCode = socket.closeCode();
        });
        socket.open(QUrl(QStringLiteral("ws://127.0.0.1:%1%2")
                             .arg(port)
                             .arg(path.isEmpty() ? QStringLiteral("/app/%1?protocol=7&client=js&"
                                                                  "version=8.6.0")
                                                       .arg(exampleApp.key)
                                                 : path)));
    }

    // The first frame with this event (and channel) that has not been taken yet.
    std::optional<QJsonObject> take(const QString &event, const QString &channel = {})
    {
        for (qsizetype i = 0; i < frames.size(); ++i) {
            if (frames[i].value("event").toString() == event &&
                (channel.isEmpty() || frames[i].value("channel").toString() == channel))
                return frames.takeAt(i);
        }
        return std::nullopt;
    }

    QJsonObject waitFor(const QString &event, const QString &channel = {})
    {
        QElapsedTimer timer;
        timer.start();
        while (timer.elapsed() < 5000) {
            if (auto frame = take(event, channel))
                return *frame;
            QTest::qWait(5);
        }
        return {};
    }

    bool has(const QString &event) const
    {
        return std::any_of(frames.cbegin(), frames.cend(), [&](const QJsonObject &frame) {
            return frame.value("event").toString() == event;
        });
    }

    // data is sent as a JSON string by the server; this reads it.
    static QJsonObject dataOf(const QJsonObject &frame)
    {
        const QJsonValue data = frame.value("data");
        return data.isString() ? QJsonDocument::fromJson(data.toString().toUtf8()).object()
                               : data.toObject();
    }

    QString connect_()
    {
        const QJsonObject established = waitFor(QStringLiteral("pusher:connection_established"));
        socketId = dataOf(established).value("socket_id").toString();
        return socketId;
    }

    void send(const QJsonObject &message)
    {
        socket.sendTextMessage(
            QString::fromUtf8(QJsonDocument(message).toJson(QJsonDocument::Compact)));
    }

    void subscribe(const QString &channel, const QString &auth = {},
                   const QString &channelData = {})
    {
        QJsonObject data{{"channel", channel}};
        if (!auth.isEmpty())
            data.insert("auth", auth);
        if (!channelData.isEmpty())
            data.insert("channel_data", channelData);
        send({{"event", "pusher:subscribe"}, {"data", data}});
    }

    QWebSocket socket;
    QList<QJsonObject> frames;
    QString socketId;
    bool closed = false;
    int closeCode = 0;
};

// One HTTP exchange from a chosen loopback address, so lockouts per address can be told apart.
HttpResult exchangeFrom(const QString &from, quint16 port, const QByteArray &method,
                        const QByteArray &path, const QByteArray &body)
{
    QTcpSocket socket;
    if (!socket.bind(QHostAddress(from)))
        qFatal("cannot bind %s", qPrintable(from));
    socket.connectToHost(QHostAddress::LocalHost, port);
    const QByteArray request = method + ' ' + path +
                               " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                               "Content-Length: " +
                               QByteArray::number(body.size()) + "\r\nConnection: close\r\n\r\n" +
                               body;
    socket.write(request);
    const HttpResult result = lobby::test::readResponse(socket);
    lobby::test::checkAgainstDocument(request, result.status, result.header("content-type"),
                                      result.body);
    return result;
}

QByteArray json(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

} // namespace

// The guest REST API, channel authorization, the Pusher protocol and HTTP API over loopback,
// with a fresh database and server for every test function.
class TestGuestApi : public QObject
{
    Q_OBJECT

    std::unique_ptr<test::TestDatabase> m_db;
    std::unique_ptr<LobbyServer> m_server;
    quint16 m_port = 0;
    Site m_site;
    Site m_otherSite;
    Account m_john;  // staff of m_site, "Receptionist"
    Account m_maria; // staff of m_site
    Account m_otherStaff;
    Account m_customer;
    QHash<QString, Room> m_rooms;
    qint64 m_clock = exampleTimestamp;

    void startServer(int guestSessionSeconds = 7 * 24 * 60 * 60, int activityTimeout = 120)
    {
        m_server.reset();
        ServerConfig config;
        config.jwtSecret = QByteArray(48, 'j');
        config.pusherApp = exampleApp;
        config.pusherOptions.clock = [this] { return m_clock; };
        config.pusherOptions.activityTimeoutSeconds = activityTimeout;
        config.pusherOptions.pongTimeoutSeconds = 1;
        config.guestSessionSeconds = guestSessionSeconds;
        m_server = std::make_unique<LobbyServer>(m_db->chat(), config);
        QString error;
        QVERIFY2(m_server->listen(QHostAddress::LocalHost, 0, &error), qPrintable(error));
        m_port = m_server->http().port();
    }

    QString tokenOf(const Account &account) const
    {
        return m_server->tokens().issue(account).access;
    }

    HttpResult call(const QByteArray &method, const QByteArray &path, const QJsonObject &body = {},
                    const QString &bearer = {})
    {
        QList<QPair<QByteArray, QByteArray>> headers;
        if (!bearer.isEmpty())
            headers.append({"Authorization", "Bearer " + bearer.toLatin1()});
        return test::request(m_port, method, path, method == "GET" ? QByteArray() : json(body),
                             headers);
    }

    QJsonObject initialize(const QString &room, const QString &pin, const QString &token = {})
    {
        QJsonObject body{{"pin", pin}};
        if (!token.isEmpty())
            body.insert("session_token", token);
        const auto result = call(
            "POST", "/api/chat/hotel-test/guest-session/room/" + room.toLatin1() + "/initialize/",
            body);
        if (result.status != 200)
            qWarning("initialize: %d %s", result.status, result.body.constData());
        return result.json();
    }

    HttpResult send(qint64 conversation, const QJsonObject &body, const QString &bearer = {},
                    const QByteArray &hotel = "hotel-test")
    {
        return call("POST",
                    "/api/chat/" + hotel + "/conversations/" + QByteArray::number(conversation) +
                        "/messages/send/",
                    body, bearer);
    }

    HttpResult staffSend(qint64 conversation, const QString &text, const Account &staff)
    {
        return send(conversation,
                    {{"message", text}, {"sender_type", "staff"}, {"staff_id", staff.id}},
                    tokenOf(staff));
    }

    HttpResult guestSend(const QJsonObject &guest, const QString &text)
    {
        return send(guest.value("conversation_id").toInteger(),
                    {{"message", text},
                     {"sender_type", "guest"},
                     {"session_token", guest.value("session_token")}});
    }

    HttpResult authorizeForm(const QString &socketId, const QString &channel, const QString &bearer)
    {
        const QByteArray body = "socket_id=" + QUrl::toPercentEncoding(socketId) +
                                "&channel_name=" + QUrl::toPercentEncoding(channel);
        QByteArray raw = "POST /api/chat/pusher/auth/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                         "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: " +
                         QByteArray::number(body.size()) + "\r\n";
        if (!bearer.isEmpty())
            raw += "Authorization: Bearer " + bearer.toLatin1() + "\r\n";
        raw += "Connection: close\r\n\r\n" + body;
        return test::rawExchange(m_port, raw);
    }

    // Connects a raw client and subscribes it to `channel` with a signature from the endpoint.
    std::unique_ptr<PusherClient> subscribed(const QString &channel, const QString &bearer)
    {
        auto client = std::make_unique<PusherClient>(m_port);
        client->connect_();
        const auto auth = authorizeForm(client->socketId, channel, bearer);
        if (auth.status != 200)
            qWarning("auth: %d %s", auth.status, auth.body.constData());
        client->subscribe(channel, auth.json().value("auth").toString(),
                          auth.json().value("channel_data").toString());
        const QJsonObject ok =
            client->waitFor(QStringLiteral("pusher_internal:subscription_succeeded"), channel);
        if (ok.isEmpty())
            qWarning("not subscribed to %s", qPrintable(channel));
        return client;
    }

    void sql(const QString &statement, const QVariantList &values)
    {
        QSqlQuery query(m_db->database().handle());
        QVERIFY(query.prepare(statement));
        for (int i = 0; i < values.size(); ++i)
            query.bindValue(i, values.at(i));
        QVERIFY(query.exec());
    }

private Q_SLOTS:
    void init()
    {
        m_db = std::make_unique<test::TestDatabase>();
        m_site = m_db->site(QStringLiteral("hotel-test"));
        m_otherSite = m_db->site(QStringLiteral("other-hotel"));
        m_john = test::createAccount(m_db->chat(), {.siteId = m_site.id,
                                                    .kind = AccountKind::Staff,
                                                    .email = QStringLiteral("john@test"),
                                                    .name = QStringLiteral("John Smith"),
                                                    .jobTitle = QStringLiteral("Receptionist")});
        m_maria = m_db->staff(m_site.id, QStringLiteral("maria@test"));
        m_otherStaff = m_db->staff(m_otherSite.id, QStringLiteral("other@test"));
        m_customer =
            m_db->customer(m_site.id, QStringLiteral("alex@test"), QStringLiteral("+15550123"));
        m_rooms.clear();
        for (const auto &[number, pin] :
             {std::pair{"101", "1111"}, std::pair{"102", "2222"}, std::pair{"103", "3333"}})
            m_rooms.insert(QLatin1String(number),
                           m_db->chat()
                               .createRoom(m_site.id, QLatin1String(number),
                                           auth::hashPassword(QLatin1String(pin)))
                               .value());
        m_db->chat().createRoom(m_otherSite.id, QStringLiteral("101"), auth::hashPassword("9999"));
        m_clock = exampleTimestamp;
        startServer();
    }

    void cleanup()
    {
        m_server.reset();
        m_db.reset();
    }

    // ---- sessions

    void initializeStartsASessionWithAPrivateChannel()
    {
        const QJsonObject session = initialize("101", "1111");
        const QString token = session.value("session_token").toString();
        QVERIFY(token.startsWith(QStringLiteral("guest_")));
        QVERIFY(session.value("conversation_id").toInteger() > 0);
        QCOMPARE(session.value("pusher_channel").toString(),
                 QStringLiteral("private-hotel-test-room-101-chat"));
        QCOMPARE(session.value("hotel_slug").toString(), QStringLiteral("hotel-test"));
        QCOMPARE(session.value("room_number").toString(), QStringLiteral("101"));
        QVERIFY(session.value("current_staff_handler").isNull());
        QCOMPARE(session.value("pusher_key").toString(), exampleApp.key);
        QCOMPARE(session.value("pusher_auth_endpoint").toString(),
                 QStringLiteral("http://127.0.0.1/api/chat/pusher/auth/"));
        // Stored hashed only, expiring in 7 days.
        const auto stored = m_db->store().guestSessionByTokenHash(auth::sha256Hex(token.toUtf8()));
        QVERIFY(stored);
        QCOMPARE(stored->conversationId, session.value("conversation_id").toInteger());
        // expires_at is taken a moment before created_at: compare to the second.
        QVERIFY(qAbs(stored->createdAt.msecsTo(stored->expiresAt) - 7LL * 24 * 60 * 60 * 1000) <
                1000);
        QSqlQuery query(m_db->database().handle());
        QVERIFY(query.exec(QStringLiteral("SELECT token_hash FROM guest_sessions")));
        QVERIFY(query.next());
        QVERIFY(query.value(0).toString() != token);
        // The room's conversation is in the inbox as a room conversation.
        const auto conversation =
            m_db->store().conversationById(session.value("conversation_id").toInteger());
        QCOMPARE(conversation->kind, ConversationKind::Room);
        QCOMPARE(conversation->roomId, m_rooms["101"].id);
    }

    void aValidTokenKeepsItsSessionAndAStayHasOneConversation()
    {
        const QJsonObject first = initialize("101", "1111");
        const QString token = first.value("session_token").toString();
        const QJsonObject again = initialize("101", "1111", token);
        QCOMPARE(again.value("session_token").toString(), token);
        QCOMPARE(again.value("conversation_id"), first.value("conversation_id"));
        // Another device of the same stay: a new token, the same conversation.
        const QJsonObject device = initialize("101", "1111");
        QVERIFY(device.value("session_token").toString() != token);
        QCOMPARE(device.value("conversation_id"), first.value("conversation_id"));
        // A token of another room does not carry over.
        const QJsonObject other = initialize("102", "2222", token);
        QVERIFY(other.value("session_token").toString() != token);
        QVERIFY(other.value("conversation_id") != first.value("conversation_id"));
    }

    void sessionLifetimeIsConfigurable()
    {
        startServer(3600);
        const QJsonObject session = initialize("101", "1111");
        const auto stored = m_db->store().guestSessionByTokenHash(
            auth::sha256Hex(session.value("session_token").toString().toUtf8()));
        QVERIFY(qAbs(stored->createdAt.msecsTo(stored->expiresAt) - 3600 * 1000) < 1000);
    }

    void unknownHotelOrRoomIs404()
    {
        auto result = call("POST", "/api/chat/no-hotel/guest-session/room/101/initialize/",
                           {{"pin", "1111"}});
        QCOMPARE(result.status, 404);
        QCOMPARE(result.json().value("detail").toString(), QStringLiteral("Hotel not found."));
        result = call("POST", "/api/chat/hotel-test/guest-session/room/999/initialize/",
                      {{"pin", "1111"}});
        QCOMPARE(result.status, 404);
        QCOMPARE(result.json().value("detail").toString(), QStringLiteral("Room not found."));
    }

    void wrongOrMissingPinAndMalformedJson()
    {
        auto result = call("POST", "/api/chat/hotel-test/guest-session/room/101/initialize/",
                           {{"pin", "0000"}});
        QCOMPARE(result.status, 401);
        QCOMPARE(result.json(), QJsonObject({{"detail", "Invalid PIN."}}));
        // Another room's PIN opens nothing.
        QCOMPARE(call("POST", "/api/chat/hotel-test/guest-session/room/101/initialize/",
                      {{"pin", "2222"}})
                     .status,
                 401);
        result = call("POST", "/api/chat/hotel-test/guest-session/room/101/initialize/", {});
        QCOMPARE(result.status, 400);
        result =
            test::request(m_port, "POST", "/api/chat/hotel-test/guest-session/room/101/initialize/",
                          "{\"pin\": ");
        QCOMPARE(result.status, 400);
        QVERIFY(result.json().value("detail").toString().contains(QStringLiteral("Malformed")));
        QSqlQuery query(m_db->database().handle());
        QVERIFY(query.exec(QStringLiteral("SELECT COUNT(*) FROM guest_sessions")));
        QVERIFY(query.next());
        QCOMPARE(query.value(0).toInt(), 0);
    }

    void fiveWrongPinsLockTheRoom()
    {
        const QByteArray path = "/api/chat/hotel-test/guest-session/room/101/initialize/";
        for (int i = 0; i < 4; ++i)
            QCOMPARE(exchangeFrom("127.0.0.2", m_port, "POST", path, "{\"pin\":\"0000\"}").status,
                     401);
        auto result = exchangeFrom("127.0.0.2", m_port, "POST", path, "{\"pin\":\"0000\"}");
        QCOMPARE(result.status, 429);
        const int retryAfter = result.header("retry-after").toInt();
        QVERIFY(retryAfter > 0 && retryAfter <= 15 * 60);
        // The right PIN from another address is refused while the room is locked...
        result = exchangeFrom("127.0.0.3", m_port, "POST", path, "{\"pin\":\"1111\"}");
        QCOMPARE(result.status, 429);
        QVERIFY(result.header("retry-after").toInt() > 0);
        QVERIFY(result.json().value("detail").toString().contains(QStringLiteral("Too many")));
        // ...while another room opens from that address.
        QCOMPARE(exchangeFrom("127.0.0.3", m_port, "POST",
                              "/api/chat/hotel-test/guest-session/room/102/initialize/",
                              "{\"pin\":\"2222\"}")
                     .status,
                 200);
        // The lock lives in the database: a restarted server keeps it.
        startServer();
        QCOMPARE(exchangeFrom("127.0.0.3", m_port, "POST", path, "{\"pin\":\"1111\"}").status, 429);
    }

    void fiveWrongPinsLockTheAddress()
    {
        auto attempt = [this](const char *from, const char *room, const char *pin) {
            return exchangeFrom(QLatin1String(from), m_port, "POST",
                                QByteArray("/api/chat/hotel-test/guest-session/room/") + room +
                                    "/initialize/",
                                QByteArray("{\"pin\":\"") + pin + "\"}");
        };
        for (int i = 0; i < 3; ++i)
            QCOMPARE(attempt("127.0.0.4", "101", "0000").status, 401);
        QCOMPARE(attempt("127.0.0.4", "102", "0000").status, 401);
        QCOMPARE(attempt("127.0.0.4", "102", "0000").status, 429);
        // Locked address: even a right PIN of an untouched room is refused.
        const auto refused = attempt("127.0.0.4", "103", "3333");
        QCOMPARE(refused.status, 429);
        QVERIFY(refused.header("retry-after").toInt() > 0);
        // The rooms themselves are not locked (3 and 2 failures).
        QCOMPARE(attempt("127.0.0.5", "101", "1111").status, 200);
    }

    void validateKnowsValidUnknownExpiredAndEnded()
    {
        const QJsonObject session = initialize("101", "1111");
        const QByteArray token = session.value("session_token").toString().toLatin1();
        auto result = call("GET", "/api/chat/guest-session/" + token + "/validate/");
        QCOMPARE(result.status, 200);
        QCOMPARE(result.json().value("valid"), QJsonValue(true));
        QCOMPARE(result.json().value("conversation_id"), session.value("conversation_id"));
        QCOMPARE(result.json().value("pusher_channel"), session.value("pusher_channel"));

        result = call("GET", "/api/chat/guest-session/guest_nope/validate/");
        QCOMPARE(result.status, 404);
        QCOMPARE(result.json().value("valid"), QJsonValue(false));
        QVERIFY(!result.json().value("detail").toString().isEmpty());

        sql(QStringLiteral("UPDATE guest_sessions SET expires_at = ?"),
            {QDateTime::currentMSecsSinceEpoch() - 1000});
        result = call("GET", "/api/chat/guest-session/" + token + "/validate/");
        QCOMPARE(result.status, 404);
        QVERIFY(result.json().value("detail").toString().contains(QStringLiteral("expired")));
        // An expired token neither posts nor reads nor signs channels.
        QCOMPARE(guestSend(session, QStringLiteral("hello?")).status, 401);
        QCOMPARE(call("GET", "/api/chat/hotel-test/conversations/" +
                                 QByteArray::number(session.value("conversation_id").toInteger()) +
                                 "/messages/?session_token=" + token)
                     .status,
                 401);
        QCOMPARE(call("GET", "/api/chat/guest-session/" + token + "/unread-count/").status, 404);
        PusherClient client(m_port);
        QVERIFY(!client.connect_().isEmpty());
        QCOMPARE(authorizeForm(client.socketId, session.value("pusher_channel").toString(),
                               QString::fromLatin1(token))
                     .status,
                 401);
    }

    void unreadCountAndMarkRead()
    {
        const QJsonObject guest = initialize("101", "1111");
        const QByteArray token = guest.value("session_token").toString().toLatin1();
        const qint64 conversation = guest.value("conversation_id").toInteger();
        QCOMPARE(guestSend(guest, QStringLiteral("Need towels")).status, 201);
        QCOMPARE(call("GET", "/api/chat/guest-session/" + token + "/unread-count/")
                     .json()
                     .value("unread_count")
                     .toInt(),
                 0);
        const auto first = staffSend(conversation, QStringLiteral("On the way"), m_john);
        QCOMPARE(staffSend(conversation, QStringLiteral("Anything else?"), m_john).status, 201);
        QCOMPARE(call("GET", "/api/chat/guest-session/" + token + "/unread-count/")
                     .json()
                     .value("unread_count")
                     .toInt(),
                 2);
        auto marked = call("POST", "/api/chat/guest-session/" + token + "/mark-read/",
                           {{"message_id", first.json().value("id")}});
        QCOMPARE(marked.status, 200);
        QCOMPARE(marked.json().value("unread_count").toInt(), 1);
        marked = call("POST", "/api/chat/guest-session/" + token + "/mark-read/");
        QCOMPARE(marked.json().value("unread_count").toInt(), 0);
        QCOMPARE(call("GET", "/api/chat/guest-session/" + token + "/unread-count/")
                     .json()
                     .value("unread_count")
                     .toInt(),
                 0);
        // A message of another conversation is not this guest's to mark.
        const QJsonObject other = initialize("102", "2222");
        const auto foreign = guestSend(other, QStringLiteral("hi"));
        QCOMPARE(call("POST", "/api/chat/guest-session/" + token + "/mark-read/",
                      {{"message_id", foreign.json().value("id")}})
                     .status,
                 404);
        QCOMPARE(
            call("POST", "/api/chat/guest-session/" + token + "/mark-read/", {{"message_id", "x"}})
                .status,
            400);
    }

    // ---- messages

    void guestAndStaffSend()
    {
        const QJsonObject guest = initialize("101", "1111");
        const qint64 conversation = guest.value("conversation_id").toInteger();
        auto result = guestSend(guest, QStringLiteral("Can I get extra towels?"));
        QCOMPARE(result.status, 201);
        QCOMPARE(result.json().value("message").toString(),
                 QStringLiteral("Can I get extra towels?"));
        QCOMPARE(result.json().value("sender_type").toString(), QStringLiteral("guest"));
        QCOMPARE(result.json().value("sender_name").toString(), QStringLiteral("Room 101"));
        QCOMPARE(result.json().value("conversation_id").toInteger(), conversation);

        result = staffSend(conversation, QStringLiteral("Sure, sending them now!"), m_john);
        QCOMPARE(result.status, 201);
        QCOMPARE(result.json().value("sender_type").toString(), QStringLiteral("staff"));
        QCOMPARE(result.json().value("staff_info").toObject(),
                 QJsonObject({{"name", "John Smith"},
                              {"role", "Receptionist"},
                              {"profile_image", QJsonValue()}}));
        // Answering made John the handler, shown to the guest.
        const QJsonObject again =
            initialize("101", "1111", guest.value("session_token").toString());
        QCOMPARE(again.value("current_staff_handler").toObject().value("name").toString(),
                 QStringLiteral("John Smith"));
        // staff_id may come as a string too.
        QCOMPARE(send(conversation,
                      {{"message", "ok"},
                       {"sender_type", "staff"},
                       {"staff_id", QString::number(m_john.id)}},
                      tokenOf(m_john))
                     .status,
                 201);
    }

    void badMessagesAre400()
    {
        const QJsonObject guest = initialize("101", "1111");
        const qint64 conversation = guest.value("conversation_id").toInteger();
        const QJsonValue token = guest.value("session_token");
        QCOMPARE(send(conversation,
                      {{"message", ""}, {"sender_type", "guest"}, {"session_token", token}})
                     .status,
                 400);
        QCOMPARE(send(conversation, {{"sender_type", "guest"}, {"session_token", token}}).status,
                 400);
        QCOMPARE(
            send(conversation, {{"message", 5}, {"sender_type", "guest"}, {"session_token", token}})
                .status,
            400);
        QCOMPARE(send(conversation, {{"message", QString(ChatService::maxMessageLength + 1, 'a')},
                                     {"sender_type", "guest"},
                                     {"session_token", token}})
                     .status,
                 400);
        QCOMPARE(send(conversation, {{"message", "hi"}, {"session_token", token}}).status, 400);
        QCOMPARE(send(conversation, {{"message", "hi"}, {"sender_type", "robot"}}).status, 400);
        const auto malformed =
            test::request(m_port, "POST",
                          "/api/chat/hotel-test/conversations/" + QByteArray::number(conversation) +
                              "/messages/send/",
                          "[1]");
        QCOMPARE(malformed.status, 400);
        QCOMPARE(m_db->store().messageCount(conversation), 0);
    }

    void aGuestStaysInItsOwnConversation()
    {
        const QJsonObject guest = initialize("101", "1111");
        const QJsonObject other = initialize("102", "2222");
        const qint64 otherConversation = other.value("conversation_id").toInteger();
        auto result = send(otherConversation, {{"message", "peek"},
                                               {"sender_type", "guest"},
                                               {"session_token", guest.value("session_token")}});
        QCOMPARE(result.status, 403);
        QCOMPARE(send(99999, {{"message", "peek"},
                              {"sender_type", "guest"},
                              {"session_token", guest.value("session_token")}})
                     .status,
                 403);
        // Same conversation id under another hotel's slug.
        QCOMPARE(send(guest.value("conversation_id").toInteger(),
                      {{"message", "hi"},
                       {"sender_type", "guest"},
                       {"session_token", guest.value("session_token")}},
                      {}, "other-hotel")
                     .status,
                 403);
        const QByteArray history = "/api/chat/hotel-test/conversations/" +
                                   QByteArray::number(otherConversation) + "/messages/";
        QCOMPARE(call("GET", history, {}, guest.value("session_token").toString()).status, 403);
        QCOMPARE(m_db->store().messageCount(otherConversation), 0);
        QCOMPARE(send(guest.value("conversation_id").toInteger(),
                      {{"message", "hi"}, {"sender_type", "guest"}, {"session_token", "guest_x"}})
                     .status,
                 401);
        QCOMPARE(send(guest.value("conversation_id").toInteger(),
                      {{"message", "hi"}, {"sender_type", "guest"}})
                     .status,
                 401);
    }

    void aGuestCannotPostAsStaff()
    {
        const QJsonObject guest = initialize("101", "1111");
        const qint64 conversation = guest.value("conversation_id").toInteger();
        const QString token = guest.value("session_token").toString();
        // A session token in the body, no staff token.
        auto result = send(conversation, {{"message", "I am staff"},
                                          {"sender_type", "staff"},
                                          {"staff_id", m_john.id},
                                          {"session_token", token}});
        QCOMPARE(result.status, 403);
        // The session token as the bearer.
        result = send(
            conversation,
            {{"message", "I am staff"}, {"sender_type", "staff"}, {"staff_id", m_john.id}}, token);
        QCOMPARE(result.status, 403);
        // Nothing at all.
        result =
            send(conversation,
                 {{"message", "I am staff"}, {"sender_type", "staff"}, {"staff_id", m_john.id}});
        QCOMPARE(result.status, 401);
        QCOMPARE(m_db->store().messageCount(conversation), 0);
    }

    void staffChecks()
    {
        const QJsonObject guest = initialize("101", "1111");
        const qint64 conversation = guest.value("conversation_id").toInteger();
        auto post = [&](const Account &account, qint64 staffId, const QString &bearer) {
            return send(conversation,
                        {{"message", "hello"}, {"sender_type", "staff"}, {"staff_id", staffId}},
                        bearer.isNull() ? tokenOf(account) : bearer);
        };
        // staff_id is not the token's account.
        QCOMPARE(post(m_john, m_maria.id, {}).status, 403);
        // Another hotel's staff, with its own id.
        QCOMPARE(post(m_otherStaff, m_otherStaff.id, {}).status, 403);
        // A customer token.
        QCOMPARE(post(m_customer, m_customer.id, {}).status, 403);
        // A forged or garbage token.
        QCOMPARE(post(m_john, m_john.id, QStringLiteral("a.b.c")).status, 401);
        const auto refresh = m_server->tokens().issue(m_john).refresh;
        QCOMPARE(post(m_john, m_john.id, refresh).status, 401);
        QCOMPARE(m_db->store().messageCount(conversation), 0);
        // A conversation that is not a room's is not this API's.
        NewConversation app;
        app.siteId = m_site.id;
        app.kind = ConversationKind::App;
        app.title = QStringLiteral("app");
        app.participants = {m_customer.actor()};
        const auto appConversation = m_db->chat().openConversation(app).value();
        QCOMPARE(send(appConversation.id,
                      {{"message", "hi"}, {"sender_type", "staff"}, {"staff_id", m_john.id}},
                      tokenOf(m_john))
                     .status,
                 404);
        QCOMPARE(post(m_john, m_john.id, {}).status, 201);
    }

    void historyAfterN()
    {
        const QJsonObject guest = initialize("101", "1111");
        const qint64 conversation = guest.value("conversation_id").toInteger();
        const QString token = guest.value("session_token").toString();
        QList<qint64> ids;
        for (int i = 0; i < 3; ++i)
            ids << guestSend(guest, QStringLiteral("m%1").arg(i)).json().value("id").toInteger();
        ids << staffSend(conversation, QStringLiteral("reply"), m_john)
                   .json()
                   .value("id")
                   .toInteger();
        const QByteArray base =
            "/api/chat/hotel-test/conversations/" + QByteArray::number(conversation) + "/messages/";
        auto result = call("GET", base + "?after=" + QByteArray::number(ids[1]), {}, token);
        QCOMPARE(result.status, 200);
        QJsonArray messages = result.json().value("messages").toArray();
        QCOMPARE(messages.size(), 2);
        QCOMPARE(messages[0].toObject().value("id").toInteger(), ids[2]);
        QCOMPARE(messages[1].toObject().value("staff_info").toObject().value("name").toString(),
                 QStringLiteral("John Smith"));
        QCOMPARE(result.json().value("last_id").toInteger(), ids[3]);
        // Paged, by query token, and for staff of the hotel.
        result = call("GET", base + "?after=0&limit=2&session_token=" + token.toLatin1());
        QCOMPARE(result.json().value("messages").toArray().size(), 2);
        QCOMPARE(result.json().value("has_more"), QJsonValue(true));
        result = call("GET", base, {}, tokenOf(m_maria));
        QCOMPARE(result.json().value("messages").toArray().size(), 4);
        QCOMPARE(call("GET", base, {}, tokenOf(m_otherStaff)).status, 403);
        QCOMPARE(call("GET", base).status, 401);
        QCOMPARE(call("GET", base + "?after=x", {}, token).status, 400);
        QCOMPARE(call("GET", base + "?after=-1", {}, token).status, 400);
        // Given without a value, after and limit are no numbers (the document says integers).
        QCOMPARE(call("GET", base + "?limit=", {}, token).status, 400);
        QCOMPARE(call("GET", base + "?after=", {}, token).json().value("detail").toString(),
                 QStringLiteral("after must be a message id."));
    }

    void checkOutEndsTheStay()
    {
        const QJsonObject guest = initialize("101", "1111");
        const qint64 conversation = guest.value("conversation_id").toInteger();
        const QByteArray token = guest.value("session_token").toString().toLatin1();
        QCOMPARE(guestSend(guest, QStringLiteral("Bye!")).status, 201);
        const auto checkedOut =
            m_db->chat().checkOutRoom(m_rooms["101"].id, auth::hashPassword("4321"));
        QVERIFY(checkedOut);
        QCOMPARE(checkedOut->archived.size(), 1);
        QVERIFY(m_db->store().conversationById(conversation)->archived);

        auto result = call("GET", "/api/chat/guest-session/" + token + "/validate/");
        QCOMPARE(result.status, 404);
        QVERIFY(result.json().value("detail").toString().contains(QStringLiteral("checked out")));
        QCOMPARE(guestSend(guest, QStringLiteral("still here?")).status, 401);
        QCOMPARE(call("POST", "/api/chat/hotel-test/guest-session/room/101/initialize/",
                      {{"pin", "1111"}})
                     .status,
                 401);
        // The old token with the new PIN: a new stay, not the old one.
        const QJsonObject next = initialize("101", "4321", QString::fromLatin1(token));
        QVERIFY(next.value("session_token").toString() != QString::fromLatin1(token));
        QVERIFY(next.value("conversation_id").toInteger() != conversation);
        result =
            call("GET",
                 "/api/chat/hotel-test/conversations/" +
                     QByteArray::number(next.value("conversation_id").toInteger()) + "/messages/",
                 {}, next.value("session_token").toString());
        QCOMPARE(result.json().value("messages").toArray().size(), 0);
        QCOMPARE(call("GET",
                      "/api/chat/hotel-test/conversations/" + QByteArray::number(conversation) +
                          "/messages/",
                      {}, next.value("session_token").toString())
                     .status,
                 403);
    }

    // ---- channel authorization

    void channelAuthorization()
    {
        const QJsonObject guest = initialize("101", "1111");
        const QString token = guest.value("session_token").toString();
        PusherClient client(m_port);
        const QString socketId = client.connect_();
        QVERIFY(!socketId.isEmpty());
        const QString own = QStringLiteral("private-hotel-test-room-101-chat");

        auto result = authorizeForm(socketId, own, token);
        QCOMPARE(result.status, 200);
        QCOMPARE(result.json().value("auth").toString(),
                 api::pusher::channelAuth(exampleApp, socketId, own));
        // JSON bodies and the token as a form parameter work too.
        result = test::request(m_port, "POST", "/api/chat/pusher/auth/",
                               json({{"socket_id", socketId}, {"channel_name", own}}),
                               {{"Authorization", "Bearer " + token.toLatin1()}});
        QCOMPARE(result.status, 200);

        QCOMPARE(authorizeForm(socketId, QStringLiteral("private-hotel-test-room-102-chat"), token)
                     .status,
                 403);
        QCOMPARE(authorizeForm(socketId,
                               QStringLiteral("private-hotel-test-staff-%1-chat").arg(m_john.id),
                               token)
                     .status,
                 403);
        QCOMPARE(authorizeForm(socketId, QStringLiteral("presence-hotel-test-staff"), token).status,
                 403);
        QCOMPARE(authorizeForm(socketId, own, {}).status, 401);
        QCOMPARE(authorizeForm(socketId, own, QStringLiteral("guest_unknown")).status, 401);
        QCOMPARE(authorizeForm(QStringLiteral("123.456"), own, token).status, 400);
        QCOMPARE(authorizeForm(QStringLiteral("nonsense"), own, token).status, 400);
        QCOMPARE(authorizeForm(socketId, QStringLiteral("hotel-test-room-101-chat"), token).status,
                 400);

        // Staff: their own channel, their hotel's rooms and its presence channel.
        const QString john = tokenOf(m_john);
        QCOMPARE(authorizeForm(socketId,
                               QStringLiteral("private-hotel-test-staff-%1-chat").arg(m_john.id),
                               john)
                     .status,
                 200);
        QCOMPARE(authorizeForm(socketId,
                               QStringLiteral("private-hotel-test-staff-%1-chat").arg(m_maria.id),
                               john)
                     .status,
                 403);
        QCOMPARE(authorizeForm(socketId, QStringLiteral("private-hotel-test-room-103-chat"), john)
                     .status,
                 200);
        QCOMPARE(authorizeForm(socketId, QStringLiteral("private-hotel-test-room-999-chat"), john)
                     .status,
                 403);
        QCOMPARE(authorizeForm(socketId, QStringLiteral("private-other-hotel-room-101-chat"), john)
                     .status,
                 403);
        QCOMPARE(authorizeForm(socketId, QStringLiteral("private-hotel-test-room-101-chat"),
                               tokenOf(m_otherStaff))
                     .status,
                 403);
        QCOMPARE(authorizeForm(socketId, own, tokenOf(m_customer)).status, 403);
        result = authorizeForm(socketId, QStringLiteral("presence-hotel-test-staff"), john);
        QCOMPARE(result.status, 200);
        const QJsonObject member =
            QJsonDocument::fromJson(result.json().value("channel_data").toString().toUtf8())
                .object();
        QCOMPARE(member.value("user_id").toString(), QString::number(m_john.id));
        QCOMPARE(member.value("user_info").toObject().value("name").toString(),
                 QStringLiteral("John Smith"));
    }

    // ---- the Pusher protocol

    void connectionPingAndSubscriptions()
    {
        PusherClient client(m_port);
        const QJsonObject established =
            client.waitFor(QStringLiteral("pusher:connection_established"));
        // data is a JSON string, as pusher-js expects.
        QVERIFY(established.value("data").isString());
        const QJsonObject data = PusherClient::dataOf(established);
        QVERIFY(data.value("socket_id").toString().contains(QLatin1Char('.')));
        QCOMPARE(data.value("activity_timeout").toInt(), 120);
        client.socketId = data.value("socket_id").toString();

        client.send({{"event", "pusher:ping"}, {"data", QJsonObject()}});
        QVERIFY(!client.waitFor(QStringLiteral("pusher:pong")).isEmpty());

        client.subscribe(QStringLiteral("lobby-news"));
        auto ok = client.waitFor(QStringLiteral("pusher_internal:subscription_succeeded"),
                                 QStringLiteral("lobby-news"));
        QCOMPARE(ok.value("data").toString(), QStringLiteral("{}"));

        const QString channel = QStringLiteral("private-hotel-test-room-101-chat");
        client.subscribe(channel, exampleApp.key + QLatin1Char(':') + QString(64, '0'));
        auto refused = client.waitFor(QStringLiteral("pusher:subscription_error"), channel);
        QCOMPARE(refused.value("data").toObject().value("status").toInt(), 401);
        QCOMPARE(refused.value("data").toObject().value("type").toString(),
                 QStringLiteral("AuthError"));
        client.subscribe(channel);
        refused = client.waitFor(QStringLiteral("pusher:subscription_error"), channel);
        QCOMPARE(refused.value("data").toObject().value("status").toInt(), 401);
        // Signed for another socket.
        client.subscribe(channel,
                         api::pusher::channelAuth(exampleApp, QStringLiteral("1.2"), channel));
        refused = client.waitFor(QStringLiteral("pusher:subscription_error"), channel);
        QCOMPARE(refused.value("data").toObject().value("status").toInt(), 401);
        client.subscribe(QStringLiteral("bad name!"));
        refused = client.waitFor(QStringLiteral("pusher:subscription_error"));
        QCOMPARE(refused.value("data").toObject().value("status").toInt(), 400);

        client.subscribe(channel, api::pusher::channelAuth(exampleApp, client.socketId, channel));
        QVERIFY(!client.waitFor(QStringLiteral("pusher_internal:subscription_succeeded"), channel)
                     .isEmpty());
        QCOMPARE(m_server->hub().subscriberCount(QStringLiteral("pusher/") + channel), 1);
        client.send({{"event", "pusher:unsubscribe"}, {"data", QJsonObject{{"channel", channel}}}});
        QTRY_COMPARE(m_server->hub().subscriberCount(QStringLiteral("pusher/") + channel), 0);

        // Garbage gets a pusher:error, not a closed socket.
        client.socket.sendTextMessage(QStringLiteral("{not json"));
        QVERIFY(!client.waitFor(QStringLiteral("pusher:error")).isEmpty());
        QVERIFY(!client.closed);
    }

    void closeCodesPusherJsUnderstands_data()
    {
        QTest::addColumn<QString>("path");
        QTest::addColumn<int>("code");
        QTest::newRow("unknown key") << QStringLiteral("/app/nokey?protocol=7") << 4001;
        QTest::newRow("no protocol") << QStringLiteral("/app/%1").arg(exampleApp.key) << 4008;
        QTest::newRow("bad version")
            << QStringLiteral("/app/%1?protocol=x").arg(exampleApp.key) << 4006;
        QTest::newRow("old protocol")
            << QStringLiteral("/app/%1?protocol=3").arg(exampleApp.key) << 4007;
    }

    void closeCodesPusherJsUnderstands()
    {
        QFETCH(QString, path);
        QFETCH(int, code);
        PusherClient client(m_port, path);
        const QJsonObject error = client.waitFor(QStringLiteral("pusher:error"));
        QCOMPARE(error.value("data").toObject().value("code").toInt(), code);
        QTRY_VERIFY(client.closed);
        QCOMPARE(client.closeCode, code);
        QVERIFY(!client.has(QStringLiteral("pusher:connection_established")));
    }

    void idleConnectionsArePingedThenClosed()
    {
        startServer(7 * 24 * 60 * 60, 1);
        PusherClient client(m_port);
        QCOMPARE(
            PusherClient::dataOf(client.waitFor(QStringLiteral("pusher:connection_established")))
                .value("activity_timeout")
                .toInt(),
            1);
        QVERIFY(!client.waitFor(QStringLiteral("pusher:ping")).isEmpty());
        // Answering keeps it open; silence after the next ping closes it with 4201.
        client.send({{"event", "pusher:pong"}, {"data", QJsonObject()}});
        QVERIFY(!client.waitFor(QStringLiteral("pusher:ping")).isEmpty());
        QTRY_VERIFY_WITH_TIMEOUT(client.closed, 10000);
        QCOMPARE(client.closeCode, 4201);
    }

    void clientEventsOnlyOnPrivateChannelsToOthers()
    {
        const QJsonObject guest = initialize("101", "1111");
        const QString channel = guest.value("pusher_channel").toString();
        auto guestClient = subscribed(channel, guest.value("session_token").toString());
        auto staffClient = subscribed(channel, tokenOf(m_john));
        guestClient->send({{"event", "client-typing"},
                           {"channel", channel},
                           {"data", QJsonObject{{"typing", true}}}});
        const QJsonObject relayed = staffClient->waitFor(QStringLiteral("client-typing"), channel);
        QCOMPARE(relayed.value("data").toObject(), QJsonObject({{"typing", true}}));
        // Not echoed to the sender; not allowed on a channel it has not joined or a public one.
        guestClient->subscribe(QStringLiteral("public-one"));
        guestClient->waitFor(QStringLiteral("pusher_internal:subscription_succeeded"));
        guestClient->send({{"event", "client-x"}, {"channel", "public-one"}, {"data", "{}"}});
        QVERIFY(guestClient->waitFor(QStringLiteral("pusher:error"))
                    .value("data")
                    .toObject()
                    .value("message")
                    .toString()
                    .contains(QStringLiteral("private and presence")));
        guestClient->send({{"event", "client-x"},
                           {"channel", "private-hotel-test-room-102-chat"},
                           {"data", "{}"}});
        QVERIFY(!guestClient->waitFor(QStringLiteral("pusher:error")).isEmpty());
        QVERIFY(!guestClient->has(QStringLiteral("client-typing")));
        // More than 10 a second: refused with 4301 (the clock is pinned, so it is one second).
        for (int i = 0; i < 11; ++i)
            guestClient->send({{"event", "client-typing"}, {"channel", channel}, {"data", "{}"}});
        const QJsonObject limited = guestClient->waitFor(QStringLiteral("pusher:error"));
        QCOMPARE(limited.value("data").toObject().value("code").toInt(), 4301);
    }

    // ---- the HTTP API

    void triggerApiAcceptsPushersWorkedExample()
    {
        PusherClient client(m_port);
        client.connect_();
        client.subscribe(QStringLiteral("project-3"));
        client.waitFor(QStringLiteral("pusher_internal:subscription_succeeded"));
        const QByteArray body = "{\"name\":\"foo\",\"channels\":[\"project-3\"],\"data\":\"{"
                                "\\\"some\\\":\\\"data\\\"}\"}";
        const QByteArray query =
            "auth_key=278d425bdf160c739803&auth_timestamp=1353088179&auth_version=1.0&"
            "body_md5=ec365a775a4cd0599faeb73354201b6f&"
            "auth_signature=da454824c97ba181a32ccc17a72625ba02771f50b50e1e7430e47a1f3f457e6c";
        auto result = test::request(m_port, "POST", "/apps/3/events?" + query, body);
        QCOMPARE(result.status, 200);
        QCOMPARE(result.json(), QJsonObject());
        const QJsonObject event =
            client.waitFor(QStringLiteral("foo"), QStringLiteral("project-3"));
        QCOMPARE(event.value("data").toString(), QStringLiteral("{\"some\":\"data\"}"));

        // A changed body, another app id, a later clock: refused.
        QByteArray changed = body;
        changed.replace("data\\\"}", "date\\\"}");
        QCOMPARE(test::request(m_port, "POST", "/apps/3/events?" + query, changed).status, 401);
        QCOMPARE(test::request(m_port, "POST", "/apps/4/events?" + query, body).status, 404);
        QCOMPARE(test::request(m_port, "POST", "/apps/3/events", body).status, 401);
        m_clock = exampleTimestamp + 601;
        result = test::request(m_port, "POST", "/apps/3/events?" + query, body);
        QCOMPARE(result.status, 401);
        QVERIFY(result.json().value("detail").toString().contains(QStringLiteral("Timestamp")));
        m_clock = exampleTimestamp;
        QVERIFY(!client.has(QStringLiteral("foo")));
    }

    void triggerApiValidatesEvents_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<int>("status");
        QTest::newRow("no channels") << QByteArray("{\"name\":\"a\",\"data\":\"{}\"}") << 400;
        QTest::newRow("no name") << QByteArray("{\"channels\":[\"a\"],\"data\":\"{}\"}") << 400;
        QTest::newRow("pusher name")
            << QByteArray(
                   "{\"name\":\"pusher_internal:member_added\",\"channel\":\"a\",\"data\":\"{}\"}")
            << 400;
        QTest::newRow("bad channel")
            << QByteArray("{\"name\":\"a\",\"channel\":\"a b\",\"data\":\"{}\"}") << 400;
        QTest::newRow("too big") << QByteArray("{\"name\":\"a\",\"channel\":\"a\",\"data\":\"") +
                                        QByteArray(11 * 1024, 'x') + "\"}"
                                 << 413;
        QTest::newRow("malformed") << QByteArray("{\"name\":") << 400;
        QTest::newRow("ok") << QByteArray("{\"name\":\"a\",\"channel\":\"a\",\"data\":\"{}\"}")
                            << 200;
    }

    void triggerApiValidatesEvents()
    {
        QFETCH(QByteArray, body);
        QFETCH(int, status);
        QList<QPair<QString, QString>> parameters{
            {QStringLiteral("auth_key"), exampleApp.key},
            {QStringLiteral("auth_timestamp"), QString::number(m_clock)},
            {QStringLiteral("auth_version"), QStringLiteral("1.0")},
            {QStringLiteral("body_md5"),
             QString::fromLatin1(QCryptographicHash::hash(body, QCryptographicHash::Md5).toHex())}};
        const QByteArray signature = api::pusher::hmacHex(
            exampleApp.secret,
            api::pusher::requestStringToSign("POST", QStringLiteral("/apps/3/events"), parameters));
        QByteArray query;
        for (const auto &p : parameters)
            query += p.first.toLatin1() + '=' + p.second.toLatin1() + '&';
        query += "auth_signature=" + signature;
        QCOMPARE(test::request(m_port, "POST", "/apps/3/events?" + query, body).status, status);
    }

    // ---- domain events from any family reach the Pusher subscribers

    void domainEventsBecomePusherEvents()
    {
        const QJsonObject guest = initialize("101", "1111");
        const qint64 conversation = guest.value("conversation_id").toInteger();
        const QString channel = guest.value("pusher_channel").toString();
        auto guestClient = subscribed(channel, guest.value("session_token").toString());
        auto johnClient = subscribed(
            QStringLiteral("private-hotel-test-staff-%1-chat").arg(m_john.id), tokenOf(m_john));

        // A guest message through the REST API: every staff member hears it while unassigned.
        QCOMPARE(guestSend(guest, QStringLiteral("Need towels")).status, 201);
        QJsonObject note =
            PusherClient::dataOf(johnClient->waitFor(QStringLiteral("new-guest-message")));
        QCOMPARE(note.value("room_number").toString(), QStringLiteral("101"));
        QCOMPARE(note.value("guest_name").toString(), QStringLiteral("Room 101"));
        QCOMPARE(note.value("message").toString(), QStringLiteral("Need towels"));
        QCOMPARE(note.value("conversation_id").toInteger(), conversation);
        QCOMPARE(PusherClient::dataOf(guestClient->waitFor(QStringLiteral("new-message")))
                     .value("sender_type")
                     .toString(),
                 QStringLiteral("guest"));

        // Assigned from the console (ChatService directly): the guest hears who handles it.
        QVERIFY(m_db->chat().assignHandler(conversation, m_maria.id));
        const QJsonObject assigned =
            PusherClient::dataOf(guestClient->waitFor(QStringLiteral("staff-assigned")));
        QCOMPARE(assigned.value("staff_id").toInteger(), m_maria.id);
        QCOMPARE(assigned.value("staff_info").toObject().value("name").toString(), m_maria.name);

        // A staff message posted by another family (ChatService directly).
        MessageDraft draft;
        draft.content = QStringLiteral("Coming up");
        const auto posted = m_db->chat().postMessage(conversation, m_maria.actor(), draft);
        QVERIFY(posted);
        const QJsonObject staffMessage =
            guestClient->waitFor(QStringLiteral("new-staff-message"), channel);
        QVERIFY(staffMessage.value("data").isString());
        const QJsonObject data = PusherClient::dataOf(staffMessage);
        QCOMPARE(data.value("id").toInteger(), posted->message.id);
        QCOMPARE(data.value("message").toString(), QStringLiteral("Coming up"));
        QCOMPARE(data.value("conversation_id").toInteger(), conversation);
        QCOMPARE(data.value("staff_info").toObject().value("name").toString(), m_maria.name);
        QVERIFY(!data.value("timestamp").toString().isEmpty());
        QCOMPARE(PusherClient::dataOf(guestClient->waitFor(QStringLiteral("new-message")))
                     .value("id")
                     .toInteger(),
                 posted->message.id);

        // Read receipts from the staff side.
        QVERIFY(m_db->chat().markRead(conversation, m_maria.actor(), posted->message.id));
        // (Maria already read it by answering: nothing new.) The guest reads: it is announced.
        const auto session = m_db->store().guestSessionByTokenHash(
            auth::sha256Hex(guest.value("session_token").toString().toUtf8()));
        QVERIFY(m_db->chat().markRead(conversation, ChatService::guestActor(*session),
                                      posted->message.id));
        const QJsonObject read =
            PusherClient::dataOf(guestClient->waitFor(QStringLiteral("messages-read")));
        QCOMPARE(read.value("reader_type").toString(), QStringLiteral("guest"));
        QCOMPARE(read.value("last_read_message_id").toInteger(), posted->message.id);

        // Now handled by Maria: John no longer hears this room's guest.
        QCOMPARE(guestSend(guest, QStringLiteral("Thanks")).status, 201);
        QVERIFY(!johnClient->has(QStringLiteral("new-guest-message")));

        // Archiving (check-out) tells the guest and ends its subscription; staff stay.
        auto staffOnRoom = subscribed(channel, tokenOf(m_john));
        QVERIFY(m_db->chat().checkOutRoom(m_rooms["101"].id, auth::hashPassword("5555")));
        QVERIFY(!guestClient->waitFor(QStringLiteral("session-ended"), channel).isEmpty());
        QCOMPARE(m_server->hub().subscriberCount(QStringLiteral("pusher/") + channel), 1);
    }

    void anExpiredGuestSubscriptionIsEndedAtTheNextEvent()
    {
        const QJsonObject guest = initialize("101", "1111");
        const qint64 conversation = guest.value("conversation_id").toInteger();
        const QString channel = guest.value("pusher_channel").toString();
        auto *pusher = m_server->http().findChild<api::pusher::PusherServer *>();
        QVERIFY(pusher);
        PusherClient client(m_port);
        client.connect_();
        // Signed for this stay, by a session that has run out since.
        const QString auth = pusher->authorize(client.socketId, channel, {},
                                               {QStringLiteral("guest:1"), conversation, 1});
        client.subscribe(channel, auth);
        QVERIFY(
            !client.waitFor(QStringLiteral("pusher_internal:subscription_succeeded")).isEmpty());
        QCOMPARE(staffSend(conversation, QStringLiteral("Hello"), m_john).status, 201);
        QVERIFY(!client.waitFor(QStringLiteral("session-ended"), channel).isEmpty());
        QVERIFY(!client.has(QStringLiteral("new-staff-message")));
        QCOMPARE(pusher->subscriberCount(channel), 0);
    }

    void aStaleGuestSubscriptionIsEndedBeforeTheNextStayIsPublished()
    {
        // A check-out made elsewhere (another process) is not seen as an event here: the next
        // stay's first event ends the old guest's subscription first.
        const QJsonObject guest = initialize("101", "1111");
        const QString channel = guest.value("pusher_channel").toString();
        auto oldClient = subscribed(channel, guest.value("session_token").toString());
        {
            test::TestDatabase *db = m_db.get();
            QSignalBlocker quiet(&db->chat());
            QVERIFY(db->chat().checkOutRoom(m_rooms["101"].id, auth::hashPassword("5555")));
        }
        const QJsonObject next = initialize("101", "5555");
        auto nextClient = subscribed(channel, next.value("session_token").toString());
        QCOMPARE(
            staffSend(next.value("conversation_id").toInteger(), QStringLiteral("Welcome"), m_john)
                .status,
            201);
        QVERIFY(!nextClient->waitFor(QStringLiteral("new-staff-message")).isEmpty());
        QVERIFY(!oldClient->waitFor(QStringLiteral("session-ended")).isEmpty());
        QVERIFY(!oldClient->has(QStringLiteral("new-staff-message")));
        QVERIFY(!oldClient->has(QStringLiteral("new-message")));
    }
};

QTEST_GUILESS_MAIN(TestGuestApi)
#include "tst_guestapi.moc"
