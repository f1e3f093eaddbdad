#include "auth/crypto.h"
#include "auth/passwords.h"
#include "lobbyserver.h"
#include "testsupport.h"
#include "ui/conversationlistmodel.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QTcpSocket>
#include <QTest>
#include <QUuid>

using namespace lobby;
using namespace lobby::chat;
using lobby::test::HttpResult;
using lobby::test::request;

// The widget family over loopback, as the widget guide and its changes guide describe it.
class TestWidget : public QObject
{
    Q_OBJECT

    std::unique_ptr<test::TestDatabase> m_db;
    std::unique_ptr<LobbyServer> m_server;
    quint16 m_port = 0;
    Site m_site;
    Account m_staff;
    QByteArray m_key;
    QByteArray m_otherSiteKey;

    QByteArray keyFor(qint64 siteId)
    {
        const auth::NewApiKey key = auth::generateApiKey();
        m_db->chat().createApiKey(siteId, QStringLiteral("test"), key.prefix, key.hash);
        return key.key.toLatin1();
    }

    HttpResult post(const QByteArray &path, const QJsonObject &body,
                    const QList<QPair<QByteArray, QByteArray>> &headers = {})
    {
        return request(m_port, "POST", path, QJsonDocument(body).toJson(QJsonDocument::Compact),
                       headers);
    }

    QString newVisitor()
    {
        return post("/api/chats/visitors/", {}).json()["data"].toObject()["id"].toString();
    }

    QString newSession(const QString &visitorId)
    {
        return post("/api/chats/sessions/", {{"visitor_id", visitorId}})
            .json()["data"]
            .toObject()["id"]
            .toString();
    }

    HttpResult chat(const QString &session, const QString &visitor, const QString &message,
                    const QByteArray &key)
    {
        return post("/api/chats/messages/chat/",
                    {{"message", message}, {"session_id", session}, {"visitor_id", visitor}},
                    {{"X-API-Key", key}});
    }

    // An SSE response read as it arrives.
    struct Stream
    {
        QTcpSocket socket;
        QByteArray received;

        void open(quint16 port, const QByteArray &method, const QByteArray &path,
                  const QByteArray &body = {}, const QByteArray &key = {})
        {
            socket.connectToHost(QHostAddress::LocalHost, port);
            QByteArray raw = method + ' ' + path + " HTTP/1.1\r\nHost: x\r\n";
            if (!key.isEmpty())
                raw += "X-API-Key: " + key + "\r\n";
            if (!body.isEmpty())
                raw += "Content-Type: application/json\r\nContent-Length: " +
                       QByteArray::number(body.size()) + "\r\n";
            socket.write(raw + "\r\n" + body);
        }
        // The JSON of every "data:" line received so far.
        QList<QJsonObject> events()
        {
            received += socket.readAll();
            QList<QJsonObject> result;
            static const QRegularExpression data(QStringLiteral("data: (\\{.*\\})"));
            auto it = data.globalMatch(QString::fromUtf8(received));
            while (it.hasNext())
                result << QJsonDocument::fromJson(it.next().captured(1).toUtf8()).object();
            return result;
        }
        bool done() { return !events().isEmpty() && events().constLast()["done"].toBool(); }
        QString text()
        {
            QString joined;
            for (const QJsonObject &e : events())
                joined += e["chunk"].toString();
            return joined;
        }
    };

    QByteArray chatBody(const QString &session, const QString &visitor, const QString &message)
    {
        return QJsonDocument(QJsonObject{{"message", message},
                                         {"session_id", session},
                                         {"visitor_id", visitor}})
            .toJson(QJsonDocument::Compact);
    }

    // POST /chat/stream/ with a question, read as it arrives.
    void askStreamed(Stream &stream, const QString &session, const QString &visitor,
                     const QString &question)
    {
        stream.open(m_port, "POST", "/api/chats/messages/chat/stream/",
                    chatBody(session, visitor, question), m_key);
    }

    qint64 conversationOf(const QString &session)
    {
        return m_db->store().widgetSessionByPublicId(session)->conversationId;
    }

