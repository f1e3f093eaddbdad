// HTTP framing and connections, over real loopback sockets against an in-process LobbyServer:
// Upgrade headers that are not a WebSocket handshake, framing two parsers could read
// differently, pipelined requests (the guard follows their boundaries exactly), connection
// limits (head, idle and body timeouts, the per-address cap, running out of descriptors) and
// refused bodies answered with a lingering close.
#include "world.h"

#include "http/ratelimiter.h"

#include <QDir>
#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

#include <atomic>
#include <thread>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace lobby;
using namespace lobby::reliability;

namespace {

constexpr qint64 hugeBody = 100663296; // 96 MiB

// Parses the responses in `buffer`, in order; stops at an incomplete one. "100 Continue" is
// skipped.
QList<HttpResult> parseResponses(QByteArray buffer)
{
    QList<HttpResult> results;
    for (;;) {
        const qsizetype end = buffer.indexOf("\r\n\r\n");
        if (end < 0)
            return results;
        const QList<QByteArray> lines = buffer.left(end).split('\n');
        HttpResult result;
        result.status = lines.value(0).split(' ').value(1).toInt();
        qint64 length = 0;
        for (qsizetype i = 1; i < lines.size(); ++i) {
            const QByteArray line = lines.at(i).trimmed();
            const qsizetype colon = line.indexOf(':');
            const QByteArray name = line.left(colon).trimmed().toLower();
            const QByteArray value = line.mid(colon + 1).trimmed();
            result.headers.append({name, value});
            if (name == "content-length")
                length = value.toLongLong();
        }
        if (buffer.size() < end + 4 + length)
            return results;
        result.body = buffer.mid(end + 4, length);
        buffer.remove(0, end + 4 + length);
        if (result.status != 100)
            results << result;
    }
}

// One connection: writes each piece (letting the server run between them), then reads until
// `expected` responses arrived, the server closed the connection, or the timeout.
struct Conversation
{
    QList<HttpResult> responses;
    bool closedByServer = false;
};

Conversation converse(quint16 port, const QByteArrayList &pieces, int expected,
                      int timeoutMs = 10000)
{
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, port);
    socket.waitForConnected(2000);
    QByteArray received;
    for (const QByteArray &piece : pieces) {
        socket.write(piece);
        QTest::qWait(50);
        received += socket.readAll();
    }
    Conversation c;
    QElapsedTimer clock;
    clock.start();
    while (clock.elapsed() < timeoutMs) {
        received += socket.readAll();
        c.responses = parseResponses(received);
        if (c.responses.size() >= expected)
            break;
        if (socket.state() != QAbstractSocket::ConnectedState) {
            c.closedByServer = true;
            break;
        }
        QTest::qWait(10);
    }
    // Whether the server ends the connection shortly after (a refusal closes it).
    if (!c.closedByServer) {
        QTest::qWait(100);
        received += socket.readAll();
        c.responses = parseResponses(received);
        c.closedByServer = socket.state() != QAbstractSocket::ConnectedState;
    }
    return c;
}

QList<int> statuses(const Conversation &c)
{
    QList<int> out;
    for (const HttpResult &r : c.responses)
        out << r.status;
    return out;
}

QByteArray head(const QByteArray &requestLine, const QByteArray &headers = {})
{
    return requestLine + "\r\nHost: 127.0.0.1\r\n" + headers + "\r\n";
}

// A client on its own thread, as an app's upload (or Node's http) behaves: it sends the head
// and `bodyBytes`, reading only once its request is out, and a failed write (EPIPE, a reset)
// is its failure, whatever the server had answered.
struct Outcome
{
    int status = 0;
    QByteArray error; // "reset", "timeout", ... when no whole response was read
};

Outcome sendThenRead(quint16 port, const QByteArray &requestHead, qint64 bodyBytes,
                     int timeoutMs = 20000)
{
    Outcome outcome;
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr *>(&address), sizeof address) != 0) {
        ::close(fd);
        outcome.error = "connect";
        return outcome;
    }
    ::fcntl(fd, F_SETFL, O_NONBLOCK);
    QByteArray out = requestHead;
    qint64 bodyLeft = bodyBytes;
    const QByteArray filler(64 << 10, 'x');
    QByteArray received;
    bool writing = true;
    QElapsedTimer clock;
    clock.start();
    while (clock.elapsed() < timeoutMs) {
        if (writing && out.isEmpty() && bodyLeft > 0) {
            out = filler.left(qMin<qint64>(filler.size(), bodyLeft));
            bodyLeft -= out.size();
        }
        const bool sending = writing && !out.isEmpty();
        pollfd p{fd, short(sending ? POLLOUT : POLLIN), 0};
        ::poll(&p, 1, 100);
        if (p.revents & POLLOUT) {
            const ssize_t n = ::send(fd, out.constData(), size_t(out.size()), MSG_NOSIGNAL);
            if (n > 0)
                out.remove(0, n);
            else if (n < 0 && errno != EAGAIN) {
                outcome.error = errno == EPIPE ? "EPIPE while sending" : "reset while sending";
                break;
            }
        } else if (sending && (p.revents & (POLLHUP | POLLERR))) {
            outcome.error = "reset while sending";
            break;
        }
        if (!sending && (p.revents & (POLLIN | POLLHUP | POLLERR))) {
            char buffer[16384];
            const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
            if (n > 0) {
                received.append(buffer, n);
                const QList<HttpResult> responses = parseResponses(received);
                if (!responses.isEmpty()) {
                    outcome.status = responses.first().status;
                    break;
                }
            } else if (n == 0) {
                outcome.error = "closed before a whole response";
                break;
            } else if (errno != EAGAIN) {
                outcome.error = errno == ECONNRESET ? "reset" : "read error";
                break;
            }
        }
    }
    if (outcome.status == 0 && outcome.error.isEmpty())
        outcome.error = "timeout";
    ::close(fd);
    return outcome;
}

