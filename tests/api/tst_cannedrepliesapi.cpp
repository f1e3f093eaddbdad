#include "auth/passwords.h"
#include "lobbyserver.h"
#include "testsupport.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace lobby;
using namespace lobby::chat;
using lobby::test::HttpResult;

namespace {
using Headers = QList<QPair<QByteArray, QByteArray>>;
}

// GET/POST/PATCH/DELETE /api/v1/canned-replies over loopback: staff read, admins write, each
// site its own library, variables filled for a chat on request.
class TestCannedRepliesApi : public QObject
{
    Q_OBJECT

    std::unique_ptr<test::TestDatabase> m_db;
    std::unique_ptr<LobbyServer> m_server;
    quint16 m_port = 0;
    Site m_site, m_otherSite;
    Account m_customer;
    QString m_admin, m_staff, m_customerToken, m_otherAdmin;

    Account account(qint64 siteId, AccountKind kind, StaffRole role, const QString &email,
                    const QString &name)
    {
        return test::createAccount(m_db->chat(), {.siteId = siteId,
                                                  .kind = kind,
                                                  .role = role,
                                                  .email = email,
                                                  .name = name,
                                                  .passwordHash = auth::hashPassword("password")});
    }

    HttpResult call(const QByteArray &method, const QByteArray &path, const QString &token,
                    const QByteArray &body = {})
    {
        Headers headers;
        if (!token.isEmpty())
            headers << qMakePair(QByteArray("Authorization"), "Bearer " + token.toLatin1());
        if (!body.isEmpty())
            headers << qMakePair(QByteArray("Content-Type"), QByteArray("application/json"));
        return test::request(m_port, method, path, body, headers);
    }
    static QByteArray json(const QJsonObject &object)
    {
        return QJsonDocument(object).toJson(QJsonDocument::Compact);
    }
    QString login(const char *path, const QJsonObject &body)
    {
        const HttpResult r = call("POST", path, {}, json(body));
        if (r.status != 200)
            qFatal("login: %d %s", r.status, r.body.constData());
        return r.json().value(u"access_token").toString();
    }
    QJsonArray list(const QString &token, const QByteArray &query = {})
    {
        const HttpResult r = call("GET", "/api/v1/canned-replies" + query, token);
        if (r.status != 200)
            qFatal("list: %d %s", r.status, r.body.constData());
        return QJsonDocument::fromJson(r.body).array();
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_db = std::make_unique<test::TestDatabase>();
        m_site = m_db->site(QStringLiteral("salon-one"));
        m_otherSite = m_db->site(QStringLiteral("salon-two"));
        account(m_site.id, AccountKind::Staff, StaffRole::Admin, "admin@one.test", "Ana");
        account(m_site.id, AccountKind::Staff, StaffRole::Staff, "maria@one.test", "Maria");
        m_customer =
            test::createAccount(m_db->chat(), {.siteId = m_site.id,
                                               .kind = AccountKind::Customer,
                                               .email = "alex@one.test",
                                               .name = "Alex",
                                               .passwordHash = auth::hashPassword("password")});
        account(m_otherSite.id, AccountKind::Staff, StaffRole::Admin, "admin@two.test", "Bo");
        ServerConfig config;
        config.jwtSecret = QByteArray(48, 'k');
        config.uploadsDir = m_db->folder() + QStringLiteral("/uploads");
        m_server = std::make_unique<LobbyServer>(m_db->chat(), config);
        QString error;
        QVERIFY2(m_server->listen(QHostAddress::LocalHost, 0, &error), qPrintable(error));
        m_port = m_server->http().port();
        m_admin =
            login("/api/v1/auth/login", {{"email", "admin@one.test"}, {"password", "password"}});
        m_staff =
            login("/api/v1/auth/login", {{"email", "maria@one.test"}, {"password", "password"}});
        m_otherAdmin =
            login("/api/v1/auth/login", {{"email", "admin@two.test"}, {"password", "password"}});
        m_customerToken = login("/api/v1/customer-auth/login",
                                {{"email", "alex@one.test"}, {"password", "password"}});
    }
    void cleanupTestCase()
    {
        m_server.reset();
        m_db.reset();
    }