    bool staffReply(qint64 conversation, const QString &text)
    {
        MessageDraft reply;
        reply.content = text;
        return bool(m_db->chat().postMessage(conversation, m_staff.actor(), reply));
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_db = std::make_unique<test::TestDatabase>();
        m_site = m_db->site(QStringLiteral("hotel-widget"));
        m_staff = m_db->staff(m_site.id, QStringLiteral("desk@widget.example"));
        m_db->chat().addFaqEntry(m_site.id, QStringLiteral("What time is breakfast served?"),
                                 QStringLiteral("Breakfast is served in the Garden Room from 7:00 "
                                                "to 10:30 every day."));
        m_db->chat().addFaqEntry(m_site.id, QStringLiteral("When is check-out?"),
                                 QStringLiteral("Check-out is at 11:00."));
        m_key = keyFor(m_site.id);
        m_otherSiteKey = keyFor(m_db->site(QStringLiteral("other-site")).id);
        ServerConfig config;
        config.jwtSecret = QByteArray(48, 'w');
        config.widget.chunkIntervalMs = 30;
        config.widget.handoffWaitMs = 3000;
        // This suite creates far more visitors from 127.0.0.1 than a page would; the creation
        // limit has its own tests (tst_streams).
        config.widget.creationsPerMinute = 0;
        m_server = std::make_unique<LobbyServer>(m_db->chat(), config);
        QString error;
        QVERIFY2(m_server->listen(QHostAddress::LocalHost, 0, &error), qPrintable(error));
        m_port = m_server->http().port();
    }

    void cleanupTestCase()
    {
        m_server.reset();
        m_db.reset();
    }

    void createVisitor()
    {
        const auto result =
            post("/api/chats/visitors/", {{"metadata", QJsonObject{{"page", "/"}}}});
        QCOMPARE(result.status, 201);
        const QJsonObject body = result.json();
        QCOMPARE(body["success"], QJsonValue(true));
        QCOMPARE(body["message"].toString(),
                 QStringLiteral("Visitor created successfully. Use this visitor_id to create "
                                "sessions and send chat messages."));
        const QJsonObject data = body["data"].toObject();
        QVERIFY(!QUuid::fromString(data["id"].toString()).isNull());
        QVERIFY(QDateTime::fromString(data["created_at"].toString(), Qt::ISODateWithMs).isValid());
        QCOMPARE(data["last_seen_at"], data["created_at"]);
        QCOMPARE(data["metadata"].toObject()["page"].toString(), QStringLiteral("/"));
        QVERIFY(m_db->store().visitorByPublicId(data["id"].toString()));
        // An empty body is an empty object.
        QCOMPARE(request(m_port, "POST", "/api/chats/visitors/").status, 201);
    }

    void createVisitorRefusesBadInput()
    {
        const auto notObject = post("/api/chats/visitors/", {{"metadata", "text"}});
        QCOMPARE(notObject.status, 400);
        QCOMPARE(notObject.json()["success"], QJsonValue(false));
        // null is no object either: the document says metadata is an object.
        const auto null = post("/api/chats/visitors/", {{"metadata", QJsonValue::Null}});
        QCOMPARE(null.status, 400);
        QCOMPARE(null.json()["message"].toString(),
                 QStringLiteral("metadata must be a JSON object."));
        QCOMPARE(request(m_port, "POST", "/api/chats/visitors/", "{nope").status, 400);
        const QJsonObject huge{{"metadata", QJsonObject{{"x", QString(5000, QLatin1Char('x'))}}}};
        QCOMPARE(post("/api/chats/visitors/", huge).status, 400);
    }

    void validateVisitor()
    {
        const QString id = newVisitor();
        const QString before =
            m_db->store().visitorByPublicId(id)->lastSeenAt.toString(Qt::ISODateWithMs);
        QTest::qWait(5);
        const auto result =
            request(m_port, "GET", "/api/chats/visitors/" + id.toLatin1() + "/validate/");
        QCOMPARE(result.status, 200);
        QCOMPARE(result.json()["message"].toString(), QStringLiteral("Visitor ID is valid"));
        QCOMPARE(result.json()["data"].toObject()["id"].toString(), id);
        QVERIFY(result.json()["data"].toObject()["last_seen_at"].toString() != before);
    }

    void validateUnknownOrMalformedVisitorIs404_data()
    {
        QTest::addColumn<QByteArray>("id");
        QTest::newRow("unknown uuid") << QByteArray("00000000-0000-4000-8000-000000000000");
        QTest::newRow("malformed") << QByteArray("not-a-uuid");
        QTest::newRow("sql") << QByteArray("x'%20OR%20'1'='1");
    }

