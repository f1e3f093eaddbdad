#include "testsupport.h"

#include <QSignalSpy>
#include <QTest>

using namespace lobby::chat;
using lobby::test::TestDatabase;

class TestChatService : public QObject
{
    Q_OBJECT

    struct Fixture
    {
        TestDatabase db;
        Site site = db.site();
        Account staff = db.staff(site.id, QStringLiteral("desk@test.example"));
        Account customer =
            db.customer(site.id, QStringLiteral("cust@test.example"), QStringLiteral("+15550100"));
        Conversation conversation = open();

        Conversation open()
        {
            NewConversation request;
            request.siteId = site.id;
            request.kind = ConversationKind::App;
            request.title = QStringLiteral("Support");
            request.participants = {customer.actor()};
            return db.chat().openConversation(request).value();
        }
    };

    static MessageDraft text(const QString &content, const QString &clientId = {})
    {
        MessageDraft draft;
        draft.content = content;
        draft.clientId = clientId;
        return draft;
    }

    static DomainEvent eventAt(const QSignalSpy &spy, int i)
    {
        return spy.at(i).at(0).value<DomainEvent>();
    }

private Q_SLOTS:
    void openingAConversationEmitsOneEvent()
    {
        TestDatabase db;
        const Site site = db.site();
        QSignalSpy events(&db.chat(), &ChatService::event);
        NewConversation request;
        request.siteId = site.id;
        request.title = QStringLiteral("Room 205");
        request.kind = ConversationKind::Room;
        const auto conversation = db.chat().openConversation(request);
        QVERIFY(conversation);
        QCOMPARE(events.count(), 1);
        QCOMPARE(eventAt(events, 0).kind, DomainEvent::Kind::ConversationCreated);
        QCOMPARE(eventAt(events, 0).conversation.title, QStringLiteral("Room 205"));
        QVERIFY(db.store().conversationById(conversation->id));
    }

    void postingPersistsThenEmits()
    {
        Fixture f;
        QSignalSpy events(&f.db.chat(), &ChatService::event);
        const auto posted =
            f.db.chat().postMessage(f.conversation.id, f.customer.actor(), text("Hello"));
        QVERIFY(posted);
        QVERIFY(!posted->duplicate);
        QCOMPARE(events.count(), 1);
        const DomainEvent e = eventAt(events, 0);
        QCOMPARE(e.kind, DomainEvent::Kind::MessagePosted);
        QCOMPARE(e.message.id, posted->message.id);
        QCOMPARE(e.conversation.lastMessageId, posted->message.id);
        QCOMPARE(e.conversation.lastMessagePreview, QStringLiteral("Hello"));
        // Stored before the event went out.
        QCOMPARE(f.db.store().messageById(posted->message.id)->content, QStringLiteral("Hello"));
    }

    void messageIdsIncrease()
    {
        Fixture f;
        qint64 last = 0;
        for (int i = 0; i < 5; ++i) {
            const auto posted = f.db.chat().postMessage(f.conversation.id, f.customer.actor(),
                                                        text(QString::number(i)));
            QVERIFY(posted->message.id > last);
            last = posted->message.id;
        }
    }

    void clientIdMakesPostingIdempotent()
    {
        Fixture f;
        QSignalSpy events(&f.db.chat(), &ChatService::event);
        const auto first = f.db.chat().postMessage(f.conversation.id, f.customer.actor(),
                                                   text("Towels please", "c-1"));
        const auto retry = f.db.chat().postMessage(f.conversation.id, f.customer.actor(),
                                                   text("Towels please", "c-1"));
        QVERIFY(first && retry);
        QVERIFY(retry->duplicate);
        QCOMPARE(retry->message.id, first->message.id);
        QCOMPARE(events.count(), 1);
        QCOMPARE(f.db.store().messageCount(f.conversation.id), 1);
        // The same client id from another sender is another message.
        const auto other =
            f.db.chat().postMessage(f.conversation.id, f.staff.actor(), text("On the way", "c-1"));
        QVERIFY(!other->duplicate);
        QCOMPARE(f.db.store().messageCount(f.conversation.id), 2);
    }

    void invalidMessagesAreRefusedAndNothingIsStored()
    {
        Fixture f;
        QSignalSpy events(&f.db.chat(), &ChatService::event);
        auto refused = [&](const MessageDraft &draft, ErrorCode code) {
            const auto result =
                f.db.chat().postMessage(f.conversation.id, f.customer.actor(), draft);
            return !result && result.error().code == code;
        };
        QVERIFY(refused(text("   "), ErrorCode::Invalid));
        QVERIFY(refused(text(QString(ChatService::maxMessageLength + 1, QLatin1Char('x'))),
                        ErrorCode::Invalid));
        MessageDraft reply = text("re");
        reply.replyToId = 999999;
        QVERIFY(refused(reply, ErrorCode::Invalid));
        QVERIFY(!f.db.chat().postMessage(424242, f.customer.actor(), text("x")));
        QCOMPARE(events.count(), 0);
        QCOMPARE(f.db.store().messageCount(f.conversation.id), 0);
    }

