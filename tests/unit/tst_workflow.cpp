#include "testsupport.h"

#include <QSignalSpy>
#include <QTest>

using namespace lobby;
using namespace lobby::chat;

// The front desk's workflow in the domain: statuses, snoozes that end by themselves (also
// across a restart), waiting times, private notes and mentions.
class TestWorkflow : public QObject
{
    Q_OBJECT

    std::unique_ptr<test::TestDatabase> m_db;
    Site m_site;
    Account m_staff, m_colleague, m_otherStaff, m_customer;
    Conversation m_room;
    Actor m_guest{ActorKind::Guest, 0};

    ChatService &chat() { return m_db->chat(); }

    QList<DomainEvent> eventsOf(const QSignalSpy &spy, DomainEvent::Kind kind)
    {
        QList<DomainEvent> out;
        for (const auto &args : spy) {
            const auto e = args.at(0).value<DomainEvent>();
            if (e.kind == kind)
                out << e;
        }
        return out;
    }

    Conversation stored(qint64 id) { return *m_db->store().conversationById(id); }

    void post(const Actor &sender, const QString &text)
    {
        QVERIFY(chat().postMessage(m_room.id, sender, {MessageType::Text, text}));
    }

private Q_SLOTS:
    void init()
    {
        m_db = std::make_unique<test::TestDatabase>();
        m_site = m_db->site();
        const Site other = m_db->site(QStringLiteral("other-hotel"));
        m_staff = m_db->staff(m_site.id, QStringLiteral("desk@hotel.test"));
        m_colleague = m_db->staff(m_site.id, QStringLiteral("night@hotel.test"));
        m_otherStaff = m_db->staff(other.id, QStringLiteral("desk@other.test"));
        m_customer = m_db->customer(m_site.id, QStringLiteral("c@hotel.test"), QString());
        const Room room =
            chat().createRoom(m_site.id, QStringLiteral("205"), QStringLiteral("h")).value();
        const auto start = chat().startGuestSession(room.id, QStringLiteral("t1"),
                                                    QDateTime::currentDateTimeUtc().addDays(7));
        QVERIFY(start);
        m_room = start->conversation;
        m_guest = ChatService::guestActor(start->session);
    }

    void cleanup() { m_db.reset(); }

    void aNewConversationIsOpenAndNobodyWaits()
    {
        QCOMPARE(m_room.status, ConversationStatus::Open);
        QVERIFY(!stored(m_room.id).waitingSince.isValid());
        QVERIFY(!stored(m_room.id).snoozedUntil.isValid());
    }

    void statusChangesAreStoredAndAnnouncedOnce()
    {
        QSignalSpy events(&chat(), &ChatService::event);
        const auto pending =
            chat().setStatus(m_site.id, m_staff.actor(), m_room.id, ConversationStatus::Pending);
        QVERIFY(pending);
        QCOMPARE(pending->status, ConversationStatus::Pending);
        QCOMPARE(stored(m_room.id).status, ConversationStatus::Pending);
        // The same status again changes nothing and announces nothing.
        QVERIFY(
            chat().setStatus(m_site.id, m_staff.actor(), m_room.id, ConversationStatus::Pending));
        const auto changes = eventsOf(events, DomainEvent::Kind::StatusChanged);
        QCOMPARE(changes.size(), 1);
        QCOMPARE(changes.first().actor, m_staff.actor());
        QCOMPARE(changes.first().conversation.status, ConversationStatus::Pending);
    }

    void statusIsForStaffOfTheSite()
    {
        QCOMPARE(chat()
                     .setStatus(m_site.id + 1, m_otherStaff.actor(), m_room.id,
                                ConversationStatus::Resolved)
                     .error()
                     .code,
                 ErrorCode::NotFound);
        // Staff of another site, asking with their own site: the conversation does not exist.
        QCOMPARE(chat()
                     .setStatus(m_otherStaff.siteId, m_otherStaff.actor(), m_room.id,
                                ConversationStatus::Resolved)
                     .error()
                     .code,
                 ErrorCode::NotFound);
        QCOMPARE(
            chat()
                .setStatus(m_site.id, m_customer.actor(), m_room.id, ConversationStatus::Resolved)
                .error()
                .code,
            ErrorCode::Forbidden);
        QCOMPARE(chat()
                     .setStatus(m_site.id, m_guest, m_room.id, ConversationStatus::Resolved)
                     .error()
                     .code,
                 ErrorCode::Forbidden);
        QCOMPARE(stored(m_room.id).status, ConversationStatus::Open);
    }

