#include "testsupport.h"
#include "ui/conversationlistmodel.h"
#include "ui/eventbatcher.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

using namespace lobby::chat;
using lobby::test::TestDatabase;
using lobby::ui::ConversationListModel;
using lobby::ui::EventBatcher;

class TestConversationListModel : public QObject
{
    Q_OBJECT

    // A site with a staff viewer, a customer, and a model fed straight from ChatService.
    struct Fixture
    {
        TestDatabase db;
        Site site = db.site();
        Account staff = db.staff(site.id, QStringLiteral("desk@x.example"));
        Account customer =
            db.customer(site.id, QStringLiteral("c@x.example"), QStringLiteral("+15550001"));
        ConversationListModel model;
        QAbstractItemModelTester tester{&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest};

        Fixture()
        {
            model.setViewer(site.id, staff.actor());
            QObject::connect(&db.chat(), &ChatService::event, &model,
                             [this](const DomainEvent &e) { model.applyEvents({e}); });
        }

        Conversation open(const QString &title)
        {
            NewConversation request;
            request.siteId = site.id;
            request.title = title;
            request.participants = {customer.actor()};
            return db.chat().openConversation(request).value();
        }

        void post(qint64 conversationId, const Actor &sender, const QString &text)
        {
            MessageDraft draft;
            draft.content = text;
            QVERIFY(db.chat().postMessage(conversationId, sender, draft));
        }

        QString titleAt(int row) const
        {
            return model.data(model.index(row), ConversationListModel::TitleRole).toString();
        }
        int unreadAt(int row) const
        {
            return model.data(model.index(row), ConversationListModel::UnreadCountRole).toInt();
        }
    };

private Q_SLOTS:
    void newConversationsAreInsertedOnTop()
    {
        Fixture f;
        QSignalSpy inserted(&f.model, &QAbstractItemModel::rowsInserted);
        f.open(QStringLiteral("First"));
        QTest::qWait(2); // distinct creation times
        f.open(QStringLiteral("Second"));
        QCOMPARE(inserted.count(), 2);
        QCOMPARE(f.model.rowCount(), 2);
        QCOMPARE(f.titleAt(0), QStringLiteral("Second"));
        QCOMPARE(f.titleAt(1), QStringLiteral("First"));
    }

    void aNewMessageMovesItsRowUpAndCountsUnread()
    {
        Fixture f;
        const Conversation older = f.open(QStringLiteral("Older"));
        QTest::qWait(2);
        f.open(QStringLiteral("Newer"));
        QSignalSpy moved(&f.model, &QAbstractItemModel::rowsMoved);
        QSignalSpy changed(&f.model, &QAbstractItemModel::dataChanged);
        QSignalSpy totalChanged(&f.model, &ConversationListModel::totalUnreadChanged);
        QTest::qWait(2);
        f.post(older.id, f.customer.actor(), QStringLiteral("Need towels"));
        QCOMPARE(moved.count(), 1);
        QCOMPARE(f.titleAt(0), QStringLiteral("Older"));
        QCOMPARE(f.unreadAt(0), 1);
        QCOMPARE(f.model.totalUnread(), 1);
        QCOMPARE(totalChanged.count(), 1);
        QCOMPARE(changed.count(), 1);
        const auto roles = changed.at(0).at(2).value<QList<int>>();
        QVERIFY(roles.contains(ConversationListModel::UnreadCountRole));
        QVERIFY(roles.contains(ConversationListModel::PreviewRole));
        QVERIFY(!roles.contains(ConversationListModel::TitleRole));
        QCOMPARE(f.model.data(f.model.index(0), ConversationListModel::PreviewRole).toString(),
                 QStringLiteral("Need towels"));
    }

