#include "api/pusher/pusherapp.h"
#include "auth/crypto.h"
#include "auth/passwords.h"
#include "lobbyserver.h"
#include "testsupport.h"

#include <QDeadlineTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTcpSocket>
#include <QTest>
#include <QWebSocket>

using namespace lobby;
using namespace lobby::chat;
using lobby::test::HttpResult;

namespace {

const api::pusher::PusherApp app{QStringLiteral("7"), QStringLiteral("0a1b2c3d4e5f60718293"),
                                 "9f8e7d6c5b4a39281706"};

QByteArray json(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

QJsonArray jsonArray(const HttpResult &result)
{
    return QJsonDocument::fromJson(result.body).array();
}

// A WebSocket client (Pusher or v1) that keeps every frame it receives.
class Client : public QObject
{
public:
    explicit Client(const QString &url)
    {
        connect(&ws, &QWebSocket::textMessageReceived, this, [this](const QString &text) {
            frames.append(QJsonDocument::fromJson(text.toUtf8()).object());
        });
        ws.open(QUrl(url));
    }

    // The first frame not yet taken whose `key` is `value`, waiting up to 5 s.
    std::optional<QJsonObject> waitFor(const QString &key, const QString &value)
    {
        QDeadlineTimer deadline(5000);
        while (!deadline.hasExpired()) {
            for (qsizetype i = 0; i < frames.size(); ++i) {
                if (frames[i].value(key).toString() == value)
                    return frames.takeAt(i);
            }
            QTest::qWait(5);
        }
        return std::nullopt;
    }

    bool has(const QString &key, const QString &value) const
    {
        return std::any_of(frames.cbegin(), frames.cend(), [&](const QJsonObject &frame) {
            return frame.value(key).toString() == value;
        });
    }

    void send(const QJsonObject &message) { ws.sendTextMessage(QString::fromUtf8(json(message))); }

    QWebSocket ws;
    QList<QJsonObject> frames;
};

// Pusher sends an event's data as a JSON string.
QJsonObject dataOf(const QJsonObject &frame)
{
    return QJsonDocument::fromJson(frame.value("data").toString().toUtf8()).object();
}

} // namespace

// Guest requests over loopback: the guest family (session token, Pusher `request-updated`, a
// place's page) and app v1 (staff JWT, `request_updated` on staff sockets).
class TestRequestsApi : public QObject
{
    Q_OBJECT

    std::unique_ptr<test::TestDatabase> m_db;
    std::unique_ptr<LobbyServer> m_server;
    quint16 m_port = 0;
    Site m_site;
    Site m_other;
    Account m_maria;
    Account m_otherStaff;
    Account m_customer;

