// Bounded output and quotas: what a client that stops reading, floods a socket or creates
// without end may cost the server. Widget event streams (SSE) are capped and page their
// catch-up as the client reads; direct chat's history goes out as the socket drains; typing is
// forwarded a few times a second per socket; uploads have a daily quota per account; widget
// visitors and sessions are rate-limited per address; tokens have one spelling.
// The clients that stop reading are raw sockets with a 4 KiB receive buffer.
#include "world.h"

#include "http/ratelimiter.h"
#include "store/store.h"

#include <QElapsedTimer>
#include <QFile>
#include <QSqlQuery>
#include <QTest>

#include <arpa/inet.h>
#include <cerrno>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace lobby;
using namespace lobby::reliability;
using namespace lobby::chat;

namespace {

qint64 rssBytes()
{
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly))
        return 0;
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').value(0).toLongLong() * 1024;
    }
    return 0;
}

// An HTTP client on a plain socket whose receive buffer is 4 KiB, reading only when told to.
// For an SSE response it collects the event ids.
class SlowClient
{
public:
    // receiveBuffer 0: the kernel's default (a client that reads).
    SlowClient(quint16 port, const QByteArray &request, int receiveBuffer = 4096)
    {
        m_fd = ::socket(AF_INET, SOCK_STREAM, 0);
        if (receiveBuffer)
            ::setsockopt(m_fd, SOL_SOCKET, SO_RCVBUF, &receiveBuffer, sizeof receiveBuffer);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_port = htons(port);
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (::connect(m_fd, reinterpret_cast<sockaddr *>(&address), sizeof address) != 0)
            qFatal("connect: %s", strerror(errno));
        ::fcntl(m_fd, F_SETFL, ::fcntl(m_fd, F_GETFL) | O_NONBLOCK);
        ::send(m_fd, request.constData(), size_t(request.size()), MSG_NOSIGNAL);
    }
    ~SlowClient() { close(); }

    void close()
    {
        if (m_fd >= 0)
            ::close(m_fd);
        m_fd = -1;
    }
    // Reads what the kernel holds; false once the server has closed the connection.
    bool read()
    {
        char buffer[64 << 10];
        while (m_fd >= 0 && !m_ended) {
            const ssize_t got = ::recv(m_fd, buffer, sizeof buffer, 0);
            if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
                break;
            if (got <= 0) {
                m_ended = true;
                break;
            }
            m_received += got;
            m_line.append(buffer, got);
            qsizetype start = 0;
            for (qsizetype end; (end = m_line.indexOf('\n', start)) >= 0; start = end + 1) {
                if (m_line.mid(start, 4) == "id: ")
                    ids.append(m_line.mid(start + 4, end - start - 4).toLongLong());
            }
            m_line.remove(0, start);
        }
        return !m_ended;
    }
    // Reads (running the event loop) until the server ends the connection or nothing came
    // for `quietMs`.
    void readUntilQuiet(int quietMs = 1000)
    {
        int large = 1 << 20; // a client that starts reading reads at speed
        ::setsockopt(m_fd, SOL_SOCKET, SO_RCVBUF, &large, sizeof large);
        QElapsedTimer quiet;
        quiet.start();
        qint64 before = m_received;
        while (read() && quiet.elapsed() < quietMs) {
            QTest::qWait(1);
            if (m_received != before) {
                before = m_received;
                quiet.restart();
            }
        }
    }
    bool ended() const { return m_ended; }

    QList<qint64> ids;

private:
    int m_fd = -1;
    bool m_ended = false;
    qint64 m_received = 0;
    QByteArray m_line;
};

QByteArray eventsRequest(const Tenant &t, qint64 after)
{
    return "GET /api/chats/sessions/" + t.sessionId.toLatin1() +
           "/events/?visitor_id=" + t.visitorId.toLatin1() + "&after=" + QByteArray::number(after) +
           " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
}

QString longText(int index)
{
    return QString::number(index) + QLatin1Char(' ') + QString(10000 - 6, QLatin1Char('x'));
}

