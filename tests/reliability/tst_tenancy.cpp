// Tenancy and auth matrix: for every endpoint and channel of every family, the callers who must
// not get in — a visitor without credentials, a guest of another room or hotel, another
// customer, another site's staff, an expired token, a refresh token used as access, alg:none, a
// wrong signature, a customer token on staff endpoints, a revoked or foreign API key — are all
// refused, in the family's shape, and nothing is written.
#include "world.h"

#include "api/pusher/pusherapp.h"

#include <QTest>

using namespace lobby;
using namespace lobby::reliability;

namespace {

struct Probe
{
    QByteArray who;
    QByteArray method;
    QByteArray path;
    QByteArray body;
    Headers headers;
    int expect;
};

} // namespace

class TestTenancy : public QObject
{
    Q_OBJECT

    std::unique_ptr<World> w;
    int m_cases = 0;

    // The tokens that no endpoint may accept, for an account of the victim's site.
    QList<QPair<QByteArray, QString>> brokenTokens(const chat::Account &a)
    {
        return {{"expired token", w->expiredToken(a)},
                {"refresh token as access", w->hotel.adminRefresh},
                {"alg:none token", w->algNoneToken(a)},
                {"wrong-signature token", w->wrongSignatureToken(a)},
                {"garbage token", QStringLiteral("abc.def.ghi")}};
    }

    void run(const QList<Probe> &probes)
    {
        for (const Probe &p : probes) {
            const auto before = w->counts();
            const HttpResult r = w->call(p.method, p.path, p.body, p.headers);
            ++m_cases;
            const QByteArray what = p.who + ": " + p.method + ' ' + p.path.left(90) + " -> " +
                                    QByteArray::number(r.status) + ' ' + r.body.left(120);
            QVERIFY2(r.status == p.expect, what.constData());
            QVERIFY2(shapeProblem(p.path, r).isEmpty(), what.constData());
            QCOMPARE(w->counts(), before);
        }
        QVERIFY(w->healthy());
    }

    QString pusherSocketId(RawWebSocket &ws)
    {
        const auto established =
            ws.nextJson(QStringLiteral("event"), QStringLiteral("pusher:connection_established"));
        return QJsonDocument::fromJson(
                   established.value_or(QJsonObject{}).value(u"data").toString().toUtf8())
            .object()
            .value(u"socket_id")
            .toString();
    }

private Q_SLOTS:
    void initTestCase() { w = std::make_unique<World>(); }

    void cleanupTestCase()
    {
        qInfo("tenancy and auth: %d cases refused", m_cases);
        w.reset();
    }

    // The credentials work where they belong, so the refusals below are about who calls.
    void controls()
    {
        const Tenant &h = w->hotel;
        QCOMPARE(w->call("GET", "/api/v1/chat/chats", {}, World::bearer(h.adminToken)).status, 200);
        QCOMPARE(
            w->call("GET",
                    "/api/v1/chat/chats/" + QByteArray::number(h.appConversation) + "/messages", {},
                    World::bearer(h.customerToken))
                .status,
            200);
        QCOMPARE(w->call("GET",
                         "/api/chat/" + h.site.slug.toLatin1() + "/conversations/" +
                             QByteArray::number(h.roomConversation) + "/messages/",
                         {}, World::bearer(h.guestToken))
                     .status,
                 200);
        QCOMPARE(w->call("GET", h.uploadUrl.toLatin1(), {}, World::bearer(h.adminToken)).status,
                 200);
        QCOMPARE(w->call("GET", "/api/chats/sessions/" + h.sessionId.toLatin1() +
                                    "/messages/?visitor_id=" + h.visitorId.toLatin1())
                     .status,
                 200);
    }

