// The console's models (inbox filters, paged messages, settings lists, presence) under
// QAbstractItemModelTester, and the ChatService/store operations behind them.
#include "chat/sqlitechangewatcher.h"
#include "testsupport.h"
#include "ui/conversationfiltermodel.h"
#include "ui/conversationlistmodel.h"
#include "ui/messagelistmodel.h"
#include "ui/recordlistmodel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

using namespace lobby::chat;
using lobby::test::TestDatabase;
using lobby::ui::ConversationFilterModel;
using lobby::ui::ConversationListModel;
using lobby::ui::MessageListModel;
using lobby::ui::RecordListModel;

namespace {

constexpr auto testerMode = QAbstractItemModelTester::FailureReportingMode::QtTest;

struct Fixture
{
    TestDatabase db;
    lobby::chat::Site site = db.site();
    Account staff = db.staff(site.id, QStringLiteral("desk@x.example"));
    Account other = db.staff(site.id, QStringLiteral("maria@x.example"));
    Account customer =
        db.customer(site.id, QStringLiteral("c@x.example"), QStringLiteral("+15550001"));

    Conversation open(const QString &title, const Actor &who)
    {
        NewConversation request;
        request.siteId = site.id;
        request.title = title;
        request.participants = {who};
        return db.chat().openConversation(request).value();
    }
    qint64 post(qint64 conversationId, const Actor &sender, const QString &text, qint64 replyTo = 0)
    {
        MessageDraft draft;
        draft.content = text;
        draft.replyToId = replyTo;
        return db.chat().postMessage(conversationId, sender, draft).value().message.id;
    }
};

} // namespace