// A request from another loopback address (the whole of 127/8 is this machine).
HttpResult callFrom(const QHostAddress &from, quint16 port, const QByteArray &raw)
{
    QTcpSocket socket;
    socket.bind(from);
    socket.connectToHost(QHostAddress::LocalHost, port);
    socket.write(raw);
    return test::readResponse(socket);
}

} // namespace

class TestStreams : public QObject
{
    Q_OBJECT

    std::unique_ptr<World> w;
    QElapsedTimer m_sinceWorld; // since the world's first visitor

    Actor visitorOf(const Tenant &t)
    {
        return {ActorKind::Visitor,
                w->chat().widgetChatForVisitor(t.sessionId, t.visitorId)->visitor.id};
    }
    qint64 newestMessageId(qint64 conversationId)
    {
        const auto newest = w->db().store().messagesNewestFirst(conversationId, 0, 1);
        return newest.isEmpty() ? 0 : newest.constFirst().id;
    }
    // Posts `count` long messages, a few per event-loop turn, reading `readers` in between.
    void postLong(qint64 conversationId, const Actor &sender, int count,
                  const QList<SlowClient *> &readers = {})
    {
        for (int i = 0; i < count; ++i) {
            MessageDraft draft;
            draft.content = longText(i);
            QVERIFY(w->chat().postMessage(conversationId, sender, draft));
            if (i % 10 == 9) {
                QTest::qWait(1);
                for (SlowClient *reader : readers)
                    reader->read();
            }
        }
    }

private Q_SLOTS:
    void init()
    {
        m_sinceWorld.start();
        w = std::make_unique<World>([](ServerConfig &config) {
            config.dailyUploadBytesPerAccount = 100 << 10;
            config.widget.creationsPerMinute = 30;
        });
    }
    void cleanup() { w.reset(); }

    // Ten event streams that never read, then 1,000 messages of 10,000 characters: every one
    // of them is dropped once its queue passes the cap, while a stream that reads gets all.
    void eventStreamsThatDoNotReadAreDropped()
    {
        const Tenant &h = w->hotel;
        const qint64 from = newestMessageId(h.widgetConversation);
        std::vector<std::unique_ptr<SlowClient>> stalled;
        for (int i = 0; i < 10; ++i)
            stalled.push_back(std::make_unique<SlowClient>(w->port(), eventsRequest(h, from)));
        SlowClient reader(w->port(), eventsRequest(h, from), 0);
        QTest::qWait(50);
        const qint64 rssBefore = rssBytes();
        postLong(h.widgetConversation, visitorOf(h), 1000, {&reader});
        QTest::qWait(100);
        const qint64 rssAfter = rssBytes();
        reader.readUntilQuiet();
        QCOMPARE(reader.ids.size(), 1000);
        QVERIFY(!reader.ended());
        for (const auto &client : stalled) {
            client->readUntilQuiet();
            QVERIFY2(client->ended(), "a stream that did not read is still open");
            QVERIFY(client->ids.size() < 1000);
        }
        qInfo("10 stalled streams, 1,000 x 10,000 characters: RSS %+lld MiB after the posts",
              (rssAfter - rssBefore) >> 20);
        QVERIFY(w->healthy());
    }

    // The cap counts memory, not bytes, but not so coarsely that a client that reads is dropped:
    // 400 short messages stored in one commit reach an events stream in one event-loop turn.
    void burstOfShortEventsReachesAReadingStream()
    {
        const Tenant &h = w->hotel;
        SlowClient reader(w->port(), eventsRequest(h, newestMessageId(h.widgetConversation)), 0);
        QTest::qWait(50);
        const Actor visitor = visitorOf(h);
        QVERIFY(w->chat().inOneCommit([&] {
            for (int i = 0; i < 400; ++i) {
                MessageDraft draft;
                draft.content = QStringLiteral("short %1").arg(i);
                if (!w->chat().postMessage(h.widgetConversation, visitor, draft))
                    return false;
            }
            return true;
        }));
        reader.readUntilQuiet();
        QVERIFY(!reader.ended());
        QCOMPARE(reader.ids.size(), 400);
    }

