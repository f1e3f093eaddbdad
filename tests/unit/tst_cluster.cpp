// Several instances on one PostgreSQL: two (or three) ChatServices over their own connections
// to one test schema, each with a ClusterBridge, as two `lobby` processes would have.
#include "chat/clusterbridge.h"
#include "store/migrations.h"
#include "testsupport.h"

#include <QSignalSpy>
#include <QSqlQuery>
#include <QTest>

using namespace lobby;
using namespace lobby::chat;

namespace {

// One instance: its own connection, store, ChatService and bridge.
struct Instance
{
    std::unique_ptr<store::Database> database;
    std::unique_ptr<store::Store> store;
    std::unique_ptr<ChatService> chat;
    std::unique_ptr<ClusterBridge> bridge;

    explicit Instance(const test::ScratchDatabase &scratch)
    {
        static int counter = 0;
        database = std::make_unique<store::Database>(QStringLiteral("instance-%1").arg(++counter));
        QString error;
        if (!database->open(scratch.config(), &error) ||
            !store::Migrator(*database).migrate(&error))
            qFatal("instance: %s", qPrintable(error));
        store = std::make_unique<store::Store>(*database);
        chat = std::make_unique<ChatService>(*store);
        bridge = std::make_unique<ClusterBridge>(*chat, *store, scratch.config());
        if (!bridge->start(&error))
            qFatal("bridge: %s", qPrintable(error));
    }
};

DomainEvent eventAt(const QSignalSpy &spy, int i)
{
    return spy.at(i).at(0).value<DomainEvent>();
}

// How many events of `spy` came from the other instance.
qsizetype remoteCount(const QSignalSpy &spy, DomainEvent::Kind kind)
{
    qsizetype count = 0;
    for (int i = 0; i < spy.count(); ++i) {
        const DomainEvent event = eventAt(spy, i);
        count += event.kind == kind && event.remote;
    }
    return count;
}

// The events of `spy` (remote or not) of one kind.
QList<DomainEvent> eventsOf(const QSignalSpy &spy, DomainEvent::Kind kind)
{
    QList<DomainEvent> found;
    for (int i = 0; i < spy.count(); ++i) {
        if (eventAt(spy, i).kind == kind)
            found << eventAt(spy, i);
    }
    return found;
}

} // namespace

class TestCluster : public QObject
{
    Q_OBJECT

    std::unique_ptr<test::ScratchDatabase> m_scratch;
    std::unique_ptr<Instance> m_a;
    std::unique_ptr<Instance> m_b;
    Site m_site;
    Account m_staff;
    Account m_customer;
    Conversation m_conversation;

private Q_SLOTS:
    void init()
    {
        if (test::testServerUrl().isEmpty())
            QSKIP("needs PostgreSQL (LOBBY_TEST_DATABASE)");
        m_scratch = std::make_unique<test::ScratchDatabase>();
        m_a = std::make_unique<Instance>(*m_scratch);
        m_b = std::make_unique<Instance>(*m_scratch);
        m_site =
            m_a->chat
                ->createSite(QStringLiteral("hotel-one"), QStringLiteral("One"), SiteKind::Hotel)
                .value();
        m_staff = test::createAccount(*m_a->chat, {.siteId = m_site.id,
                                                   .kind = AccountKind::Staff,
                                                   .email = QStringLiteral("desk@one.example"),
                                                   .name = QStringLiteral("Desk")});
        m_customer = test::createAccount(*m_a->chat, {.siteId = m_site.id,
                                                      .kind = AccountKind::Customer,
                                                      .email = QStringLiteral("guest@one.example"),
                                                      .name = QStringLiteral("Guest")});
        NewConversation request;
        request.siteId = m_site.id;
        request.title = QStringLiteral("Support");
        request.participants = {m_customer.actor()};
        m_conversation = m_a->chat->openConversation(request).value();
    }

    void cleanup()
    {
        m_b.reset();
        m_a.reset();
        m_scratch.reset();
    }

