// The fast paths of the benchmarks (bench/) give the same answers as the plain code they replace:
// the direct JSON writer against QJsonDocument, the page-bounded read receipts against all of a
// conversation's receipts, the grouped unread counts against one count per conversation, and
// the widget's cached FAQ index follows every change of the FAQ.
#include "api/v1/v1json.h"
#include "auth/passwords.h"
#include "http/jsonwriter.h"
#include "lobbyserver.h"
#include "testsupport.h"
#include "ui/conversationfiltermodel.h"
#include "ui/conversationlistmodel.h"
#include "ui/stallmonitor.h"

#include <QAbstractItemModelTester>
#include <QJsonDocument>
#include <QSignalSpy>
#include <QStandardItemModel>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

using namespace lobby;
using namespace lobby::chat;
using lobby::test::TestDatabase;

namespace {

QByteArray viaQt(const QJsonValue &value)
{
    // QJsonDocument writes objects and arrays only: wrap and unwrap.
    const QByteArray array = QJsonDocument(QJsonArray{value}).toJson(QJsonDocument::Compact);
    return array.mid(1, array.size() - 2);
}

QDateTime at(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC);
}

} // namespace

class TestFastPaths : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void stringsAreEscapedAsQtDoes_data()
    {
        QTest::addColumn<QString>("text");
        QTest::newRow("empty") << QString();
        QTest::newRow("ascii") << QStringLiteral("Breakfast is at 7:00 / 10:30.");
        QTest::newRow("quotes and backslashes") << QStringLiteral("say \"hi\" \\ bye");
        QTest::newRow("control characters")
            << QStringLiteral("a\nb\rc\td\be\ff") + QChar(0x01) + QChar(0x1f) + QChar(0x7f);
        QTest::newRow("two-byte UTF-8") << QStringLiteral("Café Señor ß");
        QTest::newRow("three-byte UTF-8") << QStringLiteral("ホテル € \u2028 \uFFFD");
        QTest::newRow("surrogate pair") << QStringLiteral("emoji 😀 and 𝄞");
        QTest::newRow("lone high surrogate") << QStringLiteral("a") + QChar(0xd83d) + u'b';
        QTest::newRow("lone low surrogate at the end") << QStringLiteral("a") + QChar(0xdc00);
        QTest::newRow("html") << QStringLiteral("<script>alert('x')</script>");
    }

    void stringsAreEscapedAsQtDoes()
    {
        QFETCH(QString, text);
        http::JsonWriter writer;
        writer.value(text);
        QCOMPARE(writer.take(), viaQt(text));
    }

    void timesAreWrittenAsQtDoes_data()
    {
        QTest::addColumn<qint64>("ms");
        QTest::newRow("epoch") << qint64(0);
        QTest::newRow("now-ish") << qint64(1763710795334);
        QTest::newRow("leap day")
            << QDateTime(QDate(2024, 2, 29), QTime(23, 59, 59, 999), Qt::UTC).toMSecsSinceEpoch();
        QTest::newRow("new year")
            << QDateTime(QDate(2000, 1, 1), QTime(0, 0), Qt::UTC).toMSecsSinceEpoch();
        QTest::newRow("before 1970") << qint64(-86400001);
        QTest::newRow("year 1")
            << QDateTime(QDate(1, 1, 1), QTime(0, 0, 0, 1), Qt::UTC).toMSecsSinceEpoch();
        QTest::newRow("year 9999")
            << QDateTime(QDate(9999, 12, 31), QTime(23, 59), Qt::UTC).toMSecsSinceEpoch();
    }

    void timesAreWrittenAsQtDoes()
    {
        QFETCH(qint64, ms);
        http::JsonWriter writer;
        writer.isoTime(at(ms));
        QCOMPARE(writer.take(), viaQt(at(ms).toString(Qt::ISODateWithMs)));
        http::JsonWriter invalid;
        invalid.isoTime(QDateTime());
        QCOMPARE(invalid.take(), QByteArray("null"));
    }

    void structureAndScalars()
    {
        http::JsonWriter writer;
        writer.beginObject().key("a").beginArray().endArray().key("b").beginObject().endObject();
        writer.key("c").beginArray().value(qint64(-9007199254740993)).value(true).null();
        writer.value(0).value("x").beginObject().key("d").value(false).endObject().endArray();
        writer.endObject();
        const QByteArray expected =
            QJsonDocument(QJsonObject{
                              {"a", QJsonArray()},
                              {"b", QJsonObject()},
                              {"c", QJsonArray{qint64(-9007199254740993), true, QJsonValue::Null, 0,
                                               "x", QJsonObject{{"d", false}}}},
                          })
                .toJson(QJsonDocument::Compact);
        QCOMPARE(writer.take(), expected);
    }

    // The history page writes messages directly; message() (WebSocket events) builds objects.
    // Both must give the same bytes for every kind of message.
    void historyMessagesMatchTheJsonObjects()
    {
        TestDatabase db;
        const Site site = db.site();
        const Account staff = db.staff(site.id, QStringLiteral("maria@hotel.example"));
        const Account customer =
            db.customer(site.id, QStringLiteral("alex@mail.example"), QStringLiteral("+15550123"));
        Upload upload;
        upload.siteId = site.id;
        upload.owner = customer.actor();
        upload.storedName = QStringLiteral("abc.png");
        upload.originalName = QStringLiteral("photo.png");
        upload.mimeType = QStringLiteral("image/png");
        upload.size = 10;
        upload.thumbnailName = QStringLiteral("abc-thumb.png");
        upload.createdAt = at(1000);
        QVERIFY(db.chat().recordUpload(upload));

        QList<Message> messages;
        Message m;
        m.id = 41;
        m.conversationId = 7;
        m.sender = staff.actor();
        m.content = QStringLiteral("Hello \"guest\" 😀\n");
        m.createdAt = at(1763710795334);
        messages << m;
        m.id = 42;
        m.sender = customer.actor();
        m.type = MessageType::Image;
        m.content.clear();
        m.mediaUrl = QStringLiteral("/uploads/chat/abc.png");
        m.replyToId = 41;
        m.clientId = QStringLiteral("client-1");
        m.entityType = QStringLiteral("appointment");
        m.entityId = QStringLiteral("17");
        messages << m;
        m.id = 43;
        m.sender = {ActorKind::Guest, 5};
        m.type = MessageType::Text;
        m.content = QStringLiteral("deleted text");
        m.deleted = true;
        m.editedAt = at(1763710799999);
        m.mediaUrl = QStringLiteral("https://elsewhere.example/x.png");
        m.entityType = QStringLiteral("product");
        m.entityId = QStringLiteral("p-9");
        m.replyToId = 0;
        m.clientId.clear();
        messages << m;
        m = Message();
        m.id = 44;
        m.conversationId = 7;
        m.sender = {ActorKind::Assistant, 0};
        m.content = QStringLiteral("Answer");
        m.createdAt = at(5);
        m.entityType = QStringLiteral("pack");
        messages << m;
        m.id = 45;
        m.sender = {ActorKind::Staff, 999}; // an account that no longer exists
        messages << m;

        const QList<store::Store::ReadReceipt> receipts = {
            {staff.actor(), 41, at(2000)},         {customer.actor(), 42, at(2500)},
            {{ActorKind::Guest, 5}, 43, at(2600)}, {staff.actor(), 44, at(3000)},
            {customer.actor(), 45, at(3500)},
        };
        api::v1::Presenter presenter(db.chat());
        for (const Message &message : std::as_const(messages)) {
            http::JsonWriter writer;
            presenter.writeMessage(writer, message, receipts);
            const QJsonObject object =
                presenter.message(message, api::v1::Presenter::receiptsFor(message, receipts));
            QCOMPARE(writer.take(), QJsonDocument(object).toJson(QJsonDocument::Compact));
        }
    }

    // A page's receipts, read for its id range only, give every message of the page the same
    // read_receipts as all of the conversation's receipts do.
    void pageReceiptsMatchAllReceipts()
    {
        TestDatabase db;
        const Site site = db.site();
        const Account staff = db.staff(site.id, QStringLiteral("maria@hotel.example"));
        const Account other = db.staff(site.id, QStringLiteral("john@hotel.example"));
        const Account customer =
            db.customer(site.id, QStringLiteral("alex@mail.example"), QStringLiteral("+15550123"));
        NewConversation request;
        request.siteId = site.id;
        request.kind = ConversationKind::App;
        request.title = QStringLiteral("Chat");
        request.participants = {staff.actor(), customer.actor(), other.actor()};
        const auto conversation = db.chat().openConversation(request);
        QVERIFY(conversation);
        QList<qint64> ids;
        for (int i = 0; i < 40; ++i) {
            const Actor sender = i % 3 == 0 ? customer.actor() : staff.actor();
            MessageDraft draft;
            draft.content = QStringLiteral("message %1").arg(i);
            const auto posted = db.chat().postMessage(conversation->id, sender, draft);
            QVERIFY(posted);
            ids << posted->message.id;
            // The other staff member reads now and then, sometimes far behind.
            if (i % 7 == 6)
                QVERIFY(db.chat().markRead(conversation->id, other.actor(), ids.at(i - 3)));
            if (i % 5 == 4)
                QVERIFY(db.chat().markRead(conversation->id, customer.actor(), ids.at(i)));
        }
        const auto all = db.store().readReceipts(conversation->id);
        QVERIFY(all.size() > 40);
        const QList<QPair<int, int>> pages = {{0, 9}, {10, 19}, {35, 39}, {0, 39}, {20, 20}};
        for (const auto &[first, last] : pages) {
            const auto page =
                db.store().readReceiptsForRange(conversation->id, ids.at(first), ids.at(last));
            QVERIFY(page.size() <= all.size());
            for (int i = first; i <= last; ++i) {
                const auto message = db.store().messageById(ids.at(i));
                QCOMPARE(api::v1::Presenter::receiptsFor(*message, page),
                         api::v1::Presenter::receiptsFor(*message, all));
            }
        }
        // A bounded read: the oldest page does not carry the conversation's later receipts.
        QVERIFY(db.store().readReceiptsForRange(conversation->id, ids.at(0), ids.at(4)).size() <
                all.size() / 2);
    }

    // History pages count a conversation's messages once and then only what is new.
    void rememberedMessageCountsFollowPosts()
    {
        TestDatabase db;
        const Site site = db.site();
        const Account staff = db.staff(site.id, QStringLiteral("maria@hotel.example"));
        NewConversation request;
        request.siteId = site.id;
        request.kind = ConversationKind::Direct;
        request.participants = {staff.actor()};
        const qint64 a = db.chat().openConversation(request)->id;
        const qint64 b = db.chat().openConversation(request)->id;
        const auto post = [&](qint64 conversation) {
            MessageDraft draft;
            draft.content = QStringLiteral("note");
            return db.chat().postMessage(conversation, staff.actor(), draft)->message.id;
        };
        const auto last = [&](qint64 conversation) {
            return db.store().conversationById(conversation)->lastMessageId;
        };
        QCOMPARE(db.store().messageCount(a, last(a)), 0);
        for (int round = 1; round <= 4; ++round) {
            for (int i = 0; i < round; ++i) {
                post(a);
                post(b);
            }
            for (qint64 conversation : {a, b}) {
                QCOMPARE(db.store().messageCount(conversation, last(conversation)),
                         db.store().messageCount(conversation));
                // Asked again without a change: the same answer.
                QCOMPARE(db.store().messageCount(conversation, last(conversation)),
                         db.store().messageCount(conversation));
            }
        }
        QCOMPARE(db.store().messageCount(a), 10);
        // Pages read from either end are the pages of the plain query, for every page size.
        for (int size = 1; size <= 11; ++size) {
            for (int offset = 0; offset <= 12; offset += size) {
                const auto ids = [](const QList<Message> &page) {
                    QList<qint64> list;
                    for (const Message &m : page)
                        list << m.id;
                    return list;
                };
                QCOMPARE(ids(db.store().messagesNewestFirst(a, last(a), 10, offset, size)),
                         ids(db.store().messagesNewestFirst(a, offset, size)));
            }
        }
        // A caller holding an older copy of the conversation gets the count as of that copy.
        const qint64 third = db.store().messagesAfter(a, 0, 3).last().id;
        QCOMPARE(db.store().messageCount(a, third), 3);
        QCOMPARE(db.store().messageCount(a, last(a)), 10);
    }

    // The console's inbox snapshot counts unread messages with one grouped query; each count is
    // what the per-conversation count says.
    void summariesCountUnreadLikeEachConversation()
    {
        TestDatabase db;
        const Site site = db.site();
        const Site otherSite = db.site(QStringLiteral("other-hotel"));
        const Account me = db.staff(site.id, QStringLiteral("me@hotel.example"));
        const Account colleague = db.staff(site.id, QStringLiteral("col@hotel.example"));
        const Account customer =
            db.customer(site.id, QStringLiteral("alex@mail.example"), QStringLiteral("+15550123"));
        const Account stranger = db.staff(otherSite.id, QStringLiteral("x@other.example"));
        auto open = [&](qint64 siteId, QList<Actor> participants) {
            NewConversation request;
            request.siteId = siteId;
            request.kind = ConversationKind::App;
            request.title = QStringLiteral("Chat");
            request.participants = participants;
            return db.chat().openConversation(request)->id;
        };
        auto say = [&](qint64 conversation, const Actor &sender, int times) {
            qint64 last = 0;
            for (int i = 0; i < times; ++i) {
                MessageDraft draft;
                draft.content = QStringLiteral("hello %1").arg(i);
                last = db.chat().postMessage(conversation, sender, draft)->message.id;
            }
            return last;
        };
        // Nothing read, never a participant: everything the others said counts.
        const qint64 unreadAll = open(site.id, {customer.actor()});
        say(unreadAll, customer.actor(), 4);
        // Read half way, then more arrived; my own messages never count.
        const qint64 halfRead = open(site.id, {customer.actor(), me.actor()});
        const qint64 middle = say(halfRead, customer.actor(), 3);
        QVERIFY(db.chat().markRead(halfRead, me.actor(), middle));
        say(halfRead, colleague.actor(), 2);
        say(halfRead, me.actor(), 1);       // answering marks everything before as read...
        say(halfRead, customer.actor(), 2); // ...and these came after
        // Everything read.
        const qint64 allRead = open(site.id, {customer.actor(), me.actor()});
        QVERIFY(db.chat().markRead(allRead, me.actor(), say(allRead, customer.actor(), 2)));
        // No messages at all; another site's conversation is not in the list.
        const qint64 empty = open(site.id, {customer.actor()});
        say(open(otherSite.id, {stranger.actor()}), stranger.actor(), 3);

        const QList<ConversationSummary> summaries =
            db.chat().conversationSummaries(site.id, me.actor());
        QCOMPARE(summaries.size(), 4);
        QHash<qint64, qint64> unread;
        for (const ConversationSummary &summary : summaries) {
            QCOMPARE(summary.unreadCount,
                     db.store().unreadCount(summary.conversation.id, me.actor()));
            unread.insert(summary.conversation.id, summary.unreadCount);
        }
        QCOMPARE(unread.value(unreadAll), 4);
        QCOMPARE(unread.value(halfRead), 2);
        QCOMPARE(unread.value(allRead), 0);
        QCOMPARE(unread.value(empty), 0);
        // Seen from the customer: my messages and my colleague's count, theirs do not.
        for (const ConversationSummary &summary :
             db.chat().conversationSummaries(site.id, customer.actor()))
            QCOMPARE(summary.unreadCount,
                     db.store().unreadCount(summary.conversation.id, customer.actor()));
    }

    // The widget keeps its FAQ index between messages; an entry added or removed (here straight
    // through ChatService, as the console and `lobby admin` do) counts from the next message.
    void widgetAssistantFollowsFaqChanges()
    {
        TestDatabase db;
        const Site site = db.site();
        const auto breakfast =
            db.chat().addFaqEntry(site.id, QStringLiteral("What time is breakfast served?"),
                                  QStringLiteral("Breakfast is from 7:00 to 10:30."));
        // BM25 needs a few entries to tell them apart.
        db.chat().addFaqEntry(site.id, QStringLiteral("When is check-out?"),
                              QStringLiteral("Check-out is at 11:00."));
        db.chat().addFaqEntry(site.id, QStringLiteral("What is the Wi-Fi password?"),
                              QStringLiteral("The password is on your key card holder."));
        const auth::NewApiKey key = auth::generateApiKey();
        QVERIFY(db.chat().createApiKey(site.id, QStringLiteral("test"), key.prefix, key.hash));
        ServerConfig config;
        config.jwtSecret = QByteArray(48, 'f');
        LobbyServer server(db.chat(), config);
        QString error;
        QVERIFY2(server.listen(QHostAddress::LocalHost, 0, &error), qPrintable(error));
        const quint16 port = server.http().port();
        const auto post = [port](const QByteArray &path, const QJsonObject &body,
                                 const QList<QPair<QByteArray, QByteArray>> &headers = {}) {
            return test::request(port, "POST", path,
                                 QJsonDocument(body).toJson(QJsonDocument::Compact), headers);
        };
        const QString visitor =
            post("/api/chats/visitors/", {}).json()["data"].toObject()["id"].toString();
        const QString session = post("/api/chats/sessions/", {{"visitor_id", visitor}})
                                    .json()["data"]
                                    .toObject()["id"]
                                    .toString();
        const auto ask = [&](const QString &question) {
            const auto result =
                post("/api/chats/messages/chat/",
                     {{"message", question}, {"session_id", session}, {"visitor_id", visitor}},
                     {{"X-API-Key", key.key.toLatin1()}});
            return result.json()["data"].toObject();
        };
        QCOMPARE(ask(QStringLiteral("What time is breakfast served?"))["response"].toString(),
                 QStringLiteral("Breakfast is from 7:00 to 10:30."));
        QVERIFY(ask(QStringLiteral("Is there parking at the hotel?"))["handoff"].toBool());

        const auto parking =
            db.chat().addFaqEntry(site.id, QStringLiteral("Is there parking at the hotel?"),
                                  QStringLiteral("Free parking behind the hotel."));
        QVERIFY(parking);
        QCOMPARE(ask(QStringLiteral("Is there parking at the hotel?"))["response"].toString(),
                 QStringLiteral("Free parking behind the hotel."));

        // Removing one entry and adding another keeps the count: the newest id still differs.
        QVERIFY(db.chat().removeFaqEntry(site.id, breakfast->id));
        const auto spa =
            db.chat().addFaqEntry(site.id, QStringLiteral("What are the spa opening hours?"),
                                  QStringLiteral("The spa opens at 8:00."));
        QVERIFY(spa);
        QVERIFY(ask(QStringLiteral("What time is breakfast served?"))["handoff"].toBool());
        QCOMPARE(ask(QStringLiteral("What are the spa opening hours?"))["response"].toString(),
                 QStringLiteral("The spa opens at 8:00."));

        // Removing the newest entry changes the count.
        QVERIFY(db.chat().removeFaqEntry(site.id, spa->id));
        QVERIFY(ask(QStringLiteral("What are the spa opening hours?"))["handoff"].toBool());
    }

    // The inbox filter passes a conversation going to the top on as a row move: a layout change
    // or a reset would make QML's ListView create every delegate again (bench/console).
    void inboxFilterPassesMovesOn()
    {
        TestDatabase db;
        const Site site = db.site();
        const Account me = db.staff(site.id, QStringLiteral("me@hotel.example"));
        const Account customer =
            db.customer(site.id, QStringLiteral("alex@mail.example"), QStringLiteral("+15550123"));
        ui::ConversationListModel inbox;
        inbox.setViewer(site.id, me.actor());
        ui::ConversationFilterModel filtered;
        QAbstractItemModelTester tester(&filtered,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        filtered.setSourceModel(&inbox);
        filtered.setViewerId(me.id);
        QObject::connect(&db.chat(), &ChatService::event, &inbox,
                         [&](const DomainEvent &e) { inbox.applyEvents({e}); });
        QList<qint64> ids;
        for (int i = 0; i < 6; ++i) {
            NewConversation request;
            request.siteId = site.id;
            request.title = QStringLiteral("Chat %1").arg(i);
            request.participants = {customer.actor()};
            ids << db.chat().openConversation(request)->id;
        }
        // Every other one is mine: the Mine filter hides the rest.
        for (int i = 0; i < 6; i += 2)
            QVERIFY(db.chat().assignHandler(ids.at(i), me.id));
        const auto expected = [&] { // the source's order, filtered
            QList<qint64> order;
            for (int row = 0; row < inbox.rowCount(); ++row) {
                const QModelIndex at = inbox.index(row, 0);
                const bool mine =
                    at.data(ui::ConversationListModel::HandlerIdRole).toLongLong() == me.id;
                if (filtered.filter() == ui::ConversationFilterModel::All || mine)
                    order << at.data(ui::ConversationListModel::IdRole).toLongLong();
            }
            return order;
        };
        const auto shown = [&] {
            QList<qint64> order;
            for (int row = 0; row < filtered.rowCount(); ++row)
                order << filtered.conversationIdAt(row);
            return order;
        };
        QSignalSpy moved(&filtered, &QAbstractItemModel::rowsMoved);
        QSignalSpy layout(&filtered, &QAbstractItemModel::layoutChanged);
        QSignalSpy reset(&filtered, &QAbstractItemModel::modelReset);
        for (auto filter : {ui::ConversationFilterModel::All, ui::ConversationFilterModel::Mine}) {
            filtered.setFilter(filter);
            QCOMPARE(shown(), expected());
            for (int i : {0, 5, 3, 2, 0, 1, 4, 4}) {
                QTest::qWait(2); // a later millisecond: the inbox orders by last activity
                MessageDraft draft;
                draft.content = QStringLiteral("news");
                QVERIFY(db.chat().postMessage(ids.at(i), customer.actor(), draft));
                QCOMPARE(shown(), expected());
                QCOMPARE(filtered.conversationIdAt(0) == ids.at(i),
                         filter == ui::ConversationFilterModel::All || i % 2 == 0);
            }
        }
        QVERIFY(moved.count() >= 8);
        QCOMPARE(layout.count(), 0);
        QCOMPARE(reset.count(), 0);
    }

    // A batch of events moves each conversation at most once, to where the whole batch puts it.
    void inboxBatchMovesEachConversationOnce()
    {
        TestDatabase db;
        const Site site = db.site();
        const Account me = db.staff(site.id, QStringLiteral("me@hotel.example"));
        const Account customer =
            db.customer(site.id, QStringLiteral("alex@mail.example"), QStringLiteral("+15550123"));
        QList<qint64> ids;
        for (int i = 0; i < 8; ++i) {
            NewConversation request;
            request.siteId = site.id;
            request.title = QStringLiteral("Chat %1").arg(i);
            request.participants = {customer.actor()};
            ids << db.chat().openConversation(request)->id;
            QTest::qWait(2);
        }
        ui::ConversationListModel inbox;
        inbox.setViewer(site.id, me.actor());
        QAbstractItemModelTester tester(&inbox,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        inbox.resetConversations(db.chat().conversationSummaries(site.id, me.actor()));
        DomainEvents batch;
        QObject::connect(&db.chat(), &ChatService::event, &inbox,
                         [&](const DomainEvent &e) { batch.append(e); });
        // Twelve messages, round robin over the three oldest conversations.
        for (int i = 0; i < 12; ++i) {
            QTest::qWait(2); // a later millisecond: the inbox orders by last activity
            MessageDraft draft;
            draft.content = QStringLiteral("message %1").arg(i);
            QVERIFY(db.chat().postMessage(ids.at(i % 3), customer.actor(), draft));
        }
        QSignalSpy moved(&inbox, &QAbstractItemModel::rowsMoved);
        QSignalSpy changed(&inbox, &QAbstractItemModel::dataChanged);
        inbox.applyEvents(batch);
        QVERIFY(moved.count() <= 3);
        QVERIFY(changed.count() <= 3);
        // Newest activity first: the last message went to ids[2], before it ids[1], ids[0].
        const QList<qint64> expected = {ids.at(2), ids.at(1), ids.at(0), ids.at(7),
                                        ids.at(6), ids.at(5), ids.at(4), ids.at(3)};
        QList<qint64> order;
        for (int row = 0; row < inbox.rowCount(); ++row)
            order << inbox.index(row).data(ui::ConversationListModel::IdRole).toLongLong();
        QCOMPARE(order, expected);
        QCOMPARE(inbox.index(0).data(ui::ConversationListModel::UnreadCountRole).toInt(), 4);
    }

    // LOBBY_STALL_REPORT's monitor: the longest time the thread did not get to its timer, and
    // the watched models' updates, per second.
    void stallMonitorReportsStallsAndUpdates()
    {
        QStandardItemModel model;
        ui::StallMonitor monitor;
        monitor.watch(&model);
        monitor.start();
        QTest::qWait(30);
        for (int i = 0; i < 3; ++i)
            model.appendRow(new QStandardItem(QStringLiteral("row %1").arg(i)));
        model.item(0)->setText(QStringLiteral("changed"));
        QTimer::singleShot(0, [] { QThread::msleep(120); }); // blocks the event loop
        QTest::qWait(100);
        QTRY_VERIFY(monitor.longestGapMs() >= 120);
        model.removeRow(1);

        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("stalls.json"));
        QVERIFY(monitor.writeReport(path));
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QJsonObject report = QJsonDocument::fromJson(file.readAll()).object();
        QVERIFY(report["longest_stall_ms"].toInteger() >= 120);
        // The thread slept through that stall: less of it was spent running.
        QVERIFY(report["longest_stall_cpu_ms"].toInteger() <
                report["longest_stall_ms"].toInteger());
        QCOMPARE(report["tick_ms"].toInt(), ui::StallMonitor::tickMs);
        QVERIFY(report["started_at_ms"].toInteger() > 0);
        const QJsonObject totals = report["totals"].toObject();
        QCOMPARE(totals["rows_inserted"].toInt(), 3);
        QCOMPARE(totals["rows_removed"].toInt(), 1);
        QCOMPARE(totals["data_changed"].toInt(), 1);
        QVERIFY(totals["ticks"].toInt() > 0);
        QVERIFY(!report["seconds"].toArray().isEmpty());
        QVERIFY(report["seconds"].toArray().first().toObject().contains(u"cpu_ms"));
    }
};

QTEST_GUILESS_MAIN(TestFastPaths)
#include "tst_fastpaths.moc"