    void widget()
    {
        const Tenant &h = w->hotel;
        const QByteArray turn = compact(
            {{"message", "hello"}, {"session_id", h.sessionId}, {"visitor_id", h.visitorId}});
        const QByteArray foreignVisitor = compact({{"message", "hello"},
                                                   {"session_id", h.sessionId},
                                                   {"visitor_id", w->other.visitorId}});
        QList<Probe> probes;
        for (const QByteArray &path : {QByteArray("/api/chats/messages/chat/"),
                                       QByteArray("/api/chats/messages/chat/stream/")}) {
            probes += {
                {"visitor without a key", "POST", path, turn, {}, 401},
                {"revoked API key",
                 "POST",
                 path,
                 turn,
                 {{"X-API-Key", h.revokedApiKey.toLatin1()}},
                 401},
                {"revoked API key as Bearer", "POST", path, turn, World::bearer(h.revokedApiKey),
                 401},
                {"another site's API key",
                 "POST",
                 path,
                 turn,
                 {{"X-API-Key", w->other.apiKey.toLatin1()}},
                 403},
                {"another visitor on this session",
                 "POST",
                 path,
                 foreignVisitor,
                 {{"X-API-Key", h.apiKey.toLatin1()}},
                 403},
                {"staff JWT as API key", "POST", path, turn, World::bearer(h.adminToken), 401},
            };
        }
        for (const QByteArray &kind : {QByteArray("messages"), QByteArray("events")}) {
            const QByteArray base =
                "/api/chats/sessions/" + h.sessionId.toLatin1() + "/" + kind + "/";
            probes += {
                {"another visitor",
                 "GET",
                 base + "?visitor_id=" + w->other.visitorId.toLatin1(),
                 {},
                 {},
                 403},
                {"no visitor", "GET", base, {}, {}, 404},
                {"another site's session",
                 "GET",
                 "/api/chats/sessions/" + w->other.sessionId.toLatin1() + "/" + kind +
                     "/?visitor_id=" + h.visitorId.toLatin1(),
                 {},
                 {},
                 403},
            };
        }
        run(probes);
    }

    void guestRest()
    {
        const Tenant &h = w->hotel;
        const QByteArray slug = h.site.slug.toLatin1();
        const QByteArray conv = QByteArray::number(h.roomConversation);
        const QByteArray history = "/api/chat/" + slug + "/conversations/" + conv + "/messages/";
        const QByteArray send = history + "send/";
        const auto guestSend = [](const QString &token) {
            return compact({{"message", "hi"}, {"sender_type", "guest"}, {"session_token", token}});
        };
        const auto staffSend = [](qint64 staffId) {
            return compact({{"message", "hi"}, {"sender_type", "staff"}, {"staff_id", staffId}});
        };
        QList<Probe> probes = {
            {"visitor", "GET", history, {}, {}, 401},
            {"guest of another room", "GET", history, {}, World::bearer(h.guest2Token), 403},
            {"guest of another room (query)",
             "GET",
             history + "?session_token=" + h.guest2Token.toLatin1(),
             {},
             {},
             403},
            {"guest of another hotel", "GET", history, {}, World::bearer(w->other.guestToken), 403},
            {"customer", "GET", history, {}, World::bearer(h.customerToken), 403},
            {"another hotel's staff", "GET", history, {}, World::bearer(w->other.adminToken), 403},
            {"another hotel's staff, own slug",
             "GET",
             "/api/chat/" + w->other.site.slug.toLatin1() + "/conversations/" + conv + "/messages/",
             {},
             World::bearer(w->other.adminToken),
             404},
            {"guest of another room", "POST", send, guestSend(h.guest2Token), {}, 403},
            {"guest of another hotel", "POST", send, guestSend(w->other.guestToken), {}, 403},
            {"guest as staff", "POST", send, staffSend(h.admin.id), World::bearer(h.guestToken),
             403},
            {"customer as staff", "POST", send, staffSend(h.customer.id),
             World::bearer(h.customerToken), 403},
            {"staff with another staff_id", "POST", send, staffSend(h.staff.id),
             World::bearer(h.adminToken), 403},
            {"another hotel's staff", "POST", send, staffSend(w->other.admin.id),
             World::bearer(w->other.adminToken), 403},
            {"visitor", "POST", send, staffSend(h.admin.id), {}, 401},
            {"guest token of room 102 on mark-read of its own stay only",
             "POST",
             "/api/chat/guest-session/" + h.guest2Token.toLatin1() + "/mark-read/",
             compact({{"message_id", h.roomConversation}}),
             {},
             404},
        };
        for (const auto &[who, token] : brokenTokens(h.admin)) {
            probes += {
                {who, "GET", history, {}, World::bearer(token), 401},
                {who, "POST", send, staffSend(h.admin.id), World::bearer(token), 401},
            };
        }
        run(probes);
    }