    void validateUnknownOrMalformedVisitorIs404()
    {
        QFETCH(QByteArray, id);
        const auto result = request(m_port, "GET", "/api/chats/visitors/" + id + "/validate/");
        QCOMPARE(result.status, 404);
        QCOMPARE(result.json()["success"], QJsonValue(false));
        QVERIFY(result.json()["message"].toString().endsWith(
            QStringLiteral("does not exist. Please create a visitor first via POST "
                           "/api/chats/visitors/")));
    }

    void createSessions()
    {
        const QString visitor = newVisitor();
        const auto result = post("/api/chats/sessions/", {{"visitor_id", visitor}});
        QCOMPARE(result.status, 201);
        QCOMPARE(result.json()["message"].toString(), QStringLiteral("Created successfully"));
        const QJsonObject data = result.json()["data"].toObject();
        QVERIFY(!QUuid::fromString(data["id"].toString()).isNull());
        QCOMPARE(data["visitor"].toObject()["id"].toString(), visitor);
        QVERIFY(data["external_user_id"].isNull());
        QCOMPARE(data["is_active"], QJsonValue(true));
        const QDateTime created =
            QDateTime::fromString(data["created_at"].toString(), Qt::ISODateWithMs);
        const QDateTime expires =
            QDateTime::fromString(data["expires_at"].toString(), Qt::ISODateWithMs);
        QCOMPARE(created.secsTo(expires), 24 * 60 * 60);
        QVERIFY(data["metadata"].isObject());
        // A visitor may have many sessions.
        const QString second = newSession(visitor);
        QVERIFY(!second.isEmpty() && second != data["id"].toString());
        const auto withUser =
            post("/api/chats/sessions/", {{"visitor_id", visitor}, {"external_user_id", "crm-7"}});
        QCOMPARE(withUser.json()["data"].toObject()["external_user_id"].toString(),
                 QStringLiteral("crm-7"));
    }

    void createSessionRefusesMissingOrUnknownVisitor()
    {
        const auto missing = post("/api/chats/sessions/", {});
        QCOMPARE(missing.status, 400);
        QCOMPARE(missing.json()["message"].toString(), QStringLiteral("visitor_id is required."));
        const auto unknown = post("/api/chats/sessions/", {{"visitor_id", "invalid-uuid"}});
        QCOMPARE(unknown.status, 400);
        QCOMPARE(unknown.json()["message"].toString(),
                 QStringLiteral("Visitor with ID 'invalid-uuid' does not exist. Please create a "
                                "visitor first via POST /api/chats/visitors/"));
        QCOMPARE(post("/api/chats/sessions/", {{"visitor_id", 42}}).status, 400);
    }

    void chatAnswersFromTheFaqAndStoresBothMessages()
    {
        const QString visitor = newVisitor();
        const QString session = newSession(visitor);
        const auto result =
            chat(session, visitor, QStringLiteral("What time is breakfast?"), m_key);
        QCOMPARE(result.status, 200);
        QCOMPARE(result.json()["success"], QJsonValue(true));
        const QJsonObject data = result.json()["data"].toObject();
        QVERIFY(data["response"].toString().startsWith(QStringLiteral("Breakfast is served")));
        QCOMPARE(data["session_id"].toString(), session);
        const qint64 messageId = data["message_id"].toString().toLongLong();
        const qint64 responseId = data["response_id"].toString().toLongLong();
        QVERIFY(messageId > 0 && responseId > messageId);
        QCOMPARE(m_db->store().messageById(messageId)->content,
                 QStringLiteral("What time is breakfast?"));
        QCOMPARE(m_db->store().messageById(responseId)->sender.kind, ActorKind::Assistant);
        // The conversation is in the staff inbox of the key's site.
        const auto session_ = m_db->store().widgetSessionByPublicId(session);
        QCOMPARE(session_->siteId, m_site.id);
        const auto conversation = m_db->store().conversationById(session_->conversationId);
        QCOMPARE(conversation->kind, ConversationKind::Widget);
        QCOMPARE(conversation->siteId, m_site.id);
    }

    // The visitor seen, the message and the answer: one durable commit, whose events (the
    // staff inbox's and the other families') come after it.
    void aChatTurnIsOneCommit()
    {
        const QString visitor = newVisitor();
        const QString session = newSession(visitor);
        QList<qint64> commitsAtEvents;
        const auto connection =
            connect(&m_db->chat(), &ChatService::event, this, [&](const DomainEvent &event) {
                if (event.kind == DomainEvent::Kind::MessagePosted)
                    commitsAtEvents.append(m_db->store().commitCount());
            });
        const qint64 before = m_db->store().commitCount();
        QCOMPARE(chat(session, visitor, QStringLiteral("What time is breakfast?"), m_key).status,
                 200);
        disconnect(connection);
        QCOMPARE(m_db->store().commitCount(), before + 1);
        QCOMPARE(commitsAtEvents, QList<qint64>({before + 1, before + 1}));
    }

