#include "http/httpserver.h"
#include "logging.h"
#include "metrics.h"

#include "http/ratelimiter.h"

#include <QDateTime>
#include <QLoggingCategory>
#include <QSocketNotifier>
#include <QTcpSocket>
#include <QTimer>

#include <algorithm>

#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

namespace lobby::http {

using Method = QHttpServerRequest::Method;

namespace {

QByteArray methodName(Method method)
{
    switch (method) {
    case Method::Get:
        return "GET";
    case Method::Put:
        return "PUT";
    case Method::Delete:
        return "DELETE";
    case Method::Post:
        return "POST";
    case Method::Head:
        return "HEAD";
    case Method::Options:
        return "OPTIONS";
    case Method::Patch:
        return "PATCH";
    default:
        return "OTHER";
    }
}

// Qt 6.4 ends the HTTP connection after any request asking for WebSocket (whether it is a
// handshake or not is handleUpgrade()'s to judge).
bool asksForWebSocket(const QHttpServerRequest &request)
{
    return http::asksForWebSocket(request.value("upgrade"));
}

// Qt 6.4 warns "WebSocket received but no slots connected..." each time handleRequest() declines
// an upgrade, which is how HttpServer takes upgraded sockets over; that category says nothing
// else a server needs.
QLoggingCategory::CategoryFilter previousCategoryFilter = nullptr;

void quietUpgradeWarnings(QLoggingCategory *category)
{
    if (previousCategoryFilter)
        previousCategoryFilter(category);
    if (qstrcmp(category->categoryName(), "qt.httpserver") == 0)
        category->setEnabled(QtWarningMsg, false);
}

} // namespace

struct ConnectionCounts
{
    int total = 0;
    QHash<QByteArray, int> perAddress; // by clientKey(): an IPv6 /64 is one client
    qint64 refused = 0;
};

// Counts a connection against its client (clientKey()) for as long as it lives. A child object
// rather than a `destroyed` connection, because Qt 6.4 disconnects every signal of a socket it
// upgrades to WebSocket; the upgraded WebSocket gets its own tracker.
class ConnectionTracker : public QObject
{
public:
    ConnectionTracker(QObject *connection, std::shared_ptr<ConnectionCounts> counts,
                      const QHostAddress &address)
        : QObject(connection), m_counts(std::move(counts)), m_client(clientKey(address))
    {
        ++m_counts->total;
        ++m_counts->perAddress[m_client];
    }
    ~ConnectionTracker() override
    {
        --m_counts->total;
        const auto it = m_counts->perAddress.find(m_client);
        if (it != m_counts->perAddress.end() && --*it <= 0)
            m_counts->perAddress.erase(it);
    }

private:
    std::shared_ptr<ConnectionCounts> m_counts;
    QByteArray m_client;
};

// Owns each accepted socket long enough to put a RequestGuard in front of QHttpServer, refuses
// connections over the per-address cap, and keeps the listener draining when the process is
// out of file descriptors.
class HttpServer::GuardedTcpServer : public QTcpServer
{
public:
    explicit GuardedTcpServer(HttpServer *server) : QTcpServer(server), m_server(server)
    {
        reserveSpareDescriptor();
    }

    // Accepts with its own notifier instead of QTcpServer's: Qt 6.4 takes EMFILE for a
    // temporary error and retries at once, forever, while the connection waits.
    void acceptOnOwn()
    {
        pauseAccepting();
        m_notifier = new QSocketNotifier(socketDescriptor(), QSocketNotifier::Read, this);
        connect(m_notifier, &QSocketNotifier::activated, this, &GuardedTcpServer::acceptWaiting);
    }

    // QTcpServer switches its own notifier on the listener back on here. One descriptor may
    // have only one read notifier (QEventDispatcherUNIX drops the other), so m_notifier steps
    // aside while it does.
    QTcpSocket *nextPendingConnection() override
    {
        const bool accepting = m_notifier && m_notifier->isEnabled();
        if (accepting)
            m_notifier->setEnabled(false);
        QTcpSocket *socket = QTcpServer::nextPendingConnection();
        pauseAccepting();
        if (accepting)
            m_notifier->setEnabled(true);
        return socket;
    }