    void messagePostedOnOneInstanceIsAnnouncedOnTheOther()
    {
        QSignalSpy onA(m_a->chat.get(), &ChatService::event);
        QSignalSpy onB(m_b->chat.get(), &ChatService::event);
        MessageDraft draft;
        draft.content = QStringLiteral("Is breakfast included?");
        const auto posted = m_a->chat->postMessage(m_conversation.id, m_customer.actor(), draft);
        QVERIFY(posted);
        QTRY_COMPARE(eventsOf(onB, DomainEvent::Kind::MessagePosted).size(), 1);
        const DomainEvent remote = eventsOf(onB, DomainEvent::Kind::MessagePosted).constFirst();
        QVERIFY(remote.remote);
        QCOMPARE(remote.conversationId, m_conversation.id);
        QCOMPARE(remote.siteId, m_site.id);
        QCOMPARE(remote.messageId, posted->message.id);
        QCOMPARE(remote.message.content, draft.content);
        QCOMPARE(remote.message.sender, m_customer.actor());
        QCOMPARE(remote.conversation.lastMessageId, posted->message.id);
        QCOMPARE(remote.actor, m_customer.actor());

        // B's own answer goes back to A, and nothing is echoed to where it came from.
        draft.content = QStringLiteral("Yes, from 7 to 10.");
        QVERIFY(m_b->chat->postMessage(m_conversation.id, m_staff.actor(), draft));
        QTRY_COMPARE(eventsOf(onA, DomainEvent::Kind::MessagePosted).size(), 2);
        const auto onAPosts = eventsOf(onA, DomainEvent::Kind::MessagePosted);
        QVERIFY(!onAPosts.at(0).remote);
        QVERIFY(onAPosts.at(1).remote);
        QCOMPARE(onAPosts.at(1).message.content, draft.content);
        // The first staff answer took the conversation: announced on A too.
        QTRY_VERIFY(!eventsOf(onA, DomainEvent::Kind::ConversationUpdated).isEmpty());
        QCOMPARE(eventsOf(onA, DomainEvent::Kind::ConversationUpdated)
                     .constLast()
                     .conversation.handlerAccountId,
                 m_staff.id);
        // Notifications of one instance arrive in order: once each side's typing is on the
        // other, so would be any (wrong) echo sent before it.
        QVERIFY(m_a->chat->setTyping(m_conversation.id, m_customer.actor(), true));
        QTRY_COMPARE(remoteCount(onB, DomainEvent::Kind::Typing), 1);
        QVERIFY(m_b->chat->setTyping(m_conversation.id, m_staff.actor(), true));
        QTRY_COMPARE(remoteCount(onA, DomainEvent::Kind::Typing), 1);
        QCOMPARE(eventsOf(onB, DomainEvent::Kind::MessagePosted).size(), 2);
        QCOMPARE(eventsOf(onA, DomainEvent::Kind::MessagePosted).size(), 2);
    }

    void typingAndReadsTravel()
    {
        QSignalSpy onB(m_b->chat.get(), &ChatService::event);
        QVERIFY(m_a->chat->setTyping(m_conversation.id, m_customer.actor(), true));
        QTRY_COMPARE(eventsOf(onB, DomainEvent::Kind::Typing).size(), 1);
        const DomainEvent typing = eventsOf(onB, DomainEvent::Kind::Typing).constFirst();
        QVERIFY(typing.remote);
        QVERIFY(typing.flag);
        QCOMPARE(typing.actor, m_customer.actor());
        QCOMPARE(typing.conversationId, m_conversation.id);

        MessageDraft draft;
        draft.content = QStringLiteral("hello");
        const auto posted = m_a->chat->postMessage(m_conversation.id, m_customer.actor(), draft);
        QVERIFY(m_a->chat->markRead(m_conversation.id, m_staff.actor(), posted->message.id));
        QTRY_COMPARE(eventsOf(onB, DomainEvent::Kind::MessagesRead).size(), 1);
        const DomainEvent read = eventsOf(onB, DomainEvent::Kind::MessagesRead).constFirst();
        QCOMPARE(read.actor, m_staff.actor());
        QCOMPARE(read.messageId, posted->message.id);
        // Reading joined the staff member: that travelled too, in order.
        const auto joined = eventsOf(onB, DomainEvent::Kind::ParticipantJoined);
        QCOMPARE(joined.size(), 1);
        QCOMPARE(joined.constFirst().actor, m_staff.actor());
    }