    void chatAcceptsTheKeyAsBearer()
    {
        const QString visitor = newVisitor();
        const auto result = post("/api/chats/messages/chat/",
                                 {{"message", "When is check-out?"},
                                  {"session_id", newSession(visitor)},
                                  {"visitor_id", visitor}},
                                 {{"Authorization", "Bearer " + m_key}});
        QCOMPARE(result.status, 200);
        QCOMPARE(result.json()["data"].toObject()["response"].toString(),
                 QStringLiteral("Check-out is at 11:00."));
    }

    void chatRefusals_data()
    {
        QTest::addColumn<QString>("which");
        QTest::addColumn<int>("status");
        QTest::newRow("no key") << QStringLiteral("no key") << 401;
        QTest::newRow("wrong key") << QStringLiteral("wrong key") << 401;
        QTest::newRow("revoked key") << QStringLiteral("revoked key") << 401;
        QTest::newRow("unknown session") << QStringLiteral("unknown session") << 404;
        QTest::newRow("unknown visitor") << QStringLiteral("unknown visitor") << 404;
        QTest::newRow("another visitor's session") << QStringLiteral("other visitor") << 403;
        QTest::newRow("expired session") << QStringLiteral("expired") << 410;
        QTest::newRow("another site's key") << QStringLiteral("other site") << 403;
        QTest::newRow("no message") << QStringLiteral("no message") << 400;
        QTest::newRow("message not a string") << QStringLiteral("number message") << 400;
        QTest::newRow("message too long") << QStringLiteral("long message") << 400;
    }

    void chatRefusals()
    {
        QFETCH(QString, which);
        QFETCH(int, status);
        const QString visitor = newVisitor();
        QString session = newSession(visitor);
        QByteArray key = m_key;
        QJsonObject body{{"message", "breakfast?"}, {"visitor_id", visitor}};
        QList<QPair<QByteArray, QByteArray>> headers;
        if (which == u"wrong key")
            key = "lobby_wrong";
        if (which == u"revoked key") {
            const auth::NewApiKey revoked = auth::generateApiKey();
            const auto stored = m_db->chat().createApiKey(m_site.id, QStringLiteral("old"),
                                                          revoked.prefix, revoked.hash);
            m_db->store().revokeApiKey(stored->id, QDateTime::currentDateTimeUtc());
            key = revoked.key.toLatin1();
        }
        if (which == u"unknown session")
            session = QUuid::createUuid().toString(QUuid::WithoutBraces);
        if (which == u"unknown visitor")
            body["visitor_id"] = QUuid::createUuid().toString(QUuid::WithoutBraces);
        if (which == u"other visitor")
            session = newSession(newVisitor());
        if (which == u"expired") {
            QSqlQuery expire(m_db->database().handle());
            QVERIFY(expire.exec(QStringLiteral("UPDATE widget_sessions SET expires_at = 0 "
                                               "WHERE public_id = '%1'")
                                    .arg(session)));
        }
        if (which == u"other site") {
            QCOMPARE(chat(session, visitor, QStringLiteral("hi"), m_otherSiteKey).status, 200);
        }
        if (which == u"no message")
            body.remove(QStringLiteral("message"));
        if (which == u"number message")
            body["message"] = 12;
        if (which == u"long message")
            body["message"] = QString(ChatService::maxMessageLength + 1, QLatin1Char('a'));
        body["session_id"] = session;
        if (which != u"no key")
            headers = {{"X-API-Key", key}};
        const int before = m_db->store().conversationsOfSite(m_site.id).size();
        const auto result = post("/api/chats/messages/chat/", body, headers);
        QCOMPARE(result.status, status);
        QCOMPARE(result.json()["success"], QJsonValue(false));
        QVERIFY(!result.json()["message"].toString().isEmpty());
        QCOMPARE(m_db->store().conversationsOfSite(m_site.id).size(), before);
        // The stream endpoint refuses the same way, with a JSON body, before streaming.
        const auto streamed = post("/api/chats/messages/chat/stream/", body, headers);
        QCOMPARE(streamed.status, status);
        QVERIFY(streamed.header("content-type").startsWith("application/json"));
    }

