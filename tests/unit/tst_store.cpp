#include "testsupport.h"

#include <QTest>

using namespace lobby::chat;
using lobby::test::TestDatabase;

// Round trips: what goes into the store comes back field for field.
class TestStore : public QObject
{
    Q_OBJECT

    static QDateTime at(qint64 ms) { return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC); }

private Q_SLOTS:
    void sitesAndAccounts()
    {
        TestDatabase db;
        const Site site = db.site(QStringLiteral("salon-one"));
        QCOMPARE(db.store().siteBySlug(QStringLiteral("salon-one"))->id, site.id);
        QVERIFY(!db.store().siteBySlug(QStringLiteral("nope")));

        Account a;
        a.siteId = site.id;
        a.kind = AccountKind::Staff;
        a.role = StaffRole::Admin;
        a.email = QStringLiteral("Boss@Salon.Example");
        a.name = QStringLiteral("Bo Ss");
        a.jobTitle = QStringLiteral("Manager");
        a.passwordHash = QStringLiteral("$argon2id$...");
        const auto created = db.chat().createAccount(a);
        QVERIFY(created);
        const auto read = db.store().accountByEmail(QStringLiteral("BOSS@salon.example"));
        QVERIFY(read);
        QCOMPARE(read->id, created->id);
        QCOMPARE(read->email, QStringLiteral("boss@salon.example"));
        QCOMPARE(read->role, StaffRole::Admin);
        QCOMPARE(read->jobTitle, QStringLiteral("Manager"));
        QCOMPARE(read->passwordHash, QStringLiteral("$argon2id$..."));
        QVERIFY(read->phone.isEmpty());
        QCOMPARE(db.store().accountsOfSite(site.id, AccountKind::Staff).size(), 1);
        QCOMPARE(db.store().accountsOfSite(site.id, AccountKind::Customer).size(), 0);

        const Account customer = db.customer(site.id, QStringLiteral("c@x.example"),
                                             QStringLiteral("+353 (1) 234-5678"));
        QCOMPARE(db.store().accountByPhone(QStringLiteral("+35312345678"))->id, customer.id);
        // Staff and customers share one id space.
        QVERIFY(customer.id != created->id);
    }

    void roomsAndGuestSessions()
    {
        TestDatabase db;
        const Site site = db.site();
        const auto room =
            db.chat().createRoom(site.id, QStringLiteral("205"), QStringLiteral("pinhash"));
        QVERIFY(room);
        QCOMPARE(db.store().roomByNumber(site.id, QStringLiteral("205"))->pinHash,
                 QStringLiteral("pinhash"));
        QVERIFY(db.store().updateRoomPin(room->id, QStringLiteral("new")));
        QCOMPARE(db.store().roomById(room->id)->pinHash, QStringLiteral("new"));

        NewConversation request;
        request.siteId = site.id;
        request.kind = ConversationKind::Room;
        request.roomId = room->id;
        request.title = QStringLiteral("Room 205");
        const auto conversation = db.chat().openConversation(request);
        GuestSession session{0, site.id, room->id, conversation->id, at(1000), at(2000), {}};
        const auto id = db.store().insertGuestSession(session, QStringLiteral("tokenhash"));
        QVERIFY(id);
        auto read = db.store().guestSessionByTokenHash(QStringLiteral("tokenhash"));
        QCOMPARE(read->conversationId, conversation->id);
        QCOMPARE(read->expiresAt, at(2000));
        QVERIFY(!read->endedAt.isValid());
        QVERIFY(db.store().endGuestSessionsOfRoom(room->id, at(1500)));
        QCOMPARE(db.store().guestSessionByTokenHash(QStringLiteral("tokenhash"))->endedAt,
                 at(1500));
        QCOMPARE(db.store().conversationById(conversation->id)->roomId, room->id);
    }

    void visitorsAndWidgetSessions()
    {
        TestDatabase db;
        const Site site = db.site();
        Visitor v{0, QStringLiteral("3f2c7a7e-0000-4000-8000-000000000001"), at(10), at(10),
                  QJsonObject{{"lang", "en"}}};
        const auto visitorId = db.store().insertVisitor(v);
        QVERIFY(visitorId);
        QCOMPARE(db.store().visitorByPublicId(v.publicId)->metadata.value("lang").toString(),
                 QStringLiteral("en"));
        QVERIFY(db.store().touchVisitor(*visitorId, at(99)));
        QCOMPARE(db.store().visitorById(*visitorId)->lastSeenAt, at(99));

        WidgetSession s;
        s.publicId = QStringLiteral("sess-1");
        s.visitorId = *visitorId;
        s.createdAt = at(10);
        s.expiresAt = at(20);
        const auto sessionId = db.store().insertWidgetSession(s);
        auto read = db.store().widgetSessionByPublicId(QStringLiteral("sess-1"));
        QCOMPARE(read->visitorId, *visitorId);
        QCOMPARE(read->siteId, 0);
        QVERIFY(read->active);
        QVERIFY(read->externalUserId.isEmpty());

        NewConversation request;
        request.siteId = site.id;
        request.kind = ConversationKind::Widget;
        request.title = QStringLiteral("Website visitor");
        const auto conversation = db.chat().openConversation(request);
        QVERIFY(db.store().bindWidgetSession(*sessionId, site.id, conversation->id));
        read = db.store().widgetSessionByPublicId(QStringLiteral("sess-1"));
        QCOMPARE(read->siteId, site.id);
        QCOMPARE(read->conversationId, conversation->id);
        QCOMPARE(db.store().conversationById(conversation->id)->widgetSessionId, *sessionId);
    }

    void apiKeysAndFaq()
    {
        TestDatabase db;
        const Site site = db.site();
        const auto key = db.chat().createApiKey(site.id, QStringLiteral("Website"),
                                                QStringLiteral("lobby_abc"), QStringLiteral("h1"));
        QVERIFY(key);
        QCOMPARE(db.store().apiKeyByHash(QStringLiteral("h1"))->label, QStringLiteral("Website"));
        QVERIFY(!db.store().apiKeyByHash(QStringLiteral("h1"))->revokedAt.isValid());
        QVERIFY(db.store().revokeApiKey(key->id, at(5)));
        QCOMPARE(db.store().apiKeyByHash(QStringLiteral("h1"))->revokedAt, at(5));
        QCOMPARE(db.store().apiKeysOfSite(site.id).size(), 1);

        QVERIFY(
            db.chat().addFaqEntry(site.id, QStringLiteral("Breakfast?"), QStringLiteral("7-10")));
        const auto faq = db.store().faqOfSite(site.id);
        QCOMPARE(faq.size(), 1);
        QCOMPARE(faq.constFirst().answer, QStringLiteral("7-10"));
    }

    void messagesPageForwardAndBackward()
    {
        TestDatabase db;
        const Site site = db.site();
        const Account staff = db.staff(site.id, QStringLiteral("s@x.example"));
        NewConversation request;
        request.siteId = site.id;
        request.title = QStringLiteral("Paging");
        const auto conversation = db.chat().openConversation(request);
        QList<qint64> ids;
        for (int i = 0; i < 10; ++i) {
            MessageDraft draft;
            draft.content = QString::number(i);
            draft.type = i == 3 ? MessageType::Image : MessageType::Text;
            draft.mediaUrl = i == 3 ? QStringLiteral("/uploads/chat/x.jpg") : QString();
            draft.entityType = i == 4 ? QStringLiteral("appointment") : QString();
            draft.entityId = i == 4 ? QStringLiteral("77") : QString();
            ids << db.chat().postMessage(conversation->id, staff.actor(), draft)->message.id;
        }
        const auto after = db.store().messagesAfter(conversation->id, ids.at(6), 50);
        QCOMPARE(after.size(), 3);
        QCOMPARE(after.constFirst().id, ids.at(7));
        const auto newest = db.store().messagesBefore(conversation->id, 0, 4);
        QCOMPARE(newest.size(), 4);
        QCOMPARE(newest.constFirst().id, ids.at(6));
        QCOMPARE(newest.constLast().id, ids.at(9));
        const auto older = db.store().messagesBefore(conversation->id, ids.at(6), 4);
        QCOMPARE(older.constFirst().id, ids.at(2));
        QCOMPARE(older.constLast().id, ids.at(5));
        const Message image = older.at(1);
        QCOMPARE(image.type, MessageType::Image);
        QCOMPARE(image.mediaUrl, QStringLiteral("/uploads/chat/x.jpg"));
        QCOMPARE(older.at(2).entityType, QStringLiteral("appointment"));
        QCOMPARE(older.at(2).entityId, QStringLiteral("77"));
        QCOMPARE(image.sender, staff.actor());
        QCOMPARE(db.store().messageCount(conversation->id), 10);
    }

    void sqlValuesAreBoundNotSpliced()
    {
        TestDatabase db;
        const QString hostile = QStringLiteral("x'); DROP TABLE sites; --");
        const Site site = db.site();
        QVERIFY(db.chat().addFaqEntry(site.id, hostile, hostile));
        QCOMPARE(db.store().faqOfSite(site.id).constFirst().question, hostile);
        QVERIFY(!db.store().siteBySlug(hostile));
        QCOMPARE(db.store().sites().size(), 1);
    }
};

QTEST_GUILESS_MAIN(TestStore)
#include "tst_store.moc"