    void outsidersCannotPost()
    {
        Fixture f;
        const Account stranger = f.db.customer(f.site.id, QStringLiteral("other@test.example"),
                                               QStringLiteral("+15550200"));
        const auto byStranger =
            f.db.chat().postMessage(f.conversation.id, stranger.actor(), text("hi"));
        QVERIFY(!byStranger);
        QCOMPARE(byStranger.error().code, ErrorCode::Forbidden);

        const Site otherSite = f.db.site(QStringLiteral("other-hotel"));
        const Account otherStaff = f.db.staff(otherSite.id, QStringLiteral("x@other.example"));
        const auto byOtherTenant =
            f.db.chat().postMessage(f.conversation.id, otherStaff.actor(), text("hi"));
        QVERIFY(!byOtherTenant);
        QCOMPARE(byOtherTenant.error().code, ErrorCode::Forbidden);
        QCOMPARE(f.db.store().messageCount(f.conversation.id), 0);
    }

    void firstStaffReplyTakesTheConversation()
    {
        Fixture f;
        QSignalSpy events(&f.db.chat(), &ChatService::event);
        const auto posted = f.db.chat().postMessage(f.conversation.id, f.staff.actor(), text("Hi"));
        QCOMPARE(posted->conversation.handlerAccountId, f.staff.id);
        QCOMPARE(events.count(), 2);
        QCOMPARE(eventAt(events, 1).kind, DomainEvent::Kind::ConversationUpdated);
        QVERIFY(f.db.store().participant(f.conversation.id, f.staff.actor()));
    }

    void readPointerOnlyMovesForward()
    {
        Fixture f;
        const auto first = f.db.chat().postMessage(f.conversation.id, f.staff.actor(), text("1"));
        const auto second = f.db.chat().postMessage(f.conversation.id, f.staff.actor(), text("2"));
        QCOMPARE(f.db.store().unreadCount(f.conversation.id, f.customer.actor()), 2);
        QSignalSpy events(&f.db.chat(), &ChatService::event);
        QCOMPARE(
            f.db.chat().markRead(f.conversation.id, f.customer.actor(), second->message.id).value(),
            second->message.id);
        QCOMPARE(events.count(), 1);
        QCOMPARE(eventAt(events, 0).kind, DomainEvent::Kind::MessagesRead);
        QCOMPARE(f.db.store().unreadCount(f.conversation.id, f.customer.actor()), 0);
        // Going back is a no-op without an event.
        QCOMPARE(
            f.db.chat().markRead(f.conversation.id, f.customer.actor(), first->message.id).value(),
            second->message.id);
        QCOMPARE(events.count(), 1);
        // A message of another conversation is not readable here.
        const Conversation other = f.open();
        const auto elsewhere = f.db.chat().postMessage(other.id, f.staff.actor(), text("x"));
        QVERIFY(
            !f.db.chat().markRead(f.conversation.id, f.customer.actor(), elsewhere->message.id));
    }

    void typingJoinLeaveAssignArchiveEachEmitOnce()
    {
        Fixture f;
        QSignalSpy events(&f.db.chat(), &ChatService::event);
        QVERIFY(f.db.chat().setTyping(f.conversation.id, f.customer.actor(), true));
        QVERIFY(f.db.chat().join(f.conversation.id, f.staff.actor()));
        QVERIFY(f.db.chat().join(f.conversation.id, f.staff.actor())); // already in: no event
        QVERIFY(f.db.chat().leave(f.conversation.id, f.staff.actor()));
        QVERIFY(f.db.chat().assignHandler(f.conversation.id, f.staff.id));
        QVERIFY(f.db.chat().setArchived(f.conversation.id, true));
        QVERIFY(f.db.chat().setArchived(f.conversation.id, true)); // unchanged: no event
        const QList<DomainEvent::Kind> expected = {
            DomainEvent::Kind::Typing, DomainEvent::Kind::ParticipantJoined,
            DomainEvent::Kind::ParticipantLeft, DomainEvent::Kind::ConversationUpdated,
            DomainEvent::Kind::ConversationUpdated};
        QCOMPARE(events.count(), expected.size());
        for (int i = 0; i < expected.size(); ++i)
            QCOMPARE(eventAt(events, i).kind, expected.at(i));
        QVERIFY(eventAt(events, 0).flag);
        const auto stored = f.db.store().conversationById(f.conversation.id);
        QCOMPARE(stored->handlerAccountId, f.staff.id);
        QVERIFY(stored->archived);
    }