    // Twenty streams asking for the whole history (after=0) of 1,000 long messages hold a
    // page each, not the history: RSS stays far below 20 x 10 MB (172 MiB more before). A stream
    // that reads late still gets every message once, in order, then the live ones.
    void catchUpIsSentAsTheClientReads()
    {
        const Tenant &h = w->hotel;
        postLong(h.widgetConversation, visitorOf(h), 1000);
        QTest::qWait(50);
        const qint64 rssBefore = rssBytes();
        std::vector<std::unique_ptr<SlowClient>> stalled;
        for (int i = 0; i < 20; ++i)
            stalled.push_back(std::make_unique<SlowClient>(w->port(), eventsRequest(h, 0)));
        QTest::qWait(500);
        const qint64 held = rssBytes() - rssBefore;
        qInfo("20 catch-ups of 1,000 x 10,000 characters: RSS %+lld MiB while held", held >> 20);
        QVERIFY2(held < 100 << 20,
                 qPrintable(QStringLiteral("RSS grew by %1 MiB").arg(held >> 20)));

        // Live messages while the catch-up waits, then the client reads everything.
        postLong(h.widgetConversation, visitorOf(h), 20);
        SlowClient &late = *stalled.front();
        late.readUntilQuiet();
        QVERIFY(!late.ended());
        const QList<Message> all = w->db().store().messagesAfter(h.widgetConversation, 0, 5000);
        QList<qint64> expected;
        for (const Message &m : all)
            expected.append(m.id);
        QCOMPARE(late.ids.size(), expected.size());
        QCOMPARE(late.ids, expected);
        stalled.clear();
        QVERIFY(w->healthy());
    }

    // 450 direct messages of 10,000 characters: both parties still connect and get the
    // history (it was queued in one turn, past the 4 MiB cap, and every connect got EOF).
    void directHistoryGoesOutAsTheSocketDrains()
    {
        const Tenant &h = w->hotel;
        const auto conversation = w->chat().openDirectConversation(h.admin, h.staff);
        QVERIFY(conversation);
        for (int i = 0; i < 450; ++i) {
            MessageDraft draft;
            draft.content = longText(i);
            QVERIFY(w->chat().postMessage(conversation->id,
                                          i % 2 ? h.staff.actor() : h.admin.actor(), draft));
        }
        for (const auto &[me, peer, token] : {std::tuple{h.admin, h.staff, h.adminToken},
                                              std::tuple{h.staff, h.admin, h.staffToken}}) {
            RawWebSocket ws(w->port(), "/ws/chat/" + QByteArray::number(peer.id) +
                                           "/?token=" + token.toLatin1());
            QCOMPARE(ws.status(), 101);
            int received = 0;
            while (const auto frame = ws.next(3000)) {
                const QJsonObject message = QJsonDocument::fromJson(frame->payload).object();
                QCOMPARE(message.value(u"content").toString(), longText(received));
                if (++received == 450)
                    break;
            }
            QCOMPARE(received, 450);
            // Then live, on the same socket.
            ws.sendText(compact({{"message", "still here"}}));
            const auto echo = ws.nextJson(QStringLiteral("message"), QStringLiteral("still here"));
            QVERIFY(echo);
            QCOMPARE(echo->value(u"sender_id").toInteger(), me.id);
        }
    }

