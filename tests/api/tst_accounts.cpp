#include "api/v1/uploads.h"
#include "auth/passwords.h"
#include "lobbyserver.h"
#include "testsupport.h"

#include <QBuffer>
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSignalSpy>
#include <QSqlError>
#include <QSqlQuery>
#include <QtEndian>
#include <QTest>
#include <QWebSocket>

using namespace lobby;
using namespace lobby::chat;
using lobby::test::HttpResult;
using lobby::test::rawExchange;

namespace {

using Headers = QList<QPair<QByteArray, QByteArray>>;

Headers bearer(const QString &token)
{
    return {{"Authorization", "Bearer " + token.toLatin1()}};
}

QJsonArray jsonArray(const HttpResult &result)
{
    return QJsonDocument::fromJson(result.body).array();
}

QByteArray png(int width, int height)
{
    QImage image(width, height, QImage::Format_RGB32);
    image.fill(Qt::darkCyan);
    QBuffer buffer;
    buffer.open(QIODevice::WriteOnly);
    image.save(&buffer, "PNG");
    return buffer.data();
}

quint32 crc32(const QByteArray &data)
{
    quint32 crc = 0xFFFFFFFFu;
    for (const char c : data) {
        crc ^= quint8(c);
        for (int k = 0; k < 8; ++k)
            crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
    }
    return ~crc;
}

// A PNG whose header claims width x height pixels, with no real image data behind it.
QByteArray pngBomb(quint32 width, quint32 height)
{
    QByteArray ihdr("IHDR");
    char dims[8];
    qToBigEndian(width, dims);
    qToBigEndian(height, dims + 4);
    ihdr.append(dims, 8);
    ihdr.append("\x08\x02\x00\x00\x00", 5);
    QByteArray out("\x89PNG\r\n\x1A\n", 8);
    char len[4];
    qToBigEndian(quint32(13), len);
    out.append(len, 4);
    out.append(ihdr);
    char crc[4];
    qToBigEndian(crc32(ihdr), crc);
    out.append(crc, 4);
    // An IDAT chunk follows (the header is all a reader needs to know the size).
    const QByteArray idat = QByteArray("IDAT") + QByteArray("\x78\x9c\x03\x00", 4);
    qToBigEndian(quint32(4), len);
    out.append(len, 4);
    out.append(idat);
    qToBigEndian(crc32(idat), crc);
    out.append(crc, 4);
    return out;
}

// A WebSocket client that keeps every frame it receives.
class WsClient : public QObject
{
public:
    explicit WsClient(const QString &url)
    {
        connect(&ws, &QWebSocket::textMessageReceived, this, [this](const QString &text) {
            frames.append(QJsonDocument::fromJson(text.toUtf8()).object());
        });
        connect(&ws, &QWebSocket::disconnected, this, [this] {
            closed = true;
            closeCode = ws.closeCode();
        });
        ws.open(QUrl(url));
    }

    void send(const QJsonObject &frame)
    {
        ws.sendTextMessage(QString::fromUtf8(QJsonDocument(frame).toJson(QJsonDocument::Compact)));
    }

    // The first frame of `type` (after `from`) matching `match`, waiting up to 5 s for it.
    std::optional<QJsonObject> waitFor(const QString &type,
                                       const std::function<bool(const QJsonObject &)> &match = {})
    {
        QDeadlineTimer deadline(5000);
        while (!deadline.hasExpired()) {
            for (qsizetype i = consumed; i < frames.size(); ++i) {
                if (frames[i].value(u"type").toString() == type && (!match || match(frames[i]))) {
                    consumed = i + 1;
                    return frames[i];
                }
            }
            QTest::qWait(5);
        }
        return std::nullopt;
    }

    bool waitClosed()
    {
        QDeadlineTimer deadline(5000);
        while (!closed && !deadline.hasExpired())
            QTest::qWait(5);
        return closed;
    }

    QWebSocket ws;
    QList<QJsonObject> frames;
    qsizetype consumed = 0;
    bool closed = false;
    int closeCode = 0;
};

} // namespace

class TestAccounts : public QObject
{
    Q_OBJECT

    std::unique_ptr<test::TestDatabase> m_db;
    std::unique_ptr<LobbyServer> m_server;
    quint16 m_port = 0;
    Site m_site, m_otherSite;
    Account m_staff, m_staff2, m_customer, m_customer2, m_otherStaff, m_otherCustomer;
    QString m_staffToken, m_staff2Token, m_customerToken, m_customer2Token, m_otherStaffToken,
        m_otherCustomerToken;

    Account account(qint64 siteId, AccountKind kind, const QString &email, const QString &phone,
                    const QString &password)
    {
        return test::createAccount(m_db->chat(), {.siteId = siteId,
                                                  .kind = kind,
                                                  .email = email,
                                                  .phone = phone,
                                                  .passwordHash = auth::hashPassword(password)});
    }

    HttpResult call(const QByteArray &method, const QByteArray &path, const QString &token = {},
                    const QJsonObject &body = {})
    {
        const QByteArray bytes =
            method == "POST" ? QJsonDocument(body).toJson(QJsonDocument::Compact) : QByteArray();
        return test::request(m_port, method, path, bytes,
                             token.isEmpty() ? Headers{} : bearer(token));
    }

    HttpResult upload(const QString &token, const QByteArray &data, const QByteArray &fileName,
                      const QByteArray &field = "file")
    {
        const QByteArray boundary = "----lobbytestboundary7MA4YWxkTrZu0gW";
        QByteArray body = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + field +
                          "\"; filename=\"" + fileName +
                          "\"\r\nContent-Type: application/octet-stream\r\n\r\n" + data + "\r\n--" +
                          boundary + "--\r\n";
        QByteArray raw = "POST /api/v1/chat/upload HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                         "Authorization: Bearer " +
                         token.toLatin1() +
                         "\r\nContent-Type: multipart/form-data; boundary=" + boundary +
                         "\r\nContent-Length: " + QByteArray::number(body.size()) +
                         "\r\nConnection: close\r\n\r\n" + body;
        return rawExchange(m_port, raw);
    }

