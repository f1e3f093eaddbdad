#include "auth/passwords.h"
#include "lobbyserver.h"
#include "testsupport.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>
#include <QWebSocket>

using namespace lobby;
using namespace lobby::chat;
using lobby::test::HttpResult;

namespace {

using Headers = QList<QPair<QByteArray, QByteArray>>;

QJsonArray jsonArray(const HttpResult &result)
{
    return QJsonDocument::fromJson(result.body).array();
}

// A v1 WebSocket that keeps every frame.
class WsClient : public QObject
{
public:
    explicit WsClient(const QString &url)
    {
        connect(&ws, &QWebSocket::textMessageReceived, this, [this](const QString &text) {
            frames.append(QJsonDocument::fromJson(text.toUtf8()).object());
        });
        ws.open(QUrl(url));
    }
    void send(const QJsonObject &frame)
    {
        ws.sendTextMessage(QString::fromUtf8(QJsonDocument(frame).toJson(QJsonDocument::Compact)));
    }
    std::optional<QJsonObject> waitFor(const QString &type)
    {
        QDeadlineTimer deadline(5000);
        while (!deadline.hasExpired()) {
            for (qsizetype i = consumed; i < frames.size(); ++i) {
                if (frames[i].value(u"type").toString() == type) {
                    consumed = i + 1;
                    return frames[i];
                }
            }
            QTest::qWait(5);
        }
        return std::nullopt;
    }
    int count(const QString &type) const
    {
        return int(std::count_if(frames.cbegin(), frames.cend(), [&type](const QJsonObject &f) {
            return f.value(u"type").toString() == type;
        }));
    }
    bool mentions(const QString &text) const
    {
        for (const QJsonObject &f : frames) {
            if (QJsonDocument(f).toJson().contains(text.toUtf8()))
                return true;
        }
        return false;
    }

    QWebSocket ws;
    QList<QJsonObject> frames;
    qsizetype consumed = 0;
};

} // namespace

// The front desk's workflow over the app API v1 (staff JWT), on a real server over loopback.
class TestWorkflowApi : public QObject
{
    Q_OBJECT

    std::unique_ptr<test::TestDatabase> m_db;
    std::unique_ptr<LobbyServer> m_server;
    quint16 m_port = 0;
    Site m_site, m_otherSite;
    Account m_staff, m_colleague, m_customer, m_otherStaff;
    QString m_staffToken, m_colleagueToken, m_customerToken, m_otherStaffToken;
    Room m_room;

    Account account(qint64 siteId, AccountKind kind, const QString &email)
    {
        return test::createAccount(m_db->chat(), {.siteId = siteId,
                                                  .kind = kind,
                                                  .email = email,
                                                  .name = email.section(u'@', 0, 0),
                                                  .passwordHash = auth::hashPassword("pw-12345")});
    }

    HttpResult call(const QByteArray &method, const QByteArray &path, const QString &token = {},
                    const QJsonObject &body = {})
    {
        const QByteArray bytes =
            method == "POST" ? QJsonDocument(body).toJson(QJsonDocument::Compact) : QByteArray();
        Headers headers;
        if (!token.isEmpty())
            headers.append({"Authorization", "Bearer " + token.toLatin1()});
        return test::request(m_port, method, path, bytes, headers);
    }

    QString login(const QByteArray &path, const QString &email)
    {
        const HttpResult r = call("POST", path, {}, {{"email", email}, {"password", "pw-12345"}});
        if (r.status != 200)
            qFatal("login: %d %s", r.status, r.body.constData());
        return r.json().value(u"access_token").toString();
    }

    QString wsUrl(const QString &path) const
    {
        return QStringLiteral("ws://127.0.0.1:%1%2").arg(m_port).arg(path);
    }

    qint64 customerChat(const QString &text)
    {
        const HttpResult r = call("POST", "/api/v1/chat/chats/customer", m_customerToken,
                                  {{"user_id", m_staff.id}, {"initial_message", text}});
        if (r.status != 201)
            qFatal("chat: %d %s", r.status, r.body.constData());
        return r.json().value(u"id").toInteger();
    }