    void theViewersOwnReplyAndReadClearUnread()
    {
        Fixture f;
        const Conversation c = f.open(QStringLiteral("C"));
        f.post(c.id, f.customer.actor(), QStringLiteral("one"));
        f.post(c.id, f.customer.actor(), QStringLiteral("two"));
        QCOMPARE(f.unreadAt(0), 2);
        f.post(c.id, f.staff.actor(), QStringLiteral("answer"));
        QCOMPARE(f.unreadAt(0), 0);
        f.post(c.id, f.customer.actor(), QStringLiteral("three"));
        QCOMPARE(f.unreadAt(0), 1);
        const qint64 last = f.db.store().conversationById(c.id)->lastMessageId;
        QVERIFY(f.db.chat().markRead(c.id, f.staff.actor(), last));
        QCOMPARE(f.unreadAt(0), 0);
    }

    void replayedEventsAreNotCountedTwice()
    {
        Fixture f;
        const Conversation c = f.open(QStringLiteral("C"));
        DomainEvents seen;
        connect(&f.db.chat(), &ChatService::event, this,
                [&seen](const DomainEvent &e) { seen << e; });
        f.post(c.id, f.customer.actor(), QStringLiteral("once"));
        QCOMPARE(f.unreadAt(0), 1);
        f.model.applyEvents(seen);
        QCOMPARE(f.unreadAt(0), 1);
    }

    void typingShowsUntilTheMessageArrives()
    {
        Fixture f;
        const Conversation c = f.open(QStringLiteral("C"));
        QVERIFY(f.db.chat().setTyping(c.id, f.customer.actor(), true));
        QVERIFY(f.model.data(f.model.index(0), ConversationListModel::TypingRole).toBool());
        f.post(c.id, f.customer.actor(), QStringLiteral("done typing"));
        QVERIFY(!f.model.data(f.model.index(0), ConversationListModel::TypingRole).toBool());
        // The viewer's own typing is not shown to the viewer.
        QVERIFY(f.db.chat().setTyping(c.id, f.staff.actor(), true));
        QVERIFY(!f.model.data(f.model.index(0), ConversationListModel::TypingRole).toBool());
    }

    void otherSitesAreIgnoredAndResetSorts()
    {
        Fixture f;
        const Site other = f.db.site(QStringLiteral("other"));
        NewConversation elsewhere;
        elsewhere.siteId = other.id;
        elsewhere.title = QStringLiteral("Elsewhere");
        QVERIFY(f.db.chat().openConversation(elsewhere));
        QCOMPARE(f.model.rowCount(), 0);

        f.open(QStringLiteral("A"));
        QTest::qWait(2);
        f.open(QStringLiteral("B"));
        QSignalSpy reset(&f.model, &QAbstractItemModel::modelReset);
        f.model.resetConversations(f.db.chat().conversationSummaries(f.site.id, f.staff.actor()));
        QCOMPARE(reset.count(), 1);
        QCOMPARE(f.model.rowCount(), 2);
        QCOMPARE(f.titleAt(0), QStringLiteral("B"));
    }

    void aBurstReachesTheModelInAFewBatches()
    {
        Fixture f;
        const Conversation c = f.open(QStringLiteral("Burst"));
        EventBatcher batcher(50);
        ConversationListModel batched;
        batched.setViewer(f.site.id, f.staff.actor());
        batched.resetConversations(f.db.chat().conversationSummaries(f.site.id, f.staff.actor()));
        connect(&f.db.chat(), &ChatService::event, &batcher, &EventBatcher::add);
        QSignalSpy batches(&batcher, &EventBatcher::batchReady);
        connect(&batcher, &EventBatcher::batchReady, &batched, &ConversationListModel::applyEvents);
        QSignalSpy changed(&batched, &QAbstractItemModel::dataChanged);
        for (int i = 0; i < 1000; ++i)
            f.post(c.id, f.customer.actor(), QStringLiteral("m%1").arg(i));
        QTRY_COMPARE(batched.data(batched.index(0), ConversationListModel::UnreadCountRole).toInt(),
                     1000);
        QVERIFY2(batches.count() < 1000 / 10, qPrintable(QString::number(batches.count())));
        QCOMPARE(batcher.batchesSent(), batches.count());
        // One dataChanged per conversation per batch, not one per message.
        QCOMPARE(changed.count(), batches.count());
    }
};

QTEST_GUILESS_MAIN(TestConversationListModel)
#include "tst_conversationlistmodel.moc"