    void pusherChannels()
    {
        const Tenant &h = w->hotel;
        RawWebSocket ws(w->port(), "/app/" + w->pusherApp().key.toLatin1() + "?protocol=7");
        QCOMPARE(ws.status(), 101);
        const QString socketId = pusherSocketId(ws);
        QVERIFY(!socketId.isEmpty());
        const QByteArray slug = h.site.slug.toLatin1();
        const QByteArray room = "private-" + slug + "-room-101-chat";
        const QByteArray staffOwn =
            "private-" + slug + "-staff-" + QByteArray::number(h.admin.id) + "-chat";
        const QByteArray presence = "presence-" + slug + "-staff";
        const auto form = [&socketId](const QByteArray &channel) {
            return "socket_id=" + socketId.toLatin1() + "&channel_name=" + channel;
        };
        const Headers formType = {{"Content-Type", "application/x-www-form-urlencoded"}};
        const auto as = [&formType](const QString &token) {
            return Headers{formType.first(), World::bearer(token).first()};
        };
        QList<Probe> probes = {
            {"visitor", "POST", "/api/chat/pusher/auth/", form(room), formType, 401},
            {"guest of another room", "POST", "/api/chat/pusher/auth/", form(room),
             as(h.guest2Token), 403},
            {"guest of another room (param)", "POST", "/api/chat/pusher/auth/",
             form(room) + "&session_token=" + h.guest2Token.toLatin1(), formType, 403},
            {"guest of another hotel", "POST", "/api/chat/pusher/auth/", form(room),
             as(w->other.guestToken), 403},
            {"guest on the staff presence", "POST", "/api/chat/pusher/auth/", form(presence),
             as(h.guestToken), 403},
            {"guest on a staff channel", "POST", "/api/chat/pusher/auth/", form(staffOwn),
             as(h.guestToken), 403},
            {"customer", "POST", "/api/chat/pusher/auth/", form(room), as(h.customerToken), 403},
            {"customer on presence", "POST", "/api/chat/pusher/auth/", form(presence),
             as(h.customerToken), 403},
            {"another staff member's channel", "POST", "/api/chat/pusher/auth/", form(staffOwn),
             as(h.staffToken), 403},
            {"another hotel's staff", "POST", "/api/chat/pusher/auth/", form(room),
             as(w->other.adminToken), 403},
            {"another hotel's staff on presence", "POST", "/api/chat/pusher/auth/", form(presence),
             as(w->other.adminToken), 403},
        };
        for (const auto &[who, token] : brokenTokens(h.admin))
            probes += Probe{who, "POST", "/api/chat/pusher/auth/", form(room), as(token), 401};
        run(probes);

        // Subscriptions with signatures that are not Lobby's, or not for this socket.
        api::pusher::PusherApp forged = w->pusherApp();
        forged.secret = "not-the-secret-of-this-install-0000";
        const QList<QPair<QByteArray, QString>> auths = {
            {"forged secret",
             api::pusher::channelAuth(forged, socketId, QString::fromLatin1(room))},
            {"another socket's signature",
             api::pusher::channelAuth(w->pusherApp(), QStringLiteral("1.2"),
                                      QString::fromLatin1(room))},
            {"another channel's signature",
             api::pusher::channelAuth(w->pusherApp(), socketId,
                                      QStringLiteral("private-%1-room-102-chat").arg(h.site.slug))},
            {"no signature", QString()},
        };
        for (const auto &[who, auth] : auths) {
            ws.sendText(compact(
                {{"event", "pusher:subscribe"},
                 {"data", QJsonObject{{"channel", QString::fromLatin1(room)}, {"auth", auth}}}}));
            ++m_cases;
            const auto error =
                ws.nextJson(QStringLiteral("event"), QStringLiteral("pusher:subscription_error"));
            QVERIFY2(error, who.constData());
            QCOMPARE(error->value(u"data")[u"status"].toInt(), 401);
        }
        // The HTTP API refuses a request signed with another secret.
        const QByteArray body = compact({{"name", "e"}, {"channel", "x"}, {"data", "{}"}});
        ++m_cases;
        const HttpResult unsigned_ =
            w->call("POST",
                    "/apps/" + w->pusherApp().appId.toLatin1() +
                        "/events?auth_key=" + w->pusherApp().key.toLatin1() + "&auth_timestamp=" +
                        QByteArray::number(QDateTime::currentSecsSinceEpoch()) +
                        "&auth_version=1.0&auth_signature=" + QByteArray(64, '0'),
                    body);
        QCOMPARE(unsigned_.status, 401);
    }