    QByteArray chatPath(qint64 id, const QByteArray &tail)
    {
        return "/api/v1/chat/chats/" + QByteArray::number(id) + tail;
    }

    QString inOneHour() const
    {
        return QDateTime::currentDateTimeUtc().addSecs(3600).toString(Qt::ISODateWithMs);
    }

    QJsonObject guestSession(const QString &pin)
    {
        const auto r = call("POST", "/api/chat/hotel-test/guest-session/room/205/initialize/", {},
                            {{"pin", pin}});
        if (r.status != 200)
            qWarning("initialize: %d %s", r.status, r.body.constData());
        return r.json();
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_db = std::make_unique<test::TestDatabase>();
        m_site = m_db->site(QStringLiteral("hotel-test"));
        m_otherSite = m_db->site(QStringLiteral("other-hotel"));
        m_staff = account(m_site.id, AccountKind::Staff, QStringLiteral("desk@one.test"));
        m_colleague = account(m_site.id, AccountKind::Staff, QStringLiteral("night@one.test"));
        m_customer = account(m_site.id, AccountKind::Customer, QStringLiteral("alex@one.test"));
        m_otherStaff = account(m_otherSite.id, AccountKind::Staff, QStringLiteral("desk@two.test"));
        m_room = m_db->chat()
                     .createRoom(m_site.id, QStringLiteral("205"), auth::hashPassword("1111"))
                     .value();

        ServerConfig config;
        config.jwtSecret = QByteArray(48, 'k');
        config.uploadsDir = m_db->folder() + QStringLiteral("/uploads");
        m_server = std::make_unique<LobbyServer>(m_db->chat(), config);
        QString error;
        QVERIFY2(m_server->listen(QHostAddress::LocalHost, 0, &error), qPrintable(error));
        m_port = m_server->http().port();
        m_staffToken = login("/api/v1/auth/login", QStringLiteral("desk@one.test"));
        m_colleagueToken = login("/api/v1/auth/login", QStringLiteral("night@one.test"));
        m_otherStaffToken = login("/api/v1/auth/login", QStringLiteral("desk@two.test"));
        m_customerToken = login("/api/v1/customer-auth/login", QStringLiteral("alex@one.test"));
    }

    void cleanupTestCase()
    {
        m_server.reset();
        m_db.reset();
    }

    void chatObjectsCarryStatusAndWaitingTime()
    {
        const qint64 id = customerChat(QStringLiteral("Can I move my appointment?"));
        const auto list = jsonArray(call("GET", "/api/v1/chat/chats", m_staffToken));
        QJsonObject chat;
        for (const QJsonValue &value : list) {
            if (value[u"id"].toInteger() == id)
                chat = value.toObject();
        }
        QCOMPARE(chat.value(u"status").toString(), u"open");
        QVERIFY(chat.value(u"snoozed_until").isNull());
        // The customer's message waits for an answer.
        QVERIFY(QDateTime::fromString(chat.value(u"waiting_since").toString(), Qt::ISODateWithMs)
                    .isValid());
    }

    void statusIsSetAndValidated()
    {
        const qint64 id = customerChat(QStringLiteral("Hello"));
        auto r = call("POST", chatPath(id, "/status"), m_staffToken, {{"status", "pending"}});
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json().value(u"id").toInteger(), id);
        QCOMPARE(r.json().value(u"status").toString(), u"pending");