    QString login(const QByteArray &path, const QJsonObject &body)
    {
        const HttpResult r = call("POST", path, {}, body);
        if (r.status != 200)
            qFatal("login %s: %d %s", path.constData(), r.status, r.body.constData());
        return r.json().value(u"access_token").toString();
    }

    QString wsUrl(const QString &path) const
    {
        return QStringLiteral("ws://127.0.0.1:%1%2").arg(m_port).arg(path);
    }

    qint64 createChat(const QString &staffToken, qint64 customerId, const QString &text)
    {
        const HttpResult r = call("POST", "/api/v1/chat/chats", staffToken,
                                  {{"customer_id", customerId}, {"initial_message", text}});
        if (r.status != 201)
            qFatal("create chat: %d %s", r.status, r.body.constData());
        return r.json().value(u"id").toInteger();
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_db = std::make_unique<test::TestDatabase>();
        m_site = m_db->site(QStringLiteral("salon-one"));
        m_otherSite = m_db->site(QStringLiteral("salon-two"));
        m_staff = account(m_site.id, AccountKind::Staff, "admin@one.test", {}, "staff-password");
        m_staff2 = account(m_site.id, AccountKind::Staff, "maria@one.test", {}, "staff-password");
        m_customer = account(m_site.id, AccountKind::Customer, "alex@one.test", "+15550001",
                             "customer-password");
        m_customer2 = account(m_site.id, AccountKind::Customer, "bea@one.test", "+15550002",
                              "customer-password");
        m_otherStaff =
            account(m_otherSite.id, AccountKind::Staff, "admin@two.test", {}, "staff-password");
        m_otherCustomer = account(m_otherSite.id, AccountKind::Customer, "carl@two.test",
                                  "+15550003", "customer-password");

        ServerConfig config;
        config.jwtSecret = QByteArray(48, 'k');
        config.uploadsDir = m_db->folder() + QStringLiteral("/uploads");
        config.maxUploadBytes = 256 << 10;
        config.loginPolicy.perIdentifier = {3, 900, 900};
        config.loginPolicy.perAddress = {1000, 900, 900};
        m_server = std::make_unique<LobbyServer>(m_db->chat(), config);
        QString error;
        QVERIFY2(m_server->listen(QHostAddress::LocalHost, 0, &error), qPrintable(error));
        m_port = m_server->http().port();

        m_staffToken = login("/api/v1/auth/login",
                             {{"email", "admin@one.test"}, {"password", "staff-password"}});
        m_staff2Token = login("/api/v1/auth/login",
                              {{"email", "maria@one.test"}, {"password", "staff-password"}});
        m_customerToken = login("/api/v1/customer-auth/login",
                                {{"phone", "+15550001"}, {"password", "customer-password"}});
        m_customer2Token = login("/api/v1/customer-auth/login",
                                 {{"email", "bea@one.test"}, {"password", "customer-password"}});
        m_otherStaffToken = login("/api/v1/auth/login",
                                  {{"email", "admin@two.test"}, {"password", "staff-password"}});
        m_otherCustomerToken =
            login("/api/v1/customer-auth/login",
                  {{"email", "carl@two.test"}, {"password", "customer-password"}});
    }

    void cleanupTestCase()
    {
        m_server.reset();
        m_db.reset();
    }

    // ---- logins

    void staffLoginAnswersTokensAndUser()
    {
        const HttpResult r = call("POST", "/api/v1/auth/login", {},
                                  {{"email", "ADMIN@one.test"}, {"password", "staff-password"}});
        QCOMPARE(r.status, 200);
        const QJsonObject body = r.json();
        QCOMPARE(body.value(u"token_type").toString(), u"bearer");
        QVERIFY(!body.value(u"access_token").toString().isEmpty());
        QVERIFY(!body.value(u"refresh_token").toString().isEmpty());
        QCOMPARE(body.value(u"user")[u"id"].toInteger(), m_staff.id);
        QCOMPARE(body.value(u"user")[u"salon_id"].toInteger(), m_site.id);
        QCOMPARE(body.value(u"user")[u"user_type"].toString(), u"user");
    }

    void wrongCredentialsAre401WithOneMessage()
    {
        const HttpResult wrong = call("POST", "/api/v1/auth/login", {},
                                      {{"email", "maria@one.test"}, {"password", "nope-nope"}});
        const HttpResult unknown = call("POST", "/api/v1/auth/login", {},
                                        {{"email", "nobody@one.test"}, {"password", "nope-nope"}});
        // A customer's right password on the staff login is refused the same way.
        const HttpResult customer =
            call("POST", "/api/v1/auth/login", {},
                 {{"email", "bea@one.test"}, {"password", "customer-password"}});
        const HttpResult staffAsCustomer =
            call("POST", "/api/v1/customer-auth/login", {},
                 {{"email", "maria@one.test"}, {"password", "staff-password"}});
        for (const HttpResult *r : {&wrong, &unknown, &customer, &staffAsCustomer}) {
            QCOMPARE(r->status, 401);
            QCOMPARE(r->json().value(u"detail").toString(),
                     wrong.json().value(u"detail").toString());
        }
    }

    void loginValidationIs422()
    {
        const HttpResult r =
            call("POST", "/api/v1/auth/login", {}, {{"password", "staff-password"}});
        QCOMPARE(r.status, 422);
        QCOMPARE(r.json().value(u"detail")[0][u"loc"][1].toString(), u"email");
        QCOMPARE(call("POST", "/api/v1/customer-auth/login", {}, {{"password", "x"}}).status, 422);
        QCOMPARE(test::request(m_port, "POST", "/api/v1/auth/login", "{not json").status, 400);
    }