    void staffReadTheLibraryAdminsChangeIt()
    {
        const qsizetype starters = list(m_staff).size();
        QCOMPARE(starters, starterCannedReplies().size());

        const HttpResult created = call(
            "POST", "/api/v1/canned-replies", m_admin,
            json({{"category", "Appointments"},
                  {"title", "Running late"},
                  {"body", "Hi {{guest.name}}, {{staff.name}} here: we can still fit you in."}}));
        QCOMPARE(created.status, 201);
        const qint64 id = created.json().value(u"id").toInteger();
        QVERIFY(id > 0);
        QCOMPARE(created.json().value(u"category").toString(), QStringLiteral("Appointments"));
        QVERIFY(created.json().value(u"created_at").toString().endsWith(u'Z'));
        QCOMPARE(list(m_staff).size(), starters + 1);

        const QByteArray path = "/api/v1/canned-replies/" + QByteArray::number(id);
        const HttpResult patched = call("PATCH", path, m_admin, json({{"title", "Late"}}));
        QCOMPARE(patched.status, 200);
        QCOMPARE(patched.json().value(u"title").toString(), QStringLiteral("Late"));
        QCOMPARE(patched.json().value(u"category").toString(), QStringLiteral("Appointments"));

        // Staff who are not admins, and customers, read only / not at all.
        QCOMPARE(
            call("POST", "/api/v1/canned-replies", m_staff, json({{"title", "x"}, {"body", "y"}}))
                .status,
            403);
        QCOMPARE(call("PATCH", path, m_staff, json({{"title", "x"}})).status, 403);
        QCOMPARE(call("DELETE", path, m_staff).status, 403);
        QCOMPARE(call("GET", "/api/v1/canned-replies", m_customerToken).status, 403);
        QCOMPARE(call("GET", "/api/v1/canned-replies", QString()).status, 401);

        // Another site's admin finds nothing of this site.
        QCOMPARE(list(m_otherAdmin).size(), starterCannedReplies().size());
        QCOMPARE(call("PATCH", path, m_otherAdmin, json({{"title", "x"}})).status, 404);
        QCOMPARE(call("DELETE", path, m_otherAdmin).status, 404);

        QCOMPARE(call("DELETE", path, m_admin).status, 204);
        QCOMPARE(call("DELETE", path, m_admin).status, 404);
        QCOMPARE(list(m_staff).size(), starters);
    }

    void refusesBadBodies_data()
    {
        QTest::addColumn<QByteArray>("method");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<int>("status");
        QTest::newRow("no title") << QByteArray("POST") << QByteArray(R"({"body":"x"})") << 422;
        QTest::newRow("title not text")
            << QByteArray("POST") << QByteArray(R"({"title":5,"body":"x"})") << 422;
        QTest::newRow("not json") << QByteArray("POST") << QByteArray("{nope") << 400;
        QTest::newRow("array") << QByteArray("POST") << QByteArray("[1]") << 400;
        QTest::newRow("body too long")
            << QByteArray("POST")
            << json({{"title", "t"}, {"body", QString(ChatService::maxMessageLength + 1, u'x')}})
            << 422;
    }
    void refusesBadBodies()
    {
        QFETCH(QByteArray, method);
        QFETCH(QByteArray, body);
        QFETCH(int, status);
        const HttpResult r = call(method, "/api/v1/canned-replies", m_admin, body);
        QCOMPARE(r.status, status);
        QVERIFY(!r.body.isEmpty());
    }

    void aBadIdIsNotFound()
    {
        QCOMPARE(
            call("PATCH", "/api/v1/canned-replies/abc", m_admin, json({{"title", "x"}})).status,
            404);
        QCOMPARE(call("DELETE", "/api/v1/canned-replies/-3", m_admin).status, 404);
        QCOMPARE(call("GET", "/api/v1/canned-replies?chat_id=999999", m_staff).status, 404);
    }

    void fillsTheVariablesForAChat()
    {
        QVERIFY(m_db->chat().updateSiteSettings(m_site.id, {{"wifi", "salon-guest"}}));
        const HttpResult chat =
            call("POST", "/api/v1/chat/chats", m_staff,
                 json({{"customer_id", m_customer.id}, {"initial_message", "Hello"}}));
        QCOMPARE(chat.status, 201);
        const qint64 chatId = chat.json().value(u"id").toInteger();
        const HttpResult created =
            call("POST", "/api/v1/canned-replies", m_admin,
                 json({{"title", "Wi-Fi"},
                       {"body", "Hi {{guest.name}}, the Wi-Fi is {{wifi}} (room {{room}})."}}));
        QCOMPARE(created.status, 201);
        const qint64 id = created.json().value(u"id").toInteger();
        QJsonObject filled;
        for (const QJsonValue &value : list(m_staff, "?chat_id=" + QByteArray::number(chatId))) {
            if (value[u"id"].toInteger() == id)
                filled = value.toObject();
        }
        QCOMPARE(filled.value(u"text").toString(),
                 QStringLiteral("Hi Alex, the Wi-Fi is salon-guest (room room number)."));
        const QJsonArray unfilled = filled.value(u"unfilled").toArray();
        QCOMPARE(unfilled.size(), 1);
        QCOMPARE(unfilled[0][u"variable"].toString(), QStringLiteral("room"));
        QCOMPARE(filled.value(u"text").toString().mid(unfilled[0][u"start"].toInt(),
                                                      unfilled[0][u"length"].toInt()),
                 QStringLiteral("room number"));
        // Another site's staff cannot fill for this chat.
        QCOMPARE(call("GET", "/api/v1/canned-replies?chat_id=" + QByteArray::number(chatId),
                      m_otherAdmin)
                     .status,
                 404);
    }
};

QTEST_GUILESS_MAIN(TestCannedRepliesApi)
#include "tst_cannedrepliesapi.moc"