    void startServer(int placeRequestsPerMinute = 6)
    {
        m_server.reset();
        ServerConfig config;
        config.jwtSecret = QByteArray(48, 'r');
        config.pusherApp = app;
        config.placeRequestsPerMinute = placeRequestsPerMinute;
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

    QJsonObject checkIn(const QString &room, const QString &pin)
    {
        const auto result = call("POST",
                                 "/api/chat/" + m_site.slug.toLatin1() + "/guest-session/room/" +
                                     room.toLatin1() + "/initialize/",
                                 {{"pin", pin}});
        if (result.status != 200)
            qWarning("initialize: %d %s", result.status, result.body.constData());
        return result.json();
    }

    QByteArray requestsPath(const QJsonObject &guest)
    {
        return "/api/chat/guest-session/" + guest.value("session_token").toString().toLatin1() +
               "/requests/";
    }

    HttpResult ask(const QJsonObject &guest, const QString &category, const QString &details)
    {
        return call("POST", requestsPath(guest), {{"category", category}, {"details", details}});
    }

    // A raw Pusher client subscribed to the guest's private room channel.
    std::unique_ptr<Client> roomListener(const QJsonObject &guest)
    {
        auto client = std::make_unique<Client>(
            QStringLiteral("ws://127.0.0.1:%1/app/%2?protocol=7").arg(m_port).arg(app.key));
        const auto established = client->waitFor("event", "pusher:connection_established");
        if (!established)
            return client;
        const QString socketId = dataOf(*established).value("socket_id").toString();
        const QString channel = guest.value("pusher_channel").toString();
        const auto auth = call("POST", "/api/chat/pusher/auth/",
                               {{"socket_id", socketId}, {"channel_name", channel}},
                               guest.value("session_token").toString());
        client->send(
            {{"event", "pusher:subscribe"},
             {"data", QJsonObject{{"channel", channel}, {"auth", auth.json().value("auth")}}}});
        client->waitFor("event", "pusher_internal:subscription_succeeded");
        return client;
    }

private Q_SLOTS:
    void init()
    {
        m_db = std::make_unique<test::TestDatabase>();
        m_site = m_db->site(QStringLiteral("hotel-test"));
        m_other = m_db->site(QStringLiteral("other-hotel"));
        m_maria = test::createAccount(m_db->chat(), {.siteId = m_site.id,
                                                     .kind = AccountKind::Staff,
                                                     .email = QStringLiteral("maria@test"),
                                                     .name = QStringLiteral("Maria")});
        m_otherStaff = m_db->staff(m_other.id, QStringLiteral("other@test"));
        m_customer =
            m_db->customer(m_site.id, QStringLiteral("alex@test"), QStringLiteral("+15550123"));
        for (const auto &[number, pin] : {std::pair{"101", "1111"}, std::pair{"102", "2222"}})
            m_db->chat().createRoom(m_site.id, QLatin1String(number),
                                    auth::hashPassword(QLatin1String(pin)));
        startServer();
    }

    void cleanup()
    {
        m_server.reset();
        m_db.reset();
    }

    // ---- guest family

    void aGuestAsksAndListsTheStaysRequests()
    {
        const QJsonObject guest = checkIn("101", "1111");
        const auto made = ask(guest, "housekeeping", "Extra towels");
        QCOMPARE(made.status, 201);
        const QJsonObject r = made.json();
        QCOMPARE(r.value("status").toString(), u"open");
        QCOMPARE(r.value("room_number").toString(), u"101");
        QCOMPARE(r.value("category").toString(), u"housekeeping");
        QCOMPARE(r.value("details").toString(), u"Extra towels");
        QCOMPARE(r.value("created_by_type").toString(), u"guest");
        QCOMPARE(r.value("conversation_id").toInteger(),
                 guest.value("conversation_id").toInteger());
        QVERIFY(r.value("message_id").isNull());
        QVERIFY(r.value("assignee_id").isNull());
        QVERIFY(r.value("done_at").isNull());
        for (const char *field : {"id", "department", "assignee_name", "created_at", "updated_at"})
            QVERIFY2(r.contains(QLatin1String(field)), field);
        QCOMPARE(ask(guest, "transport", "A taxi at 9").status, 201);

        const auto list = call("GET", requestsPath(guest));
        QCOMPARE(list.status, 200);
        const QJsonArray requests = jsonArray(list);
        QCOMPARE(requests.size(), 2);
        QCOMPARE(requests.at(0).toObject().value("details").toString(), u"A taxi at 9"); // newest
        // Another room's requests never appear.
        const QJsonObject neighbour = checkIn("102", "2222");
        QVERIFY(jsonArray(call("GET", requestsPath(neighbour))).isEmpty());
        const auto categories = call("GET", "/api/chat/guest-session/" +
                                                guest.value("session_token").toString().toLatin1() +
                                                "/request-categories/");
        QCOMPARE(categories.status, 200);
        QCOMPARE(jsonArray(categories).size(), 6);
        QCOMPARE(jsonArray(categories).at(0).toObject().value("label").toString(), u"Housekeeping");
    }

    void badGuestRequestsGet400AndBadTokens404()
    {
        const QJsonObject guest = checkIn("101", "1111");
        for (const auto &[category, details] :
             {std::pair{"spaceship", "Extra towels"}, std::pair{"housekeeping", ""},
              std::pair{"housekeeping", "   "}, std::pair{"", "Towels"}}) {
            const auto refused = ask(guest, QLatin1String(category), QLatin1String(details));
            QCOMPARE(refused.status, 400);
            QVERIFY(refused.json().value("detail").isString());
        }
        QCOMPARE(ask(guest, "housekeeping", QString(1001, u'a')).status, 400);
        QCOMPARE(ask(guest, "housekeeping", QString(1000, u'a')).status, 201);
        QCOMPARE(call("POST", requestsPath(guest), {{"category", 3}, {"details", true}}).status,
                 400);
        const auto notJson = test::request(m_port, "POST", requestsPath(guest), "{not json");
        QCOMPARE(notJson.status, 400);

        const QJsonObject unknown{{"session_token", "guest_unknown"}};
        QCOMPARE(ask(unknown, "housekeeping", "Towels").status, 404);
        QCOMPARE(call("GET", requestsPath(unknown)).status, 404);
        // Checked out: the stay's token stops working.
        const auto room = m_db->store().roomByNumber(m_site.id, QStringLiteral("101"));
        QVERIFY(m_db->chat().checkOutRoom(room->id, auth::hashPassword("4444")));
        QCOMPARE(ask(guest, "housekeeping", "Towels").status, 404);
        QCOMPARE(call("GET", requestsPath(guest)).status, 404);
    }

    void everyChangeReachesTheRoomChannel()
    {
        const QJsonObject guest = checkIn("101", "1111");
        const QJsonObject neighbour = checkIn("102", "2222");
        auto listener = roomListener(guest);
        auto other = roomListener(neighbour);
        const qint64 id = ask(guest, "housekeeping", "Extra towels").json().value("id").toInteger();
        auto frame = listener->waitFor("event", "request-updated");
        QVERIFY(frame);
        QCOMPARE(frame->value("channel").toString(), guest.value("pusher_channel").toString());
        QVERIFY(frame->value("data").isString()); // as Pusher sends it
        QCOMPARE(dataOf(*frame).value("id").toInteger(), id);
        QCOMPARE(dataOf(*frame).value("status").toString(), u"open");

        const auto taken = call("PATCH", "/api/v1/requests/" + QByteArray::number(id),
                                {{"status", "in_progress"}}, tokenOf(m_maria));
        QCOMPARE(taken.status, 200);
        frame = listener->waitFor("event", "request-updated");
        QVERIFY(frame);
        QCOMPARE(dataOf(*frame).value("status").toString(), u"in_progress");
        QCOMPARE(dataOf(*frame).value("assignee_name").toString(), u"Maria");

        QCOMPARE(call("PATCH", "/api/v1/requests/" + QByteArray::number(id), {{"status", "done"}},
                      tokenOf(m_maria))
                     .status,
                 200);
        // The system line arrives like any message, then the request.
        const auto line = listener->waitFor("event", "new-message");
        QVERIFY(line);
        QCOMPARE(dataOf(*line).value("message").toString(), u"Extra towels — done by Maria");
        QCOMPARE(dataOf(*line).value("sender_type").toString(), u"system");
        frame = listener->waitFor("event", "request-updated");
        QVERIFY(frame);
        QCOMPARE(dataOf(*frame).value("status").toString(), u"done");
        QVERIFY(dataOf(*frame).value("done_at").isString());
        QTest::qWait(50);
        QVERIFY(!other->has("event", "request-updated"));
    }

    // ---- app v1

    void staffListFilterAndTakeRequests()
    {
        const QJsonObject guest = checkIn("101", "1111");
        ask(guest, "housekeeping", "Extra towels");
        ask(guest, "transport", "A taxi");
        const QString token = tokenOf(m_maria);
        auto list = call("GET", "/api/v1/requests", {}, token);
        QCOMPARE(list.status, 200);
        QCOMPARE(jsonArray(list).size(), 2);
        QCOMPARE(jsonArray(list).at(0).toObject().value("details").toString(), u"Extra towels");
        list = call("GET", "/api/v1/requests?status=open&category=housekeeping", {}, token);
        QCOMPARE(jsonArray(list).size(), 1);
        list = call("GET", "/api/v1/requests?department=Front%20desk", {}, token);
        QCOMPARE(jsonArray(list).size(), 1);
        QCOMPARE(call("GET", "/api/v1/requests?status=lost", {}, token).status, 422);

        const qint64 id = jsonArray(list).at(0).toObject().value("id").toInteger();
        const QByteArray path = "/api/v1/requests/" + QByteArray::number(id);
        QCOMPARE(call("PATCH", path, {{"status", "teleported"}}, token).status, 422);
        QCOMPARE(call("PATCH", path, {{"assignee_id", "x"}}, token).status, 422);
        auto changed =
            call("PATCH", path, {{"assignee_id", m_maria.id}, {"department", "Porters"}}, token);
        QCOMPARE(changed.status, 200);
        QCOMPARE(changed.json().value("assignee_id").toInteger(), m_maria.id);
        QCOMPARE(changed.json().value("department").toString(), u"Porters");
        QCOMPARE(call("PATCH", path, {{"assignee_id", m_otherStaff.id}}, token).status, 400);
        changed = call("PATCH", path, {{"status", "cancelled"}}, token);
        QCOMPARE(changed.status, 200);
        QCOMPARE(changed.json().value("status").toString(), u"cancelled");
        QCOMPARE(call("PATCH", path, {{"status", "open"}}, token).status, 409);
        QCOMPARE(call("GET", path, {}, token).json().value("status").toString(), u"cancelled");
    }

    void staffMakeARequestFromAMessage()
    {
        const QJsonObject guest = checkIn("101", "1111");
        const qint64 chat = guest.value("conversation_id").toInteger();
        const auto sent = call("POST",
                               "/api/chat/hotel-test/conversations/" + QByteArray::number(chat) +
                                   "/messages/send/",
                               {{"message", "The shower drips"},
                                {"sender_type", "guest"},
                                {"session_token", guest.value("session_token")}});
        QCOMPARE(sent.status, 201);
        const qint64 messageId = sent.json().value("id").toInteger();
        const auto made = call("POST", "/api/v1/requests",
                               {{"chat_id", chat},
                                {"category", "maintenance"},
                                {"details", "Dripping shower"},
                                {"message_id", messageId}},
                               tokenOf(m_maria));
        QCOMPARE(made.status, 201);
        QCOMPARE(made.json().value("message_id").toInteger(), messageId);
        QCOMPARE(made.json().value("created_by_type").toString(), u"staff");
        QCOMPARE(made.json().value("room_number").toString(), u"101");
        // The guest sees it too.
        QCOMPARE(jsonArray(call("GET", requestsPath(guest))).size(), 1);
        QCOMPARE(call("POST", "/api/v1/requests", {{"category", "maintenance"}, {"details", "x"}},
                      tokenOf(m_maria))
                     .status,
                 422);
        QCOMPARE(call("POST", "/api/v1/requests",
                      {{"chat_id", chat}, {"category", "nope"}, {"details", "x"}}, tokenOf(m_maria))
                     .status,
                 400);
    }

    void guestsCustomersAndOtherSitesAreKeptOut()
    {
        const QJsonObject guest = checkIn("101", "1111");
        const qint64 id = ask(guest, "housekeeping", "Towels").json().value("id").toInteger();
        const QByteArray path = "/api/v1/requests/" + QByteArray::number(id);
        QCOMPARE(call("GET", "/api/v1/requests").status, 401);
        QCOMPARE(
            call("GET", "/api/v1/requests", {}, guest.value("session_token").toString()).status,
            401);
        QCOMPARE(call("GET", "/api/v1/requests", {}, tokenOf(m_customer)).status, 403);
        QCOMPARE(call("PATCH", path, {{"status", "done"}}, tokenOf(m_customer)).status, 403);
        // Another site's staff: the request does not exist for them.
        const QString other = tokenOf(m_otherStaff);
        QCOMPARE(call("GET", path, {}, other).status, 404);
        QCOMPARE(call("PATCH", path, {{"status", "done"}}, other).status, 404);
        QVERIFY(jsonArray(call("GET", "/api/v1/requests", {}, other)).isEmpty());
        QCOMPARE(call("POST", "/api/v1/requests",
                      {{"chat_id", guest.value("conversation_id")},
                       {"category", "housekeeping"},
                       {"details", "x"}},
                      other)
                     .status,
                 404);
    }

    void staffSocketsHearEveryChange()
    {
        const QString url = QStringLiteral("ws://127.0.0.1:%1/api/v1/chat/ws/chat/user?token=%2");
        Client staff(url.arg(m_port).arg(tokenOf(m_maria)));
        Client other(url.arg(m_port).arg(tokenOf(m_otherStaff)));
        QVERIFY(staff.waitFor("type", "connected"));
        QVERIFY(other.waitFor("type", "connected"));
        const QJsonObject guest = checkIn("101", "1111");
        const qint64 id = ask(guest, "housekeeping", "Towels").json().value("id").toInteger();
        auto frame = staff.waitFor("type", "request_updated");
        QVERIFY(frame);
        QCOMPARE(frame->value("request").toObject().value("id").toInteger(), id);
        QCOMPARE(call("PATCH", "/api/v1/requests/" + QByteArray::number(id), {{"status", "done"}},
                      tokenOf(m_maria))
                     .status,
                 200);
        frame = staff.waitFor("type", "request_updated");
        QVERIFY(frame);
        QCOMPARE(frame->value("request").toObject().value("status").toString(), u"done");
        QTest::qWait(50);
        QVERIFY(!other.has("type", "request_updated"));
    }

    // ---- places

    void aPlacePageTakesRequestsWithoutAPin()
    {
        const QString token = QStringLiteral("pool-") + auth::randomToken(16);
        QVERIFY(m_db->chat().addPlace(m_site.id, QStringLiteral("Pool"), token));
        const QByteArray base = "/api/chat/place/" + token.toLatin1() + "/";
        const auto info = call("GET", base);
        QCOMPARE(info.status, 200);
        QCOMPARE(info.json().value("place").toString(), u"Pool");
        QCOMPARE(info.json().value("categories").toArray().size(), 6);
        const auto page = call("GET", "/chat/place/" + token.toLatin1());
        QCOMPARE(page.status, 200);
        QVERIFY(page.body.contains("Pool"));
        QVERIFY(!page.header("content-security-policy").isEmpty());
        QCOMPARE(call("GET", "/chat/place/unknown").status, 404);
        QCOMPARE(call("GET", "/api/chat/place/unknown/").status, 404);

        const auto made =
            call("POST", base + "requests/",
                 {{"category", "housekeeping"}, {"details", "Two towels, sunbed 12"}});
        QCOMPARE(made.status, 201);
        QCOMPARE(made.json().value("place").toString(), u"Pool");
        QVERIFY(made.json().value("room_number").isNull());
        QCOMPARE(call("POST", base + "requests/", {{"category", "housekeeping"}, {"details", ""}})
                     .status,
                 400);
        // Staff answer it like any other.
        const auto listed = jsonArray(call("GET", "/api/v1/requests", {}, tokenOf(m_maria)));
        QCOMPARE(listed.size(), 1);
        QCOMPARE(listed.at(0).toObject().value("place").toString(), u"Pool");
    }

    void placeRequestsAreRateLimitedPerAddress()
    {
        startServer(3);
        const QString token = QStringLiteral("spa-") + auth::randomToken(16);
        QVERIFY(m_db->chat().addPlace(m_site.id, QStringLiteral("Spa"), token));
        const QByteArray path = "/api/chat/place/" + token.toLatin1() + "/requests/";
        const QJsonObject body{{"category", "other"}, {"details", "A bathrobe"}};
        for (int i = 0; i < 3; ++i)
            QCOMPARE(call("POST", path, body).status, 201);
        const auto limited = call("POST", path, body);
        QCOMPARE(limited.status, 429);
        QVERIFY(limited.header("retry-after").toInt() > 0);
        QVERIFY(limited.json().value("detail").isString());
        // Another address still gets through.
        QTcpSocket socket;
        QVERIFY(socket.bind(QHostAddress(QStringLiteral("127.0.0.2"))));
        socket.connectToHost(QHostAddress::LocalHost, m_port);
        const QByteArray payload = json(body);
        socket.write("POST " + path +
                     " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: "
                     "application/json\r\nContent-Length: " +
                     QByteArray::number(payload.size()) + "\r\nConnection: close\r\n\r\n" +
                     payload);
        QCOMPARE(test::readResponse(socket).status, 201);
    }
};

QTEST_GUILESS_MAIN(TestRequestsApi)
#include "tst_requestsapi.moc"