    void handlersMustBeStaffOfTheSite()
    {
        Fixture f;
        QCOMPARE(f.db.chat().assignHandler(f.conversation.id, f.customer.id).error().code,
                 ErrorCode::Forbidden);
        const Site otherSite = f.db.site(QStringLiteral("elsewhere"));
        const Account otherStaff = f.db.staff(otherSite.id, QStringLiteral("y@other.example"));
        QCOMPARE(f.db.chat().assignHandler(f.conversation.id, otherStaff.id).error().code,
                 ErrorCode::Forbidden);
        QCOMPARE(f.db.chat().setTyping(f.conversation.id, otherStaff.actor(), true).error().code,
                 ErrorCode::Forbidden);
    }

    void presenceFollowsTheFirstAndLastConnection()
    {
        Fixture f;
        QSignalSpy events(&f.db.chat(), &ChatService::event);
        f.db.chat().connectionOpened(f.site.id, f.staff.actor());
        f.db.chat().connectionOpened(f.site.id, f.staff.actor());
        QVERIFY(f.db.chat().isOnline(f.staff.actor()));
        f.db.chat().connectionClosed(f.site.id, f.staff.actor());
        QVERIFY(f.db.chat().isOnline(f.staff.actor()));
        f.db.chat().connectionClosed(f.site.id, f.staff.actor());
        QVERIFY(!f.db.chat().isOnline(f.staff.actor()));
        QCOMPARE(events.count(), 2);
        QVERIFY(eventAt(events, 0).flag);
        QVERIFY(!eventAt(events, 1).flag);
    }

    void provisioningValidatesAndRefusesDuplicates()
    {
        TestDatabase db;
        QCOMPARE(db.chat()
                     .createSite(QStringLiteral("Bad Slug"), QStringLiteral("x"), SiteKind::Hotel)
                     .error()
                     .code,
                 ErrorCode::Invalid);
        const Site site = db.site(QStringLiteral("inn"));
        QCOMPARE(db.chat()
                     .createSite(QStringLiteral("inn"), QStringLiteral("x"), SiteKind::Salon)
                     .error()
                     .code,
                 ErrorCode::Conflict);
        db.staff(site.id, QStringLiteral("Same@Example.com"));
        Account duplicate;
        duplicate.siteId = site.id;
        duplicate.email = QStringLiteral("same@example.com");
        duplicate.name = QStringLiteral("Dup");
        duplicate.passwordHash = QStringLiteral("h");
        QCOMPARE(db.chat().createAccount(duplicate).error().code, ErrorCode::Conflict);
        QVERIFY(db.chat().createRoom(site.id, QStringLiteral("205"), QStringLiteral("h")));
        QCOMPARE(
            db.chat().createRoom(site.id, QStringLiteral("205"), QStringLiteral("h")).error().code,
            ErrorCode::Conflict);
        QCOMPARE(
            db.chat().createRoom(site.id, QStringLiteral("../x"), QStringLiteral("h")).error().code,
            ErrorCode::Invalid);
        QCOMPARE(
            db.chat().addFaqEntry(site.id, QStringLiteral(" "), QStringLiteral("a")).error().code,
            ErrorCode::Invalid);
    }