// Runs `count` clients on threads while the server (this thread) goes on.
QList<Outcome> concurrently(int count, const std::function<Outcome()> &client)
{
    QList<Outcome> outcomes(count);
    std::atomic<int> done = 0;
    std::vector<std::thread> threads;
    for (int i = 0; i < count; ++i) {
        threads.emplace_back([&, i] {
            outcomes[i] = client();
            ++done;
        });
    }
    QElapsedTimer clock;
    clock.start();
    while (done < count && clock.elapsed() < 60000)
        QTest::qWait(10);
    for (auto &thread : threads)
        thread.join();
    return outcomes;
}

int openDescriptorCount()
{
    return int(QDir(QStringLiteral("/proc/self/fd")).entryList(QDir::Files | QDir::System).size());
}

// A connection from another loopback address, for checks past the per-address cap.
HttpResult healthzFrom(const QHostAddress &source, quint16 port)
{
    QTcpSocket socket;
    socket.bind(source);
    socket.connectToHost(QHostAddress::LocalHost, port);
    socket.write(head("GET /healthz HTTP/1.1", "Connection: close\r\n"));
    return test::readResponse(socket, 5000);
}

} // namespace

class FramingTest : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<World> w;

    void expectHealthy() { QVERIFY2(w->healthy(), "/healthz did not answer 200"); }
    static std::unique_ptr<World> worldWith(const http::ServerLimits &limits)
    {
        return std::make_unique<World>([limits](ServerConfig &config) { config.limits = limits; });
    }