    void aRetryWithTheSameClientIdIsAnsweredOnce()
    {
        const QString visitor = newVisitor();
        const QString session = newSession(visitor);
        const QJsonObject body{{"message", "breakfast?"},
                               {"session_id", session},
                               {"visitor_id", visitor},
                               {"client_message_id", "m-1"}};
        const auto first = post("/api/chats/messages/chat/", body, {{"X-API-Key", m_key}});
        const auto retry = post("/api/chats/messages/chat/", body, {{"X-API-Key", m_key}});
        QCOMPARE(retry.json()["data"], first.json()["data"]);
        const auto conversation = conversationOf(session);
        QCOMPARE(m_db->store().messageCount(conversation), 2);
    }

    void withoutAConfidentAnswerTheChatGoesToStaff()
    {
        const QString visitor = newVisitor();
        const QString session = newSession(visitor);
        const auto result =
            chat(session, visitor, QStringLiteral("Could you send extra towels?"), m_key);
        QCOMPARE(result.status, 200);
        const QJsonObject data = result.json()["data"].toObject();
        QCOMPARE(data["handoff"], QJsonValue(true));
        QVERIFY(data["response"].toString().contains(QStringLiteral("our team")));
        const auto summaries = m_db->chat().conversationSummaries(m_site.id, m_staff.actor());
        const auto conversationId = conversationOf(session);
        const auto row = std::find_if(summaries.cbegin(), summaries.cend(), [&](const auto &s) {
            return s.conversation.id == conversationId;
        });
        QVERIFY(row != summaries.cend());
        QCOMPARE(row->unreadCount, 2); // the visitor's question and the holding message
    }

    void streamingArrivesInPiecesBeforeItEnds()
    {
        const QString visitor = newVisitor();
        const QString session = newSession(visitor);
        Stream stream;
        askStreamed(stream, session, visitor, QStringLiteral("what time is breakfast"));
        QTRY_VERIFY(!stream.events().isEmpty());
        QVERIFY(stream.received.contains("Content-Type: text/event-stream"));
        QVERIFY(!stream.done()); // a first piece is there while the rest is still coming
        QTRY_VERIFY(stream.done());
        const QList<QJsonObject> events = stream.events();
        QVERIFY(events.size() >= 3);
        QCOMPARE(stream.text(),
                 QStringLiteral("Breakfast is served in the Garden Room from 7:00 to "
                                "10:30 every day."));
        for (int i = 0; i + 1 < events.size(); ++i)
            QCOMPARE(events.at(i)["done"], QJsonValue(false));
        QVERIFY(events.constLast()["response_id"].toString().toLongLong() > 0);
        QTRY_VERIFY(stream.received.endsWith("0\r\n\r\n"));
    }

    void handoffDeliversTheStaffReplyThroughTheOpenStream()
    {
        const QString visitor = newVisitor();
        const QString session = newSession(visitor);
        Stream stream;
        askStreamed(stream, session, visitor, QStringLiteral("I need extra pillows please"));
        QTRY_VERIFY(!stream.events().isEmpty());
        QCOMPARE(stream.events().constFirst()["handoff"], QJsonValue(true));
        QVERIFY(!stream.done());
        const qint64 conversation = conversationOf(session);
        QVERIFY(m_db->chat().setTyping(conversation, m_staff.actor(), true));
        QTRY_VERIFY(stream.events().constLast()["typing"].toBool());
        const QString reply = QStringLiteral("Of course, two pillows are on their way to you now.");
        QVERIFY(staffReply(conversation, reply));
        QTRY_VERIFY(stream.done());
        QCOMPARE(stream.text(), reply);
        QCOMPARE(stream.events().constLast()["from"].toString(), QStringLiteral("staff"));
    }

    void handoffWithoutAReplyClosesWithTheHoldingMessage()
    {
        const QString visitor = newVisitor();
        const QString session = newSession(visitor);
        Stream stream;
        askStreamed(stream, session, visitor, QStringLiteral("Is the minibar restocked daily?"));
        QTRY_VERIFY_WITH_TIMEOUT(stream.done(), 10000);
        QVERIFY(stream.text().contains(QStringLiteral("our team")));
        const qint64 conversation = conversationOf(session);
        const auto stored = m_db->store().messagesAfter(conversation, 0, 10);
        QCOMPARE(stored.size(), 2);
        QCOMPARE(stored.constLast().sender.kind, ActorKind::Assistant);
    }