    void aSnoozeNeedsAFutureTime()
    {
        QCOMPARE(chat()
                     .setStatus(m_site.id, m_staff.actor(), m_room.id, ConversationStatus::Snoozed)
                     .error()
                     .code,
                 ErrorCode::Invalid);
        QCOMPARE(chat()
                     .setStatus(m_site.id, m_staff.actor(), m_room.id, ConversationStatus::Snoozed,
                                QDateTime::currentDateTimeUtc().addSecs(-60))
                     .error()
                     .code,
                 ErrorCode::Invalid);
        const QDateTime until = QDateTime::currentDateTimeUtc().addSecs(3600);
        const auto snoozed = chat().setStatus(m_site.id, m_staff.actor(), m_room.id,
                                              ConversationStatus::Snoozed, until);
        QVERIFY(snoozed);
        QCOMPARE(stored(m_room.id).snoozedUntil.toMSecsSinceEpoch(), until.toMSecsSinceEpoch());
        // Leaving the snooze forgets its time.
        QVERIFY(chat().setStatus(m_site.id, m_staff.actor(), m_room.id, ConversationStatus::Open,
                                 until));
        QVERIFY(!stored(m_room.id).snoozedUntil.isValid());
    }

    void aGuestsMessageReopens_data()
    {
        QTest::addColumn<int>("status");
        QTest::newRow("pending") << int(ConversationStatus::Pending);
        QTest::newRow("snoozed") << int(ConversationStatus::Snoozed);
        QTest::newRow("resolved") << int(ConversationStatus::Resolved);
    }

    void aGuestsMessageReopens()
    {
        QFETCH(int, status);
        QVERIFY(chat().setStatus(m_site.id, m_staff.actor(), m_room.id, ConversationStatus(status),
                                 QDateTime::currentDateTimeUtc().addDays(1)));
        // Staff writing does not reopen.
        post(m_staff.actor(), QStringLiteral("Anything else?"));
        QCOMPARE(stored(m_room.id).status, ConversationStatus(status));
        QSignalSpy events(&chat(), &ChatService::event);
        post(m_guest, QStringLiteral("Yes, a taxi please"));
        const Conversation after = stored(m_room.id);
        QCOMPARE(after.status, ConversationStatus::Open);
        QVERIFY(!after.snoozedUntil.isValid());
        const auto changes = eventsOf(events, DomainEvent::Kind::StatusChanged);
        QCOMPARE(changes.size(), 1);
        QCOMPARE(changes.first().actor, m_guest);
    }

    void aCustomersAndAVisitorsMessageReopenToo()
    {
        NewConversation app;
        app.siteId = m_site.id;
        app.kind = ConversationKind::App;
        app.participants = {m_customer.actor(), {ActorKind::Visitor, 77}};
        const auto conversation = chat().openConversation(app);
        QVERIFY(conversation);
        for (const Actor &sender : {m_customer.actor(), Actor{ActorKind::Visitor, 77}}) {
            QVERIFY(chat().setStatus(m_site.id, m_staff.actor(), conversation->id,
                                     ConversationStatus::Resolved));
            QVERIFY(chat().postMessage(conversation->id, sender,
                                       {MessageType::Text, QStringLiteral("hello?")}));
            QCOMPARE(stored(conversation->id).status, ConversationStatus::Open);
        }
    }

