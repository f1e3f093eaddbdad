// The domain's read API: one access rule, one unread rule, one display-name policy, and chat
// lists in a fixed number of statements.
#include "testsupport.h"

#include "store/store.h"

#include <QTest>

using namespace lobby::chat;
using lobby::test::TestDatabase;

Q_DECLARE_METATYPE(lobby::chat::ErrorCode)
Q_DECLARE_METATYPE(lobby::chat::NameFamily)

class TestReads : public QObject
{
    Q_OBJECT

    // Two sites; on the first a staff member, two customers, a chat of customer A with the
    // staff member, a hotel room with a guest stay and a widget visitor's chat.
    struct World
    {
        TestDatabase db;
        ChatService &chat = db.chat();
        Site site = db.site();
        Site otherSite = db.site(QStringLiteral("other-hotel"));
        Account staff = db.staff(site.id, QStringLiteral("desk@test.example"));
        Account customerA =
            db.customer(site.id, QStringLiteral("a@test.example"), QStringLiteral("+15550101"));
        Account customerB =
            db.customer(site.id, QStringLiteral("b@test.example"), QStringLiteral("+15550102"));
        Account otherStaff = db.staff(otherSite.id, QStringLiteral("desk@other.example"));
        Conversation chatA = open(site.id, {customerA.actor(), staff.actor()});
        Conversation otherChat = open(otherSite.id, {otherStaff.actor()});
        Room room = chat.createRoom(site.id, QStringLiteral("205"), QStringLiteral("pin")).value();
        GuestSessionStart stay = chat.startGuestSession(room.id, QStringLiteral("h1"),
                                                        QDateTime::currentDateTimeUtc().addDays(7))
                                     .value();
        GuestSessionStart secondDevice =
            chat.startGuestSession(room.id, QStringLiteral("h2"),
                                   QDateTime::currentDateTimeUtc().addDays(7))
                .value();

        Conversation open(qint64 siteId, QList<Actor> participants)
        {
            NewConversation request;
            request.siteId = siteId;
            request.title = QStringLiteral("Chat");
            request.participants = participants;
            return chat.openConversation(request).value();
        }
        void post(const Conversation &c, const Actor &sender, const QString &text = {})
        {
            MessageDraft draft;
            draft.content = text.isEmpty() ? QStringLiteral("hello") : text;
            QVERIFY(chat.postMessage(c.id, sender, draft));
        }
        Viewer viewer(const Account &a) const { return {a.siteId, a.actor()}; }
        Actor guest() const { return ChatService::guestActor(stay.session); }
        Actor guest2() const { return ChatService::guestActor(secondDevice.session); }
    };

private Q_SLOTS:
    void accessRule_data()
    {
        QTest::addColumn<QString>("who");
        QTest::addColumn<QString>("which");
        QTest::addColumn<ErrorCode>("expected");
        QTest::newRow("staff sees a chat of the site") << "staff"
                                                       << "chatA" << ErrorCode::None;
        QTest::newRow("staff sees the room without joining") << "staff"
                                                             << "room" << ErrorCode::None;
        QTest::newRow("participant customer") << "customerA"
                                              << "chatA" << ErrorCode::None;
        QTest::newRow("customer of the site, not a participant: forbidden")
            << "customerB"
            << "chatA" << ErrorCode::Forbidden;
        QTest::newRow("guest of the stay") << "guest"
                                           << "room" << ErrorCode::None;
        QTest::newRow("guest, someone else's chat: forbidden") << "guest"
                                                               << "chatA" << ErrorCode::Forbidden;
        QTest::newRow("another site's id: not found, even for staff")
            << "staff"
            << "otherChat" << ErrorCode::NotFound;
        QTest::newRow("another site's id: not found for customers")
            << "customerB"
            << "otherChat" << ErrorCode::NotFound;
        QTest::newRow("an id that does not exist") << "staff"
                                                   << "missing" << ErrorCode::NotFound;
    }
    void accessRule()
    {
        QFETCH(QString, who);
        QFETCH(QString, which);
        QFETCH(ErrorCode, expected);
        World w;
        const QHash<QString, Viewer> viewers{{"staff", w.viewer(w.staff)},
                                             {"customerA", w.viewer(w.customerA)},
                                             {"customerB", w.viewer(w.customerB)},
                                             {"guest", {w.site.id, w.guest()}}};
        const QHash<QString, qint64> ids{{"chatA", w.chatA.id},
                                         {"room", w.stay.conversation.id},
                                         {"otherChat", w.otherChat.id},
                                         {"missing", 999999}};
        const auto result = w.chat.conversationFor(viewers.value(who), ids.value(which));
        QCOMPARE(result ? ErrorCode::None : result.error().code, expected);
        // Every read behind the rule answers the same.
        const auto history = w.chat.history(viewers.value(who), ids.value(which), 0, 10);
        QCOMPARE(history ? ErrorCode::None : history.error().code, expected);
        const auto page = w.chat.historyNewestFirst(viewers.value(who), ids.value(which), 0, 10);
        QCOMPARE(page ? ErrorCode::None : page.error().code, expected);
    }

