#include "store/migrations.h"
#include "testsupport.h"

#include <QSqlQuery>

#include <QSignalSpy>
#include <QTest>

using namespace lobby;
using namespace lobby::chat;

// Guest requests in the domain: categories, status rules, per-site isolation, the system line
// on done/cancelled, departments, places and the RequestUpdated event.
class TestRequests : public QObject
{
    Q_OBJECT

    std::unique_ptr<test::TestDatabase> m_db;
    Site m_site;
    Site m_other;
    Account m_maria;
    Account m_john;
    Account m_otherStaff;
    Room m_room;
    GuestSession m_guest;
    qint64 m_conversation = 0;

    ChatService &chat() { return m_db->chat(); }
    Actor guest() const { return ChatService::guestActor(m_guest); }

    ServiceRequest towels()
    {
        const auto made =
            chat().createRequest({m_conversation, guest(), QStringLiteral("housekeeping"),
                                  QStringLiteral("Extra towels")});
        if (!made)
            qFatal("towels: %s", qPrintable(made.error().message));
        return made.value();
    }

    static QList<DomainEvent> requestEvents(const QSignalSpy &spy)
    {
        QList<DomainEvent> out;
        for (const auto &args : spy) {
            const auto e = args.at(0).value<DomainEvent>();
            if (e.kind == DomainEvent::Kind::RequestUpdated)
                out << e;
        }
        return out;
    }

private Q_SLOTS:
    void init()
    {
        m_db = std::make_unique<test::TestDatabase>();
        m_site = m_db->site();
        m_other = m_db->site(QStringLiteral("other-hotel"));
        m_maria = test::createAccount(chat(), {.siteId = m_site.id,
                                               .kind = AccountKind::Staff,
                                               .email = QStringLiteral("maria@test"),
                                               .name = QStringLiteral("Maria")});
        m_john = m_db->staff(m_site.id, QStringLiteral("john@test"));
        m_otherStaff = m_db->staff(m_other.id, QStringLiteral("other@test"));
        m_room = chat().createRoom(m_site.id, QStringLiteral("205"), QStringLiteral("pin")).value();
        const auto start = chat().startGuestSession(m_room.id, QStringLiteral("h1"),
                                                    QDateTime::currentDateTimeUtc().addDays(1));
        m_guest = start->session;
        m_conversation = start->conversation.id;
    }

    void cleanup() { m_db.reset(); }

    void aNewSiteHasTheDefaultCategories()
    {
        QStringList names;
        for (const RequestCategory &c : chat().requestCategories(m_site.id))
            names << c.name;
        QCOMPARE(names, (QStringList{"housekeeping", "maintenance", "room_service", "front_desk",
                                     "transport", "other"}));
        QCOMPARE(chat().requestCategories(m_site.id).constFirst().label,
                 QStringLiteral("Housekeeping"));
    }

    void migrationEightGivesExistingSitesTheDefaults()
    {
        test::ScratchDatabase scratch;
        store::Database database(QStringLiteral("migration8"));
        QString error;
        QVERIFY2(database.open(scratch.config(), &error), qPrintable(error));
        store::Migrator migrator(database);
        QVERIFY(migrator.migrate(&error, 7));
        QSqlQuery query(database.handle());
        QVERIFY(query.exec(QStringLiteral("INSERT INTO sites (slug, name, kind, created_at) VALUES "
                                          "('old', 'Old Inn', 'hotel', 1)")));
        QVERIFY2(migrator.migrate(&error, 8), qPrintable(error));
        store::Store store(database);
        const qint64 siteId = store.siteBySlug(QStringLiteral("old"))->id;
        const QList<RequestCategory> seeded = store.requestCategories(siteId);
        const QList<RequestCategory> defaults = ChatService::defaultRequestCategories();
        QCOMPARE(seeded.size(), defaults.size());
        for (qsizetype i = 0; i < seeded.size(); ++i) {
            QCOMPARE(seeded.at(i).name, defaults.at(i).name);
            QCOMPARE(seeded.at(i).label, defaults.at(i).label);
            QCOMPARE(seeded.at(i).department, defaults.at(i).department);
            QCOMPARE(seeded.at(i).amberMinutes, defaults.at(i).amberMinutes);
            QCOMPARE(seeded.at(i).redMinutes, defaults.at(i).redMinutes);
        }
    }