class TestConsoleModels : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    // ---- inbox filters and search

    void filtersSplitTheInbox()
    {
        Fixture s;
        ConversationListModel inbox;
        inbox.setViewer(s.site.id, s.staff.actor());
        ConversationFilterModel filtered;
        QAbstractItemModelTester tester(&filtered, testerMode);
        filtered.setSourceModel(&inbox);
        filtered.setViewerId(s.staff.id);
        QObject::connect(&s.db.chat(), &ChatService::event, &inbox,
                         [&](const DomainEvent &e) { inbox.applyEvents({e}); });

        const Conversation mine = s.open(QStringLiteral("Room 205"), s.customer.actor());
        const Conversation theirs = s.open(QStringLiteral("Room 101"), s.customer.actor());
        const Conversation nobodys = s.open(QStringLiteral("Alex"), s.customer.actor());
        QVERIFY(s.db.chat().assignHandler(mine.id, s.staff.id));
        QVERIFY(s.db.chat().assignHandler(theirs.id, s.other.id));

        QCOMPARE(filtered.rowCount(), 3);
        filtered.setFilter(ConversationFilterModel::Mine);
        QCOMPARE(filtered.rowCount(), 1);
        QCOMPARE(filtered.conversationIdAt(0), mine.id);
        filtered.setFilter(ConversationFilterModel::Unassigned);
        QCOMPARE(filtered.rowCount(), 1);
        QCOMPARE(filtered.conversationIdAt(0), nobodys.id);
        filtered.setFilter(ConversationFilterModel::Archived);
        QCOMPARE(filtered.rowCount(), 0);

        // Archiving moves a row out of All and into Archived, live.
        QVERIFY(s.db.chat().setArchived(theirs.id, true));
        QCOMPARE(filtered.rowCount(), 1);
        QCOMPARE(filtered.conversationIdAt(0), theirs.id);
        filtered.setFilter(ConversationFilterModel::All);
        QCOMPARE(filtered.rowCount(), 2);
        QCOMPARE(filtered.rowOfConversation(theirs.id), -1);
    }

    void searchMatchesTitlesAndMessageText()
    {
        Fixture s;
        ConversationListModel inbox;
        inbox.setViewer(s.site.id, s.staff.actor());
        ConversationFilterModel filtered;
        QAbstractItemModelTester tester(&filtered, testerMode);
        filtered.setSourceModel(&inbox);
        QObject::connect(&s.db.chat(), &ChatService::event, &inbox,
                         [&](const DomainEvent &e) { inbox.applyEvents({e}); });
        const Conversation room = s.open(QStringLiteral("Room 205"), s.customer.actor());
        const Conversation alex = s.open(QStringLiteral("Alex Murphy"), s.customer.actor());
        s.post(room.id, s.customer.actor(), QStringLiteral("Two extra PILLOWS please"));
        s.post(room.id, s.customer.actor(), QStringLiteral("and a kettle"));

        filtered.setSearchText(QStringLiteral("alex"));
        QCOMPARE(filtered.rowCount(), 1);
        QCOMPARE(filtered.conversationIdAt(0), alex.id);

        // Message text is searched by the store (older messages are not in the preview).
        filtered.setSearchText(QStringLiteral("pillows"));
        QCOMPARE(filtered.rowCount(), 0);
        const QList<qint64> found =
            s.db.chat().searchConversations(s.site.id, QStringLiteral("pillows"));
        QCOMPARE(found, QList<qint64>{room.id});
        filtered.setSearchMatches(QStringLiteral("an older query"), found);
        QCOMPARE(filtered.rowCount(), 0);
        filtered.setSearchMatches(QStringLiteral("pillows"), found);
        QCOMPARE(filtered.rowCount(), 1);
        QCOMPARE(filtered.conversationIdAt(0), room.id);

        filtered.setSearchText(QString());
        QCOMPARE(filtered.rowCount(), 2);
    }

    void searchTreatsWildcardsLiterallyAndStaysInTheSite()
    {
        Fixture s;
        const Conversation room = s.open(QStringLiteral("Room 205"), s.customer.actor());
        s.post(room.id, s.customer.actor(), QStringLiteral("100% sure"));
        QCOMPARE(s.db.chat().searchConversations(s.site.id, QStringLiteral("0%")).size(), 1);
        QCOMPARE(s.db.chat().searchConversations(s.site.id, QStringLiteral("_")).size(), 0);
        QCOMPARE(s.db.chat().searchConversations(s.site.id, QStringLiteral("  ")).size(), 0);
        const lobby::chat::Site other = s.db.site(QStringLiteral("other-hotel"));
        QCOMPARE(s.db.chat().searchConversations(other.id, QStringLiteral("sure")).size(), 0);
    }

    // ---- presence in the inbox

    void presenceLightsTheRowsOfTheConnectedActor()
    {
        Fixture s;
        ConversationListModel inbox;
        QAbstractItemModelTester tester(&inbox, testerMode);
        inbox.setViewer(s.site.id, s.staff.actor());
        QObject::connect(&s.db.chat(), &ChatService::event, &inbox,
                         [&](const DomainEvent &e) { inbox.applyEvents({e}); });
        const Conversation room = s.open(QStringLiteral("Room 205"), s.customer.actor());
        QHash<qint64, QList<Actor>> counterparts;
        counterparts.insert(room.id, {s.customer.actor()});
        inbox.setPresence(counterparts, {});
        QCOMPARE(inbox.data(inbox.index(0), ConversationListModel::OnlineRole).toBool(), false);

        QSignalSpy changed(&inbox, &QAbstractItemModel::dataChanged);
        s.db.chat().connectionOpened(s.site.id, s.customer.actor());
        QCOMPARE(inbox.data(inbox.index(0), ConversationListModel::OnlineRole).toBool(), true);
        QCOMPARE(changed.count(), 1);
        QCOMPARE(changed.at(0).at(2).value<QList<int>>(),
                 QList<int>{ConversationListModel::OnlineRole});
        s.db.chat().connectionClosed(s.site.id, s.customer.actor());
        QCOMPARE(inbox.data(inbox.index(0), ConversationListModel::OnlineRole).toBool(), false);

        // Someone else's presence changes nothing here.
        changed.clear();
        s.db.chat().connectionOpened(s.site.id, {ActorKind::Guest, 77});
        QCOMPARE(changed.count(), 0);
    }

    // The guest family reports a guest as its session's actor (the Pusher grant names the
    // session): that is the participant the room's row counts, on every device of the stay.
    void aGuestSessionLightsItsRoomRow()
    {
        Fixture s;
        ConversationListModel inbox;
        QAbstractItemModelTester tester(&inbox, testerMode);
        inbox.setViewer(s.site.id, s.staff.actor());
        QObject::connect(&s.db.chat(), &ChatService::event, &inbox,
                         [&](const DomainEvent &e) { inbox.applyEvents({e}); });
        const Room room = s.db.chat().createRoom(s.site.id, QStringLiteral("205"), "pin").value();
        const QDateTime expires = QDateTime::currentDateTimeUtc().addDays(1);
        const auto phone = s.db.chat().startGuestSession(room.id, "hash-1", expires).value();
        const auto tablet = s.db.chat().startGuestSession(room.id, "hash-2", expires).value();
        QCOMPARE(inbox.rowCount(), 1);
        const auto online = [&] {
            return inbox.data(inbox.index(0), ConversationListModel::OnlineRole).toBool();
        };
        QVERIFY(!online());
        s.db.chat().connectionOpened(s.site.id, ChatService::guestActor(tablet.session));
        QVERIFY(online());
        s.db.chat().connectionOpened(s.site.id, ChatService::guestActor(phone.session));
        s.db.chat().connectionClosed(s.site.id, ChatService::guestActor(tablet.session));
        QVERIFY(online()); // the phone is still there
        s.db.chat().connectionClosed(s.site.id, ChatService::guestActor(phone.session));
        QVERIFY(!online());
    }

    // ---- messages: pages, live events, read ticks, typing

    void pagesAreInsertedOncePerPageAndOlderOnesOnFetchMore()
    {
        Fixture s;
        const Conversation room = s.open(QStringLiteral("Room 205"), s.customer.actor());
        QList<qint64> ids;
        for (int i = 0; i < 7; ++i)
            ids << s.post(room.id, s.customer.actor(), QStringLiteral("message %1").arg(i));

        MessageListModel messages;
        QAbstractItemModelTester tester(&messages, testerMode);
        messages.setViewer(s.staff.actor());
        messages.setPageSize(3);
        QList<QPair<qint64, qint64>> asked;
        messages.setPageLoader([&](qint64 conversationId, qint64 beforeId, int limit) {
            asked.append({conversationId, beforeId});
            // Answered later, like the core thread does.
            QMetaObject::invokeMethod(
                &messages,
                [&, conversationId, beforeId, limit] {
                    messages.addPage(s.db.chat().messagePage(conversationId, beforeId, limit));
                },
                Qt::QueuedConnection);
        });
        QSignalSpy inserted(&messages, &QAbstractItemModel::rowsInserted);

        messages.open(room.id);
        QVERIFY(messages.loading());
        QVERIFY(!messages.canFetchMore({}));
        QTRY_COMPARE(messages.rowCount(), 3);
        QCOMPARE(inserted.count(), 1);
        QVERIFY(!messages.loading());
        QVERIFY(messages.hasOlder());
        // Newest first.
        QCOMPARE(messages.data(messages.index(0), MessageListModel::IdRole).toLongLong(),
                 ids.last());
        QCOMPARE(messages.data(messages.index(0), MessageListModel::TextRole).toString(),
                 QStringLiteral("message 6"));

        QVERIFY(messages.canFetchMore({}));
        messages.fetchMore({});
        QVERIFY(messages.loading());
        QVERIFY(!messages.canFetchMore({})); // one request at a time
        QTRY_COMPARE(messages.rowCount(), 6);
        QCOMPARE(inserted.count(), 2);
        QCOMPARE(inserted.at(1).at(1).toInt(), 3); // appended after the newer ones
        QCOMPARE(inserted.at(1).at(2).toInt(), 5);
        QCOMPARE(asked.at(1).second, ids.at(4));
        messages.fetchMore({});
        QTRY_COMPARE(messages.rowCount(), 7);
        QVERIFY(!messages.hasOlder());
        QVERIFY(!messages.canFetchMore({}));
        QCOMPARE(messages.data(messages.index(6), MessageListModel::IdRole).toLongLong(),
                 ids.first());
        // Grouping: same sender within minutes continues a group; the oldest opens the day.
        QVERIFY(messages.data(messages.index(0), MessageListModel::ContinuationRole).toBool());
        QVERIFY(messages.data(messages.index(6), MessageListModel::DayBreakRole).toBool());
        QVERIFY(!messages.data(messages.index(5), MessageListModel::DayBreakRole).toBool());
    }

    void liveMessagesReadTicksAndTyping()
    {
        Fixture s;
        const Conversation room = s.open(QStringLiteral("Room 205"), s.customer.actor());
        const qint64 question = s.post(room.id, s.customer.actor(), QStringLiteral("Spa open?"));

        MessageListModel messages;
        QAbstractItemModelTester tester(&messages, testerMode);
        messages.setViewer(s.staff.actor());
        messages.setPageLoader([&](qint64 conversationId, qint64 beforeId, int limit) {
            messages.addPage(s.db.chat().messagePage(conversationId, beforeId, limit));
        });
        QObject::connect(&s.db.chat(), &ChatService::event, &messages,
                         [&](const DomainEvent &e) { messages.applyEvents({e}); });
        messages.open(room.id);
        QCOMPARE(messages.rowCount(), 1);
        QCOMPARE(messages.data(messages.index(0), MessageListModel::SenderNameRole).toString(),
                 s.customer.name);

        // Typing of the other side shows; the viewer's own does not.
        QSignalSpy typing(&messages, &MessageListModel::typingTextChanged);
        QVERIFY(s.db.chat().setTyping(room.id, s.staff.actor(), true));
        QCOMPARE(typing.count(), 0);
        QVERIFY(s.db.chat().setTyping(room.id, s.customer.actor(), true));
        QCOMPARE(messages.typingText(), QStringLiteral("%1 is typing…").arg(s.customer.name));

        // A reply arrives at the top, quoting the question; it is not read yet.
        QSignalSpy inserted(&messages, &QAbstractItemModel::rowsInserted);
        const qint64 answer =
            s.post(room.id, s.staff.actor(), QStringLiteral("From 8:00"), question);
        QCOMPARE(inserted.count(), 1);
        QCOMPARE(messages.rowCount(), 2);
        QVERIFY(messages.data(messages.index(0), MessageListModel::MineRole).toBool());
        QVERIFY(messages.data(messages.index(0), MessageListModel::OutgoingRole).toBool());
        QCOMPARE(messages.data(messages.index(0), MessageListModel::ReplyTextRole).toString(),
                 QStringLiteral("Spa open?"));
        QCOMPARE(messages.data(messages.index(0), MessageListModel::ReplySenderRole).toString(),
                 s.customer.name);
        QVERIFY(!messages.data(messages.index(0), MessageListModel::ReadRole).toBool());

        // The same message again (an event after a snapshot that had it) is not added twice.
        DomainEvent again;
        again.kind = DomainEvent::Kind::MessagePosted;
        again.conversationId = room.id;
        again.message = s.db.store().messageById(answer).value();
        messages.applyEvents({again});
        QCOMPARE(messages.rowCount(), 2);

        // The guest reads it: the tick turns, and only ReadRole is announced.
        QSignalSpy changed(&messages, &QAbstractItemModel::dataChanged);
        QVERIFY(s.db.chat().markRead(room.id, s.customer.actor(), answer));
        QCOMPARE(changed.count(), 1);
        QCOMPARE(changed.at(0).at(0).value<QModelIndex>().row(), 0);
        QCOMPARE(changed.at(0).at(2).value<QList<int>>(), QList<int>{MessageListModel::ReadRole});
        QVERIFY(messages.data(messages.index(0), MessageListModel::ReadRole).toBool());

        // A message from the typer ends the typing line; other conversations are ignored.
        s.post(room.id, s.customer.actor(), QStringLiteral("Thanks"));
        QVERIFY(messages.typingText().isEmpty());
        const Conversation elsewhere = s.open(QStringLiteral("Room 101"), s.customer.actor());
        s.post(elsewhere.id, s.customer.actor(), QStringLiteral("Hello"));
        QCOMPARE(messages.rowCount(), 3);

        // Switching conversations resets the model.
        QSignalSpy reset(&messages, &QAbstractItemModel::modelReset);
        messages.open(elsewhere.id);
        QCOMPARE(reset.count(), 1);
        QCOMPARE(messages.rowCount(), 1);
    }

    void aPageThatOverlapsLiveMessagesAddsOnlyOlderOnes()
    {
        Fixture s;
        const Conversation room = s.open(QStringLiteral("Room 205"), s.customer.actor());
        s.post(room.id, s.customer.actor(), QStringLiteral("one"));
        MessageListModel messages;
        QAbstractItemModelTester tester(&messages, testerMode);
        bool asked = false;
        messages.setPageLoader([&](qint64, qint64, int) { asked = true; });
        QObject::connect(&s.db.chat(), &ChatService::event, &messages,
                         [&](const DomainEvent &e) { messages.applyEvents({e}); });
        messages.open(room.id);
        QVERIFY(asked);
        // A live message arrives before the first page does.
        s.post(room.id, s.customer.actor(), QStringLiteral("two"));
        QCOMPARE(messages.rowCount(), 1);
        messages.addPage(s.db.chat().messagePage(room.id, 0, 50));
        QCOMPARE(messages.rowCount(), 2);
        QCOMPARE(messages.data(messages.index(0), MessageListModel::TextRole).toString(),
                 QStringLiteral("two"));
        QCOMPARE(messages.data(messages.index(1), MessageListModel::TextRole).toString(),
                 QStringLiteral("one"));
        // A page for a conversation no longer open is dropped.
        messages.open(0);
        messages.addPage(s.db.chat().messagePage(room.id, 0, 50));
        QCOMPARE(messages.rowCount(), 0);
    }

    // ---- presentation rules the views read as roles

    void rowsCarryTheShownTitleAndChannel()
    {
        Fixture s;
        const Conversation named = s.open(QStringLiteral("Room 205"), s.customer.actor());
        const Conversation untitled = s.open(QString(), s.customer.actor());
        ConversationListModel inbox;
        QAbstractItemModelTester tester(&inbox, testerMode);
        inbox.setViewer(s.site.id, s.staff.actor());
        inbox.resetConversations(s.db.chat().conversationSummaries(s.site.id, s.staff.actor()));
        QHash<qint64, int> rowOf;
        for (int row = 0; row < inbox.rowCount(); ++row)
            rowOf[inbox.data(inbox.index(row), ConversationListModel::IdRole).toLongLong()] = row;
        QCOMPARE(inbox.data(inbox.index(rowOf[named.id]), ConversationListModel::DisplayTitleRole)
                     .toString(),
                 QStringLiteral("Room 205"));
        QCOMPARE(
            inbox.data(inbox.index(rowOf[untitled.id]), ConversationListModel::DisplayTitleRole)
                .toString(),
            QStringLiteral("Website visitor"));
        QCOMPARE(inbox.data(inbox.index(rowOf[named.id]), ConversationListModel::ChannelLabelRole)
                     .toString(),
                 QStringLiteral("Customer app"));
        QCOMPARE(ConversationListModel::channelLabel(ConversationKind::Room),
                 QStringLiteral("Hotel room"));
        QCOMPARE(ConversationListModel::channelLabel(ConversationKind::Widget),
                 QStringLiteral("Website chat"));
        QCOMPARE(ConversationListModel::channelLabel(ConversationKind::Direct),
                 QStringLiteral("Direct chat"));
    }

    void uploadsAreLoadedWithTheViewersToken()
    {
        Fixture s;
        const Conversation room = s.open(QStringLiteral("Room 205"), s.customer.actor());
        Message upload;
        upload.id = 1;
        upload.conversationId = room.id;
        upload.mediaUrl = QStringLiteral("/uploads/ab12.png");
        Message relative = upload;
        relative.id = 2;
        relative.mediaUrl = QStringLiteral("/static/logo.png");
        Message absolute = upload;
        absolute.id = 3;
        absolute.mediaUrl = QStringLiteral("https://cdn.example/a.png");
        MessagePage page;
        page.conversationId = room.id;
        page.messages = {upload, relative, absolute};
        MessageListModel messages;
        QAbstractItemModelTester tester(&messages, testerMode);
        messages.setPageLoader([](qint64, qint64, int) {});
        messages.open(room.id);
        messages.setMediaAccess(QStringLiteral("http://127.0.0.1:8080"), QStringLiteral("tok"));
        messages.addPage(page);
        QStringList sources;
        for (int row = 0; row < messages.rowCount(); ++row)
            sources
                << messages.data(messages.index(row), MessageListModel::MediaSourceRole).toString();
        sources.sort();
        QCOMPARE(sources,
                 (QStringList{QStringLiteral("http://127.0.0.1:8080/static/logo.png"),
                              QStringLiteral("http://127.0.0.1:8080/uploads/ab12.png?token=tok"),
                              QStringLiteral("https://cdn.example/a.png")}));
        // A new token (one per conversation opened) reaches the rows already shown.
        QSignalSpy changed(&messages, &QAbstractItemModel::dataChanged);
        messages.setMediaAccess(QStringLiteral("http://127.0.0.1:8080"), QStringLiteral("new"));
        QCOMPARE(changed.count(), 1);
        bool renewed = false;
        for (int row = 0; row < messages.rowCount(); ++row)
            renewed =
                renewed || messages.data(messages.index(row), MessageListModel::MediaSourceRole)
                               .toString()
                               .endsWith(QStringLiteral("?token=new"));
        QVERIFY(renewed);
    }

    // ---- settings lists

    void recordsChangeRowByRow()
    {
        RecordListModel model({"id", "number"});
        QAbstractItemModelTester tester(&model, testerMode);
        auto rec = [](int id, const char *number) {
            return QVariantMap{{QStringLiteral("id"), id},
                               {QStringLiteral("number"), QString::fromLatin1(number)}};
        };
        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
        QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
        model.setRecords({rec(1, "101"), rec(2, "102"), rec(3, "205")});
        QCOMPARE(model.rowCount(), 3);
        QCOMPARE(inserted.count(), 3);

        model.setRecords({rec(1, "101"), rec(3, "206"), rec(4, "301")});
        QCOMPARE(removed.count(), 1);
        QCOMPARE(inserted.count(), 4);
        QCOMPARE(changed.count(), 1);
        QCOMPARE(changed.at(0).at(2).value<QList<int>>(), QList<int>{Qt::UserRole + 2});
        QCOMPARE(model.get(1).value(QStringLiteral("number")).toString(), QStringLiteral("206"));
        QCOMPARE(model.get(2).value(QStringLiteral("id")).toInt(), 4);

        model.setRecords({});
        QCOMPARE(model.rowCount(), 0);
        QCOMPARE(reset.count(), 0);
    }

    // ---- ChatService operations of the console

    void settingsOperationsStayInTheirSite()
    {
        Fixture s;
        const lobby::chat::Site other = s.db.site(QStringLiteral("other-hotel"));
        const Room room = s.db.chat().createRoom(s.site.id, QStringLiteral("205"), "old").value();
        QVERIFY(!s.db.chat().setRoomPin(other.id, room.id, QStringLiteral("new")));
        QVERIFY(s.db.chat().setRoomPin(s.site.id, room.id, QStringLiteral("new")));
        QCOMPARE(s.db.store().roomById(room.id)->pinHash, QStringLiteral("new"));

        const ApiKey key =
            s.db.chat().createApiKey(s.site.id, QStringLiteral("Web"), "lobby_ab", "hash").value();
        QCOMPARE(s.db.chat().revokeApiKey(other.id, key.id).error().code, ErrorCode::NotFound);
        QVERIFY(s.db.chat().revokeApiKey(s.site.id, key.id).value().revokedAt.isValid());
        QVERIFY(s.db.store().apiKeysOfSite(s.site.id).constFirst().revokedAt.isValid());

        const FaqEntry entry =
            s.db.chat().addFaqEntry(s.site.id, QStringLiteral("Q?"), QStringLiteral("A.")).value();
        QVERIFY(!s.db.chat().removeFaqEntry(other.id, entry.id));
        QVERIFY(s.db.chat().removeFaqEntry(s.site.id, entry.id));
        QVERIFY(s.db.store().faqOfSite(s.site.id).isEmpty());
    }

    void detailsNameThePeopleAndTheRoom()
    {
        Fixture s;
        const Room room = s.db.chat().createRoom(s.site.id, QStringLiteral("205"), "pin").value();
        NewConversation request;
        request.siteId = s.site.id;
        request.kind = ConversationKind::Room;
        request.title = QStringLiteral("Room 205");
        request.roomId = room.id;
        request.participants = {{ActorKind::Guest, 9}};
        const Conversation c = s.db.chat().openConversation(request).value();
        QVERIFY(s.db.chat().assignHandler(c.id, s.staff.id));
        s.db.chat().connectionOpened(s.site.id, {ActorKind::Guest, 9});
        const auto details = s.db.chat().conversationDetails(s.site.id, c.id);
        QVERIFY(details);
        QCOMPARE(details->roomNumber, QStringLiteral("205"));
        QCOMPARE(details->handlerName, s.staff.name);
        QCOMPARE(details->participants.size(), 2);
        QCOMPARE(details->participants.at(0).name, QStringLiteral("Guest")); // no such session
        QVERIFY(details->participants.at(0).online);
        QVERIFY(!s.db.chat().conversationDetails(s.db.site(QStringLiteral("x")).id, c.id));
    }

    // ---- names a receptionist can tell apart (ChatService::displayName)

    void guestsOfOneRoomAndVisitorsHaveDistinctNames()
    {
        Fixture s;
        ChatService &chat = s.db.chat();
        const Room room = chat.createRoom(s.site.id, QStringLiteral("205"), "pin").value();
        const QDateTime later = QDateTime::currentDateTimeUtc().addDays(1);
        const GuestSessionStart phone = chat.startGuestSession(room.id, "t1", later).value();
        const GuestSessionStart tablet = chat.startGuestSession(room.id, "t2", later).value();
        QCOMPARE(chat.displayName(ChatService::guestActor(phone.session)),
                 QStringLiteral("Room 205 · Guest 1"));
        QCOMPARE(chat.displayName(ChatService::guestActor(tablet.session)),
                 QStringLiteral("Room 205 · Guest 2"));

        const Visitor first = chat.createVisitor({}).value();
        const Visitor second = chat.createVisitor({}).value();
        const Visitor named =
            chat.createVisitor({{"name", "Ann Lee"}, {"email", "ann@x.example"}}).value();
        const Visitor mailed = chat.createVisitor({{"email", "bo@x.example"}}).value();
        const QString firstName = chat.displayName({ActorKind::Visitor, first.id});
        QCOMPARE(firstName, QStringLiteral("Visitor ") + first.publicId.left(6).toUpper());
        QVERIFY(firstName != chat.displayName({ActorKind::Visitor, second.id}));
        QCOMPARE(chat.displayName({ActorKind::Visitor, named.id}), QStringLiteral("Ann Lee"));
        QCOMPARE(chat.displayName({ActorKind::Visitor, mailed.id}), QStringLiteral("bo@x.example"));

        // A website chat is titled with its visitor's name, and its messages carry it.
        const WidgetSession session =
            chat.createWidgetSession(first.publicId, {}, {}, 3600).value();
        const WidgetChat widget =
            chat.openWidgetChat(session.publicId, first.publicId, s.site.id).value();
        QCOMPARE(widget.conversation.title, firstName);
        QSignalSpy events(&chat, &ChatService::event);
        s.post(widget.conversation.id, {ActorKind::Visitor, first.id}, QStringLiteral("Hi"));
        QCOMPARE(events.constLast().at(0).value<DomainEvent>().senderName, firstName);
    }

    void aStaffReplyIsNamedLiveAsInTheHistory()
    {
        Fixture s;
        const Conversation c = s.open(QStringLiteral("Alex"), s.customer.actor());
        s.post(c.id, s.customer.actor(), QStringLiteral("Hello?"));
        MessageListModel messages;
        QAbstractItemModelTester tester(&messages, testerMode);
        messages.setPageLoader([&](qint64 id, qint64 before, int limit) {
            messages.addPage(s.db.chat().messagePage(id, before, limit));
        });
        messages.setViewer(s.staff.actor());
        messages.open(c.id);
        QCOMPARE(messages.count(), 1);
        QObject::connect(&s.db.chat(), &ChatService::event, &messages,
                         [&](const DomainEvent &e) { messages.applyEvents({e}); });
        // The staff member was no participant when the page was read.
        s.post(c.id, s.staff.actor(), QStringLiteral("Hello!"));
        QCOMPARE(messages.count(), 2);
        QCOMPARE(messages.data(messages.index(0), MessageListModel::SenderNameRole).toString(),
                 s.staff.name);
    }

    // ---- another process writing to the same SQLite file

    void changesOfAnotherProcessReachThisOne()
    {
        Fixture s;
        if (s.db.scratch().isPostgres())
            QSKIP("SQLite only: PostgreSQL instances hear of each other through ClusterBridge");
        ChatService &chat = s.db.chat();
        const Room room = chat.createRoom(s.site.id, QStringLiteral("205"), "pin").value();
        const GuestSessionStart stay =
            chat.startGuestSession(room.id, "t1", QDateTime::currentDateTimeUtc().addDays(1))
                .value();
        SqliteChangeWatcher watcher(chat, s.db.store());
        watcher.start(20);
        ConversationListModel inbox;
        inbox.setViewer(s.site.id, s.staff.actor());
        inbox.resetConversations(chat.conversationSummaries(s.site.id, s.staff.actor()));
        ConversationFilterModel archived;
        archived.setSourceModel(&inbox);
        archived.setFilter(ConversationFilterModel::Archived);
        QList<DomainEvent> events;
        QObject::connect(&chat, &ChatService::event, &inbox, [&](const DomainEvent &e) {
            events.append(e);
            inbox.applyEvents({e});
        });

        // `lobby admin` in another process: its own connection, store and service.
        lobby::store::Database otherDatabase(QStringLiteral("other-process"));
        QString error;
        QVERIFY2(otherDatabase.open(s.db.scratch().config(), &error), qPrintable(error));
        lobby::store::Store otherStore(otherDatabase);
        ChatService other(otherStore);

        // A message of this process and one of the other: each announced here once.
        const qint64 local = s.post(stay.conversation.id, s.staff.actor(), QStringLiteral("Hi"));
        MessageDraft draft;
        draft.content = QStringLiteral("From the other side");
        const qint64 foreign =
            other.postMessage(stay.conversation.id, ChatService::guestActor(stay.session), draft)
                ->message.id;
        auto posted = [&](qint64 id) {
            return std::count_if(events.cbegin(), events.cend(), [id](const DomainEvent &e) {
                return e.kind == DomainEvent::Kind::MessagePosted && e.message.id == id;
            });
        };
        QTRY_COMPARE_WITH_TIMEOUT(posted(foreign), 1, 10000);
        QCOMPARE(posted(local), 1);
        const DomainEvent &arrived =
            *std::find_if(events.cbegin(), events.cend(), [foreign](const DomainEvent &e) {
                return e.kind == DomainEvent::Kind::MessagePosted && e.message.id == foreign;
            });
        QCOMPARE(arrived.senderName, QStringLiteral("Room 205 · Guest 1"));
        QCOMPARE(arrived.conversation.lastMessageId, foreign);

        // Check-out elsewhere: the room's conversation moves to Archived here, and the event
        // that ends guest pages (ConversationUpdated, archived) is announced.
        QCOMPARE(archived.rowCount(), 0);
        QVERIFY(other.checkOutRoom(room.id, "new-pin"));
        QTRY_COMPARE_WITH_TIMEOUT(archived.rowCount(), 1, 10000);
        QVERIFY(std::any_of(events.cbegin(), events.cend(), [&](const DomainEvent &e) {
            return e.kind == DomainEvent::Kind::ConversationUpdated && e.conversation.archived &&
                   e.conversationId == stay.conversation.id && e.remote;
        }));
        const auto details = chat.conversationDetails(s.site.id, stay.conversation.id);
        QVERIFY(details->guestSessionEndedAt.isValid());
    }
};

QTEST_GUILESS_MAIN(TestConsoleModels)
#include "tst_consolemodels.moc"