    void unreadRule()
    {
        World w;
        const Conversation room = w.stay.conversation;
        w.post(room, w.staff.actor()); // (a sender has read up to its own message)
        w.post(room, w.guest());
        w.post(room, {ActorKind::System, 0});
        // A guest's side is the whole stay: the other phone (which never posted) counts what
        // the hotel sent, not what the first phone did.
        QCOMPARE(w.chat.unreadCount({w.site.id, w.guest2()}, room.id), 2);
        QCOMPARE(w.chat.unreadCount({w.site.id, w.guest()}, room.id), 1);
        // Anyone else's side is themselves: staff count the guest and the system message.
        QCOMPARE(w.chat.unreadCount(w.viewer(w.staff), room.id), 2);
        w.post(w.chatA, w.customerA.actor());
        QCOMPARE(w.chat.unreadCount(w.viewer(w.staff), w.chatA.id), 1);
        QCOMPARE(w.chat.unreadCount(w.viewer(w.customerA), w.chatA.id), 0);
    }

    void chatListHasUnreadParticipantsAndLastMessage()
    {
        World w;
        w.post(w.chatA, w.customerA.actor(), QStringLiteral("one"));
        w.post(w.chatA, w.customerA.actor(), QStringLiteral("two"));
        w.post(w.stay.conversation, w.guest());
        const QList<ChatListEntry> staffList = w.chat.chatList(w.viewer(w.staff));
        QCOMPARE(staffList.size(), 2); // the site's chats; never the other site's
        QHash<qint64, ChatListEntry> byId;
        for (const ChatListEntry &e : staffList)
            byId.insert(e.conversation.id, e);
        const ChatListEntry a = byId.value(w.chatA.id);
        QCOMPARE(a.unreadCount, 2);
        QCOMPARE(a.totalMessages, 2);
        QVERIFY(a.lastMessageAt.isValid());
        QCOMPARE(a.participants.size(), 2);
        for (const auto &[p, unread] : a.participants)
            QCOMPARE(unread, p.actor == w.customerA.actor() ? 0 : 2);
        const ChatListEntry room = byId.value(w.stay.conversation.id);
        QCOMPARE(room.unreadCount, 1);
        QCOMPARE(room.participants.size(), 2); // both devices of the stay
        for (const auto &[p, unread] : room.participants)
            QCOMPARE(unread, 0); // the guests' own side sent it

        // The same rows as asked one by one.
        for (const ChatListEntry &e : staffList) {
            const ChatListEntry one = w.chat.chatListEntry(w.viewer(w.staff), e.conversation);
            QCOMPARE(one.unreadCount, e.unreadCount);
            QCOMPARE(one.totalMessages, e.totalMessages);
            QCOMPARE(one.lastMessageAt, e.lastMessageAt);
            QCOMPARE(one.participants.size(), e.participants.size());
            for (qsizetype i = 0; i < one.participants.size(); ++i) {
                QCOMPARE(one.participants.at(i).first.actor, e.participants.at(i).first.actor);
                QCOMPARE(one.participants.at(i).second, e.participants.at(i).second);
            }
        }
        // Customers list their own chats only; archived ones on request.
        QCOMPARE(w.chat.chatList(w.viewer(w.customerA)).size(), 1);
        QCOMPARE(w.chat.chatList(w.viewer(w.customerB)).size(), 0);
        QVERIFY(w.chat.setArchived(w.chatA.id, true));
        QCOMPARE(w.chat.chatList(w.viewer(w.customerA), false).size(), 0);
        QCOMPARE(w.chat.chatList(w.viewer(w.customerA), true).size(), 1);
    }