    void stop()
    {
        delete m_notifier;
        close();
    }
    ~GuardedTcpServer() override
    {
        if (m_spareDescriptor >= 0)
            ::close(m_spareDescriptor);
    }

protected:
    void incomingConnection(qintptr descriptor) override
    {
        auto *socket = new QTcpSocket(this);
        if (!socket->setSocketDescriptor(descriptor)) {
            delete socket;
            ::close(int(descriptor)); // accepted by acceptWaiting(), so ours to close
            return;
        }
        const int cap = m_server->m_limits.maxConnectionsPerAddress;
        ConnectionCounts &counts = *m_server->m_connections;
        if (cap > 0 && counts.perAddress.value(clientKey(socket->peerAddress())) >= cap) {
            ++counts.refused;
            refuse(socket);
            return;
        }
        auto *guard = new RequestGuard(
            socket, m_server->m_limits.requests, m_server,
            [server = m_server](const QString &path) { return server->isWebSocketPath(path); });
        new ConnectionTracker(socket, m_server->m_connections, socket->peerAddress());
        addPendingConnection(socket);
        // Qt 6.4 takes the socket (and connects to its readyRead) within addPendingConnection.
        Q_ASSERT(!hasPendingConnections());
        guard->followServerReads();
    }

private:
    // Answers 503 and closes at once: a refused connection must not hold a descriptor (many
    // of them arrive together). What the client sent already is read first, so the close is a
    // FIN after the answer rather than a reset.
    static void refuse(QTcpSocket *socket)
    {
        socket->write(rawResponse(
            503,
            errorBody(ApiFamily::Plain, QStringLiteral("Too many connections from your address.")),
            {{"Retry-After", "10"}}));
        socket->flush();
        socket->skip(socket->bytesAvailable());
        char unread[4096];
        while (::recv(int(socket->socketDescriptor()), unread, sizeof unread, MSG_DONTWAIT) > 0) {
        }
        if (socket->bytesToWrite() == 0) {
            socket->abort();
            socket->deleteLater();
            return;
        }
        QObject::connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
        socket->disconnectFromHost();
    }

    void reserveSpareDescriptor()
    {
        if (m_spareDescriptor < 0)
            m_spareDescriptor = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    }

    void acceptWaiting()
    {
        const int listener = int(socketDescriptor());
        for (int turn = 0; turn < maxAcceptsPerTurn; ++turn) {
            const int descriptor = ::accept4(listener, nullptr, nullptr, SOCK_CLOEXEC);
            if (descriptor >= 0) {
                incomingConnection(descriptor);
            } else if (errno == EMFILE || errno == ENFILE) {
                if (!shedOne())
                    return;
            } else if (errno != EINTR && errno != ECONNABORTED) {
                return; // EAGAIN: nobody is waiting
            }
        }
    }

    // Out of descriptors, a waiting connection keeps the listener ready forever. So: give
    // back the spare descriptor, accept that connection and close it (the client sees it end
    // instead of hanging), and take the spare again. False when nothing could be shed: then
    // accepting pauses for a moment rather than spin.
    bool shedOne()
    {
        if (m_spareDescriptor >= 0) {
            ::close(m_spareDescriptor);
            m_spareDescriptor = -1;
        }
        const int shed = ::accept4(int(socketDescriptor()), nullptr, nullptr, SOCK_CLOEXEC);
        if (shed >= 0) {
            ::close(shed);
            ++m_server->m_connections->refused;
        }
        reserveSpareDescriptor();
        if (shed >= 0 && m_spareDescriptor >= 0)
            return true;
        m_notifier->setEnabled(false);
        QTimer::singleShot(100, m_notifier, [notifier = m_notifier, this] {
            reserveSpareDescriptor();
            notifier->setEnabled(true);
        });
        return false;
    }