    void v1Rest()
    {
        const Tenant &h = w->hotel;
        const QByteArray chats = "/api/v1/chat/chats";
        const QByteArray messages =
            chats + "/" + QByteArray::number(h.appConversation) + "/messages";
        const QByteArray roomMessages =
            chats + "/" + QByteArray::number(h.roomConversation) + "/messages";
        const QByteArray newChat = compact({{"customer_id", h.customer.id}});
        const QByteArray newCustomerChat = compact({{"user_id", h.admin.id}});
        QByteArray type;
        const QByteArray pdf = w->multipart("a.pdf", "%PDF-1.4 x", &type);
        QList<Probe> probes = {
            {"visitor", "GET", chats, {}, {}, 401},
            {"customer on staff list", "GET", chats, {}, World::bearer(h.customerToken), 403},
            {"staff on customer list",
             "GET",
             chats + "/customer",
             {},
             World::bearer(h.adminToken),
             403},
            {"customer creating a staff chat", "POST", chats, newChat,
             World::bearer(h.customerToken), 403},
            {"another site's staff", "POST", chats, newChat, World::bearer(w->other.adminToken),
             404},
            {"staff, another site's customer", "POST", chats,
             compact({{"customer_id", w->other.customer.id}}), World::bearer(h.adminToken), 404},
            {"staff as customer", "POST", chats + "/customer", newCustomerChat,
             World::bearer(h.adminToken), 403},
            {"customer, another site's staff", "POST", chats + "/customer",
             compact({{"user_id", w->other.admin.id}}), World::bearer(h.customerToken), 404},
            {"another customer", "GET", messages, {}, World::bearer(h.customer2Token), 403},
            {"another site's customer",
             "GET",
             messages,
             {},
             World::bearer(w->other.customerToken),
             404},
            {"another site's staff", "GET", messages, {}, World::bearer(w->other.adminToken), 404},
            {"customer on a room chat",
             "GET",
             roomMessages,
             {},
             World::bearer(h.customerToken),
             403},
            {"another customer's file",
             "GET",
             h.uploadUrl.toLatin1(),
             {},
             World::bearer(h.customer2Token),
             404},
            {"another site's staff, file",
             "GET",
             h.uploadUrl.toLatin1(),
             {},
             World::bearer(w->other.adminToken),
             404},
            {"another site's customer, file",
             "GET",
             h.uploadUrl.toLatin1(),
             {},
             World::bearer(w->other.customerToken),
             404},
            {"refresh token in ?token=",
             "GET",
             h.uploadUrl.toLatin1() + "?token=" + h.customerRefresh.toLatin1(),
             {},
             {},
             401},
            {"guest token", "GET", chats, {}, World::bearer(h.guestToken), 401},
            {"API key", "GET", chats, {}, World::bearer(h.apiKey), 401},
            {"visitor", "POST", "/api/v1/chat/upload", pdf, {{"Content-Type", type}}, 401},
        };
        for (const auto &[who, token] : brokenTokens(h.admin)) {
            probes += {
                {who, "GET", chats, {}, World::bearer(token), 401},
                {who, "POST", chats, newChat, World::bearer(token), 401},
                {who, "GET", messages, {}, World::bearer(token), 401},
                {who, "GET", h.uploadUrl.toLatin1() + "?token=" + token.toLatin1(), {}, {}, 401},
                {who,
                 "POST",
                 "/api/v1/chat/upload",
                 pdf,
                 {{"Content-Type", type}, World::bearer(token).first()},
                 401},
            };
        }
        for (const auto &[who, token] : brokenTokens(h.customer))
            probes += Probe{who, "GET", chats + "/customer", {}, World::bearer(token), 401};
        run(probes);
    }