private slots:
    void init() { w = std::make_unique<World>(); }
    void cleanup() { w.reset(); }

    // 1. Only a WebSocket handshake on a WebSocket path leaves the guard.
    void upgradeH2cOnPostIsStillLimited()
    {
        const Conversation c =
            converse(w->port(),
                     {head("POST /api/chats/visitors/ HTTP/1.1",
                           "Upgrade: h2c\r\nConnection: Upgrade, HTTP2-Settings\r\nContent-Type: "
                           "application/json\r\nContent-Length: " +
                               QByteArray::number(hugeBody) + "\r\n") +
                      QByteArray(64 << 10, ' ')},
                     1);
        QCOMPARE(statuses(c), QList<int>{413});
        QCOMPARE(shapeProblem("/api/chats/visitors/", c.responses.first()), QString());
        expectHealthy();
    }

    void anyUpgradeThenPipelinedPostIsStillLimited()
    {
        const Conversation c =
            converse(w->port(),
                     {head("GET /healthz HTTP/1.1", "Upgrade: x\r\nConnection: upgrade\r\n") +
                      head("POST /api/chats/visitors/ HTTP/1.1",
                           "Content-Type: application/json\r\nContent-Length: " +
                               QByteArray::number(hugeBody) + "\r\n") +
                      QByteArray(64 << 10, ' ')},
                     2);
        QCOMPARE(statuses(c), (QList<int>{200, 413}));
        QVERIFY(c.closedByServer);
        expectHealthy();
    }

    void upgradeWithoutConnectionUpgradeIsNoHandshake()
    {
        // Without "Connection: upgrade" it is an ordinary request asking for WebSocket: refused,
        // and the connection stays guarded.
        const Conversation c = converse(
            w->port(),
            {head("GET /api/v1/chat/ws/chat/user?token=" + w->hotel.customerToken.toLatin1() +
                      " HTTP/1.1",
                  "Upgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: "
                  "dGhlIHNhbXBsZSBub25jZQ==\r\n") +
             head("POST /api/chats/visitors/ HTTP/1.1",
                  "Content-Length: " + QByteArray::number(hugeBody) + "\r\n") +
             QByteArray(64 << 10, 'x')},
            2);
        QCOMPARE(statuses(c), (QList<int>{400, 413}));
        expectHealthy();
    }

    void webSocketUpgradeOnPostIsStillLimited()
    {
        const QByteArray path = "/ws/chat/" + QByteArray::number(w->hotel.staff.id) +
                                "/?token=" + w->hotel.customerToken.toLatin1();
        const Conversation c =
            converse(w->port(),
                     {head("POST " + path + " HTTP/1.1",
                           "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: "
                           "13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nContent-Length: " +
                               QByteArray::number(hugeBody) + "\r\n") +
                      QByteArray(64 << 10, 'x')},
                     1);
        QCOMPARE(statuses(c), QList<int>{413});
        QVERIFY(c.closedByServer);
        expectHealthy();
    }

    void webSocketHandshakeOnAnotherPathIsStillLimited()
    {
        const Conversation c =
            converse(w->port(),
                     {head("GET /healthz HTTP/1.1",
                           "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: "
                           "13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n") +
                      head("POST /api/chats/visitors/ HTTP/1.1",
                           "Content-Length: " + QByteArray::number(hugeBody) + "\r\n") +
                      QByteArray(64 << 10, 'x')},
                     2);
        QCOMPARE(c.responses.value(0).status, 404);
        for (const HttpResult &r : c.responses.mid(1))
            QCOMPARE(r.status, 413);
        QVERIFY(c.closedByServer);
        expectHealthy();
    }

    void webSocketHandshakeStillUpgrades()
    {
        RawWebSocket ws(w->port(),
                        "/api/v1/chat/ws/chat/user?token=" + w->hotel.customerToken.toLatin1());
        QCOMPARE(ws.status(), 101);
        ws.sendText(R"({"type":"ping"})");
        QVERIFY(ws.next(5000).has_value());
        expectHealthy();
    }

    // 2. Framing two parsers could read differently is refused (RFC 9112).
    void ambiguousFraming_data()
    {
        QTest::addColumn<QByteArray>("raw");
        QTest::addColumn<int>("status");
        const QByteArray post = "POST /api/chats/visitors/ HTTP/1.1\r\nHost: 127.0.0.1\r\n";
        const QByteArray chunks = "\r\n\r\n5\r\n{\"a\":\r\n0\r\n\r\n";
        QTest::newRow("folded Transfer-Encoding")
            << post + "Transfer-Encoding:\r\n chunked" + chunks << 400;
        QTest::newRow("folded gzip, chunked")
            << post + "Transfer-Encoding: gzip,\r\n chunked" + chunks << 400;
        QTest::newRow("folded with a tab")
            << post + "X-A: 1\r\n\tTransfer-Encoding: chunked" + chunks << 400;
        QTest::newRow("gzip, chunked") << post + "Transfer-Encoding: gzip, chunked" + chunks << 501;
        QTest::newRow("chunked then identity")
            << post + "Transfer-Encoding: chunked\r\nTransfer-Encoding: identity" + chunks << 501;
        QTest::newRow("identity") << post + "Transfer-Encoding: identity\r\nContent-Length: 3" +
                                         "\r\n\r\n{}\n"
                                  << 501;
        QTest::newRow("chunked, chunked")
            << post + "Transfer-Encoding: chunked, chunked" + chunks << 400;
        QTest::newRow("chunked twice")
            << post + "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked" + chunks << 400;
        QTest::newRow("chunked in HTTP/1.0")
            << "POST /api/chats/visitors/ HTTP/1.0\r\nTransfer-Encoding: chunked" + chunks << 400;
        QTest::newRow("space before the colon")
            << post + "Transfer-Encoding : chunked" + chunks << 400;
        QTest::newRow("tab before the colon") << post + "Content-Length\t: 2\r\n\r\n{}" << 400;
        QTest::newRow("bare CR in a value")
            << post + "X-A: a\rTransfer-Encoding: chunked" + chunks << 400;
        QTest::newRow("bare LF line end")
            << post + "Transfer-Encoding: chunked\nX-A: 1" + chunks << 400;
        QTest::newRow("LF LF head end")
            << QByteArray("POST /api/chats/visitors/ HTTP/1.1\nHost: 1\nContent-Length: 2\n\n{}")
            << 400;
        QTest::newRow("NUL in a value")
            << post + QByteArray("X-A: a\0b", 8) + "\r\nContent-Length: 2\r\n\r\n{}" << 400;
        QTest::newRow("line without a colon") << post + "Transfer-Encoding chunked" + chunks << 400;
        QTest::newRow("two Hosts") << post + "Host: other\r\nContent-Length: 2\r\n\r\n{}" << 400;
        QTest::newRow("no Host")
            << QByteArray("POST /api/chats/visitors/ HTTP/1.1\r\nContent-Length: 2\r\n\r\n{}")
            << 400;
        QTest::newRow("two spaces in the request line")
            << QByteArray("POST  /api/chats/visitors/ HTTP/1.1\r\nHost: x\r\n\r\n") << 400;
        QTest::newRow("HTTP/2 preface") << QByteArray("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n") << 400;
        QTest::newRow("Content-Length with a sign") << post + "Content-Length: +2\r\n\r\n{}" << 400;
        QTest::newRow("Content-Length list") << post + "Content-Length: 2, 2\r\n\r\n{}" << 400;
        QTest::newRow("chunk size 0x10") << post + "Transfer-Encoding: chunked\r\n\r\n0x10\r\n" +
                                                QByteArray(16, 'a') + "\r\n0\r\n\r\n"
                                         << 400;
        QTest::newRow("chunk without its CRLF")
            << post + "Transfer-Encoding: chunked\r\n\r\n2\r\n{}XX0\r\n\r\n"
            << 400;
    }

    void ambiguousFraming()
    {
        QFETCH(QByteArray, raw);
        QFETCH(int, status);
        const auto before = w->counts();
        const Conversation c = converse(w->port(), {raw}, 1);
        QCOMPARE(statuses(c), QList<int>{status});
        if (raw.startsWith("POST /api/chats/"))
            QCOMPARE(shapeProblem("/api/chats/visitors/", c.responses.first()), QString());
        QVERIFY(c.closedByServer);
        QCOMPARE(w->counts(), before);
        expectHealthy();
    }

    void issueFramingCasesWithAHugeBodyAreRefused_data()
    {
        QTest::addColumn<QByteArray>("transferEncoding");
        QTest::newRow("folded") << QByteArray("Transfer-Encoding:\r\n chunked\r\n");
        QTest::newRow("gzip, folded") << QByteArray("Transfer-Encoding: gzip,\r\n chunked\r\n");
        QTest::newRow("chunked + identity")
            << QByteArray("Transfer-Encoding: chunked\r\nTransfer-Encoding: identity\r\n");
    }

    void issueFramingCasesWithAHugeBodyAreRefused()
    {
        QFETCH(QByteArray, transferEncoding);
        // 96 MiB announced as one chunk, the first MiB of it sent.
        const Conversation c =
            converse(w->port(),
                     {head("POST /api/chats/visitors/ HTTP/1.1", transferEncoding) +
                          QByteArray::number(hugeBody, 16) + "\r\n",
                      QByteArray(1 << 20, ' ')},
                     1);
        QCOMPARE(c.responses.size(), 1);
        QVERIFY2(c.responses.first().status == 400 || c.responses.first().status == 501,
                 QByteArray::number(c.responses.first().status));
        expectHealthy();
    }

    // 3. Pipelining: every byte counted once, request boundaries followed exactly.
    void pipelinedBodyEndingInAFakeHeadThenAHugeBody()
    {
        // The fake head at the end of the 1,000-byte body declares as its body exactly the
        // real head that follows: a guard that counted the body twice would take the fake head
        // for a request, skip the real head, and read the 96 MiB of blank lines as empty heads.
        const QByteArray huge = head("POST /api/chats/visitors/ HTTP/1.1",
                                     "Content-Type: application/json\r\nContent-Length: " +
                                         QByteArray::number(hugeBody) + "\r\n");
        const QByteArray fake = head("POST /api/chats/visitors/ HTTP/1.1",
                                     "Content-Length: " + QByteArray::number(huge.size()) + "\r\n");
        QByteArray body(1000 - fake.size(), 'b');
        body += fake;
        QCOMPARE(body.size(), 1000);
        const QByteArray first = head("GET /healthz HTTP/1.1") +
                                 head("POST /healthz HTTP/1.1", "Content-Length: 1000\r\n") +
                                 body.left(400);
        QByteArray blankLines;
        for (int i = 0; i < 64 << 10; ++i)
            blankLines += "\r\n";
        const auto before = w->counts();
        const Conversation c = converse(w->port(), {first, body.mid(400), huge + blankLines}, 3);
        QCOMPARE(statuses(c), (QList<int>{200, 405, 413}));
        QCOMPARE(w->counts(), before);
        expectHealthy();
    }

    void fivePipelinedLargeHeadsGetFiveAnswers()
    {
        QByteArray all;
        for (int i = 0; i < 5; ++i)
            all += head("GET /healthz HTTP/1.1", "X-Pad: " + QByteArray(31 << 10, 'p') + "\r\n");
        // The first read ends inside the third head, the rest follows.
        const qsizetype split = all.size() / 2;
        const Conversation c = converse(w->port(), {all.left(split), all.mid(split)}, 5);
        QCOMPARE(statuses(c), (QList<int>{200, 200, 200, 200, 200}));
        QVERIFY(!c.closedByServer);
    }

    void manyPipelinedRequestsWithBodiesThenOneOverTheLimit()
    {
        QByteArray all;
        QList<int> expected;
        for (int i = 0; i < 30; ++i) {
            all += head("POST /healthz HTTP/1.1", "Content-Length: 700\r\n") +
                   QByteArray(700, char('a' + i % 26));
            expected << 405;
        }
        // Exactly at the limit is accepted as far as the guard goes; one byte over is not.
        all += head("POST /api/chats/visitors/ HTTP/1.1",
                    "Content-Length: " + QByteArray::number((1 << 20) + 1) + "\r\n");
        expected << 413;
        const Conversation c = converse(w->port(), {all}, int(expected.size()));
        QCOMPARE(statuses(c), expected);
        expectHealthy();
    }

    void headLimitCountsEachHeadOnItsOwn()
    {
        // Two 20 KiB heads in one write: 40 KiB together, each under the 32 KiB limit.
        const QByteArray one =
            head("GET /healthz HTTP/1.1", "X-Pad: " + QByteArray(20 << 10, 'p') + "\r\n");
        const QByteArray tooLarge =
            head("GET /healthz HTTP/1.1", "X-Pad: " + QByteArray(33 << 10, 'p') + "\r\n");
        const Conversation c = converse(w->port(), {one + one + tooLarge}, 3);
        QCOMPARE(statuses(c), (QList<int>{200, 200, 431}));
    }

    // 7. Connection limits.
    void slowHeadIsClosedAfterTheHeadTimeout()
    {
        http::ServerLimits limits;
        limits.requests.headTimeoutMs = 800;
        w = worldWith(limits);
        QTcpSocket slow;
        slow.connectToHost(QHostAddress::LocalHost, w->port());
        QVERIFY(slow.waitForConnected(2000));
        const QByteArray raw = head("GET /healthz HTTP/1.1", "X-Slow: 1\r\n");
        QByteArray received;
        QElapsedTimer clock;
        clock.start();
        for (qsizetype i = 0; i < raw.size() && slow.state() == QAbstractSocket::ConnectedState &&
                              clock.elapsed() < 10000;
             ++i) {
            slow.write(raw.mid(i, 1));
            QTest::qWait(100); // 10 bytes a second: the head needs ~4 s
            received += slow.readAll();
        }
        QTRY_VERIFY_WITH_TIMEOUT(slow.state() != QAbstractSocket::ConnectedState, 5000);
        received += slow.readAll();
        QCOMPARE(statuses({parseResponses(received), true}), QList<int>{408});
        expectHealthy();
    }

    void silentConnectionIsClosedAfterTheHeadTimeout()
    {
        http::ServerLimits limits;
        limits.requests.headTimeoutMs = 500;
        w = worldWith(limits);
        QTcpSocket silent;
        silent.connectToHost(QHostAddress::LocalHost, w->port());
        QVERIFY(silent.waitForConnected(2000));
        QTRY_VERIFY_WITH_TIMEOUT(silent.state() != QAbstractSocket::ConnectedState, 5000);
        QCOMPARE(parseResponses(silent.readAll()).value(0).status, 408);
    }

    void idleKeepAliveConnectionIsClosed()
    {
        http::ServerLimits limits;
        limits.requests.idleTimeoutMs = 500;
        w = worldWith(limits);
        QTcpSocket idle;
        idle.connectToHost(QHostAddress::LocalHost, w->port());
        idle.write(head("GET /healthz HTTP/1.1"));
        QCOMPARE(test::readResponse(idle).status, 200);
        QVERIFY(idle.state() == QAbstractSocket::ConnectedState);
        QTRY_VERIFY_WITH_TIMEOUT(idle.state() != QAbstractSocket::ConnectedState, 5000);
        expectHealthy();
    }

    void eventStreamOutlivesTheIdleTimeout()
    {
        http::ServerLimits limits;
        limits.requests.idleTimeoutMs = 300;
        limits.requests.headTimeoutMs = 300;
        w = worldWith(limits);
        QTcpSocket stream;
        stream.connectToHost(QHostAddress::LocalHost, w->port());
        stream.write(head("GET /api/chats/sessions/" + w->hotel.sessionId.toLatin1() +
                              "/events/?visitor_id=" + w->hotel.visitorId.toLatin1() + " HTTP/1.1",
                          "X-API-Key: " + w->hotel.apiKey.toLatin1() + "\r\n"));
        QTRY_VERIFY_WITH_TIMEOUT(stream.bytesAvailable() > 0, 5000);
        QVERIFY(stream.peek(64).startsWith("HTTP/1.1 200"));
        QTest::qWait(1200);
        QVERIFY(stream.state() == QAbstractSocket::ConnectedState);
    }

    // A chat stream ends (its last chunk sent) and the connection is kept alive:
    // from then on the idle and head timeouts apply again.
    QByteArray finishChatStream(QTcpSocket &socket)
    {
        socket.connectToHost(QHostAddress::LocalHost, w->port());
        socket.waitForConnected(2000);
        const QByteArray body = QJsonDocument(QJsonObject{{"message", "hello"},
                                                          {"session_id", w->hotel.sessionId},
                                                          {"visitor_id", w->hotel.visitorId}})
                                    .toJson(QJsonDocument::Compact);
        socket.write(head("POST /api/chats/messages/chat/stream/ HTTP/1.1",
                          "X-API-Key: " + w->hotel.apiKey.toLatin1() +
                              "\r\nContent-Type: application/json\r\nContent-Length: " +
                              QByteArray::number(body.size()) + "\r\n") +
                     body);
        QByteArray received;
        QElapsedTimer clock;
        clock.start();
        while (!received.endsWith("\r\n0\r\n\r\n") && clock.elapsed() < 10000 &&
               socket.state() == QAbstractSocket::ConnectedState) {
            QTest::qWait(10);
            received += socket.readAll();
        }
        return received;
    }

    void finishedChatStreamConnectionIsClosedWhenIdle()
    {
        http::ServerLimits limits;
        limits.requests.idleTimeoutMs = 500;
        w = worldWith(limits);
        QTcpSocket socket;
        const QByteArray received = finishChatStream(socket);
        QVERIFY2(received.startsWith("HTTP/1.1 200") && received.endsWith("\r\n0\r\n\r\n"),
                 received.left(200).constData());
        QVERIFY(socket.state() == QAbstractSocket::ConnectedState);
        QTRY_VERIFY_WITH_TIMEOUT(socket.state() != QAbstractSocket::ConnectedState, 5000);
    }

    void slowHeadAfterAFinishedChatStreamGets408()
    {
        http::ServerLimits limits;
        limits.requests.headTimeoutMs = 500;
        w = worldWith(limits);
        QTcpSocket socket;
        QVERIFY(finishChatStream(socket).endsWith("\r\n0\r\n\r\n"));
        socket.write("GET /healthz HTTP/1.1\r\n"); // and never the rest
        QByteArray received;
        QElapsedTimer clock;
        clock.start();
        while (socket.state() == QAbstractSocket::ConnectedState && clock.elapsed() < 5000) {
            QTest::qWait(10);
            received += socket.readAll();
        }
        received += socket.readAll();
        QCOMPARE(statuses({parseResponses(received), true}), QList<int>{408});
    }

    // What a client pipelines behind an open stream waits unread: it may not grow
    // without bound. The connection is closed once more than a request's worth
    // has piled up.
    void bytesPipelinedBehindAnOpenStreamAreBounded_data()
    {
        QTest::addColumn<QByteArray>("first");
        QTest::addColumn<QByteArray>("filler");
        // QHttpServer takes one request per read: the refused head comes after more requests
        // than it reaches during the test, so the refusal waits its turn.
        const QByteArray get = head("GET /healthz HTTP/1.1");
        QTest::newRow("a huge body (refused, waiting its turn)")
            << get.repeated(3000) +
                   head("POST /api/chats/visitors/ HTTP/1.1", "Content-Length: 1000000000000\r\n")
            << QByteArray(1 << 20, 'x');
        QTest::newRow("endless small requests") << get << get.repeated((1 << 20) / get.size());
    }

    void bytesPipelinedBehindAnOpenStreamAreBounded()
    {
        QFETCH(QByteArray, first);
        QFETCH(QByteArray, filler);
        http::ServerLimits limits;
        limits.requests.maxJsonBody = 64 << 10;
        limits.requests.maxUploadBody = 64 << 10;
        limits.requests.maxHeaderBytes = 8 << 10;
        limits.requests.lingerBytes = 1 << 20;
        limits.requests.lingerMs = 120'000; // the refusal never gets its turn during the test
        w = worldWith(limits);
        QTcpSocket stream;
        stream.connectToHost(QHostAddress::LocalHost, w->port());
        stream.write(head("GET /api/chats/sessions/" + w->hotel.sessionId.toLatin1() +
                              "/events/?visitor_id=" + w->hotel.visitorId.toLatin1() + " HTTP/1.1",
                          "X-API-Key: " + w->hotel.apiKey.toLatin1() + "\r\n"));
        QTRY_VERIFY_WITH_TIMEOUT(stream.bytesAvailable() > 0, 5000);
        QVERIFY(stream.peek(64).startsWith("HTTP/1.1 200"));
        stream.write(first);
        qint64 pushed = 0;
        constexpr qint64 pushLimit = 64 << 20;
        QElapsedTimer clock;
        clock.start();
        while (pushed < pushLimit && stream.state() == QAbstractSocket::ConnectedState &&
               clock.elapsed() < 30000) {
            if (stream.bytesToWrite() < (4 << 20)) {
                stream.write(filler);
                pushed += filler.size();
            }
            QTest::qWait(5);
        }
        // Every byte pushed has reached the server (or the server closed the
        // connection).
        QTRY_VERIFY_WITH_TIMEOUT(
            stream.bytesToWrite() == 0 || stream.state() != QAbstractSocket::ConnectedState, 10000);
        QTest::qWait(200);
        QVERIFY2(stream.state() != QAbstractSocket::ConnectedState,
                 qPrintable(
                     QStringLiteral("%1 bytes pushed behind the stream, still open").arg(pushed)));
        QVERIFY(pushed < pushLimit);
        expectHealthy();
    }

    void connectIsRefused()
    {
        const Conversation c = converse(
            w->port(), {head("CONNECT 127.0.0.1:80 HTTP/1.1") + head("GET /healthz HTTP/1.1")}, 1);
        QCOMPARE(statuses(c), QList<int>{400});
        QVERIFY(c.closedByServer);
        QCOMPARE(shapeProblem("/", c.responses.first()), QString());
        QVERIFY(c.responses.first().body.contains("CONNECT"));
        expectHealthy();
    }

    // One client is one IPv4 address, or one IPv6 /64, for the per-address
    // connection cap and the rate limits alike.
    void clientKeyGroupsAnIpv6Slash64()
    {
        const auto key = [](const char *address) {
            return http::clientKey(QHostAddress(QString::fromLatin1(address)));
        };
        QCOMPARE(key("192.0.2.7"), key("192.0.2.7"));
        QVERIFY(key("192.0.2.7") != key("192.0.2.8"));
        QCOMPARE(key("::ffff:192.0.2.7"), key("192.0.2.7"));
        QCOMPARE(key("2001:db8:1:2::1"), key("2001:db8:1:2:ffff:ffff:ffff:ffff"));
        QVERIFY(key("2001:db8:1:2::1") != key("2001:db8:1:3::1"));
        QVERIFY(key("2001:db8:1:2::1") != key("192.0.2.7"));
    }

    void stalledBodyIsRefusedAfterTheBodyTimeout()
    {
        http::ServerLimits limits;
        limits.requests.bodyIdleTimeoutMs = 500;
        w = worldWith(limits);
        const Conversation c = converse(
            w->port(),
            {head("POST /api/chats/visitors/ HTTP/1.1", "Content-Length: 100\r\n") + "{\"a\""}, 1,
            5000);
        QCOMPARE(statuses(c), QList<int>{408});
        QCOMPARE(shapeProblem("/api/chats/visitors/", c.responses.first()), QString());
    }

    void connectionsPastThePerAddressCapAreRefused()
    {
        http::ServerLimits limits;
        limits.maxConnectionsPerAddress = 6;
        w = worldWith(limits);
        std::vector<std::unique_ptr<QTcpSocket>> held;
        for (int i = 0; i < 5; ++i) {
            held.push_back(std::make_unique<QTcpSocket>());
            held.back()->connectToHost(QHostAddress::LocalHost, w->port());
            QVERIFY(held.back()->waitForConnected(2000));
        }
        // A WebSocket counts too, for as long as it is open.
        QTRY_COMPARE(w->server().http().openConnections(), 5);
        auto ws = std::make_unique<RawWebSocket>(w->port(), "/api/v1/chat/ws/chat/user?token=" +
                                                                w->hotel.customerToken.toLatin1());
        QCOMPARE(ws->status(), 101);
        QTRY_COMPARE(w->server().http().openConnections(), 6);

        QTcpSocket over;
        over.connectToHost(QHostAddress::LocalHost, w->port());
        over.write(head("GET /healthz HTTP/1.1"));
        const HttpResult refused = test::readResponse(over);
        QCOMPARE(refused.status, 503);
        QCOMPARE(refused.header("retry-after"), QByteArray("10"));
        QTRY_VERIFY(over.state() != QAbstractSocket::ConnectedState);

        // Another address is not affected.
        QCOMPARE(healthzFrom(QHostAddress(QStringLiteral("127.0.0.2")), w->port()).status, 200);

        // Closing the WebSocket frees its place.
        ws.reset();
        QTRY_COMPARE(w->server().http().openConnections(), 5);
        expectHealthy();
        QVERIFY(w->server().http().refusedConnections() >= 1);
    }

    void outOfDescriptorsTheListenerShedsAndRecovers()
    {
        rlimit original{};
        QVERIFY(::getrlimit(RLIMIT_NOFILE, &original) == 0);
        // Fill every descriptor the lowered limit leaves, then free one for a client: the
        // server's accept() then fails with EMFILE.
        rlimit lowered = original;
        lowered.rlim_cur = rlim_t(openDescriptorCount() + 64);
        QVERIFY(::setrlimit(RLIMIT_NOFILE, &lowered) == 0);
        std::vector<int> fillers;
        for (int fd; (fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC)) >= 0;)
            fillers.push_back(fd);
        QVERIFY(errno == EMFILE);
        // Five clients take the last free descriptors: the server has none left to accept them.
        constexpr int clientCount = 5;
        std::vector<int> clients;
        for (int i = 0; i < clientCount; ++i) {
            ::close(fillers.back());
            fillers.pop_back();
        }
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_port = htons(w->port());
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        const QByteArray request = head("GET /healthz HTTP/1.1");
        for (int i = 0; i < clientCount; ++i) {
            const int client = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
            QVERIFY(client >= 0);
            QCOMPARE(::connect(client, reinterpret_cast<sockaddr *>(&address), sizeof address), 0);
            QVERIFY(::send(client, request.constData(), size_t(request.size()), MSG_NOSIGNAL) > 0);
            clients.push_back(client);
        }

        // Each waiting connection is answered (should a descriptor free up) or closed rather
        // than left hanging, without spinning: the process stays mostly idle meanwhile.
        rusage before{};
        ::getrusage(RUSAGE_SELF, &before);
        QElapsedTimer clock;
        clock.start();
        int ended = 0;
        std::vector<bool> done(clientCount, false);
        while (ended < clientCount && clock.elapsed() < 5000) {
            QTest::qWait(20);
            for (int i = 0; i < clientCount; ++i) {
                char byte;
                const ssize_t n = ::recv(clients[i], &byte, 1, MSG_DONTWAIT | MSG_PEEK);
                if (!done[i] && (n >= 0 || errno != EAGAIN)) {
                    done[i] = true;
                    ++ended;
                }
            }
        }
        QTest::qWait(500);
        rusage after{};
        ::getrusage(RUSAGE_SELF, &after);
        const auto cpuMs = [](const rusage &u) {
            return (u.ru_utime.tv_sec + u.ru_stime.tv_sec) * 1000.0 +
                   (u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1000.0;
        };
        const double wallMs = double(clock.elapsed());
        for (const int client : clients)
            ::close(client);
        for (const int fd : fillers)
            ::close(fd);
        QVERIFY(::setrlimit(RLIMIT_NOFILE, &original) == 0);
        QVERIFY2(ended == clientCount,
                 qPrintable(QStringLiteral("%1 of %2 connections waiting during EMFILE were "
                                           "neither answered nor closed")
                                .arg(clientCount - ended)
                                .arg(clientCount)));
        QVERIFY2(cpuMs(after) - cpuMs(before) < wallMs / 2,
                 qPrintable(QStringLiteral("%1 ms CPU in %2 ms")
                                .arg(cpuMs(after) - cpuMs(before))
                                .arg(wallMs)));
        QVERIFY(w->server().http().refusedConnections() >= 1);
        // Once descriptors are free again, the listener answers.
        QTRY_VERIFY_WITH_TIMEOUT(w->healthy(), 5000);
    }

    // 8. A refused body reaches the client as a 413, not a reset.
    void fortyClientsSendingTwoMegabytesAllRead413()
    {
        const quint16 port = w->port();
        const QList<Outcome> outcomes = concurrently(40, [port] {
            return sendThenRead(port,
                                head("POST /api/chats/visitors/ HTTP/1.1",
                                     "Content-Type: application/json\r\nContent-Length: " +
                                         QByteArray::number(2 << 20) + "\r\n"),
                                2 << 20);
        });
        QStringList problems;
        for (const Outcome &o : outcomes) {
            if (o.status != 413)
                problems << QString::number(o.status) + QLatin1Char(' ') +
                                QString::fromLatin1(o.error);
        }
        QVERIFY2(problems.isEmpty(), qPrintable(problems.join(QStringLiteral(", "))));
        expectHealthy();
    }

    void thirtyMegabyteUploadReads413()
    {
        const QByteArray prefix = "--b\r\nContent-Disposition: form-data; name=\"file\"; "
                                  "filename=\"big.pdf\"\r\nContent-Type: application/pdf\r\n\r\n";
        const qint64 size = 30'000'000;
        const quint16 port = w->port();
        const QByteArray token = w->hotel.customerToken.toLatin1();
        const QList<Outcome> outcomes = concurrently(1, [&] {
            return sendThenRead(port,
                                head("POST /api/v1/chat/upload HTTP/1.1",
                                     "Authorization: Bearer " + token +
                                         "\r\nContent-Type: multipart/form-data; "
                                         "boundary=b\r\nContent-Length: " +
                                         QByteArray::number(size) + "\r\n") +
                                    prefix,
                                size - prefix.size());
        });
        QCOMPARE(outcomes.first().error, QByteArray());
        QCOMPARE(outcomes.first().status, 413);
        expectHealthy();
    }
};

QTEST_GUILESS_MAIN(FramingTest)
#include "tst_framing.moc"