    // 20,000 typing frames on one v1 socket reach the others a bounded number of times, the
    // last state winning; on the direct socket typing is not relayed at all.
    void typingFloodsAreCoalesced()
    {
        const Tenant &h = w->hotel;
        const QByteArray chatId = QByteArray::number(h.appConversation);
        RawWebSocket staff(w->port(), "/api/v1/chat/ws/chat/user?token=" + h.adminToken.toLatin1());
        RawWebSocket customer(w->port(),
                              "/api/v1/chat/ws/chat/customer?token=" + h.customerToken.toLatin1());
        QVERIFY(staff.nextJson(QStringLiteral("type"), QStringLiteral("connected")));
        QVERIFY(customer.nextJson(QStringLiteral("type"), QStringLiteral("connected")));
        staff.sendText(R"({"type": "join_chat", "chat_id": )" + chatId + "}");
        customer.sendText(R"({"type": "join_chat", "chat_id": )" + chatId + "}");
        QVERIFY(staff.nextJson(QStringLiteral("type"), QStringLiteral("user_joined")));

        QElapsedTimer flood;
        flood.start();
        for (int i = 0; i < 20000; ++i) {
            const bool typingNow = i % 2 == 0 && i != 19999; // the last one says "stopped"
            customer.sendText(R"({"type": "typing", "chat_id": )" + chatId + R"(, "is_typing": )" +
                              (typingNow ? "true" : "false") + "}");
            if (i % 1000 == 999)
                QTest::qWait(1);
        }
        QVERIFY(w->healthy());
        int typing = 0;
        bool last = true;
        while (const auto frame = staff.next(1500)) {
            const QJsonObject event = QJsonDocument::fromJson(frame->payload).object();
            if (event.value(u"type").toString() == u"typing") {
                ++typing;
                last = event.value(u"is_typing").toBool();
            }
        }
        const qint64 elapsed = flood.elapsed();
        qInfo("20,000 typing frames in %lld ms: %d relayed", elapsed, typing);
        QVERIFY(typing >= 1);
        // 300 ms apart, with room for a coarse timer firing a little early.
        QVERIFY2(typing <= elapsed / 250 + 2, qPrintable(QString::number(typing)));
        QCOMPARE(last, false);

        RawWebSocket direct(w->port(), "/ws/chat/" + QByteArray::number(h.staff.id) +
                                           "/?token=" + h.adminToken.toLatin1());
        RawWebSocket peer(w->port(), "/ws/chat/" + QByteArray::number(h.admin.id) +
                                         "/?token=" + h.staffToken.toLatin1());
        QCOMPARE(direct.status(), 101);
        QCOMPARE(peer.status(), 101);
        while (peer.next(300)) {
        } // its history, if any
        for (int i = 0; i < 20000; ++i)
            direct.sendText(R"({"typing": true})");
        QVERIFY(w->healthy());
        QVERIFY(!peer.next(500));
    }

    // The daily upload quota, counted from the uploads table: refused with 429 and
    // Retry-After once the day's bytes would pass it, allowed again the next day.
    void uploadsHaveADailyQuota()
    {
        const Tenant &h = w->hotel;
        const QByteArray pdf = "%PDF-1.4\n" + QByteArray(40 << 10, 'p');
        const auto upload = [&](const QString &token) {
            QByteArray contentType;
            const QByteArray body = w->multipart("notes.pdf", pdf, &contentType);
            return w->call(
                "POST", "/api/v1/chat/upload", body,
                {{"Authorization", "Bearer " + token.toLatin1()}, {"Content-Type", contentType}});
        };
        QCOMPARE(upload(h.customerToken).status, 201);
        QCOMPARE(upload(h.customerToken).status, 201);
        const HttpResult refused = upload(h.customerToken);
        QCOMPARE(refused.status, 429);
        QVERIFY2(shapeProblem("/api/v1/chat/upload", refused).isEmpty(), refused.body.constData());
        QVERIFY(refused.json().value(u"detail").toString().contains(u"Daily upload limit"));
        const int retryAfter = refused.header("retry-after").toInt();
        QVERIFY(retryAfter > 0 && retryAfter <= 24 * 60 * 60);
        // Another account has its own quota.
        QCOMPARE(upload(h.customer2Token).status, 201);

        // The next day: yesterday's uploads no longer count.
        QSqlQuery query(w->db().store().database().handle());
        QVERIFY(query.prepare(QStringLiteral(
            "UPDATE uploads SET created_at = created_at - 86400000 WHERE owner_id = ?")));
        query.addBindValue(h.customer.id);
        QVERIFY(query.exec());
        QCOMPARE(upload(h.customerToken).status, 201);
    }

