#include "testsupport.h"

#include <QSignalSpy>
#include <QTest>

using namespace lobby;
using namespace lobby::chat;

// The guest family's domain operations: room stays and check-out.
class TestGuestDomain : public QObject
{
    Q_OBJECT

    std::unique_ptr<test::TestDatabase> m_db;
    Room m_room;

    QDateTime inAWeek() const { return QDateTime::currentDateTimeUtc().addDays(7); }

private Q_SLOTS:
    void init()
    {
        m_db = std::make_unique<test::TestDatabase>();
        const Site site = m_db->site();
        m_room =
            m_db->chat().createRoom(site.id, QStringLiteral("205"), QStringLiteral("pin")).value();
    }

    void cleanup() { m_db.reset(); }

    void theFirstSessionOpensTheStaysConversation()
    {
        QSignalSpy events(&m_db->chat(), &ChatService::event);
        const auto start =
            m_db->chat().startGuestSession(m_room.id, QStringLiteral("h1"), inAWeek());
        QVERIFY(start);
        QVERIFY(start->newConversation);
        QCOMPARE(start->conversation.kind, ConversationKind::Room);
        QCOMPARE(start->conversation.roomId, m_room.id);
        QCOMPARE(start->conversation.title, QStringLiteral("Room 205"));
        QCOMPARE(start->session.conversationId, start->conversation.id);
        QCOMPARE(events.size(), 2);
        const auto created = events.at(0).at(0).value<DomainEvent>();
        QCOMPARE(created.kind, DomainEvent::Kind::ConversationCreated);
        const auto joined = events.at(1).at(0).value<DomainEvent>();
        QCOMPARE(joined.kind, DomainEvent::Kind::ParticipantJoined);
        QCOMPARE(joined.actor, ChatService::guestActor(start->session));
        QVERIFY(m_db->store().participant(start->conversation.id,
                                          ChatService::guestActor(start->session)));
        // The guest may post into it.
        MessageDraft draft;
        draft.content = QStringLiteral("Need towels");
        QVERIFY(m_db->chat().postMessage(start->conversation.id,
                                         ChatService::guestActor(start->session), draft));
    }

    void laterSessionsOfTheStayJoinIt()
    {
        const auto first =
            m_db->chat().startGuestSession(m_room.id, QStringLiteral("h1"), inAWeek());
        QSignalSpy events(&m_db->chat(), &ChatService::event);
        const auto second =
            m_db->chat().startGuestSession(m_room.id, QStringLiteral("h2"), inAWeek());
        QVERIFY(second);
        QVERIFY(!second->newConversation);
        QCOMPARE(second->conversation.id, first->conversation.id);
        QVERIFY(second->session.id != first->session.id);
        QCOMPARE(events.size(), 1);
    }

    void badRequestsStoreNothing()
    {
        QCOMPARE(m_db->chat().startGuestSession(999, QStringLiteral("h"), inAWeek()).error().code,
                 ErrorCode::NotFound);
        QCOMPARE(m_db->chat().startGuestSession(m_room.id, QString(), inAWeek()).error().code,
                 ErrorCode::Invalid);
        QCOMPARE(m_db->chat()
                     .startGuestSession(m_room.id, QStringLiteral("h"),
                                        QDateTime::currentDateTimeUtc().addSecs(-1))
                     .error()
                     .code,
                 ErrorCode::Invalid);
        QVERIFY(m_db->store().openRoomConversations(m_room.id).isEmpty());
        QCOMPARE(m_db->chat().checkOutRoom(999, QStringLiteral("new")).error().code,
                 ErrorCode::NotFound);
        QCOMPARE(m_db->chat().checkOutRoom(m_room.id, QString()).error().code, ErrorCode::Invalid);
        QCOMPARE(m_db->store().roomById(m_room.id)->pinHash, QStringLiteral("pin"));
    }

    void checkOutRotatesThePinEndsSessionsAndArchives()
    {
        const auto stay =
            m_db->chat().startGuestSession(m_room.id, QStringLiteral("h1"), inAWeek());
        QSignalSpy events(&m_db->chat(), &ChatService::event);
        const auto out = m_db->chat().checkOutRoom(m_room.id, QStringLiteral("new-pin"));
        QVERIFY(out);
        QCOMPARE(out->archived.size(), 1);
        QCOMPARE(m_db->store().roomById(m_room.id)->pinHash, QStringLiteral("new-pin"));
        QVERIFY(m_db->store().guestSessionByTokenHash(QStringLiteral("h1"))->endedAt.isValid());
        QVERIFY(m_db->store().conversationById(stay->conversation.id)->archived);
        // Archived, then resolved: staff sockets hear of the status too.
        QCOMPARE(events.size(), 2);
        const auto updated = events.at(0).at(0).value<DomainEvent>();
        QCOMPARE(updated.kind, DomainEvent::Kind::ConversationUpdated);
        QVERIFY(updated.conversation.archived);
        const auto resolved = events.at(1).at(0).value<DomainEvent>();
        QCOMPARE(resolved.kind, DomainEvent::Kind::StatusChanged);
        QCOMPARE(resolved.conversation.status, ConversationStatus::Resolved);
        // The next stay starts a new conversation.
        const auto next =
            m_db->chat().startGuestSession(m_room.id, QStringLiteral("h2"), inAWeek());
        QVERIFY(next->newConversation);
        QVERIFY(next->conversation.id != stay->conversation.id);
        // Checking out an empty room still rotates the PIN.
        QVERIFY(m_db->chat().checkOutRoom(m_room.id, QStringLiteral("p3")));
        QVERIFY(m_db->chat().checkOutRoom(m_room.id, QStringLiteral("p4")));
        QCOMPARE(m_db->store().roomById(m_room.id)->pinHash, QStringLiteral("p4"));
    }

    void unreadForGuestCountsWhatTheHotelSent()
    {
        const auto stay =
            m_db->chat().startGuestSession(m_room.id, QStringLiteral("h1"), inAWeek());
        const Actor guest = ChatService::guestActor(stay->session);
        const Account staff = m_db->staff(stay->conversation.siteId, QStringLiteral("s@test"));
        MessageDraft draft;
        draft.content = QStringLiteral("hi");
        m_db->chat().postMessage(stay->conversation.id, guest, draft);
        QCOMPARE(
            m_db->chat().unreadCount({stay->conversation.siteId, guest}, stay->conversation.id), 0);
        const auto reply = m_db->chat().postMessage(stay->conversation.id, staff.actor(), draft);
        m_db->chat().postMessage(stay->conversation.id, {ActorKind::System, 0}, draft);
        QCOMPARE(
            m_db->chat().unreadCount({stay->conversation.siteId, guest}, stay->conversation.id), 2);
        m_db->chat().markRead(stay->conversation.id, guest, reply->message.id);
        QCOMPARE(
            m_db->chat().unreadCount({stay->conversation.siteId, guest}, stay->conversation.id), 1);
    }
};

QTEST_GUILESS_MAIN(TestGuestDomain)
#include "tst_guestdomain.moc"