    void categoriesAreSavedPerSite()
    {
        RequestCategory spa{
            0,  0, QStringLiteral("spa"), QStringLiteral("Spa"), QStringLiteral("Wellness"), 5,
            10, 0};
        QVERIFY(chat().saveRequestCategory(m_site.id, spa));
        QCOMPARE(chat().requestCategories(m_site.id).constLast().name, QStringLiteral("spa"));
        QCOMPARE(chat().requestCategories(m_other.id).size(), 6);
        spa.label = QStringLiteral("Spa & pool");
        QVERIFY(chat().saveRequestCategory(m_site.id, spa));
        QCOMPARE(chat().requestCategories(m_site.id).constLast().label,
                 QStringLiteral("Spa & pool"));
        QCOMPARE(chat().requestCategories(m_site.id).size(), 7);
        RequestCategory bad = spa;
        bad.name = QStringLiteral("Not A Name");
        QCOMPARE(chat().saveRequestCategory(m_site.id, bad).error().code, ErrorCode::Invalid);
        bad = spa;
        bad.redMinutes = 2; // before amber
        QCOMPARE(chat().saveRequestCategory(m_site.id, bad).error().code, ErrorCode::Invalid);
        QVERIFY(chat().removeRequestCategory(m_site.id, QStringLiteral("spa")));
        QCOMPARE(chat().removeRequestCategory(m_site.id, QStringLiteral("spa")).error().code,
                 ErrorCode::NotFound);
    }

    void aGuestAsksAndTheEventCarriesTheRequest()
    {
        QSignalSpy events(&chat(), &ChatService::event);
        const ServiceRequest r = towels();
        QCOMPARE(r.status, RequestStatus::Open);
        QCOMPARE(r.roomNumber, QStringLiteral("205"));
        QCOMPARE(r.department, QStringLiteral("Housekeeping"));
        QCOMPARE(r.createdBy, guest());
        QCOMPARE(r.categoryLabel, QStringLiteral("Housekeeping"));
        const auto announced = requestEvents(events);
        QCOMPARE(announced.size(), 1);
        QVERIFY(announced.constFirst().flag); // created
        QCOMPARE(announced.constFirst().request.id, r.id);
        QCOMPARE(announced.constFirst().conversation.id, m_conversation);
        QCOMPARE(announced.constFirst().messageId, r.id);
    }

    void unknownCategoryEmptyAndLongDetailsAreRefused()
    {
        auto made = chat().createRequest(
            {m_conversation, guest(), QStringLiteral("spaceship"), QStringLiteral("x")});
        QCOMPARE(made.error().code, ErrorCode::Invalid);
        made = chat().createRequest(
            {m_conversation, guest(), QStringLiteral("housekeeping"), QStringLiteral("   ")});
        QCOMPARE(made.error().code, ErrorCode::Invalid);
        made = chat().createRequest({m_conversation, guest(), QStringLiteral("housekeeping"),
                                     QString(ChatService::maxRequestDetailsLength + 1, u'a')});
        QCOMPARE(made.error().code, ErrorCode::Invalid);
        made = chat().createRequest({m_conversation, guest(), QStringLiteral("housekeeping"),
                                     QString(ChatService::maxRequestDetailsLength, u'a')});
        QVERIFY(made);
    }

