#pragma once

#include "http/httptypes.h"
#include "http/requestguard.h"
#include "http/websocket.h"

#include <QAbstractHttpServer>
#include <QHostAddress>
#include <QHttpServerResponder>
#include <QPointer>
#include <QRegularExpression>
#include <QTcpServer>
#include <QVariant>

#include <functional>
#include <memory>

namespace lobby::http {

struct ServerLimits
{
    RequestLimits requests;
    WebSocketLimits webSockets;
    int listenBacklog = 4096; // Qt's default of 50 drops bursts of connects
    // Open connections from one client address (HTTP, SSE and WebSocket alike); the next one
    // is answered 503 and closed. 0: no cap.
    int maxConnectionsPerAddress = 256;
    QStringList corsOrigins = {QStringLiteral("*")};
};

// A route answers with a complete reply...
using Handler = std::function<HttpReply(const HttpRequest &)>;
// ...or takes the responder to answer later (Server-Sent Events).
using StreamHandler = std::function<void(const HttpRequest &, QHttpServerResponder &&)>;

// Whether a WebSocket upgrade may go ahead, decided before the handshake so a refusal can carry
// an HTTP status. `context` travels to the connection handler (e.g. the verified account).
struct UpgradeDecision
{
    bool accepted = false;
    int status = 0;
    QString message;
    QVariant context;

    static UpgradeDecision accept(QVariant context = {})
    {
        return {true, 101, {}, std::move(context)};
    }
    static UpgradeDecision refuse(int status, QString message)
    {
        return {false, status, std::move(message), {}};
    }
};
using UpgradeVerifier = std::function<UpgradeDecision(const HttpRequest &)>;
using WebSocketHandler = std::function<void(std::unique_ptr<WebSocket>, const QVariant &context)>;

struct ConnectionCounts; // per client address, see httpserver.cpp

// HTTP, Server-Sent Events and WebSocket on one port. Routes are patterns like
// "/api/chats/visitors/{id}/validate/" (a trailing slash is part of the path); "{*rest}" takes
// the rest of the path. Unknown paths get
// a 404 and known paths with another method a 405, both in the family's error shape; CORS
// preflights are answered for the families that allow them.
class HttpServer : public QAbstractHttpServer
{
    Q_OBJECT

public:
    explicit HttpServer(ServerLimits limits = {}, QObject *parent = nullptr);
    ~HttpServer() override;

    bool listen(const QHostAddress &address, quint16 port, QString *error);
    quint16 port() const;
    QHostAddress address() const;
    // Stops accepting new connections; open ones go on.
    void stopListening();

    void route(QHttpServerRequest::Method method, const QString &pattern, Handler handler);
    void streamRoute(QHttpServerRequest::Method method, const QString &pattern,
                     StreamHandler handler);
    void webSocketRoute(const QString &pattern, UpgradeVerifier verifier, WebSocketHandler handler);

    const ServerLimits &limits() const { return m_limits; }

    // For stream handlers: answer with a complete reply after all (e.g. an error before the
    // stream starts), or the CORS headers a stream's own response must carry.
    void writeReply(QHttpServerResponder &responder, const QHttpServerRequest &request,
                    HttpReply reply) const;
    QList<Header> corsHeaders(const QHttpServerRequest &request, ApiFamily family) const;
    int openConnections() const;
    // Connections refused for the per-address cap, and shed while out of file descriptors.
    qint64 refusedConnections() const;
    bool isWebSocketPath(const QString &path) const;

protected:
    bool handleRequest(const QHttpServerRequest &request, QTcpSocket *socket) override;
    void missingHandler(const QHttpServerRequest &request, QTcpSocket *socket) override;

private:
    struct Route
    {
        QHttpServerRequest::Method method;
        QRegularExpression pattern;
        QStringList names;
        Handler handler;
        StreamHandler streamHandler;
        UpgradeVerifier verifier;
        WebSocketHandler webSocketHandler;
        QString prefix; // the literal text before the first placeholder (set by addRoute)
    };
    void addRoute(Route route, const QString &pattern);
    const Route *match(const QString &path, QHttpServerRequest::Method method,
                       QHash<QString, QString> *params, QStringList *allowed) const;
    bool handleUpgrade(const QHttpServerRequest &request, QTcpSocket *socket);
    class GuardedTcpServer;
    ServerLimits m_limits;
    QPointer<GuardedTcpServer> m_tcpServer;
    std::vector<std::unique_ptr<Route>> m_routes;
    std::shared_ptr<ConnectionCounts> m_connections;
};

} // namespace lobby::http