    void v1Socket()
    {
        const Tenant &h = w->hotel;
        QList<QPair<QByteArray, QByteArray>> refused = {
            {"visitor", "/api/v1/chat/ws/chat/user"},
            {"customer on the staff socket",
             "/api/v1/chat/ws/chat/user?token=" + h.customerToken.toLatin1()},
            {"staff on the customer socket",
             "/api/v1/chat/ws/chat/customer?token=" + h.adminToken.toLatin1()},
        };
        for (const auto &[who, token] : brokenTokens(h.admin))
            refused += {who, "/api/v1/chat/ws/chat/user?token=" + token.toLatin1()};
        for (const auto &[who, path] : refused) {
            RawWebSocket ws(w->port(), path);
            ++m_cases;
            QCOMPARE(ws.status(), 101);
            QVERIFY2(ws.waitClose() == 1008, who.constData());
        }
        // Joined sockets cannot reach other tenants' conversations.
        const auto before = w->counts();
        const QList<std::tuple<QByteArray, QByteArray, qint64>> joins = {
            {"another site's staff",
             "/api/v1/chat/ws/chat/user?token=" + w->other.adminToken.toLatin1(),
             h.appConversation},
            {"another customer",
             "/api/v1/chat/ws/chat/customer?token=" + h.customer2Token.toLatin1(),
             h.appConversation},
            {"customer on a room chat",
             "/api/v1/chat/ws/chat/customer?token=" + h.customerToken.toLatin1(),
             h.roomConversation},
            {"staff on another site's chat",
             "/api/v1/chat/ws/chat/user?token=" + h.adminToken.toLatin1(),
             w->other.appConversation},
        };
        for (const auto &[who, path, chat] : joins) {
            RawWebSocket ws(w->port(), path);
            QVERIFY(ws.nextJson(QStringLiteral("type"), QStringLiteral("connected")));
            for (const QByteArray &type : {QByteArray("join_chat"), QByteArray("send_message"),
                                           QByteArray("typing"), QByteArray("read_message")}) {
                ws.sendText("{\"type\":\"" + type + "\",\"chat_id\":" + QByteArray::number(chat) +
                            ",\"content\":\"x\",\"message_id\":1}");
                ++m_cases;
                QVERIFY2(ws.nextJson(QStringLiteral("type"), QStringLiteral("error")),
                         who.constData());
            }
        }
        QCOMPARE(w->counts(), before);
    }

    void directSocket()
    {
        const Tenant &h = w->hotel;
        const QByteArray peer = "/ws/chat/" + QByteArray::number(h.staff.id) + "/";
        QList<QPair<QByteArray, QPair<QByteArray, int>>> refused = {
            {"visitor", {peer, 401}},
            {"another site's peer",
             {"/ws/chat/" + QByteArray::number(w->other.staff.id) +
                  "/?token=" + h.adminToken.toLatin1(),
              404}},
            {"another site's staff to this peer",
             {peer + "?token=" + w->other.adminToken.toLatin1(), 404}},
            {"guest token", {peer + "?token=" + h.guestToken.toLatin1(), 401}},
        };
        for (const auto &[who, token] : brokenTokens(h.admin))
            refused += {who, {peer + "?token=" + token.toLatin1(), 401}};
        for (const auto &[who, probe] : refused) {
            const auto before = w->counts();
            RawWebSocket ws(w->port(), probe.first);
            ++m_cases;
            QVERIFY2(ws.status() == probe.second, who.constData());
            HttpResult r;
            r.body = ws.handshakeBody();
            QVERIFY(shapeProblem(probe.first, r).isEmpty());
            QCOMPARE(w->counts(), before);
        }
        // The header form of the token is checked the same way.
        RawWebSocket header(w->port(), peer, World::bearer(w->algNoneToken(h.admin)));
        ++m_cases;
        QCOMPARE(header.status(), 401);
        // Refresh: an access token, an alg:none or forged refresh token, are all 401.
        QList<Probe> probes = {
            {"access token",
             "POST",
             "/api/auth/token/refresh/",
             compact({{"refresh", h.adminToken}}),
             {},
             401},
        };
        for (const auto &[who, token] : brokenTokens(h.admin)) {
            if (who != "refresh token as access")
                probes +=
                    Probe{who, "POST", "/api/auth/token/refresh/", compact({{"refresh", token}}),
                          {},  401};
        }
        run(probes);
    }
};

QTEST_MAIN(TestTenancy)
#include "tst_tenancy.moc"