    void onlyTheStaysGuestsAndTheSitesStaffMakeRequests()
    {
        const Actor stranger{ActorKind::Guest, m_guest.id + 100};
        QCOMPARE(chat()
                     .createRequest({m_conversation, stranger, QStringLiteral("housekeeping"),
                                     QStringLiteral("x")})
                     .error()
                     .code,
                 ErrorCode::Forbidden);
        QCOMPARE(chat()
                     .createRequest({m_conversation, m_otherStaff.actor(),
                                     QStringLiteral("housekeeping"), QStringLiteral("x")})
                     .error()
                     .code,
                 ErrorCode::NotFound);
        MessageDraft draft;
        draft.content = QStringLiteral("The shower drips");
        const auto posted = chat().postMessage(m_conversation, guest(), draft);
        const auto made =
            chat().createRequest({m_conversation, m_maria.actor(), QStringLiteral("maintenance"),
                                  QStringLiteral("Dripping shower"), posted->message.id});
        QVERIFY(made);
        QCOMPARE(made->messageId, posted->message.id);
        QCOMPARE(made->createdBy, m_maria.actor());
        // A message of another conversation is not one to make a request from.
        const auto otherRoom = chat().createRoom(m_site.id, QStringLiteral("206"), "p").value();
        const auto otherStay = chat().startGuestSession(otherRoom.id, QStringLiteral("h2"),
                                                        QDateTime::currentDateTimeUtc().addDays(1));
        QCOMPARE(chat()
                     .createRequest({otherStay->conversation.id, m_maria.actor(),
                                     QStringLiteral("maintenance"), QStringLiteral("x"),
                                     posted->message.id})
                     .error()
                     .code,
                 ErrorCode::Invalid);
    }

    void statusMovesOpenInProgressDoneAndFinalStaysFinal()
    {
        const ServiceRequest r = towels();
        const auto taken = chat().updateRequest(m_site.id, m_maria.actor(), r.id,
                                                {RequestStatus::InProgress, {}, {}});
        QVERIFY(taken);
        QCOMPARE(taken->status, RequestStatus::InProgress);
        QCOMPARE(taken->assigneeId, m_maria.id); // taking it makes it hers
        QCOMPARE(taken->assigneeName, QStringLiteral("Maria"));
        QVERIFY(!taken->doneAt.isValid());
        const auto done =
            chat().updateRequest(m_site.id, m_maria.actor(), r.id, {RequestStatus::Done, {}, {}});
        QVERIFY(done);
        QVERIFY(done->doneAt.isValid());
        const auto reopened =
            chat().updateRequest(m_site.id, m_maria.actor(), r.id, {RequestStatus::Open, {}, {}});
        QCOMPARE(reopened.error().code, ErrorCode::Conflict);
        const auto cancelled = chat().updateRequest(m_site.id, m_maria.actor(), r.id,
                                                    {RequestStatus::Cancelled, {}, {}});
        QCOMPARE(cancelled.error().code, ErrorCode::Conflict);
        // Asking for the state it is in changes nothing.
        QVERIFY(
            chat().updateRequest(m_site.id, m_maria.actor(), r.id, {RequestStatus::Done, {}, {}}));
    }

    void doneAndCancelledPostASystemLine()
    {
        const ServiceRequest r = towels();
        QSignalSpy events(&chat(), &ChatService::event);
        QVERIFY(
            chat().updateRequest(m_site.id, m_maria.actor(), r.id, {RequestStatus::Done, {}, {}}));
        const QList<Message> messages = m_db->store().messagesAfter(m_conversation, 0, 10);
        QCOMPARE(messages.size(), 1);
        QCOMPARE(messages.constFirst().type, MessageType::System);
        QCOMPARE(messages.constFirst().sender.kind, ActorKind::System);
        QCOMPARE(messages.constFirst().content, QStringLiteral("Extra towels — done by Maria"));
        QCOMPARE(messages.constFirst().entityType, QStringLiteral("request"));
        // The line is announced like any message, then the request's change.
        QList<DomainEvent::Kind> kinds;
        for (const auto &args : events)
            kinds << args.at(0).value<DomainEvent>().kind;
        QVERIFY(kinds.contains(DomainEvent::Kind::MessagePosted));
        QCOMPARE(kinds.constLast(), DomainEvent::Kind::RequestUpdated);

        const ServiceRequest taxi =
            chat()
                .createRequest({m_conversation, guest(), QStringLiteral("transport"),
                                QStringLiteral("A taxi at 9")})
                .value();
        QVERIFY(chat().updateRequest(m_site.id, m_john.actor(), taxi.id,
                                     {RequestStatus::Cancelled, {}, {}}));
        QCOMPARE(m_db->store().messagesAfter(m_conversation, 0, 10).constLast().content,
                 QStringLiteral("A taxi at 9 — cancelled by john"));
        // Taking a request says nothing in the conversation.
        const ServiceRequest more = towels();
        QVERIFY(chat().updateRequest(m_site.id, m_john.actor(), more.id,
                                     {RequestStatus::InProgress, {}, {}}));
        QCOMPARE(m_db->store().messagesAfter(m_conversation, 0, 10).size(), 2);
    }