    void chatListCostsTheSameStatementsForOneChatAsForMany()
    {
        World w;
        const auto statementsOfList = [&w] {
            w.chat.chatList(w.viewer(w.staff)); // message counts are remembered after this
            const qint64 before = w.db.store().statementCount();
            w.chat.chatList(w.viewer(w.staff));
            return w.db.store().statementCount() - before;
        };
        const qint64 few = statementsOfList();
        for (int i = 0; i < 12; ++i) {
            const Conversation c = w.open(w.site.id, {w.customerB.actor(), w.staff.actor()});
            w.post(c, w.customerB.actor());
        }
        QCOMPARE(w.chat.chatList(w.viewer(w.staff)).size(), 14);
        QCOMPARE(statementsOfList(), few);
        QVERIFY(few <= 4);
    }

    void displayNames_data()
    {
        QTest::addColumn<NameFamily>("family");
        QTest::addColumn<QString>("who");
        QTest::addColumn<QString>("expected");
        QTest::newRow("console staff") << NameFamily::Console << "staff"
                                       << "desk";
        QTest::newRow("console guest") << NameFamily::Console << "guest"
                                       << "Room 205 · Guest 1";
        QTest::newRow("console system") << NameFamily::Console << "system"
                                        << "Lobby";
        QTest::newRow("console gone account") << NameFamily::Console << "gone"
                                              << "Staff";
        QTest::newRow("v1 staff") << NameFamily::V1 << "staff"
                                  << "desk";
        QTest::newRow("v1 guest, the console's words") << NameFamily::V1 << "guest"
                                                       << "Room 205 · Guest 1";
        QTest::newRow("v1 system") << NameFamily::V1 << "system"
                                   << "System";
        QTest::newRow("v1 gone account") << NameFamily::V1 << "gone"
                                         << "Deleted account";
        QTest::newRow("guest page staff") << NameFamily::Guest << "staff"
                                          << "desk";
        QTest::newRow("guest page guest") << NameFamily::Guest << "guest"
                                          << "Room 205";
        QTest::newRow("guest page second device") << NameFamily::Guest << "guest2"
                                                  << "Room 205";
        QTest::newRow("guest page system") << NameFamily::Guest << "system"
                                           << "Hotel";
        QTest::newRow("widget staff") << NameFamily::Widget << "staff"
                                      << "desk";
        QTest::newRow("widget guest: unnamed") << NameFamily::Widget << "guest"
                                               << "";
        QTest::newRow("widget assistant: unnamed") << NameFamily::Widget << "assistant"
                                                   << "";
    }
    void displayNames()
    {
        QFETCH(NameFamily, family);
        QFETCH(QString, who);
        QFETCH(QString, expected);
        World w;
        const QHash<QString, Actor> actors{{"staff", w.staff.actor()},
                                           {"guest", w.guest()},
                                           {"guest2", w.guest2()},
                                           {"system", {ActorKind::System, 0}},
                                           {"assistant", {ActorKind::Assistant, 0}},
                                           {"gone", {ActorKind::Staff, 424242}}};
        QCOMPARE(w.chat.displayName(actors.value(who), family), expected);
    }
};

QTEST_GUILESS_MAIN(TestReads)
#include "tst_reads.moc"