    // Every stream ends with the ids of the question and of its answer, whoever answered.
    void theLastEventOfEveryStreamCarriesTheIds_data()
    {
        QTest::addColumn<QString>("question");
        QTest::addColumn<bool>("staffAnswers");
        QTest::newRow("faq answer") << QStringLiteral("what time is breakfast") << false;
        QTest::newRow("staff reply") << QStringLiteral("Can you book me a taxi at nine?") << true;
        QTest::newRow("holding message") << QStringLiteral("Do you sell stamps?") << false;
    }

    void theLastEventOfEveryStreamCarriesTheIds()
    {
        QFETCH(QString, question);
        QFETCH(bool, staffAnswers);
        const QString visitor = newVisitor();
        const QString session = newSession(visitor);
        Stream stream;
        askStreamed(stream, session, visitor, question);
        QTRY_VERIFY(!stream.events().isEmpty());
        if (staffAnswers)
            QVERIFY(staffReply(conversationOf(session), QStringLiteral("A taxi at nine, booked.")));
        QTRY_VERIFY_WITH_TIMEOUT(stream.done(), 10000);
        const QJsonObject last = stream.events().constLast();
        QCOMPARE(last["session_id"].toString(), session);
        const auto stored = m_db->store().messagesAfter(conversationOf(session), 0, 10);
        QCOMPARE(stored.size(), 2);
        QCOMPARE(last["message_id"].toString(), QString::number(stored.at(0).id));
        QCOMPARE(last["response_id"].toString(), QString::number(stored.at(1).id));
        if (staffAnswers) {
            for (const QJsonObject &event : stream.events().mid(1)) // each piece is staff's
                QCOMPARE(event["from"].toString(), QStringLiteral("staff"));
            QCOMPARE(last["staff_name"].toString(), m_staff.name);
        }
    }

    // A visitor may write while an earlier message still waits for staff.
    void aSecondTurnIsAnsweredWhileAHandoffWaits()
    {
        const QString visitor = newVisitor();
        const QString session = newSession(visitor);
        Stream waiting;
        askStreamed(waiting, session, visitor, QStringLiteral("Could you wake us at six?"));
        QTRY_VERIFY(!waiting.events().isEmpty());
        QCOMPARE(waiting.events().constFirst()["handoff"], QJsonValue(true));
        Stream next;
        askStreamed(next, session, visitor, QStringLiteral("When is check-out?"));
        QTRY_VERIFY(next.done());
        QCOMPARE(next.text(), QStringLiteral("Check-out is at 11:00."));
        QVERIFY(!waiting.done());
        const auto answered = chat(session, visitor, QStringLiteral("breakfast time"), m_key);
        QCOMPARE(answered.status, 200);
    }

    void siteInfoNamesTheSiteOfTheKeyAndGreets()
    {
        const auto info = request(m_port, "GET", "/api/chats/site/", {}, {{"X-API-Key", m_key}});
        QCOMPARE(info.status, 200);
        const QJsonObject data = info.json()["data"].toObject();
        QCOMPARE(data["name"].toString(), m_site.name);
        QVERIFY(data["greeting"].toString().startsWith(
            QStringLiteral("Welcome to %1!").arg(m_site.name)));
        QCOMPARE(data["assistant_name"].toString(), QStringLiteral("Assistant"));
        const auto bearer = request(m_port, "GET", "/api/chats/site/", {},
                                    {{"Authorization", "Bearer " + m_otherSiteKey}});
        QCOMPARE(bearer.json()["data"].toObject()["name"].toString(),
                 m_db->store().siteBySlug(QStringLiteral("other-site"))->name);
        const auto missing = request(m_port, "GET", "/api/chats/site/");
        QCOMPARE(missing.status, 401);
        QCOMPARE(missing.json()["success"], QJsonValue(false));
        QCOMPARE(request(m_port, "GET", "/api/chats/site/", {}, {{"X-API-Key", "nope"}}).status,
                 401);
    }

