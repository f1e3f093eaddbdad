#pragma once

// The reliability suites' shared world: one in-process LobbyServer on port 0 over a demo-like
// hotel and a second tenant, both built through ChatService, plus the helpers every suite uses
// (requests, refusal checks, row counts, a raw WebSocket client that writes its own frames).

#include "lobbyserver.h"
#include "testsupport.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMap>
#include <QTcpSocket>

#include <functional>
#include <memory>
#include <optional>

namespace lobby::reliability {

using Headers = QList<QPair<QByteArray, QByteArray>>;
using test::HttpResult;

// What one tenant has: a site, staff, customers, rooms with live guest sessions, API keys, a
// widget visitor with a bound session, an app conversation and an upload.
struct Tenant
{
    chat::Site site;
    chat::Account admin, staff, customer, customer2;
    QString adminToken, staffToken, customerToken, customer2Token;
    QString adminRefresh, customerRefresh;
    chat::Room room, room2;
    QString roomPin, room2Pin;
    QString guestToken, guest2Token; // room, room2
    qint64 roomConversation = 0, room2Conversation = 0;
    QString apiKey, revokedApiKey;
    QString visitorId, sessionId; // a widget visitor whose session chatted with apiKey
    qint64 widgetConversation = 0;
    qint64 appConversation = 0;  // staff + customer
    qint64 app2Conversation = 0; // staff + customer2
    QString uploadUrl;           // uploaded by customer, sent in appConversation
};

class World
{
public:
    // `configure` adjusts the server's configuration before it starts (e.g. lower limits).
    explicit World(const std::function<void(ServerConfig &)> &configure = {});
    ~World();

    quint16 port() const { return m_port; }
    LobbyServer &server() { return *m_server; }
    chat::ChatService &chat() { return m_db->chat(); }
    test::TestDatabase &db() { return *m_db; }
    QString dataFolder() const { return m_db->folder(); }
    QString uploadsDir() const { return m_db->folder() + QStringLiteral("/uploads"); }
    const api::pusher::PusherApp &pusherApp() const { return m_pusherApp; }
    const QByteArray &jwtSecret() const { return m_secret; }

    Tenant hotel; // "hotel-killarney", like --demo
    Tenant other; // "salon-other", a second customer of the same install

    // Plain request helpers.
    HttpResult call(const QByteArray &method, const QByteArray &path, const QByteArray &body = {},
                    const Headers &headers = {});
    HttpResult callJson(const QByteArray &method, const QByteArray &path, const QJsonObject &body,
                        const Headers &headers = {});
    static Headers bearer(const QString &token);
    // A signed Pusher HTTP API request (path /apps/{id}/events or batch_events).
    HttpResult pusherApi(const QByteArray &path, const QByteArray &body);
    QByteArray multipart(const QByteArray &fileName, const QByteArray &data,
                         QByteArray *contentType, const QByteArray &field = "file");

    // Tokens that must be refused everywhere.
    QString expiredToken(const chat::Account &account) const;
    QString algNoneToken(const chat::Account &account) const;
    QString wrongSignatureToken(const chat::Account &account) const;

    // Row counts of every table a request could add to (not auth_failures: a refused login
    // or PIN is counted there on purpose) and the number of files in the uploads folder.
    QMap<QString, qint64> counts();
    bool healthy();

private:
    void buildTenant(Tenant &t, const QString &slug, chat::SiteKind kind, const QString &prefix);

    std::unique_ptr<test::TestDatabase> m_db;
    std::unique_ptr<LobbyServer> m_server;
    quint16 m_port = 0;
    QByteArray m_secret;
    api::pusher::PusherApp m_pusherApp;
};

// The error shape of the family that owns `path`: widget {success:false, message}, every
// other {detail}. Empty when it is right, else what is wrong.
QString shapeProblem(const QByteArray &path, const HttpResult &result);

// A WebSocket client that writes every frame itself, so it can break RFC 6455 on purpose.
class RawWebSocket
{
public:
    struct Frame
    {
        bool fin = true;
        int opcode = 0;
        QByteArray payload;
    };

    // Opens the TCP connection and does the handshake; status() is the HTTP status (101 on
    // success).
    RawWebSocket(quint16 port, const QByteArray &pathAndQuery, const Headers &headers = {});
    int status() const { return m_status; }
    QByteArray handshakeBody() const { return m_handshakeBody; }

    // One frame; by default final, masked, no RSV bits.
    void sendFrame(int opcode, const QByteArray &payload, bool fin = true, bool masked = true,
                   int rsv = 0);
    void sendText(const QByteArray &text) { sendFrame(0x1, text); }
    void sendRaw(const QByteArray &bytes);

    // The next frame from the server, waiting up to `timeoutMs`.
    std::optional<Frame> next(int timeoutMs = 5000);
    // The next text frame whose JSON has `key` == `value` (other frames are skipped).
    std::optional<QJsonObject> nextJson(const QString &key, const QString &value,
                                        int timeoutMs = 5000);
    // Reads until the server's close frame (its code, -1 when the connection ended without
    // one) or the timeout (0).
    int waitClose(int timeoutMs = 5000);
    bool isOpen() const { return m_socket->state() == QAbstractSocket::ConnectedState; }

private:
    std::optional<Frame> parse();
    std::unique_ptr<QTcpSocket> m_socket;
    QByteArray m_buffer;
    int m_status = 0;
    QByteArray m_handshakeBody;
};

QByteArray compact(const QJsonObject &object);

} // namespace lobby::reliability