    void theAssistantDoesNotReopen()
    {
        QVERIFY(
            chat().setStatus(m_site.id, m_staff.actor(), m_room.id, ConversationStatus::Resolved));
        QVERIFY(chat().postMessage(m_room.id, {ActorKind::Assistant, 0},
                                   {MessageType::Text, QStringLiteral("Breakfast is at 7")}));
        QCOMPARE(stored(m_room.id).status, ConversationStatus::Resolved);
    }

    void waitingStartsAtTheOldestUnansweredMessage()
    {
        post(m_guest, QStringLiteral("Hello"));
        const QDateTime first = stored(m_room.id).waitingSince;
        QVERIFY(first.isValid());
        post(m_guest, QStringLiteral("Anyone there?"));
        QCOMPARE(stored(m_room.id).waitingSince, first);
        post(m_staff.actor(), QStringLiteral("Yes, how can I help?"));
        QVERIFY(!stored(m_room.id).waitingSince.isValid());
        post(m_guest, QStringLiteral("Towels"));
        QVERIFY(stored(m_room.id).waitingSince >= first);
        QVERIFY(stored(m_room.id).waitingSince.isValid());
    }

    void aSnoozeEndsByItself()
    {
        QSignalSpy events(&chat(), &ChatService::event);
        QVERIFY(chat().setStatus(m_site.id, m_staff.actor(), m_room.id, ConversationStatus::Snoozed,
                                 QDateTime::currentDateTimeUtc().addMSecs(300)));
        QTRY_COMPARE_WITH_TIMEOUT(stored(m_room.id).status, ConversationStatus::Open, 10000);
        QVERIFY(!stored(m_room.id).snoozedUntil.isValid());
        const auto changes = eventsOf(events, DomainEvent::Kind::StatusChanged);
        QCOMPARE(changes.size(), 2);
        QCOMPARE(changes.last().actor.kind, ActorKind::System);
        QCOMPARE(changes.last().conversation.status, ConversationStatus::Open);
    }

    void aSnoozeThatEndedWhileStoppedEndsAtStart()
    {
        // This service's start-up look has run (nothing was snoozed then), so its timer waits.
        chat().endDueSnoozes();
        // As Lobby left it when it stopped: snoozed until a time that has passed since.
        Conversation snoozed = stored(m_room.id);
        snoozed.status = ConversationStatus::Snoozed;
        snoozed.snoozedUntil = QDateTime::currentDateTimeUtc().addSecs(-600);
        QVERIFY(m_db->store().updateConversation(snoozed));
        // The restarted program: a new service over the same database.
        auto restarted = std::make_unique<ChatService>(m_db->store());
        QSignalSpy events(restarted.get(), &ChatService::event);
        QTRY_COMPARE_WITH_TIMEOUT(stored(m_room.id).status, ConversationStatus::Open, 10000);
        QVERIFY(!stored(m_room.id).snoozedUntil.isValid());
        QCOMPARE(eventsOf(events, DomainEvent::Kind::StatusChanged).size(), 1);
    }

    void aLongSnoozeWaitsAndKeepsItsTime()
    {
        const QDateTime until = QDateTime::currentDateTimeUtc().addDays(40); // beyond an int of ms
        QVERIFY(chat().setStatus(m_site.id, m_staff.actor(), m_room.id, ConversationStatus::Snoozed,
                                 until));
        chat().endDueSnoozes();
        QCOMPARE(stored(m_room.id).status, ConversationStatus::Snoozed);
    }

    void checkOutResolvesTheStay()
    {
        post(m_guest, QStringLiteral("Bye"));
        const auto result = chat().checkOutRoom(m_room.roomId, QStringLiteral("newhash"));
        QVERIFY(result);
        QCOMPARE(result->endedSessions, 1);
        const Conversation after = stored(m_room.id);
        QVERIFY(after.archived);
        QCOMPARE(after.status, ConversationStatus::Resolved);
        QVERIFY(!after.waitingSince.isValid());
    }

    // ---- notes