    // One rule for contact details, whoever makes the account (admin verbs, console, demo).
    void phonesAndEmailsAreValidatedAndPhonesNormalized()
    {
        QCOMPARE(normalizedPhone(QStringLiteral(" +1 (555) 010-0123 ")), u"+15550100123");
        QCOMPARE(normalizedPhone(QStringLiteral("0871234567")), u"0871234567");
        QCOMPARE(normalizedPhone(QStringLiteral("+123456")), u"+123456");
        QCOMPARE(normalizedPhone(QStringLiteral("+1234567890123456")), QString()); // 16 digits
        QCOMPARE(normalizedPhone(QStringLiteral("+12345")), QString());
        QCOMPARE(normalizedPhone(QStringLiteral("not a phone")), QString());
        QCOMPARE(normalizedPhone(QStringLiteral("555 0100 ext 2")), QString());
        QCOMPARE(normalizedPhone(QStringLiteral("1+5550100")), QString());
        QVERIFY(isValidEmail(QStringLiteral("alex@hotel-killarney.ie")));
        QVERIFY(isValidEmail(QStringLiteral("a.b+desk@x.example")));
        for (const char *bad : {"nobody", "@x.example", "a@", "a@@x.example", "a b@x.example",
                                "a@x..example", "a@-x.example", "a@x.example.", "a@x_y.example"})
            QVERIFY2(!isValidEmail(QString::fromLatin1(bad)), bad);

        TestDatabase db;
        const Site site = db.site(QStringLiteral("inn"));
        Account account;
        account.siteId = site.id;
        account.kind = AccountKind::Customer;
        account.email = QStringLiteral("guest@inn.example");
        account.name = QStringLiteral("Guest");
        account.passwordHash = QStringLiteral("h");
        account.phone = QStringLiteral("not a phone");
        QCOMPARE(db.chat().createAccount(account).error().code, ErrorCode::Invalid);
        account.phone = QStringLiteral("+353 (87) 123-4567");
        account.email = QStringLiteral("guest at inn");
        QCOMPARE(db.chat().createAccount(account).error().code, ErrorCode::Invalid);
        QVERIFY(db.store().accountsOfSite(site.id, AccountKind::Customer).isEmpty());
        account.email = QStringLiteral("guest@inn.example");
        const auto created = db.chat().createAccount(account);
        QVERIFY(created);
        QCOMPARE(created->phone, u"+353871234567");
        QCOMPARE(db.store().accountByPhone(QStringLiteral("+353871234567"))->id, created->id);
        account.email = QStringLiteral("other@inn.example");
        account.phone = QStringLiteral("+353 87 123 4567"); // the same number, written otherwise
        QCOMPARE(db.chat().createAccount(account).error().code, ErrorCode::Conflict);
    }

    void typingExpiresWhenTheClientGoesQuiet()
    {
        Fixture f;
        f.db.chat().setTypingTimeout(100);
        QSignalSpy events(&f.db.chat(), &ChatService::event);
        QVERIFY(f.db.chat().setTyping(f.conversation.id, f.customer.actor(), true));
        QTRY_COMPARE_WITH_TIMEOUT(events.count(), 2, 3000);
        const DomainEvent stopped = eventAt(events, 1);
        QCOMPARE(stopped.kind, DomainEvent::Kind::Typing);
        QCOMPARE(stopped.actor, f.customer.actor());
        QVERIFY(!stopped.flag);
        // A message ends typing too: no late "stopped" event after it.
        QVERIFY(f.db.chat().setTyping(f.conversation.id, f.customer.actor(), true));
        QVERIFY(f.db.chat().postMessage(f.conversation.id, f.customer.actor(), text("sent")));
        QTest::qWait(400);
        QCOMPARE(events.count(), 4);
    }

    void lockoutsCountFailuresAndExpire()
    {
        TestDatabase db;
        const LockoutPolicy policy{3, 60, 1};
        const QString scope = QStringLiteral("pin:room:1");
        QVERIFY(!db.chat().lockoutState(scope).locked);
        QVERIFY(!db.chat().recordAuthFailure(scope, policy).locked);
        QVERIFY(!db.chat().recordAuthFailure(scope, policy).locked);
        const LockoutState locked = db.chat().recordAuthFailure(scope, policy);
        QVERIFY(locked.locked);
        QCOMPARE(locked.failures, 3);
        QVERIFY(locked.retryAfterSeconds >= 1);
        QVERIFY(db.chat().lockoutState(scope).locked);
        QVERIFY(!db.chat().lockoutState(QStringLiteral("pin:room:2")).locked);
        // The lock runs out; the next failure starts a new count.
        QTRY_VERIFY_WITH_TIMEOUT(!db.chat().lockoutState(scope).locked, 3000);
        QCOMPARE(db.chat().recordAuthFailure(scope, policy).failures, 1);
        db.chat().clearAuthFailures(scope);
        QCOMPARE(db.chat().lockoutState(scope).failures, 0);
    }

    void summariesCountUnreadForTheViewer()
    {
        Fixture f;
        f.db.chat().postMessage(f.conversation.id, f.customer.actor(), text("one"));
        f.db.chat().postMessage(f.conversation.id, f.customer.actor(), text("two"));
        const auto summaries = f.db.chat().conversationSummaries(f.site.id, f.staff.actor());
        QCOMPARE(summaries.size(), 1);
        QCOMPARE(summaries.constFirst().unreadCount, 2);
        QCOMPARE(summaries.constFirst().conversation.lastMessagePreview, QStringLiteral("two"));
        const auto forCustomer = f.db.chat().conversationSummaries(f.site.id, f.customer.actor());
        QCOMPARE(forCustomer.constFirst().unreadCount, 0);
    }
};

QTEST_GUILESS_MAIN(TestChatService)
#include "tst_chatservice.moc"