    // The visitor is online while its events stream (or a chat stream) is open. The widget
    // listens before its first message, when the session has no site yet: the console's row
    // for the conversation that message creates must still light up, and go dark after.
    void anOpenStreamMarksTheVisitorOnline()
    {
        ui::ConversationListModel inbox;
        inbox.setViewer(m_site.id, m_staff.actor());
        inbox.resetConversations(m_db->chat().conversationSummaries(m_site.id, m_staff.actor()));
        const auto feed = connect(&m_db->chat(), &ChatService::event, &inbox,
                                  [&](const DomainEvent &e) { inbox.applyEvents({e}); });
        const QString visitor = newVisitor();
        const QString session = newSession(visitor);
        const Actor actor{ActorKind::Visitor, m_db->store().visitorByPublicId(visitor)->id};
        auto events = std::make_unique<Stream>();
        events->open(m_port, "GET",
                     QStringLiteral("/api/chats/sessions/%1/events/?visitor_id=%2")
                         .arg(session, visitor)
                         .toLatin1());
        QTRY_VERIFY((events->received += events->socket.readAll()).startsWith("HTTP/1.1 200"));
        QCOMPARE(chat(session, visitor, QStringLiteral("breakfast"), m_key).status, 200);
        const auto row = [&] {
            for (int i = 0; i < inbox.rowCount(); ++i) {
                if (inbox.data(inbox.index(i), ui::ConversationListModel::IdRole).toLongLong() ==
                    conversationOf(session))
                    return inbox.index(i);
            }
            return QModelIndex();
        };
        QVERIFY(row().isValid());
        QTRY_VERIFY(m_db->chat().isOnline(actor));
        QVERIFY(inbox.data(row(), ui::ConversationListModel::OnlineRole).toBool());
        events->socket.abort();
        QTRY_VERIFY(!m_db->chat().isOnline(actor));
        QVERIFY(!inbox.data(row(), ui::ConversationListModel::OnlineRole).toBool());

        Stream waiting;
        askStreamed(waiting, session, visitor, QStringLiteral("Could you call a doctor?"));
        QTRY_VERIFY(!waiting.events().isEmpty());
        QVERIFY(m_db->chat().isOnline(actor));
        QVERIFY(inbox.data(row(), ui::ConversationListModel::OnlineRole).toBool());
        waiting.socket.abort();
        QTRY_VERIFY(!m_db->chat().isOnline(actor));
        disconnect(feed);
    }

    void laterRepliesAreFetchedWithAfter()
    {
        const QString visitor = newVisitor();
        const QString session = newSession(visitor);
        const auto answered = chat(session, visitor, QStringLiteral("Please call me back"), m_key);
        const qint64 seen =
            answered.json()["data"].toObject()["response_id"].toString().toLongLong();
        const qint64 conversation = conversationOf(session);
        const QString reply = QStringLiteral("We will call you at 5pm.");
        QVERIFY(staffReply(conversation, reply));
        const auto later =
            request(m_port, "GET",
                    QStringLiteral("/api/chats/sessions/%1/messages/?visitor_id=%2&after=%3")
                        .arg(session, visitor)
                        .arg(seen)
                        .toLatin1());
        QCOMPARE(later.status, 200);
        const QJsonArray messages = later.json()["data"].toObject()["messages"].toArray();
        QCOMPARE(messages.size(), 1);
        QCOMPARE(messages.at(0)["role"].toString(), QStringLiteral("staff"));
        QCOMPARE(messages.at(0)["content"].toString(), reply);
        QCOMPARE(messages.at(0)["sender_name"].toString(), m_staff.name);
        const auto all = request(m_port, "GET",
                                 QStringLiteral("/api/chats/sessions/%1/messages/?visitor_id=%2")
                                     .arg(session, visitor)
                                     .toLatin1());
        QCOMPARE(all.json()["data"].toObject()["messages"].toArray().size(), 3);

        const auto stranger =
            request(m_port, "GET",
                    QStringLiteral("/api/chats/sessions/%1/messages/?visitor_id=%2")
                        .arg(session, newVisitor())
                        .toLatin1());
        QCOMPARE(stranger.status, 403);
        const auto badAfter =
            request(m_port, "GET",
                    QStringLiteral("/api/chats/sessions/%1/messages/?visitor_id=%2&after=-1")
                        .arg(session, visitor)
                        .toLatin1());
        QCOMPARE(badAfter.status, 400);
        // A parameter given without a value is no number (the document says an integer).
        for (const char *empty : {"&limit=", "&after="}) {
            const auto refused =
                request(m_port, "GET",
                        QStringLiteral("/api/chats/sessions/%1/messages/?visitor_id=%2")
                                .arg(session, visitor)
                                .toLatin1() +
                            empty);
            QCOMPARE(refused.status, 400);
            QCOMPARE(refused.json()["success"], QJsonValue(false));
        }
    }