    void presenceCountsConnectionsOnEveryInstance()
    {
        QSignalSpy onB(m_b->chat.get(), &ChatService::event);
        const Actor customer = m_customer.actor();
        QVERIFY(!m_b->chat->isOnline(customer));
        m_a->chat->connectionOpened(m_site.id, customer);
        QTRY_VERIFY(m_b->chat->isOnline(customer));
        QCOMPARE(eventsOf(onB, DomainEvent::Kind::PresenceChanged).size(), 1);
        QVERIFY(eventsOf(onB, DomainEvent::Kind::PresenceChanged).constFirst().flag);

        // Online on both; closing A's connection keeps the customer online through B.
        QSignalSpy onA(m_a->chat.get(), &ChatService::event);
        m_b->chat->connectionOpened(m_site.id, customer);
        // Notifications of one instance arrive in order: once B's typing is on A, so is B's
        // presence note.
        QVERIFY(m_b->chat->setTyping(m_conversation.id, customer, true));
        QTRY_COMPARE(eventsOf(onA, DomainEvent::Kind::Typing).size(), 1);
        m_a->chat->connectionClosed(m_site.id, customer);
        QVERIFY(m_a->chat->isOnline(customer));
        // A (wrong) presence note from A would come before A's typing.
        QSignalSpy markerOnB(m_b->chat.get(), &ChatService::event);
        QVERIFY(m_a->chat->setTyping(m_conversation.id, customer, false));
        QTRY_COMPARE(remoteCount(markerOnB, DomainEvent::Kind::Typing), 1);
        QVERIFY(m_b->chat->isOnline(customer));
        QCOMPARE(eventsOf(onB, DomainEvent::Kind::PresenceChanged).size(), 1);
        QVERIFY(eventsOf(onA, DomainEvent::Kind::PresenceChanged).isEmpty());

        // The last connection anywhere closes: offline on both.
        m_b->chat->connectionClosed(m_site.id, customer);
        QTRY_VERIFY(!m_a->chat->isOnline(customer));
        QVERIFY(!m_b->chat->isOnline(customer));
        QCOMPARE(eventsOf(onA, DomainEvent::Kind::PresenceChanged).size(), 1);
        QVERIFY(!eventsOf(onA, DomainEvent::Kind::PresenceChanged).constFirst().flag);
        QVERIFY(eventsOf(onA, DomainEvent::Kind::PresenceChanged).constFirst().remote);
    }

    void aNewInstanceLearnsWhoIsOnline()
    {
        m_a->chat->connectionOpened(m_site.id, m_staff.actor());
        Instance late(*m_scratch);
        QTRY_VERIFY(late.chat->isOnline(m_staff.actor()));
        QVERIFY(!late.chat->isOnline(m_customer.actor()));
    }

    void aDroppedListenConnectionIsReplaced()
    {
        m_a->bridge->setHealthInterval(100);
        m_b->bridge->setHealthInterval(100);
        // End this schema's LISTEN connections (both instances') from the server side.
        QSqlQuery kill(m_a->database->handle());
        QVERIFY(kill.exec(QStringLiteral("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                         "WHERE query LIKE 'LISTEN %%%1%%'")
                              .arg(m_b->bridge->channel())));
        QVERIFY(kill.next());
        kill.finish();
        // Changes made while nobody listens are not relayed (clients catch up by id); once the
        // missing ping has been noticed, they are again.
        QSignalSpy onB(m_b->chat.get(), &ChatService::event);
        MessageDraft draft;
        draft.content = QStringLiteral("anyone there?");
        QTRY_VERIFY_WITH_TIMEOUT(
            (m_a->chat->postMessage(m_conversation.id, m_customer.actor(), draft),
             !eventsOf(onB, DomainEvent::Kind::MessagePosted).isEmpty()),
            10000);
    }

    void lockoutsHoldAcrossInstances()
    {
        const LockoutPolicy policy{5, 60, 60};
        const QString scope = QStringLiteral("pin:room:7");
        for (int i = 0; i < 4; ++i) {
            ChatService &chat = i % 2 ? *m_b->chat : *m_a->chat;
            QVERIFY(!chat.recordAuthFailure(scope, policy).locked);
        }
        const LockoutState locked = m_b->chat->recordAuthFailure(scope, policy);
        QVERIFY(locked.locked);
        QCOMPARE(locked.failures, 5);
        QVERIFY(m_a->chat->lockoutState(scope).locked);
    }

    // Adapters' notes (the Pusher server's state): short ones inline, long ones (a 10 KB Pusher
    // event, over NOTIFY's 8000 bytes) through cluster_notes; a stopping instance says bye.
    void adapterNotesReachTheOtherInstanceShortOrLong()
    {
        QSignalSpy onB(m_b->chat.get(), &ChatService::clusterNote);
        QSignalSpy onA(m_a->chat.get(), &ChatService::clusterNote);
        const QJsonObject small{{"p", "channel"}, {"c", "lounge"}, {"n", 2}};
        const QJsonObject large{{"p", "frame"}, {"b", QString(10000, QLatin1Char('x'))}};
        m_a->chat->sendClusterNote(small);
        m_a->chat->sendClusterNote(large);
        QTRY_COMPARE(onB.count(), 2);
        QCOMPARE(onB.at(0).at(0).toString(), m_a->bridge->instanceId());
        QCOMPARE(onB.at(0).at(1).toJsonObject(), small);
        QCOMPARE(onB.at(1).at(1).toJsonObject(), large);
        QCOMPARE(onA.count(), 0); // not echoed to the sender

        QSignalSpy left(m_b->chat.get(), &ChatService::clusterInstanceLeft);
        const QString a = m_a->bridge->instanceId();
        m_a->bridge.reset();
        QTRY_COMPARE(left.count(), 1);
        QCOMPARE(left.at(0).at(0).toString(), a);
    }
};

QTEST_GUILESS_MAIN(TestCluster)
#include "tst_cluster.moc"
