#include "http/httpserver.h"
#include "lobbyserver.h"
#include "openapivalidator.h"
#include "testsupport.h"

#include <QSignalSpy>
#include <QTcpSocket>
#include <QTest>
#include <QWebSocket>

using namespace lobby;
using namespace lobby::http;
using lobby::test::rawExchange;
using lobby::test::request;

// The one-port server over real loopback sockets: routing, family error shapes, limits, CORS
// and WebSocket upgrades.
class TestHttpServer : public QObject
{
    Q_OBJECT

    std::unique_ptr<test::TestDatabase> m_db;
    std::unique_ptr<LobbyServer> m_server;
    quint16 m_port = 0;

    static QByteArray upgradeRequest(const QByteArray &path)
    {
        return "GET " + path +
               " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
               "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
               "Sec-WebSocket-Version: 13\r\n\r\n";
    }

private Q_SLOTS:
    void initTestCase()
    {
        // The routes this suite mounts to test routing are no part of the API.
        test::setUndocumentedTestRoutes(
            {"/api/chats/echo/", "/api/chats/ping/", "/api/v1/anything"});
        m_db = std::make_unique<test::TestDatabase>();
        ServerConfig config;
        config.jwtSecret = QByteArray(48, 's');
        config.limits.webSockets.maxMessage = 1024;
        config.limits.webSockets.maxFrame = 1024;
        m_server = std::make_unique<LobbyServer>(m_db->chat(), config);
        QString error;
        QVERIFY2(m_server->listen(QHostAddress::LocalHost, 0, &error), qPrintable(error));
        m_port = m_server->http().port();
        QVERIFY(m_port != 0);

        HttpServer &http = m_server->http();
        http.route(QHttpServerRequest::Method::Post, QStringLiteral("/api/chats/echo/{name}/"),
                   [](const HttpRequest &request) {
                       HttpReply reply;
                       const auto body = request.jsonObject(&reply);
                       if (!body)
                           return reply;
                       QJsonObject echoed = *body;
                       echoed[QStringLiteral("name")] = request.param(QStringLiteral("name"));
                       return HttpReply::json(201, echoed);
                   });
        http.webSocketRoute(
            QStringLiteral("/ws/test/{id}/"),
            [](const HttpRequest &request) {
                if (request.query(QStringLiteral("token")) != u"good")
                    return UpgradeDecision::refuse(401, QStringLiteral("Bad token."));
                return UpgradeDecision::accept(request.param(QStringLiteral("id")));
            },
            [this](std::unique_ptr<lobby::http::WebSocket> socket, const QVariant &context) {
                lobby::http::WebSocket *ws = socket.release();
                ws->setParent(this);
                const QByteArray id = context.toString().toUtf8();
                connect(ws, &lobby::http::WebSocket::textMessageReceived, ws,
                        [ws, id](const QByteArray &text) { ws->sendText(id + ':' + text); });
                connect(ws, &lobby::http::WebSocket::disconnected, ws, &QObject::deleteLater);
            });
    }

    void cleanupTestCase()
    {
        m_server.reset();
        m_db.reset();
    }

    void healthz()
    {
        const auto result = request(m_port, "GET", "/healthz");
        QCOMPARE(result.status, 200);
        QCOMPARE(result.header("content-type"), QByteArray("application/json"));
        QCOMPARE(result.json(), QJsonObject({{"status", "ok"}}));
    }

    void unknownPathsAnswer404InTheFamilyShape_data()
    {
        QTest::addColumn<QByteArray>("path");
        QTest::addColumn<QJsonObject>("body");
        const QJsonObject detail{{"detail", "Not found."}};
        QTest::newRow("widget") << QByteArray("/api/chats/nope/")
                                << QJsonObject{{"success", false}, {"message", "Not found."}};
        QTest::newRow("v1") << QByteArray("/api/v1/nope") << detail;
        QTest::newRow("guest") << QByteArray("/api/chat/x/nope/") << detail;
        QTest::newRow("direct") << QByteArray("/api/auth/nope/") << detail;
        QTest::newRow("plain") << QByteArray("/nope") << detail;
        QTest::newRow("trailing slash matters") << QByteArray("/healthz/") << detail;
    }