    void eventsStreamCatchesUpThenGoesLive()
    {
        const QString visitor = newVisitor();
        const QString session = newSession(visitor);
        const auto answered = chat(session, visitor, QStringLiteral("breakfast"), m_key);
        const qint64 question =
            answered.json()["data"].toObject()["message_id"].toString().toLongLong();
        Stream events;
        events.open(m_port, "GET",
                    QStringLiteral("/api/chats/sessions/%1/events/?visitor_id=%2&after=%3")
                        .arg(session, visitor)
                        .arg(question)
                        .toLatin1());
        QTRY_COMPARE(events.events().size(), 1); // the assistant's answer, after the question
        QCOMPARE(events.events().at(0)["message"].toObject()["role"].toString(),
                 QStringLiteral("assistant"));
        QVERIFY(events.received.contains("id: "));
        const qint64 conversation = conversationOf(session);
        QVERIFY(m_db->chat().setTyping(conversation, m_staff.actor(), true));
        const QString reply = QStringLiteral("Hello from the desk");
        QVERIFY(staffReply(conversation, reply));
        QTRY_COMPARE(events.events().size(), 3);
        QCOMPARE(events.events().at(1)["type"].toString(), QStringLiteral("typing"));
        QCOMPARE(events.events().at(2)["message"].toObject()["content"].toString(), reply);

        Stream stranger;
        stranger.open(m_port, "GET",
                      QStringLiteral("/api/chats/sessions/%1/events/?visitor_id=%2")
                          .arg(session, newVisitor())
                          .toLatin1());
        QTRY_VERIFY((stranger.received += stranger.socket.readAll()).startsWith("HTTP/1.1 403"));
    }

    void swaggerUiServesTheOpenApiDocument()
    {
        const auto page = request(m_port, "GET", "/api/docs/");
        QCOMPARE(page.status, 200);
        QVERIFY(page.body.contains("/static/vendor/swagger-ui/swagger-ui-bundle.js"));
        QVERIFY(page.header("content-security-policy").contains("script-src 'self'"));
        const auto bundle =
            request(m_port, "GET", "/static/vendor/swagger-ui/swagger-ui-bundle.js");
        QCOMPARE(bundle.status, 200);
        QVERIFY(bundle.header("content-type").contains("javascript"));
        QVERIFY(bundle.body.size() > 100000);

        const auto spec = request(m_port, "GET", "/api/docs/openapi.json");
        QCOMPARE(spec.status, 200);
        const QJsonObject document = spec.json();
        QVERIFY(document["openapi"].toString().startsWith(QStringLiteral("3.")));
        const QJsonArray tags = document["tags"].toArray();
        QCOMPARE(tags.at(0)["name"].toString(), QStringLiteral("Visitors"));
        QCOMPARE(tags.at(1)["name"].toString(), QStringLiteral("Sessions"));
        QCOMPARE(tags.at(2)["name"].toString(), QStringLiteral("Messages"));
        const QJsonObject paths = document["paths"].toObject();
        const QList<QPair<QString, QString>> steps = {
            {"/api/chats/visitors/", "STEP 1"},
            {"/api/chats/visitors/{id}/validate/", "STEP 1"},
            {"/api/chats/sessions/", "STEP 2"},
            {"/api/chats/messages/chat/", "STEP 3"},
            {"/api/chats/messages/chat/stream/", "STEP 3"}};
        // Every family is described.
        for (const char *path :
             {"/api/chat/{hotel_slug}/guest-session/room/{room}/initialize/",
              "/apps/{app_id}/events", "/api/v1/chat/chats", "/api/v1/chat/upload",
              "/api/auth/login/", "/api/auth/token/refresh/", "/api/chats/site/"})
            QVERIFY2(paths.contains(QLatin1String(path)), path);
        for (const auto &[path, step] : steps) {
            QVERIFY2(paths.contains(path), qPrintable(path));
            const QJsonObject operation = paths[path].toObject().begin()->toObject();
            QVERIFY2(operation["description"].toString().startsWith(step), qPrintable(path));
        }
    }

    void preflightAllowsTheWidgetHeaders()
    {
        const auto result = request(m_port, "OPTIONS", "/api/chats/messages/chat/stream/", {},
                                    {{"Origin", "https://hotel.example"},
                                     {"Access-Control-Request-Method", "POST"},
                                     {"Access-Control-Request-Headers", "content-type,x-api-key"}});
        QCOMPARE(result.status, 204);
        QCOMPARE(result.header("access-control-allow-origin"), QByteArray("*"));
        QVERIFY(result.header("access-control-allow-headers").toLower().contains("x-api-key"));
    }
};

QTEST_GUILESS_MAIN(TestWidget)
#include "tst_widget.moc"