    static constexpr int maxAcceptsPerTurn = 64;
    HttpServer *m_server;
    QPointer<QSocketNotifier> m_notifier;
    int m_spareDescriptor = -1;
};

HttpServer::HttpServer(ServerLimits limits, QObject *parent)
    : QAbstractHttpServer(parent), m_limits(std::move(limits)),
      m_connections(std::make_shared<ConnectionCounts>())
{
    // Qt offers handleRequest() the upgrades only while this signal is connected; no socket
    // ever reaches QtWebSockets (handleUpgrade()), so nothing is emitted.
    connect(this, &QAbstractHttpServer::newWebSocketConnection, this, [] {});
    static const bool filterInstalled = [] {
        previousCategoryFilter = QLoggingCategory::installFilter(quietUpgradeWarnings);
        return true;
    }();
    Q_UNUSED(filterInstalled);
}

HttpServer::~HttpServer() = default;

bool HttpServer::listen(const QHostAddress &address, quint16 port, QString *error)
{
    auto *tcpServer = new GuardedTcpServer(this);
    tcpServer->setListenBacklogSize(m_limits.listenBacklog);
    if (!tcpServer->listen(address, port)) {
        *error = tcpServer->errorString();
        delete tcpServer;
        return false;
    }
    m_tcpServer = tcpServer;
    bind(tcpServer);
    tcpServer->acceptOnOwn();
    return true;
}

int HttpServer::openConnections() const
{
    return m_connections->total;
}

qint64 HttpServer::refusedConnections() const
{
    return m_connections->refused;
}

bool HttpServer::isWebSocketPath(const QString &path) const
{
    return std::any_of(m_routes.cbegin(), m_routes.cend(), [&path](const auto &route) {
        return route->webSocketHandler && path.startsWith(route->prefix) &&
               route->pattern.match(path).hasMatch();
    });
}

quint16 HttpServer::port() const
{
    return m_tcpServer ? m_tcpServer->serverPort() : 0;
}

QHostAddress HttpServer::address() const
{
    return m_tcpServer ? m_tcpServer->serverAddress() : QHostAddress();
}

void HttpServer::stopListening()
{
    if (m_tcpServer)
        m_tcpServer->stop();
}

void HttpServer::addRoute(Route route, const QString &pattern)
{
    // "{name}" matches one path segment, "{*name}" the rest of the path; everything else
    // matches literally.
    static const QRegularExpression placeholder(QStringLiteral("\\{(\\*?)([a-z_]+)\\}"));
    QString regex = QStringLiteral("^");
    qsizetype last = 0;
    auto matches = placeholder.globalMatch(pattern);
    route.prefix = pattern.left(pattern.indexOf(QLatin1Char('{')));
    while (matches.hasNext()) {
        const auto m = matches.next();
        regex += QRegularExpression::escape(pattern.mid(last, m.capturedStart() - last));
        regex += m.captured(1).isEmpty() ? QStringLiteral("([^/]+)") : QStringLiteral("(.+)");
        route.names << m.captured(2);
        last = m.capturedEnd();
    }
    regex += QRegularExpression::escape(pattern.mid(last)) + QLatin1Char('$');
    route.pattern = QRegularExpression(regex);
    m_routes.push_back(std::make_unique<Route>(std::move(route)));
}

void HttpServer::route(Method method, const QString &pattern, Handler handler)
{
    addRoute({method, {}, {}, std::move(handler), {}, {}, {}, {}}, pattern);
}

void HttpServer::streamRoute(Method method, const QString &pattern, StreamHandler handler)
{
    addRoute({method, {}, {}, {}, std::move(handler), {}, {}, {}}, pattern);
}

void HttpServer::webSocketRoute(const QString &pattern, UpgradeVerifier verifier,
                                WebSocketHandler handler)
{
    addRoute({Method::Get, {}, {}, {}, {}, std::move(verifier), std::move(handler), {}}, pattern);
}

const HttpServer::Route *HttpServer::match(const QString &path, Method method,
                                           QHash<QString, QString> *params,
                                           QStringList *allowed) const
{
    for (const auto &route : m_routes) {
        if (!path.startsWith(route->prefix)) // cheap test first: most routes fail it
            continue;
        const auto m = route->pattern.match(path);
        if (!m.hasMatch())
            continue;
        if (route->method != method) {
            allowed->append(QString::fromLatin1(methodName(route->method)));
            continue;
        }
        for (int i = 0; i < route->names.size(); ++i)
            params->insert(route->names.at(i), m.captured(i + 1));
        return route.get();
    }
    return nullptr;
}

bool HttpServer::handleRequest(const QHttpServerRequest &request, QTcpSocket *socket)
{
    if (asksForWebSocket(request))
        return handleUpgrade(request, socket);

    const QString path = request.url().path();
    const ApiFamily family = familyForPath(path);
    QHttpServerResponder responder = makeResponder(request, socket);
    QHash<QString, QString> params;
    QStringList allowed;
    const Route *route = match(path, request.method(), &params, &allowed);
    if (!route) {
        HttpReply reply;
        if (!allowed.isEmpty() && request.method() == Method::Options) {
            reply = {204, {}, "text/plain", {}};
            if (familyAllowsCors(family)) {
                reply.headers = {
                    {"Access-Control-Allow-Methods", allowed.join(QStringLiteral(", ")).toLatin1()},
                    {"Access-Control-Allow-Headers", "Content-Type, X-API-Key, Authorization"},
                    {"Access-Control-Max-Age", "600"}};
            }
        } else if (!allowed.isEmpty()) {
            reply = HttpReply::error(family, 405, QStringLiteral("Method not allowed."));
            reply.headers = {{"Allow", allowed.join(QStringLiteral(", ")).toLatin1()}};
        } else {
            reply = HttpReply::error(family, 404, QStringLiteral("Not found."));
        }
        writeReply(responder, request, std::move(reply));
        return true;
    }
    const HttpRequest httpRequest(request, std::move(params), family);
    if (route->webSocketHandler) {
        HttpReply reply =
            HttpReply::error(family, 426, QStringLiteral("This path speaks WebSocket only."));
        reply.headers = {{"Upgrade", "websocket"}};
        writeReply(responder, request, std::move(reply));
    } else if (route->streamHandler) {
        route->streamHandler(httpRequest, std::move(responder));
    } else {
        writeReply(responder, request, route->handler(httpRequest));
    }
    return true;
}

void HttpServer::missingHandler(const QHttpServerRequest &request, QTcpSocket *socket)
{
    // Qt 6.4 lands here after every upgrade, which handleUpgrade() has dealt with already.
    if (asksForWebSocket(request))
        return;
    QHttpServerResponder responder = makeResponder(request, socket);
    writeReply(
        responder, request,
        HttpReply::error(familyForPath(request.url().path()), 404, QStringLiteral("Not found.")));
}

bool HttpServer::handleUpgrade(const QHttpServerRequest &request, QTcpSocket *socket)
{
    // Whatever happens here, handleRequest() returns false, and Qt closes its QTcpSocket after
    // what was written to it. An accepted connection goes on, on a duplicate of the descriptor,
    // as a lobby::http::WebSocket.
    const QString path = request.url().path();
    const ApiFamily family = familyForPath(path);
    const Route *route = nullptr;
    QHash<QString, QString> params;
    for (const auto &candidate : m_routes) {
        const auto m = candidate->pattern.match(path);
        if (candidate->webSocketHandler && m.hasMatch()) {
            route = candidate.get();
            for (int i = 0; i < route->names.size(); ++i)
                params.insert(route->names.at(i), m.captured(i + 1));
            break;
        }
    }
    if (!route) {
        socket->write(rawResponse(404, errorBody(family, QStringLiteral("Not found."))));
        return false;
    }
    if (request.value("sec-websocket-version").trimmed() != "13") {
        socket->write(rawResponse(
            426, errorBody(family, QStringLiteral("Only WebSocket version 13 is spoken.")),
            {{"Sec-WebSocket-Version", "13"}}));
        return false;
    }
    const QByteArray handshake = WebSocket::handshakeResponse(request.value("sec-websocket-key"));
    const QByteArray contentLength = request.value("content-length");
    const bool hasBody = (!contentLength.isEmpty() && contentLength != "0") ||
                         !request.value("transfer-encoding").isEmpty();
    if (handshake.isEmpty() ||
        !isWebSocketHandshake(methodName(request.method()), request.value("upgrade"),
                              request.value("connection"), hasBody)) {
        socket->write(rawResponse(400, errorBody(family, QStringLiteral("Invalid upgrade."))));
        return false;
    }
    const UpgradeDecision decision = route->verifier
                                         ? route->verifier(HttpRequest(request, params, family))
                                         : UpgradeDecision::accept();
    if (!decision.accepted) {
        socket->write(rawResponse(decision.status, errorBody(family, decision.message)));
        return false;
    }
    const int descriptor = ::fcntl(int(socket->socketDescriptor()), F_DUPFD_CLOEXEC, 0);
    if (descriptor < 0) {
        socket->write(rawResponse(503, errorBody(family, QStringLiteral("Too many connections."))));
        return false;
    }
    // Each connection's frames of one event-loop turn leave in one write (WebSocket::flush), so
    // Nagle's algorithm would only add a delayed-ACK wait to them.
    const int noDelay = 1;
    ::setsockopt(descriptor, IPPROTO_TCP, TCP_NODELAY, &noDelay, sizeof noDelay);
    // A fresh connection's send buffer is empty, so the handshake goes out whole.
    if (::send(descriptor, handshake.constData(), size_t(handshake.size()), MSG_NOSIGNAL) !=
        handshake.size()) {
        ::close(descriptor);
        return false;
    }
    auto webSocket =
        std::make_unique<WebSocket>(descriptor, socket->peerAddress(), m_limits.webSockets);
    new ConnectionTracker(webSocket.get(), m_connections, socket->peerAddress());
    route->webSocketHandler(std::move(webSocket), decision.context);
    return false;
}

QList<Header> HttpServer::corsHeaders(const QHttpServerRequest &request, ApiFamily family) const
{
    const QByteArray origin = request.value("origin");
    if (origin.isEmpty() || !familyAllowsCors(family))
        return {};
    if (m_limits.corsOrigins.contains(QStringLiteral("*")))
        return {{"Access-Control-Allow-Origin", "*"}};
    if (m_limits.corsOrigins.contains(QString::fromLatin1(origin)))
        return {{"Access-Control-Allow-Origin", origin}, {"Vary", "Origin"}};
    return {};
}

void HttpServer::writeReply(QHttpServerResponder &responder, const QHttpServerRequest &request,
                            HttpReply reply) const
{
    const ApiFamily family = familyForPath(request.url().path());
    reply.headers += corsHeaders(request, family);
    metrics::countRequest(familyName(family), reply.status);
    // The family and status only: paths carry ids and tokens.
    qCDebug(lcHttp, "%s request answered %d", familyName(family), reply.status);
    responder.writeStatusLine(QHttpServerResponder::StatusCode(reply.status));
    if (!reply.body.isEmpty() || reply.status != 204)
        responder.writeHeader("Content-Type", reply.contentType);
    responder.writeHeader("Content-Length", QByteArray::number(reply.body.size()));
    for (const Header &header : std::as_const(reply.headers))
        responder.writeHeader(header.first, header.second);
    responder.writeBody(reply.body);
}

} // namespace lobby::http