        const QString until = inOneHour();
        r = call("POST", chatPath(id, "/status"), m_staffToken,
                 {{"status", "snoozed"}, {"snoozed_until", until}});
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json().value(u"status").toString(), u"snoozed");
        QCOMPARE(
            QDateTime::fromString(r.json().value(u"snoozed_until").toString(), Qt::ISODateWithMs),
            QDateTime::fromString(until, Qt::ISODateWithMs));

        QCOMPARE(call("POST", chatPath(id, "/status"), m_staffToken, {{"status", "later"}}).status,
                 422);
        QCOMPARE(
            call("POST", chatPath(id, "/status"), m_staffToken, {{"status", "snoozed"}}).status,
            422);
        QCOMPARE(call("POST", chatPath(id, "/status"), m_staffToken,
                      {{"status", "snoozed"}, {"snoozed_until", "2001-01-01T00:00:00Z"}})
                     .status,
                 422);
        QCOMPARE(call("POST", chatPath(id, "/status"), m_staffToken,
                      {{"status", "snoozed"}, {"snoozed_until", "tomorrow"}})
                     .status,
                 422);
        QCOMPARE(
            call("POST", chatPath(id, "/status"), m_otherStaffToken, {{"status", "open"}}).status,
            404);
        QCOMPARE(
            call("POST", chatPath(999999, "/status"), m_staffToken, {{"status", "open"}}).status,
            404);
        QCOMPARE(
            call("POST", chatPath(id, "/status"), m_customerToken, {{"status", "resolved"}}).status,
            403);
        QCOMPARE(call("POST", chatPath(id, "/status"), {}, {{"status", "resolved"}}).status, 401);
        // Nothing of the refused ones was stored.
        QCOMPARE(m_db->store().conversationById(id)->status, ConversationStatus::Snoozed);
    }

    void theListFiltersByStatus()
    {
        const qint64 resolved = customerChat(QStringLiteral("Thanks, all good"));
        QCOMPARE(call("POST", chatPath(resolved, "/status"), m_staffToken, {{"status", "resolved"}})
                     .status,
                 200);
        const auto ids = [this](const QByteArray &query) {
            QSet<qint64> out;
            for (const QJsonValue &v :
                 jsonArray(call("GET", "/api/v1/chat/chats" + query, m_staffToken))) {
                if (v[u"status"].toString() != QLatin1String(query.mid(8)) && !query.isEmpty())
                    out.insert(-1); // a chat of another status slipped through
                out.insert(v[u"id"].toInteger());
            }
            return out;
        };
        QVERIFY(ids("?status=resolved").contains(resolved));
        QVERIFY(!ids("?status=resolved").contains(-1));
        QVERIFY(!ids("?status=open").contains(resolved));
        QVERIFY(!ids("?status=open").contains(-1));
        QVERIFY(ids("").contains(resolved));
        QCOMPARE(call("GET", "/api/v1/chat/chats?status=bogus", m_staffToken).status, 422);
    }

    void staffSocketsHearEveryStatusChange()
    {
        const qint64 id = customerChat(QStringLiteral("Is the pool open?"));
        // Neither socket joined the chat: status changes go to all staff of the site.
        WsClient colleague(wsUrl("/api/v1/chat/ws/chat/user?token=" + m_colleagueToken));
        WsClient other(wsUrl("/api/v1/chat/ws/chat/user?token=" + m_otherStaffToken));
        WsClient customer(wsUrl("/api/v1/chat/ws/chat/customer?token=" + m_customerToken));
        QVERIFY(colleague.waitFor(QStringLiteral("connected")));
        QVERIFY(other.waitFor(QStringLiteral("connected")));
        QVERIFY(customer.waitFor(QStringLiteral("connected")));
        customer.send({{"type", "join_chat"}, {"chat_id", id}});
        QTest::qWait(50);

        const QString until = inOneHour();
        QCOMPARE(call("POST", chatPath(id, "/status"), m_staffToken,
                      {{"status", "snoozed"}, {"snoozed_until", until}})
                     .status,
                 200);
        auto frame = colleague.waitFor(QStringLiteral("chat_status"));
        QVERIFY(frame);
        QCOMPARE(frame->value(u"chat_id").toInteger(), id);
        QCOMPARE(frame->value(u"status").toString(), u"snoozed");
        QCOMPARE(
            QDateTime::fromString(frame->value(u"snoozed_until").toString(), Qt::ISODateWithMs),
            QDateTime::fromString(until, Qt::ISODateWithMs));

        // The customer writing reopens it: staff hear that too, whoever made the change.
        customer.send({{"type", "send_message"},
                       {"chat_id", id},
                       {"content", "Hello?"},
                       {"message_type", "text"}});
        frame = colleague.waitFor(QStringLiteral("chat_status"));
        QVERIFY(frame);
        QCOMPARE(frame->value(u"status").toString(), u"open");
        QVERIFY(frame->value(u"snoozed_until").isNull());

        QVERIFY(customer.waitFor(QStringLiteral("message")));
        QCOMPARE(customer.count(QStringLiteral("chat_status")), 0);
        QCOMPARE(other.count(QStringLiteral("chat_status")), 0);
    }

    void notesAreStaffOnly()
    {
        const qint64 id = customerChat(QStringLiteral("My card was charged twice"));
        WsClient colleague(wsUrl("/api/v1/chat/ws/chat/user?token=" + m_colleagueToken));
        WsClient staff(wsUrl("/api/v1/chat/ws/chat/user?token=" + m_staffToken));
        WsClient customer(wsUrl("/api/v1/chat/ws/chat/customer?token=" + m_customerToken));
        for (WsClient *client : {&colleague, &staff, &customer})
            QVERIFY(client->waitFor(QStringLiteral("connected")));
        for (WsClient *client : {&colleague, &staff, &customer})
            client->send({{"type", "join_chat"}, {"chat_id", id}});
        QTest::qWait(50);
        const qint64 unreadBefore = m_db->store().unreadCount(id, m_customer.actor());

        const QString secret = QStringLiteral("Refund approved by the manager, do not mention it");
        auto r = call("POST", chatPath(id, "/notes"), m_staffToken,
                      {{"content", secret}, {"mentions", QJsonArray{m_colleague.id}}});
        QCOMPARE(r.status, 201);
        const QJsonObject note = r.json();
        QVERIFY(note.value(u"id").toInteger() > 0);
        QCOMPARE(note.value(u"chat_id").toInteger(), id);
        QCOMPARE(note.value(u"author_id").toInteger(), m_staff.id);
        QCOMPARE(note.value(u"author_name").toString(), u"desk");
        QCOMPARE(note.value(u"content").toString(), secret);
        QCOMPARE(note.value(u"mentions").toArray(), QJsonArray{m_colleague.id});
        QVERIFY(note.value(u"created_at").isString());

        // The mentioned colleague hears of it; the author (not mentioned) does not.
        const auto mention = colleague.waitFor(QStringLiteral("mention"));
        QVERIFY(mention);
        QCOMPARE(mention->value(u"chat_id").toInteger(), id);
        QCOMPARE(mention->value(u"note").toObject().value(u"content").toString(), secret);
        QCOMPARE(staff.count(QStringLiteral("mention")), 0);

        // A second note and the list, oldest first.
        QCOMPARE(
            call("POST", chatPath(id, "/notes"), m_colleagueToken, {{"content", "Done"}}).status,
            201);
        const auto notes = jsonArray(call("GET", chatPath(id, "/notes"), m_staffToken));
        QCOMPARE(notes.size(), 2);
        QCOMPARE(notes.at(0)[u"content"].toString(), secret);
        QCOMPARE(notes.at(1)[u"content"].toString(), u"Done");
        QVERIFY(notes.at(1)[u"mentions"].toArray().isEmpty());

        // The customer: no frame, no history, no unread count, no access.
        customer.send({{"type", "send_message"},
                       {"chat_id", id},
                       {"content", "Any news?"},
                       {"message_type", "text"}});
        QVERIFY(customer.waitFor(QStringLiteral("message")));
        QVERIFY(!customer.mentions(secret));
        QCOMPARE(customer.count(QStringLiteral("mention")), 0);
        const auto history = call("GET", chatPath(id, "/messages"), m_customerToken);
        QCOMPARE(history.status, 200);
        QVERIFY(!history.body.contains(secret.toUtf8()));
        QVERIFY(!call("GET", "/api/v1/chat/chats/customer", m_customerToken)
                     .body.contains(secret.toUtf8()));
        QCOMPARE(m_db->store().unreadCount(id, m_customer.actor()), unreadBefore);
        QCOMPARE(call("GET", chatPath(id, "/notes"), m_customerToken).status, 403);
        QCOMPARE(call("POST", chatPath(id, "/notes"), m_customerToken, {{"content", "x"}}).status,
                 403);
    }

    void notesAreValidated()
    {
        const qint64 id = customerChat(QStringLiteral("Hi"));
        QCOMPARE(call("POST", chatPath(id, "/notes"), m_staffToken, {}).status, 422);
        QCOMPARE(call("POST", chatPath(id, "/notes"), m_staffToken, {{"content", "  "}}).status,
                 422);
        QCOMPARE(call("POST", chatPath(id, "/notes"), m_staffToken,
                      {{"content", "x"}, {"mentions", "everyone"}})
                     .status,
                 422);
        QCOMPARE(call("POST", chatPath(id, "/notes"), m_staffToken,
                      {{"content", "x"}, {"mentions", QJsonArray{m_otherStaff.id}}})
                     .status,
                 422);
        QCOMPARE(call("POST", chatPath(id, "/notes"), m_staffToken,
                      {{"content", "x"}, {"mentions", QJsonArray{m_customer.id}}})
                     .status,
                 422);
        QCOMPARE(call("POST", chatPath(id, "/notes"), m_staffToken,
                      {{"content", QString(ChatService::maxNoteLength + 1, u'x')}})
                     .status,
                 422);
        QCOMPARE(call("POST", chatPath(id, "/notes"), m_otherStaffToken, {{"content", "x"}}).status,
                 404);
        QCOMPARE(call("GET", chatPath(id, "/notes"), m_otherStaffToken).status, 404);
        QVERIFY(jsonArray(call("GET", chatPath(id, "/notes"), m_staffToken)).isEmpty());
    }

    void aGuestNeverSeesANote()
    {
        const QJsonObject guest = guestSession(QStringLiteral("1111"));
        const QByteArray token = guest.value(u"session_token").toString().toLatin1();
        const qint64 conversation = guest.value(u"conversation_id").toInteger();
        QVERIFY(conversation > 0);
        QCOMPARE(call("POST",
                      "/api/chat/hotel-test/conversations/" + QByteArray::number(conversation) +
                          "/messages/send/",
                      {},
                      {{"message", "Late check-out possible?"},
                       {"sender_type", "guest"},
                       {"session_token", QString::fromLatin1(token)}})
                     .status,
                 201);
        const QString secret = QStringLiteral("Guest complained twice, offer a discount");
        QCOMPARE(call("POST", chatPath(conversation, "/notes"), m_staffToken, {{"content", secret}})
                     .status,
                 201);
        const auto history =
            call("GET", "/api/chat/hotel-test/conversations/" + QByteArray::number(conversation) +
                            "/messages/?session_token=" + token);
        QCOMPARE(history.status, 200);
        QVERIFY(!history.body.contains(secret.toUtf8()));
        QCOMPARE(call("GET", "/api/chat/guest-session/" + token + "/unread-count/")
                     .json()
                     .value(u"unread_count")
                     .toInt(),
                 0);
    }

    void handoverTellsTheNextShift()
    {
        QTest::qSleep(2); // the notes of the tests before are older than `since`
        const QString since = QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs);
        const qint64 waiting = customerChat(QStringLiteral("Still no towels"));
        const qint64 snoozed = customerChat(QStringLiteral("Call me at six"));
        QCOMPARE(call("POST", chatPath(snoozed, "/status"), m_staffToken,
                      {{"status", "snoozed"}, {"snoozed_until", inOneHour()}})
                     .status,
                 200);
        const qint64 later = customerChat(QStringLiteral("Next week"));
        QCOMPARE(call("POST", chatPath(later, "/status"), m_staffToken,
                      {{"status", "snoozed"},
                       {"snoozed_until",
                        QDateTime::currentDateTimeUtc().addDays(3).toString(Qt::ISODate)}})
                     .status,
                 200);
        QCOMPARE(call("POST", chatPath(waiting, "/notes"), m_staffToken,
                      {{"content", "Housekeeping knows"}})
                     .status,
                 201);
        const auto r = call("GET", "/api/v1/handover?since=" + since.toLatin1(), m_staffToken);
        QCOMPARE(r.status, 200);
        const auto ids = [](const QJsonArray &list) {
            QSet<qint64> out;
            for (const QJsonValue &v : list)
                out.insert(v[u"chat_id"].toInteger());
            return out;
        };
        const QJsonObject body = r.json();
        QVERIFY(ids(body.value(u"open").toArray()).contains(waiting));
        QVERIFY(!ids(body.value(u"open").toArray()).contains(snoozed));
        QVERIFY(ids(body.value(u"snoozes_ending").toArray()).contains(snoozed));
        QVERIFY(!ids(body.value(u"snoozes_ending").toArray()).contains(later));
        const QJsonArray notes = body.value(u"notes").toArray();
        QCOMPARE(notes.size(), 1);
        QCOMPARE(notes.at(0)[u"content"].toString(), u"Housekeeping knows");
        for (const QJsonValue &v : body.value(u"open").toArray()) {
            if (v[u"chat_id"].toInteger() == waiting)
                QVERIFY(v[u"waiting_seconds"].toInteger() >= 0);
        }
        QCOMPARE(call("GET", "/api/v1/handover?since=yesterday", m_staffToken).status, 422);
        QCOMPARE(call("GET", "/api/v1/handover", m_customerToken).status, 403);
        // Another site's handover has none of this site's notes.
        QVERIFY(call("GET", "/api/v1/handover?since=" + since.toLatin1(), m_otherStaffToken)
                    .json()
                    .value(u"notes")
                    .toArray()
                    .isEmpty());
    }

    void checkOutFromTheApi()
    {
        const QJsonObject guest = guestSession(QStringLiteral("1111"));
        const qint64 conversation = guest.value(u"conversation_id").toInteger();
        QCOMPARE(call("POST", "/api/v1/rooms/205/check-out", m_customerToken).status, 403);
        QCOMPARE(call("POST", "/api/v1/rooms/999/check-out", m_staffToken).status, 404);
        QCOMPARE(call("POST", "/api/v1/rooms/205/check-out", m_otherStaffToken).status, 404);
        QCOMPARE(call("POST", "/api/v1/rooms/205/check-out", m_staffToken, {{"pin", "12"}}).status,
                 422);
        auto r = call("POST", "/api/v1/rooms/205/check-out", m_staffToken, {{"pin", "4321"}});
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json().value(u"room_number").toString(), u"205");
        QCOMPARE(r.json().value(u"new_pin").toString(), u"4321");
        QVERIFY(r.json().value(u"ended_sessions").toInt() >= 1);
        const Conversation after = *m_db->store().conversationById(conversation);
        QVERIFY(after.archived);
        QCOMPARE(after.status, ConversationStatus::Resolved);
        // The old PIN is gone, the new one opens the room for the next guest.
        QCOMPARE(call("POST", "/api/chat/hotel-test/guest-session/room/205/initialize/", {},
                      {{"pin", "1111"}})
                     .status,
                 401);
        QVERIFY(guestSession(QStringLiteral("4321")).value(u"conversation_id").toInteger() !=
                conversation);

        // Without a PIN, a random one that is not the room's current one.
        r = call("POST", "/api/v1/rooms/205/check-out", m_staffToken);
        QCOMPARE(r.status, 200);
        const QString pin = r.json().value(u"new_pin").toString();
        QVERIFY(auth::isValidPin(pin));
        QVERIFY(pin != u"4321");
        QCOMPARE(r.json().value(u"ended_sessions").toInt(), 1);
        QVERIFY(auth::verifyPassword(m_db->store().roomById(m_room.id)->pinHash, pin));
    }
};

QTEST_GUILESS_MAIN(TestWorkflowApi)
#include "tst_workflowapi.moc"