    void unknownPathsAnswer404InTheFamilyShape()
    {
        QFETCH(QByteArray, path);
        QFETCH(QJsonObject, body);
        const auto result = request(m_port, "GET", path);
        QCOMPARE(result.status, 404);
        QCOMPARE(result.json(), body);
    }

    void wrongMethodIs405WithAllow()
    {
        const auto result = request(m_port, "DELETE", "/healthz");
        QCOMPARE(result.status, 405);
        QCOMPARE(result.header("allow"), QByteArray("GET"));
        QCOMPARE(result.json().value("detail").toString(), QStringLiteral("Method not allowed."));
    }

    void routesGetPathParametersAndJson()
    {
        const auto result = request(m_port, "POST", "/api/chats/echo/alice/", R"({"a":1})");
        QCOMPARE(result.status, 201);
        QCOMPARE(result.json(), QJsonObject({{"a", 1}, {"name", "alice"}}));
        QCOMPARE(
            request(m_port, "POST", "/api/chats/echo/bob/", "").json().value("name").toString(),
            QStringLiteral("bob"));
    }

    void malformedJsonIs400InTheFamilyShape_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::newRow("truncated") << QByteArray(R"({"a":)");
        QTest::newRow("array") << QByteArray("[1,2]");
        QTest::newRow("string") << QByteArray(R"("text")");
        QTest::newRow("invalid utf-8") << QByteArray("{\"a\":\"\xff\xfe\"}");
        QTest::newRow("deep nesting") << QByteArray(10000, '[');
    }

    void malformedJsonIs400InTheFamilyShape()
    {
        QFETCH(QByteArray, body);
        const auto result = request(m_port, "POST", "/api/chats/echo/x/", body);
        QCOMPARE(result.status, 400);
        QCOMPARE(result.json().value("success"), QJsonValue(false));
        QVERIFY(!result.json().value("message").toString().isEmpty());
    }

    void bodyOverTheLimitIs413BeforeItIsRead()
    {
        const QByteArray head = "POST /api/chats/echo/x/ HTTP/1.1\r\nHost: x\r\n"
                                "Content-Type: application/json\r\nContent-Length: 2000000\r\n\r\n";
        const auto result = rawExchange(m_port, head);
        QCOMPARE(result.status, 413);
        QCOMPARE(result.json().value("success"), QJsonValue(false));
        QVERIFY(result.json().value("message").toString().contains(QStringLiteral("too large")));
        // The server is still there.
        QCOMPARE(request(m_port, "GET", "/healthz").status, 200);
    }

    void chunkedBodyOverTheLimitIs413()
    {
        QByteArray raw = "POST /api/v1/anything HTTP/1.1\r\nHost: x\r\n"
                         "Transfer-Encoding: chunked\r\n\r\n";
        const QByteArray chunk(64 * 1024, 'a');
        for (int i = 0; i < 20; ++i)
            raw += QByteArray::number(chunk.size(), 16) + "\r\n" + chunk + "\r\n";
        raw += "0\r\n\r\n";
        const auto result = rawExchange(m_port, raw);
        QCOMPARE(result.status, 413);
        QVERIFY(result.json().contains(QStringLiteral("detail")));
    }

    void uploadPathsMayBeLarger()
    {
        const QByteArray body(2 * 1024 * 1024, 'x');
        const auto result = request(m_port, "POST", "/api/v1/chat/upload", body);
        // Past the 1 MiB of ordinary bodies, read whole: the upload route answers (no token).
        QCOMPARE(result.status, 401);
    }

    void hugeHeadersAre431()
    {
        const QByteArray raw =
            "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Junk: " + QByteArray(64 * 1024, 'j') +
            "\r\n\r\n";
        QCOMPARE(rawExchange(m_port, raw).status, 431);
    }

    void expectContinueIsAnswered()
    {
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, m_port);
        socket.write(
            "POST /api/chats/echo/c/ HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            "Content-Length: 7\r\nExpect: 100-continue\r\n\r\n");
        QTRY_VERIFY(socket.bytesAvailable() > 0 || !socket.peek(1).isEmpty());
        QVERIFY(socket.readAll().startsWith("HTTP/1.1 100 Continue\r\n\r\n"));
        socket.write(R"({"b":2})");
        QByteArray response;
        QTRY_VERIFY((response += socket.readAll()).contains("\"b\":2"));
        QVERIFY(response.startsWith("HTTP/1.1 201"));
    }

    void corsPreflightForWidgetAndGuestFamilies()
    {
        const QList<QPair<QByteArray, QByteArray>> headers = {
            {"Origin", "https://hotel.example"},
            {"Access-Control-Request-Method", "POST"},
            {"Access-Control-Request-Headers", "content-type, x-api-key"}};
        const auto preflight = request(m_port, "OPTIONS", "/api/chats/echo/x/", {}, headers);
        QCOMPARE(preflight.status, 204);
        QCOMPARE(preflight.header("access-control-allow-origin"), QByteArray("*"));
        QVERIFY(preflight.header("access-control-allow-methods").contains("POST"));
        QVERIFY(preflight.header("access-control-allow-headers").toLower().contains("x-api-key"));
        QVERIFY(
            preflight.header("access-control-allow-headers").toLower().contains("content-type"));

        const auto actual = request(m_port, "POST", "/api/chats/echo/x/", "{}",
                                    {{"Origin", "https://hotel.example"}});
        QCOMPARE(actual.header("access-control-allow-origin"), QByteArray("*"));

        // Staff APIs are not opened to other origins.
        const auto v1 =
            request(m_port, "GET", "/healthz", {}, {{"Origin", "https://evil.example"}});
        QVERIFY(v1.header("access-control-allow-origin").isEmpty());
    }

    void corsOriginListIsHonoured()
    {
        test::TestDatabase db;
        ServerConfig config;
        config.jwtSecret = QByteArray(48, 's');
        config.limits.corsOrigins = {QStringLiteral("https://hotel.example")};
        LobbyServer server(db.chat(), config);
        QString error;
        QVERIFY(server.listen(QHostAddress::LocalHost, 0, &error));
        server.http().route(
            QHttpServerRequest::Method::Get, QStringLiteral("/api/chats/ping/"),
            [](const HttpRequest &) { return HttpReply::json(200, QJsonObject{}); });
        const auto allowed = request(server.http().port(), "GET", "/api/chats/ping/", {},
                                     {{"Origin", "https://hotel.example"}});
        QCOMPARE(allowed.header("access-control-allow-origin"),
                 QByteArray("https://hotel.example"));
        QCOMPARE(allowed.header("vary"), QByteArray("Origin"));
        const auto other = request(server.http().port(), "GET", "/api/chats/ping/", {},
                                   {{"Origin", "https://other.example"}});
        QCOMPARE(other.status, 200);
        QVERIFY(other.header("access-control-allow-origin").isEmpty());
    }

    void webSocketUpgradeAcceptedOnItsPath()
    {
        QWebSocket client;
        QSignalSpy connected(&client, &QWebSocket::connected);
        QSignalSpy received(&client, &QWebSocket::textMessageReceived);
        client.open(QUrl(QStringLiteral("ws://127.0.0.1:%1/ws/test/42/?token=good").arg(m_port)));
        QVERIFY(connected.wait(5000));
        client.sendTextMessage(QStringLiteral("hello"));
        QVERIFY(received.wait(5000));
        QCOMPARE(received.at(0).at(0).toString(), QStringLiteral("42:hello"));
        client.close();
    }

    void webSocketUpgradeRefusedBeforeTheHandshake()
    {
        const auto unknown = rawExchange(m_port, upgradeRequest("/ws/other/"));
        QCOMPARE(unknown.status, 404);
        QCOMPARE(unknown.json(), QJsonObject({{"detail", "Not found."}}));
        const auto badToken = rawExchange(m_port, upgradeRequest("/ws/test/42/?token=bad"));
        QCOMPARE(badToken.status, 401);
        QCOMPARE(badToken.json(), QJsonObject({{"detail", "Bad token."}}));

        QWebSocket client;
        QSignalSpy connected(&client, &QWebSocket::connected);
        QSignalSpy errors(&client, QOverload<QAbstractSocket::SocketError>::of(&QWebSocket::error));
        client.open(QUrl(QStringLiteral("ws://127.0.0.1:%1/ws/nowhere/").arg(m_port)));
        QVERIFY(errors.wait(5000));
        QCOMPARE(connected.count(), 0);
    }

    void malformedUpgradesAreRefused()
    {
        QByteArray oldVersion = upgradeRequest("/ws/test/42/?token=good");
        oldVersion.replace("Sec-WebSocket-Version: 13", "Sec-WebSocket-Version: 8");
        const auto version = rawExchange(m_port, oldVersion);
        QCOMPARE(version.status, 426);
        QCOMPARE(version.header("sec-websocket-version"), QByteArray("13"));
        QByteArray badKey = upgradeRequest("/ws/test/42/?token=good");
        badKey.replace("dGhlIHNhbXBsZSBub25jZQ==", "short");
        QCOMPARE(rawExchange(m_port, badKey).status, 400);
        QByteArray post = upgradeRequest("/ws/test/42/?token=good");
        post.replace("GET ", "POST ");
        QCOMPARE(rawExchange(m_port, post).status, 400);
        // The accepted upgrade answers with RFC 6455 1.3's value for this key.
        const auto accepted = rawExchange(m_port, upgradeRequest("/ws/test/42/?token=good"), 1000);
        QCOMPARE(accepted.status, 101);
        QCOMPARE(accepted.header("sec-websocket-accept"),
                 QByteArray("s3pPLMBiTxaQ9kYGzzhZRbK+xOo="));
    }

    void plainRequestToAWebSocketPathIs426()
    {
        const auto result = request(m_port, "GET", "/ws/test/1/");
        QCOMPARE(result.status, 426);
        QCOMPARE(result.header("upgrade"), QByteArray("websocket"));
    }

    void oversizedWebSocketMessageClosesWith1009()
    {
        QWebSocket client;
        QSignalSpy connected(&client, &QWebSocket::connected);
        QSignalSpy disconnected(&client, &QWebSocket::disconnected);
        client.open(QUrl(QStringLiteral("ws://127.0.0.1:%1/ws/test/7/?token=good").arg(m_port)));
        QVERIFY(connected.wait(5000));
        client.sendTextMessage(QString(4096, QLatin1Char('x')));
        QVERIFY(disconnected.wait(5000));
        QCOMPARE(client.closeCode(), QWebSocketProtocol::CloseCodeTooMuchData);
    }

    void staticFilesComeFromTheBinary()
    {
        const auto index = request(m_port, "GET", "/");
        QCOMPARE(index.status, 200);
        QVERIFY(index.header("content-type").startsWith("text/html"));
        QVERIFY(index.header("content-security-policy").contains("default-src 'self'"));
        QCOMPARE(index.header("x-content-type-options"), QByteArray("nosniff"));
        QVERIFY(index.body.contains("<title>Lobby</title>"));
        const auto css = request(m_port, "GET", "/static/lobby.css");
        QCOMPARE(css.status, 200);
        QVERIFY(css.header("content-type").startsWith("text/css"));
    }

    void staticFilesRefuseTraversal_data()
    {
        QTest::addColumn<QByteArray>("path");
        QTest::newRow("dot-dot") << QByteArray("/static/../index.html");
        QTest::newRow("encoded dot-dot") << QByteArray("/static/%2e%2e/index.html");
        QTest::newRow("backslash") << QByteArray("/static/..%5cindex.html");
        QTest::newRow("double slash") << QByteArray("/static//lobby.css");
        QTest::newRow("missing") << QByteArray("/static/none.js");
    }

    void staticFilesRefuseTraversal()
    {
        QFETCH(QByteArray, path);
        const auto result = request(m_port, "GET", path);
        QCOMPARE(result.status, 404);
        QVERIFY(!result.body.contains("<html"));
    }

    void connectionsAreCounted()
    {
        // Earlier tests' connections close in their own time.
        QTRY_COMPARE_WITH_TIMEOUT(m_server->http().openConnections(), 0, 15000);
        const int before = 0;
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, m_port);
        QVERIFY(socket.waitForConnected(5000));
        QTRY_COMPARE(m_server->http().openConnections(), before + 1);
        socket.disconnectFromHost();
        QTRY_COMPARE(m_server->http().openConnections(), before);
    }
};

QTEST_GUILESS_MAIN(TestHttpServer)
#include "tst_httpserver.moc"