    void anotherSitesStaffFindNothing()
    {
        const ServiceRequest r = towels();
        QCOMPARE(chat()
                     .updateRequest(m_other.id, m_otherStaff.actor(), r.id,
                                    {RequestStatus::Done, {}, {}})
                     .error()
                     .code,
                 ErrorCode::NotFound);
        QCOMPARE(chat().requestForStaff(m_other.id, m_otherStaff.actor(), r.id).error().code,
                 ErrorCode::NotFound);
        QVERIFY(chat().requestsForStaff(m_other.id, m_otherStaff.actor(), {})->isEmpty());
        // A token's site claim does not make someone staff there.
        QCOMPARE(chat().requestsForStaff(m_site.id, m_otherStaff.actor(), {}).error().code,
                 ErrorCode::Forbidden);
        QCOMPARE(chat()
                     .updateRequest(m_site.id, m_maria.actor(), r.id, {{}, m_otherStaff.id, {}})
                     .error()
                     .code,
                 ErrorCode::Invalid);
        QCOMPARE(chat()
                     .requestsForGuest({ActorKind::Guest, m_guest.id + 1}, m_conversation)
                     .error()
                     .code,
                 ErrorCode::Forbidden);
    }

    void staffListsAreFilteredAndOldestOpenFirst()
    {
        const ServiceRequest first = towels();
        const ServiceRequest taxi =
            chat()
                .createRequest({m_conversation, guest(), QStringLiteral("transport"),
                                QStringLiteral("A taxi")})
                .value();
        const ServiceRequest second = towels();
        QVERIFY(chat().updateRequest(m_site.id, m_maria.actor(), first.id,
                                     {RequestStatus::Done, {}, {}}));
        auto all = chat().requestsForStaff(m_site.id, m_maria.actor(), {}).value();
        QCOMPARE(all.size(), 3);
        QCOMPARE(all.at(0).id, taxi.id); // oldest still to do
        QCOMPARE(all.at(1).id, second.id);
        QCOMPARE(all.at(2).id, first.id); // finished last
        RequestFilter open;
        open.status = RequestStatus::Open;
        open.category = QStringLiteral("housekeeping");
        all = chat().requestsForStaff(m_site.id, m_maria.actor(), open).value();
        QCOMPARE(all.size(), 1);
        QCOMPARE(all.constFirst().id, second.id);
        RequestFilter byDepartment;
        byDepartment.department = QStringLiteral("Front desk");
        all = chat().requestsForStaff(m_site.id, m_maria.actor(), byDepartment).value();
        QCOMPARE(all.size(), 1);
        QCOMPARE(all.constFirst().id, taxi.id);
        // The guest sees the stay's requests newest first.
        const auto mine = chat().requestsForGuest(guest(), m_conversation).value();
        QCOMPARE(mine.size(), 3);
        QCOMPARE(mine.constFirst().id, second.id);
    }