    void aPhoneStoredBeforeNormalizingStillSignsInAsStored()
    {
        // An older database holds the phone as it was typed, with its space and dash.
        const Account old = account(m_site.id, AccountKind::Customer, "old@one.test", "+15550100",
                                    "customer-password");
        QSqlQuery query(m_db->database().handle());
        query.prepare(QStringLiteral("UPDATE accounts SET phone = ? WHERE id = ?"));
        query.addBindValue(QStringLiteral("+1 555-0100"));
        query.addBindValue(old.id);
        QVERIFY2(query.exec(), qPrintable(query.lastError().text()));

        const HttpResult r = call("POST", "/api/v1/customer-auth/login", {},
                                  {{"phone", " +1 555-0100 "}, {"password", "customer-password"}});
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json().value(u"user")[u"id"].toInteger(), old.id);
    }

    void repeatedFailuresLockTheNameWith429()
    {
        const Account victim =
            account(m_site.id, AccountKind::Customer, "victim@one.test", {}, "right-password");
        for (int i = 0; i < 3; ++i) {
            QCOMPARE(call("POST", "/api/v1/customer-auth/login", {},
                          {{"email", "victim@one.test"}, {"password", "wrong-password"}})
                         .status,
                     401);
        }
        // Locked now, even with the right password, and the database remembers it.
        const HttpResult locked =
            call("POST", "/api/v1/customer-auth/login", {},
                 {{"email", "victim@one.test"}, {"password", "right-password"}});
        QCOMPARE(locked.status, 429);
        QVERIFY(locked.header("retry-after").toInt() > 0);
        // The same for an unknown name (no account enumeration through the lockout)...
        for (int i = 0; i < 3; ++i)
            call("POST", "/api/auth/login/", {},
                 {{"email", "ghost@one.test"}, {"password", "wrong-password"}});
        QCOMPARE(call("POST", "/api/auth/login/", {},
                      {{"email", "ghost@one.test"}, {"password", "wrong-password"}})
                     .status,
                 429);
        // ...and other names are not affected.
        QCOMPARE(call("POST", "/api/v1/auth/login", {},
                      {{"email", "admin@one.test"}, {"password", "staff-password"}})
                     .status,
                 200);
        Q_UNUSED(victim);
    }

    void failuresFromOneAddressLockThatAddress()
    {
        test::TestDatabase db;
        const Site site = db.site(QStringLiteral("salon-three"));
        Account a;
        a.siteId = site.id;
        a.kind = AccountKind::Staff;
        a.email = QStringLiteral("x@three.test");
        a.name = QStringLiteral("X");
        a.passwordHash = auth::hashPassword(QStringLiteral("the-password"));
        QVERIFY(db.chat().createAccount(a));
        ServerConfig config;
        config.jwtSecret = QByteArray(48, 'z');
        config.loginPolicy.perIdentifier = {100, 900, 900};
        config.loginPolicy.perAddress = {3, 900, 900};
        LobbyServer server(db.chat(), config);
        QString error;
        QVERIFY(server.listen(QHostAddress::LocalHost, 0, &error));
        const quint16 port = server.http().port();
        for (int i = 0; i < 3; ++i) {
            const QByteArray body =
                QStringLiteral(R"({"email":"guess%1@three.test","password":"wrong-password"})")
                    .arg(i)
                    .toUtf8();
            QCOMPARE(test::request(port, "POST", "/api/v1/auth/login", body).status, 401);
        }
        const HttpResult r = test::request(port, "POST", "/api/v1/auth/login",
                                           R"({"email":"x@three.test","password":"the-password"})");
        QCOMPARE(r.status, 429);
        QVERIFY(r.header("retry-after").toInt() > 0);
    }

    void directLoginAndRefresh()
    {
        const HttpResult r = call("POST", "/api/auth/login/", {},
                                  {{"email", "alex@one.test"}, {"password", "customer-password"}});
        QCOMPARE(r.status, 200);
        const QJsonObject tokens = r.json().value(u"tokens").toObject();
        QCOMPARE(r.json().value(u"user")[u"id"].toInteger(), m_customer.id);
        const QString access = tokens.value(u"access").toString();
        const QString refresh = tokens.value(u"refresh").toString();
        QVERIFY(!access.isEmpty() && !refresh.isEmpty());

        const HttpResult refreshed =
            call("POST", "/api/auth/token/refresh/", {}, {{"refresh", refresh}});
        QCOMPARE(refreshed.status, 200);
        const QString newAccess = refreshed.json().value(u"access").toString();
        QCOMPARE(call("GET", "/api/v1/chat/chats/customer", newAccess).status, 200);

        // An access token is never a refresh token, and a refresh token never an access token.
        QCOMPARE(call("POST", "/api/auth/token/refresh/", {}, {{"refresh", access}}).status, 401);
        QCOMPARE(call("GET", "/api/v1/chat/chats/customer", refresh).status, 401);
        QCOMPARE(call("POST", "/api/auth/token/refresh/", {}, {{"refresh", "garbage"}}).status,
                 401);
        QCOMPARE(call("POST", "/api/auth/token/refresh/", {}, {}).status, 400);
        QCOMPARE(call("POST", "/api/auth/login/", {}, {{"email", "alex@one.test"}}).status, 400);
        QCOMPARE(call("POST", "/api/auth/login/", {},
                      {{"email", "alex@one.test"}, {"password", "wrong-password"}})
                     .status,
                 401);
    }

    // ---- kinds and tenants

    void tokensOfTheWrongKindAreRefused()
    {
        QCOMPARE(call("GET", "/api/v1/chat/chats").status, 401);
        QCOMPARE(call("GET", "/api/v1/chat/chats", "not-a-token").status, 401);
        QCOMPARE(call("GET", "/api/v1/chat/chats", m_customerToken).status, 403);
        QCOMPARE(
            call("POST", "/api/v1/chat/chats", m_customerToken, {{"customer_id", m_customer.id}})
                .status,
            403);
        QCOMPARE(call("GET", "/api/v1/chat/chats/customer", m_staffToken).status, 403);
        QCOMPARE(
            call("POST", "/api/v1/chat/chats/customer", m_staffToken, {{"user_id", m_staff.id}})
                .status,
            403);
        const HttpResult r = call("GET", "/api/v1/chat/chats", m_customerToken);
        QVERIFY(r.json().value(u"detail").isString());
    }

    void staffCreatesAChatWithACustomer()
    {
        const HttpResult r = call("POST", "/api/v1/chat/chats", m_staffToken,
                                  {{"customer_id", m_customer.id},
                                   {"title", "Support Chat"},
                                   {"initial_message", "Hi, how can I help you?"}});
        QCOMPARE(r.status, 201);
        const QJsonObject chat = r.json();
        QCOMPARE(chat.value(u"chat_type").toString(), u"user_customer");
        QCOMPARE(chat.value(u"salon_id").toInteger(), m_site.id);
        QCOMPARE(chat.value(u"title").toString(), u"Support Chat");
        QCOMPARE(chat.value(u"is_active").toBool(), true);
        QCOMPARE(chat.value(u"is_archived").toBool(), false);
        QCOMPARE(chat.value(u"total_messages").toInt(), 1);
        QCOMPARE(chat.value(u"unread_count").toInt(), 0);
        QVERIFY(chat.value(u"last_message_at").isString());
        QVERIFY(chat.value(u"created_at").isString());
        QVERIFY(chat.value(u"updated_at").isString());
        const QJsonArray participants = chat.value(u"participants").toArray();
        QCOMPARE(participants.size(), 2);
        for (const QJsonValue &p : participants) {
            if (p[u"participant_type"].toString() == u"user") {
                QCOMPARE(p[u"participant_id"].toInteger(), m_staff.id);
                QCOMPARE(p[u"unread_count"].toInt(), 0);
                QCOMPARE(p[u"email"].toString(), u"admin@one.test");
                QVERIFY(p[u"name"].isString());
            } else {
                QCOMPARE(p[u"participant_type"].toString(), u"customer");
                QCOMPARE(p[u"participant_id"].toInteger(), m_customer.id);
                QCOMPARE(p[u"unread_count"].toInt(), 1);
                QCOMPARE(p[u"phone"].toString(), u"+15550001");
            }
            QVERIFY(p[u"joined_at"].isString());
            QCOMPARE(p[u"is_active"].toBool(), true);
        }
    }

    void chatCreationIsCheckedPerTenantAndField()
    {
        // Another site's customer, a staff id, an unknown id: 404, nothing stored.
        const int before = m_db->store().conversationsOfSite(m_site.id).size();
        QCOMPARE(
            call("POST", "/api/v1/chat/chats", m_staffToken, {{"customer_id", m_otherCustomer.id}})
                .status,
            404);
        QCOMPARE(
            call("POST", "/api/v1/chat/chats", m_staffToken, {{"customer_id", m_staff2.id}}).status,
            404);
        QCOMPARE(call("POST", "/api/v1/chat/chats", m_staffToken, {{"customer_id", 999999}}).status,
                 404);
        QCOMPARE(call("POST", "/api/v1/chat/chats", m_staffToken, {}).status, 422);
        QCOMPARE(call("POST", "/api/v1/chat/chats", m_staffToken, {{"customer_id", "abc"}}).status,
                 422);
        QCOMPARE(call("POST", "/api/v1/chat/chats", m_staffToken,
                      {{"customer_id", m_customer.id}, {"title", 5}})
                     .status,
                 422);
        QCOMPARE(call("POST", "/api/v1/chat/chats", m_staffToken,
                      {{"customer_id", m_customer.id},
                       {"initial_message", QString(ChatService::maxMessageLength + 1, u'x')}})
                     .status,
                 422);
        QCOMPARE(call("POST", "/api/v1/chat/chats/customer", m_customerToken,
                      {{"user_id", m_otherStaff.id}})
                     .status,
                 404);
        QCOMPARE(call("POST", "/api/v1/chat/chats/customer", m_customerToken,
                      {{"user_id", m_customer2.id}})
                     .status,
                 404);
        QCOMPARE(m_db->store().conversationsOfSite(m_site.id).size(), before);
    }

    void customerCreatesAChatWithStaff()
    {
        const HttpResult r = call("POST", "/api/v1/chat/chats/customer", m_customer2Token,
                                  {{"user_id", m_staff2.id},
                                   {"title", "Booking Inquiry"},
                                   {"initial_message", "I'd like to book an appointment"}});
        QCOMPARE(r.status, 201);
        QCOMPARE(r.json().value(u"chat_type").toString(), u"user_customer");
        QCOMPARE(r.json().value(u"total_messages").toInt(), 1);
        QCOMPARE(r.json().value(u"unread_count").toInt(), 0);
    }

    void listsShowTheSiteToStaffAndOwnChatsToCustomers()
    {
        const qint64 appChat = createChat(m_staffToken, m_customer.id, "Listed");
        // Conversations of the other families, as the guest and widget adapters open them.
        NewConversation room;
        room.siteId = m_site.id;
        room.kind = ConversationKind::Room;
        room.title = QStringLiteral("Room 101");
        room.participants = {{ActorKind::Guest, 77}};
        const auto roomChat = m_db->chat().openConversation(room);
        QVERIFY(roomChat);
        QVERIFY(m_db->chat().postMessage(roomChat->id, {ActorKind::Guest, 77},
                                         {MessageType::Text, QStringLiteral("Towels please")}));
        NewConversation widget = room;
        widget.kind = ConversationKind::Widget;
        widget.title = QStringLiteral("Website visitor");
        widget.participants = {{ActorKind::Visitor, 5}};
        QVERIFY(m_db->chat().openConversation(widget));
        NewConversation archived = room;
        archived.title = QStringLiteral("Old room chat");
        const auto old = m_db->chat().openConversation(archived);
        QVERIFY(m_db->chat().setArchived(old->id, true));

        const QJsonArray staffList =
            jsonArray(call("GET", "/api/v1/chat/chats?is_archived=false", m_staffToken));
        QSet<QString> types;
        QSet<qint64> ids;
        for (const QJsonValue &c : staffList) {
            types.insert(c[u"chat_type"].toString());
            ids.insert(c[u"id"].toInteger());
            QVERIFY(c.toObject().contains(u"last_message_preview"));
            QVERIFY(c[u"online_participants"].isArray());
            QVERIFY(c[u"unread_count"].isDouble());
        }
        QVERIFY(types.contains(QStringLiteral("user_customer")));
        QVERIFY(types.contains(QStringLiteral("room_guest")));
        QVERIFY(types.contains(QStringLiteral("widget_visitor")));
        QVERIFY(ids.contains(appChat));
        QVERIFY(!ids.contains(old->id));
        for (const QJsonValue &c : staffList) {
            if (c[u"id"].toInteger() == roomChat->id) {
                QCOMPARE(c[u"last_message_preview"].toString(), u"Towels please");
                QCOMPARE(c[u"unread_count"].toInt(), 1);
            }
        }
        const QJsonArray archivedList =
            jsonArray(call("GET", "/api/v1/chat/chats?is_archived=true", m_staffToken));
        QCOMPARE(archivedList.size(), 1);
        QCOMPARE(archivedList[0][u"id"].toInteger(), old->id);
        QCOMPARE(call("GET", "/api/v1/chat/chats?is_archived=maybe", m_staffToken).status, 422);

        // The customer sees only chats they take part in.
        const QJsonArray customerList = jsonArray(
            call("GET", "/api/v1/chat/chats/customer?is_archived=false", m_customerToken));
        QVERIFY(!customerList.isEmpty());
        for (const QJsonValue &c : customerList) {
            const auto participant =
                m_db->store().participant(c[u"id"].toInteger(), m_customer.actor());
            QVERIFY(participant.has_value());
        }
        // Another site's staff sees none of it.
        const QJsonArray otherList =
            jsonArray(call("GET", "/api/v1/chat/chats", m_otherStaffToken));
        for (const QJsonValue &c : otherList)
            QCOMPARE(c[u"salon_id"].toInteger(), m_otherSite.id);
        QVERIFY(!otherList.contains(QJsonValue(appChat)));
        for (const QJsonValue &c : otherList)
            QVERIFY(c[u"id"].toInteger() != appChat);
    }

    void messagesArePagedNewestFirstWithReadReceipts()
    {
        const qint64 chatId = createChat(m_staffToken, m_customer.id, "first");
        qint64 lastStaffMessage = 0;
        for (int i = 2; i <= 5; ++i) {
            const auto posted = m_db->chat().postMessage(
                chatId, m_staff.actor(), {MessageType::Text, QStringLiteral("message %1").arg(i)});
            QVERIFY(posted);
            lastStaffMessage = posted->message.id;
        }
        QVERIFY(m_db->chat().markRead(chatId, m_customer.actor(), lastStaffMessage));

        const QByteArray path = "/api/v1/chat/chats/" + QByteArray::number(chatId) + "/messages";
        HttpResult r = call("GET", path + "?page=1&page_size=2", m_customerToken);
        QCOMPARE(r.status, 200);
        QJsonObject body = r.json();
        QCOMPARE(body.value(u"total").toInt(), 5);
        QCOMPARE(body.value(u"page").toInt(), 1);
        QCOMPARE(body.value(u"page_size").toInt(), 2);
        QCOMPARE(body.value(u"has_more").toBool(), true);
        QJsonArray messages = body.value(u"messages").toArray();
        QCOMPARE(messages.size(), 2);
        QCOMPARE(messages[0][u"content"].toString(), u"message 5");
        QCOMPARE(messages[1][u"content"].toString(), u"message 4");
        const QJsonObject m = messages[0].toObject();
        QCOMPARE(m.value(u"chat_id").toInteger(), chatId);
        QCOMPARE(m.value(u"sender_type").toString(), u"user");
        QCOMPARE(m.value(u"sender_user_id").toInteger(), m_staff.id);
        QCOMPARE(m.value(u"message_type").toString(), u"text");
        QCOMPARE(m.value(u"is_edited").toBool(), false);
        QCOMPARE(m.value(u"is_deleted").toBool(), false);
        QVERIFY(m.value(u"sender_name").isString());
        const QJsonArray receipts = m.value(u"read_receipts").toArray();
        QCOMPARE(receipts.size(), 1);
        QCOMPARE(receipts[0][u"reader_type"].toString(), u"customer");
        QCOMPARE(receipts[0][u"reader_id"].toInteger(), m_customer.id);
        QVERIFY(receipts[0][u"read_at"].isString());

        r = call("GET", path + "?page=3&page_size=2", m_staffToken);
        body = r.json();
        QCOMPARE(body.value(u"messages").toArray().size(), 1);
        QCOMPARE(body.value(u"messages")[0][u"content"].toString(), u"first");
        QCOMPARE(body.value(u"has_more").toBool(), false);
        // Defaults: page 1, 50 per page.
        body = call("GET", path, m_staffToken).json();
        QCOMPARE(body.value(u"page_size").toInt(), 50);
        QCOMPARE(body.value(u"messages").toArray().size(), 5);

        QCOMPARE(call("GET", path + "?page=0", m_staffToken).status, 422);
        QCOMPARE(call("GET", path + "?page_size=1000", m_staffToken).status, 422);
        // Given without a value, page and page_size are no integers.
        QCOMPARE(call("GET", path + "?page_size=", m_staffToken).status, 422);
        QCOMPARE(call("GET", path + "?page=", m_staffToken).status, 422);
        QCOMPARE(call("GET", "/api/v1/chat/chats/abc/messages", m_staffToken).status, 422);
        // A customer of the same site who is not in it: 403; another site: 404; unknown: 404.
        QCOMPARE(call("GET", path, m_customer2Token).status, 403);
        QCOMPARE(call("GET", path, m_otherStaffToken).status, 404);
        QCOMPARE(call("GET", path, m_otherCustomerToken).status, 404);
        QCOMPARE(call("GET", "/api/v1/chat/chats/999999/messages", m_staffToken).status, 404);
        QCOMPARE(call("GET", path).status, 401);
    }

    // ---- uploads

    void uploadStoresASniffedImageWithAThumbnail()
    {
        const QByteArray image = png(800, 400);
        const HttpResult r = upload(m_customerToken, image, "../../etc/holiday photo.png");
        QCOMPARE(r.status, 201);
        const QJsonObject body = r.json();
        QCOMPARE(body.value(u"file_type").toString(), u"image/png");
        QCOMPARE(body.value(u"file_size").toInteger(), image.size());
        QCOMPARE(body.value(u"file_name").toString(), u"holiday photo.png");
        const QString url = body.value(u"file_url").toString();
        QVERIFY(url.startsWith(u"/uploads/chat/"));
        QVERIFY(!url.contains(u"holiday"));
        const QString thumbUrl = body.value(u"thumbnail_url").toString();
        QVERIFY(thumbUrl.startsWith(u"/uploads/chat/"));

        // The owner gets it back, byte for byte, with nosniff.
        HttpResult file = call("GET", url.toLatin1(), m_customerToken);
        QCOMPARE(file.status, 200);
        QCOMPARE(file.body, image);
        QCOMPARE(file.header("content-type"), "image/png");
        QCOMPARE(file.header("x-content-type-options"), "nosniff");
        // ?token= works as well (for <img src>).
        QCOMPARE(call("GET", (url + "?token=" + m_customerToken).toLatin1()).status, 200);
        // The thumbnail is a small PNG.
        file = call("GET", thumbUrl.toLatin1(), m_customerToken);
        QCOMPARE(file.status, 200);
        QImage thumb;
        QVERIFY(thumb.loadFromData(file.body, "PNG"));
        QVERIFY(thumb.width() <= 320 && thumb.height() <= 320);
        QCOMPARE(thumb.width(), 320);
        QCOMPARE(thumb.height(), 160);
        // Recorded in the uploads table.
        const auto stored = m_db->store().uploadByFileName(url.mid(14));
        QVERIFY(stored);
        QCOMPARE(stored->owner, m_customer.actor());
        QCOMPARE(stored->mimeType, u"image/png");

        // Nobody else sees it until it is sent in a conversation they can see.
        QCOMPARE(call("GET", url.toLatin1(), m_customer2Token).status, 404);
        QCOMPARE(call("GET", url.toLatin1(), m_staffToken).status, 404);
        QCOMPARE(call("GET", url.toLatin1(), m_otherStaffToken).status, 404);
        QCOMPARE(call("GET", url.toLatin1()).status, 401);

        const qint64 chatId = createChat(m_staffToken, m_customer.id, "send me a photo");
        MessageDraft draft{MessageType::Image, QStringLiteral("here"), url};
        const auto posted = m_db->chat().postMessage(chatId, m_customer.actor(), draft);
        QVERIFY(posted);
        QCOMPARE(call("GET", url.toLatin1(), m_staffToken).status, 200);  // participant
        QCOMPARE(call("GET", url.toLatin1(), m_staff2Token).status, 200); // staff of the site
        QCOMPARE(call("GET", thumbUrl.toLatin1(), m_staff2Token).status, 200);
        QCOMPARE(call("GET", url.toLatin1(), m_customer2Token).status, 404);
        QCOMPARE(call("GET", url.toLatin1(), m_otherStaffToken).status, 404);
        // The message shows its thumbnail.
        const QJsonObject page =
            call("GET", "/api/v1/chat/chats/" + QByteArray::number(chatId) + "/messages",
                 m_staffToken)
                .json();
        QCOMPARE(page.value(u"messages")[0][u"media_url"].toString(), url);
        QCOMPARE(page.value(u"messages")[0][u"thumbnail_url"].toString(), thumbUrl);
        QCOMPARE(call("GET", "/uploads/chat/nothing-here.png", m_staffToken).status, 404);
    }

    void uploadLimitsAndSniffing()
    {
        // Over the configured limit (256 KiB here): 413.
        QCOMPARE(
            upload(m_staffToken, QByteArray("%PDF-1.4\n") + QByteArray(300 << 10, 'x'), "big.pdf")
                .status,
            413);
        // The name says PNG, the content is text: 415.
        QCOMPARE(upload(m_staffToken, "just some text", "evil.png").status, 415);
        QCOMPARE(upload(m_staffToken, "<html><script>alert(1)</script>", "x.html").status, 415);
        // PNG magic with garbage behind it: not decodable, 422.
        QCOMPARE(upload(m_staffToken, QByteArray("\x89PNG\r\n\x1A\n", 8) + QByteArray(100, 'z'),
                        "broken.png")
                     .status,
                 422);
        // No "file" field, an empty file, not multipart.
        QCOMPARE(upload(m_staffToken, png(10, 10), "a.png", "other").status, 422);
        QCOMPARE(upload(m_staffToken, QByteArray(), "empty.png").status, 422);
        QCOMPARE(call("POST", "/api/v1/chat/upload", m_staffToken, {{"file", "x"}}).status, 422);
        QCOMPARE(upload(QString(), png(10, 10), "a.png").status, 401);

        // A PDF is accepted without a thumbnail and served as an attachment.
        HttpResult r = upload(m_staffToken, "%PDF-1.4\n%%EOF\n", "menu.pdf");
        QCOMPARE(r.status, 201);
        QCOMPARE(r.json().value(u"file_type").toString(), u"application/pdf");
        QVERIFY(r.json().value(u"thumbnail_url").isNull());
        const HttpResult pdf =
            call("GET", r.json().value(u"file_url").toString().toLatin1(), m_staffToken);
        QCOMPARE(pdf.header("content-disposition"), "attachment");
        // A voice note.
        r = upload(m_customerToken, QByteArray("OggS") + QByteArray(60, '\1'), "voice.ogg");
        QCOMPARE(r.status, 201);
        QCOMPARE(r.json().value(u"file_type").toString(), u"audio/ogg");
        // A header claiming 100000 x 100000 pixels is stored but never decoded.
        r = upload(m_staffToken, pngBomb(100000, 100000), "bomb.png");
        QCOMPARE(r.status, 201);
        QVERIFY(r.json().value(u"thumbnail_url").isNull());
    }

    void sniffingRecognisesTheAcceptedTypes()
    {
        using lobby::api::v1::uploads::sniff;
        QCOMPARE(sniff(QByteArray("\xFF\xD8\xFF\xE0", 4))->mimeType, u"image/jpeg");
        QCOMPARE(sniff("GIF89a....")->mimeType, u"image/gif");
        QCOMPARE(sniff(QByteArray("RIFF\0\0\0\0WEBPVP8 ", 16))->mimeType, u"image/webp");
        QCOMPARE(sniff(QByteArray("RIFF\0\0\0\0WAVEfmt ", 16))->mimeType, u"audio/wav");
        QCOMPARE(sniff(QByteArray("\x1A\x45\xDF\xA3", 4))->mimeType, u"audio/webm");
        QCOMPARE(sniff("ID3\x03")->mimeType, u"audio/mpeg");
        QCOMPARE(sniff(QByteArray("\0\0\0\x20"
                                  "ftypM4A ",
                                  12))
                     ->mimeType,
                 u"audio/mp4");
        QVERIFY(!sniff("MZ\x90\0"));
        QVERIFY(!sniff("<svg xmlns"));
    }

    void docsLeadToTheSwaggerUi()
    {
        const HttpResult r = call("GET", "/docs");
        QCOMPARE(r.status, 307);
        QCOMPARE(r.header("location"), "/api/docs/");
    }

    // ---- WebSocket

    void v1SocketRefusesBadTokensWith1008()
    {
        WsClient bad(wsUrl(QStringLiteral("/api/v1/chat/ws/chat/user?token=garbage")));
        QVERIFY(bad.waitClosed());
        QCOMPARE(bad.closeCode, 1008);
        // A customer token on the staff endpoint, a staff token on the customer endpoint.
        WsClient customer(wsUrl("/api/v1/chat/ws/chat/user?token=" + m_customerToken));
        QVERIFY(customer.waitClosed());
        QCOMPARE(customer.closeCode, 1008);
        WsClient staff(wsUrl("/api/v1/chat/ws/chat/customer?token=" + m_staffToken));
        QVERIFY(staff.waitClosed());
        QCOMPARE(staff.closeCode, 1008);
    }

    void v1SocketErrorsKeepTheConnection()
    {
        WsClient staff(wsUrl("/api/v1/chat/ws/chat/user?token=" + m_staffToken));
        const auto connected = staff.waitFor(QStringLiteral("connected"));
        QVERIFY(connected);
        QCOMPARE(connected->value(u"participant_type").toString(), u"user");
        QCOMPARE(connected->value(u"participant_id").toInteger(), m_staff.id);

        staff.ws.sendTextMessage(QStringLiteral("{nope"));
        QVERIFY(staff.waitFor(QStringLiteral("error")));
        staff.send({{"type", "dance"}});
        QVERIFY(staff.waitFor(QStringLiteral("error")));
        // Another site's chat, an unknown chat, sending before joining.
        const qint64 otherChat = [&] {
            const QJsonObject r = call("POST", "/api/v1/chat/chats", m_otherStaffToken,
                                       {{"customer_id", m_otherCustomer.id}})
                                      .json();
            return r.value(u"id").toInteger();
        }();
        staff.send({{"type", "join_chat"}, {"chat_id", otherChat}});
        QVERIFY(staff.waitFor(QStringLiteral("error")));
        staff.send({{"type", "send_message"}, {"chat_id", otherChat}, {"content", "x"}});
        QVERIFY(staff.waitFor(QStringLiteral("error")));
        QCOMPARE(m_db->store().messageCount(otherChat), 0);
        const qint64 mine = createChat(m_staffToken, m_customer.id, "hello");
        staff.send({{"type", "send_message"}, {"chat_id", mine}, {"content", "not joined"}});
        QVERIFY(staff.waitFor(QStringLiteral("error")));
        staff.send({{"type", "ping"}});
        const auto pong = staff.waitFor(QStringLiteral("pong"));
        QVERIFY(pong);
        QVERIFY(pong->value(u"timestamp").isString());
        QVERIFY(!staff.closed);

        // A customer cannot join a chat of their site they are not in.
        WsClient other(wsUrl("/api/v1/chat/ws/chat/customer?token=" + m_customer2Token));
        QVERIFY(other.waitFor(QStringLiteral("connected")));
        other.send({{"type", "join_chat"}, {"chat_id", mine}});
        QVERIFY(other.waitFor(QStringLiteral("error")));
        // Nor send someone else's upload.
        const QString url =
            upload(m_customerToken, png(20, 20), "mine.png").json().value(u"file_url").toString();
        const qint64 theirs = createChat(m_staffToken, m_customer2.id, "hi");
        other.send({{"type", "join_chat"}, {"chat_id", theirs}});
        other.send({{"type", "send_message"},
                    {"chat_id", theirs},
                    {"message_type", "image"},
                    {"media_url", url}});
        const auto refused = other.waitFor(QStringLiteral("error"));
        QVERIFY(refused);
        QVERIFY(refused->value(u"error").toString().contains(u"media_url"));
        QCOMPARE(m_db->store().messageCount(theirs), 1);
    }

    void v1SocketsChatAcrossFamilies()
    {
        // A guest's room conversation, answered by staff over the v1 WebSocket.
        NewConversation room;
        room.siteId = m_site.id;
        room.kind = ConversationKind::Room;
        room.title = QStringLiteral("Room 205");
        room.participants = {{ActorKind::Guest, 501}};
        const auto conversation = m_db->chat().openConversation(room);
        QVERIFY(conversation);

        WsClient staff(wsUrl("/api/v1/chat/ws/chat/user?token=" + m_staffToken));
        QVERIFY(staff.waitFor(QStringLiteral("connected")));
        QVERIFY(m_db->chat().isOnline(m_staff.actor()));
        staff.send({{"type", "join_chat"}, {"chat_id", conversation->id}});
        // Joining made the staff member a participant.
        QTRY_VERIFY(m_db->store().participant(conversation->id, m_staff.actor()).has_value());

        // A message posted by another family (the guest adapter) reaches the v1 socket.
        QVERIFY(m_db->chat().postMessage(conversation->id, {ActorKind::Guest, 501},
                                         {MessageType::Text, QStringLiteral("No hot water")}));
        const auto fromGuest = staff.waitFor(QStringLiteral("message"));
        QVERIFY(fromGuest);
        QCOMPARE(fromGuest->value(u"message")[u"content"].toString(), u"No hot water");
        QCOMPARE(fromGuest->value(u"message")[u"sender_type"].toString(), u"guest");

        // The staff reply is one MessagePosted domain event that the other families pick up.
        QSignalSpy events(&m_db->chat(), &ChatService::event);
        staff.send({{"type", "send_message"},
                    {"chat_id", conversation->id},
                    {"content", "On our way"},
                    {"message_type", "text"},
                    {"product_id", 42}});
        const auto echo = staff.waitFor(QStringLiteral("message"));
        QVERIFY(echo);
        QCOMPARE(echo->value(u"message")[u"product_id"].toString(), u"42");
        bool posted = false;
        for (const auto &args : std::as_const(events)) {
            const auto e = args.at(0).value<DomainEvent>();
            if (e.kind == DomainEvent::Kind::MessagePosted) {
                QCOMPARE(e.conversationId, conversation->id);
                QCOMPARE(e.message.sender, m_staff.actor());
                QCOMPARE(e.message.content, u"On our way");
                QCOMPARE(e.message.entityType, u"product");
                posted = true;
            }
        }
        QVERIFY(posted);

        // Guest typing and its expiry arrive as typing events.
        m_db->chat().setTypingTimeout(50);
        QVERIFY(m_db->chat().setTyping(conversation->id, {ActorKind::Guest, 501}, true));
        const auto typing = staff.waitFor(QStringLiteral("typing"));
        QVERIFY(typing);
        QCOMPARE(typing->value(u"is_typing").toBool(), true);
        const auto stopped = staff.waitFor(QStringLiteral("typing"));
        QVERIFY(stopped);
        QCOMPARE(stopped->value(u"is_typing").toBool(), false);
        QCOMPARE(stopped->value(u"participant_type").toString(), u"guest");
        m_db->chat().setTypingTimeout(8000);

        staff.ws.close();
        QTRY_VERIFY(!m_db->chat().isOnline(m_staff.actor()));
    }

    // ---- direct chat upgrades (the protocol itself is driven by the node tests)

    void directUpgradeRefusals()
    {
        const auto upgrade = [this](const QByteArray &path) {
            return rawExchange(m_port, "GET " + path +
                                           " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                                           "Connection: Upgrade\r\nSec-WebSocket-Key: "
                                           "dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: "
                                           "13\r\n\r\n");
        };
        const QByteArray peer = QByteArray::number(m_staff.id);
        HttpResult r = upgrade("/ws/chat/" + peer + "/?token=bad");
        QCOMPARE(r.status, 401);
        QVERIFY(r.json().value(u"detail").isString());
        QCOMPARE(upgrade("/ws/chat/" + peer + "/").status, 401);
        const QByteArray token = m_customerToken.toLatin1();
        QCOMPARE(upgrade("/ws/chat/999999/?token=" + token).status, 404);
        QCOMPARE(upgrade("/ws/chat/abc/?token=" + token).status, 404);
        QCOMPARE(
            upgrade("/ws/chat/" + QByteArray::number(m_otherStaff.id) + "/?token=" + token).status,
            404);
        QCOMPARE(
            upgrade("/ws/chat/" + QByteArray::number(m_customer.id) + "/?token=" + token).status,
            400);
        QCOMPARE(upgrade("/ws/chat/" + peer + "/?token=" + token).status, 101);
    }

    void directChatSharesOneConversationPerPair()
    {
        QVERIFY(m_db->chat().openDirectConversation(m_customer, m_staff2));
        const auto a = m_db->chat().openDirectConversation(m_customer, m_staff2);
        const auto b = m_db->chat().openDirectConversation(m_staff2, m_customer);
        QVERIFY(a && b);
        QCOMPARE(a->id, b->id);
        QCOMPARE(a->kind, ConversationKind::Direct);
        QVERIFY(!m_db->chat().openDirectConversation(m_customer, m_otherStaff));
        QVERIFY(!m_db->chat().openDirectConversation(m_customer, m_customer));
    }
};

QTEST_MAIN(TestAccounts)
#include "tst_accounts.moc"