    void notesAreKeptApartFromMessages()
    {
        post(m_guest, QStringLiteral("Late check-out?"));
        const qint64 messagesBefore = m_db->store().messageCount(m_room.id);
        const qint64 guestUnread = chat().unreadCount({m_site.id, m_guest}, m_room.id);
        QSignalSpy events(&chat(), &ChatService::event);
        const auto note = chat().addNote(m_site.id, m_staff.actor(), m_room.id,
                                         QStringLiteral("VIP, say yes"), {m_colleague.id});
        QVERIFY(note);
        QCOMPARE(note->authorId, m_staff.id);
        QCOMPARE(note->mentions, QList<qint64>{m_colleague.id});
        // Not a message: no history, no unread count, no MessagePosted for any family.
        QCOMPARE(m_db->store().messageCount(m_room.id), messagesBefore);
        QCOMPARE(chat().unreadCount({m_site.id, m_guest}, m_room.id), guestUnread);
        QCOMPARE(m_db->store().unreadCount(m_room.id, m_guest), 0);
        const MessagePage page = chat().messagePage(m_room.id, 0, 50);
        for (const Message &m : page.messages)
            QVERIFY(m.content != u"VIP, say yes");
        QCOMPARE(events.size(), 1);
        const auto added = events.first().at(0).value<DomainEvent>();
        QCOMPARE(added.kind, DomainEvent::Kind::NoteAdded);
        QCOMPARE(added.note.content, u"VIP, say yes");
        // The conversation's last message and status are unchanged by a note.
        QCOMPARE(stored(m_room.id).lastMessagePreview, u"Late check-out?");
        QVERIFY(stored(m_room.id).waitingSince.isValid());
    }

    void notesListOldestFirstAndMentionsNewestFirst()
    {
        for (const char *text : {"first", "second", "third"})
            QVERIFY(
                chat().addNote(m_site.id, m_staff.actor(), m_room.id, QString::fromLatin1(text),
                               text[0] == 't' ? QList<qint64>{} : QList<qint64>{m_colleague.id}));
        const auto notes = chat().notes(m_site.id, m_colleague.actor(), m_room.id);
        QVERIFY(notes);
        QCOMPARE(notes->size(), 3);
        QCOMPARE(notes->first().content, u"first");
        QCOMPARE(notes->last().content, u"third");
        const QList<Note> mentions = chat().mentionsOf(m_colleague.actor());
        QCOMPARE(mentions.size(), 2);
        QCOMPARE(mentions.first().content, u"second");
        QVERIFY(chat().mentionsOf(m_staff.actor()).isEmpty());
    }

    void notesAreCheckedAndForStaffOnly()
    {
        const auto code = [this](const Actor &by, qint64 siteId, const QString &text,
                                 const QList<qint64> &mentions) {
            return chat().addNote(siteId, by, m_room.id, text, mentions).error().code;
        };
        QCOMPARE(code(m_staff.actor(), m_site.id, QStringLiteral("  "), {}), ErrorCode::Invalid);
        QCOMPARE(
            code(m_staff.actor(), m_site.id, QString(ChatService::maxNoteLength + 1, u'x'), {}),
            ErrorCode::Invalid);
        QCOMPARE(code(m_staff.actor(), m_site.id, QStringLiteral("hi"), {m_otherStaff.id}),
                 ErrorCode::Invalid);
        QCOMPARE(code(m_staff.actor(), m_site.id, QStringLiteral("hi"), {m_customer.id}),
                 ErrorCode::Invalid);
        QCOMPARE(code(m_customer.actor(), m_site.id, QStringLiteral("hi"), {}),
                 ErrorCode::Forbidden);
        QCOMPARE(code(m_guest, m_site.id, QStringLiteral("hi"), {}), ErrorCode::Forbidden);
        QCOMPARE(code(m_otherStaff.actor(), m_otherStaff.siteId, QStringLiteral("hi"), {}),
                 ErrorCode::NotFound);
        QCOMPARE(chat().notes(m_site.id, m_customer.actor(), m_room.id).error().code,
                 ErrorCode::Forbidden);
        QVERIFY(m_db->store().notesOfConversation(m_room.id).isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestWorkflow)
#include "tst_workflow.moc"