    // Widget visitors and sessions: twice the per-minute figure at once per address, then
    // 429 with Retry-After in the widget's shape; another address is not affected.
    void widgetCreationIsRateLimitedPerAddress()
    {
        const QByteArray request = "POST /api/chats/visitors/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                   "Content-Type: application/json\r\nContent-Length: 2\r\n"
                                   "Connection: close\r\n\r\n{}";
        int created = 0;
        HttpResult last;
        for (int i = 0; i < 100; ++i) {
            last = callFrom(QHostAddress::LocalHost, w->port(), request);
            if (last.status != 201)
                break;
            ++created;
        }
        // The world made two visitors and two sessions from this address; a token comes back
        // every 2 s.
        const qint64 refilled = m_sinceWorld.elapsed() / 2000 + 1;
        QVERIFY2(created >= 60 - 4 && created <= 60 - 4 + refilled,
                 qPrintable(QString::number(created)));
        QCOMPARE(last.status, 429);
        QVERIFY2(shapeProblem("/api/chats/visitors/", last).isEmpty(), last.body.constData());
        QVERIFY(last.header("retry-after").toInt() >= 1);
        const HttpResult session =
            w->callJson("POST", "/api/chats/sessions/", {{"visitor_id", w->hotel.visitorId}});
        QCOMPARE(session.status, 429);
        QCOMPARE(callFrom(QHostAddress(QStringLiteral("127.0.0.2")), w->port(), request).status,
                 201);
    }

    void rateLimiterIsPerAddressAndRefills()
    {
        http::AddressRateLimiter limiter(30, 60);
        const QHostAddress a(QStringLiteral("203.0.113.7"));
        const QHostAddress b(QStringLiteral("203.0.113.8"));
        for (int i = 0; i < 60; ++i)
            QCOMPARE(limiter.take(a, 1000), 0);
        QCOMPARE(limiter.take(a, 1000), 2); // one token every 2 s
        QCOMPARE(limiter.take(b, 1000), 0);
        QCOMPARE(limiter.take(a, 3000), 0);
        QVERIFY(limiter.take(a, 3000) > 0);
        // IPv4-mapped IPv6 is the IPv4 client; one IPv6 /64 is one client.
        QVERIFY(limiter.take(QHostAddress(QStringLiteral("::ffff:203.0.113.7")), 3000) > 0);
        const QHostAddress v6a(QStringLiteral("2001:db8:1:2::1"));
        const QHostAddress v6b(QStringLiteral("2001:db8:1:2:ffff::9"));
        for (int i = 0; i < 60; ++i)
            QCOMPARE(limiter.take(v6a, 0), 0);
        QVERIFY(limiter.take(v6b, 0) > 0);
        QCOMPARE(limiter.take(QHostAddress(QStringLiteral("2001:db8:1:3::1")), 0), 0);
        QCOMPARE(http::AddressRateLimiter(0, 0).take(a, 0), 0); // 0: no limit
    }

    // A token with padding on its signature (or any part) is a second spelling: 401.
    void paddedTokensAreRefused()
    {
        const Tenant &h = w->hotel;
        const QString padded = h.customerToken + QStringLiteral("=");
        QCOMPARE(w->call("GET", "/api/v1/chat/chats/customer", {}, World::bearer(h.customerToken))
                     .status,
                 200);
        const HttpResult refused =
            w->call("GET", "/api/v1/chat/chats/customer", {}, World::bearer(padded));
        QCOMPARE(refused.status, 401);
        QVERIFY(shapeProblem("/api/v1/chat/chats/customer", refused).isEmpty());
        RawWebSocket direct(w->port(), "/ws/chat/" + QByteArray::number(h.staff.id) + "/?token=" +
                                           (h.adminToken + QStringLiteral("=")).toLatin1());
        QCOMPARE(direct.status(), 401);
    }
};

QTEST_GUILESS_MAIN(TestStreams)
#include "tst_streams.moc"