    void departmentsDecideWhoIsTold()
    {
        QCOMPARE(chat().staffToTell(m_site.id, QStringLiteral("Housekeeping")).size(), 2);
        QVERIFY(chat().setStaffDepartment(m_site.id, m_maria.id, QStringLiteral("Housekeeping")));
        QCOMPARE(chat().staffDepartment(m_maria.id), QStringLiteral("Housekeeping"));
        QCOMPARE(chat().staffToTell(m_site.id, QStringLiteral("Housekeeping")),
                 QList<qint64>{m_maria.id});
        // Nobody in the kitchen yet: everyone hears of it.
        QCOMPARE(chat().staffToTell(m_site.id, QStringLiteral("Kitchen")).size(), 2);
        QCOMPARE(chat().staffToTell(m_site.id, QString()).size(), 2);
        QCOMPARE(
            chat().setStaffDepartment(m_site.id, m_otherStaff.id, QStringLiteral("X")).error().code,
            ErrorCode::NotFound);
        QVERIFY(chat().setStaffDepartment(m_site.id, m_maria.id, QString()));
        QCOMPARE(chat().staffDepartment(m_maria.id), QString());
        // Staff move a request to another department.
        const ServiceRequest r = towels();
        const auto moved = chat().updateRequest(m_site.id, m_john.actor(), r.id,
                                                {{}, {}, QStringLiteral("Front desk")});
        QCOMPARE(moved->department, QStringLiteral("Front desk"));
    }

    void aPlacesRequestGoesIntoThePlacesConversation()
    {
        const auto pool = chat().addPlace(m_site.id, QStringLiteral("Pool"),
                                          QStringLiteral("pool-token-0123456789"));
        QVERIFY(pool);
        QCOMPARE(chat()
                     .addPlace(m_site.id, QStringLiteral("Pool"),
                               QStringLiteral("another-token-0123456"))
                     .error()
                     .code,
                 ErrorCode::Conflict);
        QCOMPARE(chat().places(m_site.id).size(), 1);
        QSignalSpy events(&chat(), &ChatService::event);
        const auto first = chat().createPlaceRequest(QStringLiteral("pool-token-0123456789"),
                                                     QStringLiteral("housekeeping"),
                                                     QStringLiteral("Two towels, sunbed 12"));
        QVERIFY2(first, qPrintable(first.error().message));
        QCOMPARE(first->placeName, QStringLiteral("Pool"));
        QVERIFY(first->roomNumber.isEmpty());
        QCOMPARE(first->createdBy.kind, ActorKind::System);
        const auto conversation = m_db->store().conversationById(first->conversationId);
        QCOMPARE(conversation->title, QStringLiteral("Pool"));
        QCOMPARE(conversation->roomId, 0);
        QCOMPARE(requestEvents(events).size(), 1);
        // The next one joins the same conversation; its line says where and what.
        const auto second =
            chat().createPlaceRequest(QStringLiteral("pool-token-0123456789"),
                                      QStringLiteral("room_service"), QStringLiteral("A lemonade"));
        QCOMPARE(second->conversationId, first->conversationId);
        QCOMPARE(m_db->store().messagesAfter(first->conversationId, 0, 10).constLast().content,
                 QStringLiteral("Pool asks: A lemonade"));
        // Refused ones leave nothing behind.
        QCOMPARE(chat()
                     .createPlaceRequest(QStringLiteral("pool-token-0123456789"),
                                         QStringLiteral("nope"), QStringLiteral("x"))
                     .error()
                     .code,
                 ErrorCode::Invalid);
        QCOMPARE(chat()
                     .createPlaceRequest(QStringLiteral("wrong-token"), QStringLiteral("other"),
                                         QStringLiteral("x"))
                     .error()
                     .code,
                 ErrorCode::NotFound);
        // A removed place's code stops working; its requests stay.
        QVERIFY(chat().removePlace(m_site.id, pool->id));
        QVERIFY(!chat().placeByToken(QStringLiteral("pool-token-0123456789")));
        QVERIFY(chat().places(m_site.id).isEmpty());
        QVERIFY(chat().requestForStaff(m_site.id, m_maria.actor(), first->id));
    }
};

QTEST_GUILESS_MAIN(TestRequests)
#include "tst_requests.moc"
