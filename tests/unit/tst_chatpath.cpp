// The full chat path (bench/chatpath): ChatService's group commit (chatservice_batch.cpp) stores
// queued posts in one transaction, announces them only after it committed and refuses them together
// when it does not; the statements of a post use indexes.
#include "store/rows.h"
#include "testsupport.h"

#include <QSignalSpy>
#include <QSqlError>
#include <QSqlQuery>
#include <QTest>

using namespace lobby;
using namespace lobby::chat;
using lobby::test::TestDatabase;

class TestChatPath : public QObject
{
    Q_OBJECT

    struct Fixture
    {
        TestDatabase db;
        Site site = db.site();
        Account staff = db.staff(site.id, QStringLiteral("desk@test.example"));
        Account customer =
            db.customer(site.id, QStringLiteral("cust@test.example"), QStringLiteral("+15550100"));
        Account stranger =
            db.customer(site.id, QStringLiteral("other@test.example"), QStringLiteral("+15550200"));
        Conversation conversation = open();
        QList<Result<PostedMessage>> results;

        Conversation open()
        {
            NewConversation request;
            request.siteId = site.id;
            request.kind = ConversationKind::App;
            request.title = QStringLiteral("Support");
            request.participants = {customer.actor()};
            return db.chat().openConversation(request).value();
        }
        void queue(const Actor &sender, const QString &content)
        {
            MessageDraft draft;
            draft.content = content;
            db.chat().queueMessage(conversation.id, sender, draft,
                                   [this](const Result<PostedMessage> &r) { results.append(r); });
        }
        // SQL run on the service's own connection (test setup only).
        void sql(const QString &statement)
        {
            QSqlQuery query(db.database().handle());
            if (!query.exec(statement))
                qFatal("%s: %s", qPrintable(statement), qPrintable(query.lastError().text()));
        }
        bool postgres() const { return db.scratch().isPostgres(); }
    };

    // What another connection sees: only committed rows.
    static qint64 committedMessages(const TestDatabase &db, qint64 conversationId)
    {
        static int counter = 0;
        qint64 count = -1;
        {
            store::Database reader(QStringLiteral("chatpath-reader-%1").arg(++counter));
            QString error;
            if (!reader.open(db.scratch().config(), &error))
                qFatal("reader: %s", qPrintable(error));
            QSqlQuery query(reader.handle());
            query.prepare(
                QStringLiteral("SELECT COUNT(*) FROM messages WHERE conversation_id = ?"));
            query.addBindValue(conversationId);
            if (query.exec() && query.next())
                count = query.value(0).toLongLong();
        }
        return count;
    }

    static DomainEvent eventAt(const QSignalSpy &spy, int i)
    {
        return spy.at(i).at(0).value<DomainEvent>();
    }

private Q_SLOTS:
    // inOneCommit (a request's several writes, e.g. a widget chat turn): one commit, events
    // after it; work that gives up undoes everything and announces nothing.
    void inOneCommitCommitsOnceOrNotAtAll()
    {
        Fixture f;
        QSignalSpy events(&f.db.chat(), &ChatService::event);
        const qint64 commitsBefore = f.db.store().commitCount();
        MessageDraft draft;
        draft.content = QStringLiteral("first");
        int eventsInside = -1;
        QVERIFY(f.db.chat().inOneCommit([&] {
            const bool posted =
                f.db.chat().postMessage(f.conversation.id, f.customer.actor(), draft) &&
                f.db.chat().postMessage(f.conversation.id, f.staff.actor(), draft);
            eventsInside = int(events.count());
            return posted;
        }));
        QCOMPARE(eventsInside, 0);
        QCOMPARE(f.db.store().commitCount(), commitsBefore + 1);
        QCOMPARE(committedMessages(f.db, f.conversation.id), 2);
        QVERIFY(events.count() >= 2);

        events.clear();
        bool postedInside = false;
        QVERIFY(!f.db.chat().inOneCommit([&] {
            postedInside =
                bool(f.db.chat().postMessage(f.conversation.id, f.customer.actor(), draft));
            return false; // e.g. the second half of a turn could not be stored
        }));
        QVERIFY(postedInside);
        QCOMPARE(f.db.store().messageCount(f.conversation.id), 2);
        QCOMPARE(events.count(), 0);
        QCOMPARE(f.db.store().commitCount(), commitsBefore + 1);
    }

    void aBatchOfPostsIsOneCommit()
    {
        Fixture f;
        QSignalSpy events(&f.db.chat(), &ChatService::event);
        const qint64 commitsBefore = f.db.store().commitCount();
        for (int i = 0; i < 5; ++i)
            f.queue(f.customer.actor(), QStringLiteral("m%1").arg(i));
        QCOMPARE(f.db.chat().queuedCount(), 5);
        // Nothing happens before the flush: not stored, not announced, not answered.
        QCOMPARE(f.db.store().messageCount(f.conversation.id), 0);
        QCOMPARE(events.count(), 0);
        QVERIFY(f.results.isEmpty());

        f.db.chat().flushQueue();
        QCOMPARE(f.db.store().commitCount(), commitsBefore + 1);
        QCOMPARE(f.db.chat().queuedCount(), 0);
        QCOMPARE(committedMessages(f.db, f.conversation.id), 5);
        QCOMPARE(f.results.size(), 5);
        QCOMPARE(events.count(), 5);
        for (int i = 0; i < 5; ++i) {
            QVERIFY(f.results.at(i));
            QCOMPARE(f.results.at(i)->message.content, QStringLiteral("m%1").arg(i));
            if (i > 0)
                QVERIFY(f.results.at(i)->message.id > f.results.at(i - 1)->message.id);
            QCOMPARE(eventAt(events, i).kind, DomainEvent::Kind::MessagePosted);
            QCOMPARE(eventAt(events, i).message.id, f.results.at(i)->message.id);
        }
        const auto conversation = f.db.store().conversationById(f.conversation.id);
        QCOMPARE(conversation->lastMessageId, f.results.at(4)->message.id);
        QCOMPARE(conversation->lastMessagePreview, QStringLiteral("m4"));
    }

    void eventsAndAnswersComeOnlyAfterTheCommit()
    {
        Fixture f;
        QList<qint64> seenByEvents, seenByAnswers;
        connect(&f.db.chat(), &ChatService::event, this, [&](const DomainEvent &e) {
            if (e.kind == DomainEvent::Kind::MessagePosted)
                seenByEvents.append(committedMessages(f.db, f.conversation.id));
        });
        for (int i = 0; i < 3; ++i) {
            MessageDraft draft;
            draft.content = QStringLiteral("durable %1").arg(i);
            f.db.chat().queueMessage(
                f.conversation.id, f.customer.actor(), draft, [&](const Result<PostedMessage> &r) {
                    QVERIFY(r);
                    seenByAnswers.append(committedMessages(f.db, f.conversation.id));
                });
        }
        f.db.chat().flushQueue();
        // Every event and every answer saw all three messages committed (durable).
        QCOMPARE(seenByEvents, QList<qint64>({3, 3, 3}));
        QCOMPARE(seenByAnswers, QList<qint64>({3, 3, 3}));
    }

    void theEventLoopFlushesByItself()
    {
        Fixture f;
        QSignalSpy events(&f.db.chat(), &ChatService::event);
        f.queue(f.customer.actor(), QStringLiteral("one"));
        f.queue(f.customer.actor(), QStringLiteral("two"));
        QVERIFY(f.results.isEmpty());
        QTRY_COMPARE(f.results.size(), 2);
        QCOMPARE(events.count(), 2);
        QCOMPARE(f.db.store().messageCount(f.conversation.id), 2);
    }

    void refusedPostsFailAloneAndInOrder()
    {
        Fixture f;
        QSignalSpy events(&f.db.chat(), &ChatService::event);
        const qint64 commitsBefore = f.db.store().commitCount();
        f.queue(f.customer.actor(), QStringLiteral("first"));
        f.queue(f.customer.actor(), QStringLiteral("   ")); // no text
        f.queue(f.stranger.actor(), QStringLiteral("not mine"));
        f.queue(f.customer.actor(), QStringLiteral("last"));
        f.db.chat().flushQueue();
        QCOMPARE(f.db.store().commitCount(), commitsBefore + 1);
        QCOMPARE(f.results.size(), 4);
        QVERIFY(f.results.at(0));
        QCOMPARE(f.results.at(1).error().code, ErrorCode::Invalid);
        QCOMPARE(f.results.at(2).error().code, ErrorCode::Forbidden);
        QVERIFY(f.results.at(3));
        QCOMPARE(events.count(), 2);
        QCOMPARE(eventAt(events, 1).message.content, QStringLiteral("last"));
        QCOMPARE(committedMessages(f.db, f.conversation.id), 2);
    }

    void aPostThatFailsInTheDatabaseIsUndoneAlone()
    {
        Fixture f;
        // The insert of "boom" fails inside the batch; its savepoint is rolled back and the
        // other posts are committed.
        if (f.postgres()) {
            f.sql(QStringLiteral("CREATE FUNCTION refuse_boom() RETURNS trigger LANGUAGE plpgsql "
                                 "AS $$ BEGIN IF NEW.content = 'boom' THEN RAISE EXCEPTION "
                                 "'refused'; END IF; RETURN NEW; END $$"));
            f.sql(QStringLiteral("CREATE TRIGGER refuse_boom BEFORE INSERT ON messages FOR EACH "
                                 "ROW EXECUTE FUNCTION refuse_boom()"));
        } else {
            f.sql(QStringLiteral("CREATE TEMP TRIGGER refuse_boom BEFORE INSERT ON messages "
                                 "WHEN NEW.content = 'boom' BEGIN SELECT RAISE(ABORT, "
                                 "'refused'); END"));
        }
        QSignalSpy events(&f.db.chat(), &ChatService::event);
        f.queue(f.customer.actor(), QStringLiteral("before"));
        f.queue(f.customer.actor(), QStringLiteral("boom"));
        f.queue(f.customer.actor(), QStringLiteral("after"));
        f.db.chat().flushQueue();
        QCOMPARE(f.results.size(), 3);
        QVERIFY(f.results.at(0));
        QCOMPARE(f.results.at(1).error().code, ErrorCode::Storage);
        QVERIFY(f.results.at(2));
        QCOMPARE(events.count(), 2);
        QCOMPARE(committedMessages(f.db, f.conversation.id), 2);
        QCOMPARE(f.db.store().conversationById(f.conversation.id)->lastMessagePreview,
                 QStringLiteral("after"));
    }

    void aFailedCommitAnnouncesNothingAndReportsErrors()
    {
        Fixture f;
        // A check that only runs at COMMIT (a deferred constraint) refuses the whole batch.
        if (f.postgres()) {
            f.sql(QStringLiteral("CREATE FUNCTION refuse_commit() RETURNS trigger LANGUAGE "
                                 "plpgsql AS $$ BEGIN RAISE EXCEPTION 'refused'; END $$"));
            f.sql(QStringLiteral("CREATE CONSTRAINT TRIGGER refuse_commit AFTER INSERT ON "
                                 "messages DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE "
                                 "FUNCTION refuse_commit()"));
        } else {
            // A trigger that breaks a foreign key, checked only at COMMIT (the pragma lasts
            // until the next commit or rollback, so it comes last).
            f.sql(QStringLiteral("CREATE TEMP TRIGGER refuse_commit AFTER INSERT ON messages "
                                 "BEGIN INSERT INTO read_receipts (conversation_id, reader_kind, "
                                 "reader_id, up_to_message_id, read_at) VALUES (987654321, "
                                 "'customer', 1, NEW.id, 0); END"));
            f.sql(QStringLiteral("PRAGMA defer_foreign_keys = ON"));
        }
        QSignalSpy events(&f.db.chat(), &ChatService::event);
        const qint64 commitsBefore = f.db.store().commitCount();
        f.queue(f.customer.actor(), QStringLiteral("lost 1"));
        f.queue(f.customer.actor(), QString()); // refused on its own
        f.queue(f.customer.actor(), QStringLiteral("lost 2"));
        f.db.chat().flushQueue();
        QCOMPARE(events.count(), 0);
        QCOMPARE(f.results.size(), 3);
        QCOMPARE(f.results.at(0).error().code, ErrorCode::Storage);
        QCOMPARE(f.results.at(1).error().code, ErrorCode::Invalid);
        QCOMPARE(f.results.at(2).error().code, ErrorCode::Storage);
        QCOMPARE(f.db.store().commitCount(), commitsBefore);
        QCOMPARE(committedMessages(f.db, f.conversation.id), 0);
        QCOMPARE(f.db.store().messageCount(f.conversation.id), 0);

        // The service carries on once the database does.
        f.sql(f.postgres() ? QStringLiteral("DROP TRIGGER refuse_commit ON messages")
                           : QStringLiteral("DROP TRIGGER refuse_commit"));
        f.results.clear();
        f.queue(f.customer.actor(), QStringLiteral("kept"));
        f.db.chat().flushQueue();
        QCOMPARE(f.results.size(), 1);
        QVERIFY(f.results.at(0));
        QCOMPARE(events.count(), 1);
        QCOMPARE(committedMessages(f.db, f.conversation.id), 1);
    }

    void synchronousPostsCommitAtOnceBesideAQueue()
    {
        Fixture f;
        QSignalSpy events(&f.db.chat(), &ChatService::event);
        f.queue(f.customer.actor(), QStringLiteral("queued"));
        const qint64 commitsBefore = f.db.store().commitCount();
        MessageDraft draft;
        draft.content = QStringLiteral("right away");
        const auto posted = f.db.chat().postMessage(f.conversation.id, f.customer.actor(), draft);
        QVERIFY(posted);
        // A REST handler answers with a committed row and its event already sent.
        QCOMPARE(f.db.store().commitCount(), commitsBefore + 1);
        QCOMPARE(committedMessages(f.db, f.conversation.id), 1);
        QCOMPARE(events.count(), 1);
        QVERIFY(f.results.isEmpty());
        f.db.chat().flushQueue();
        QCOMPARE(f.results.size(), 1);
        QVERIFY(f.results.at(0)->message.id > posted->message.id);
        QCOMPARE(events.count(), 2);
    }

    void nestedTransactionsAreSavepoints()
    {
        Fixture f;
        store::Store &store = f.db.store();
        const qint64 commitsBefore = store.commitCount();
        {
            store::Transaction outer(store);
            QVERIFY(outer.isOpen());
            {
                store::Transaction inner(store);
                QVERIFY(inner.isOpen());
                Site site{0, QStringLiteral("undone"), QStringLiteral("Undone"), SiteKind::Hotel,
                          QDateTime::currentDateTimeUtc()};
                QVERIFY(store.insertSite(site));
            } // rolled back to its savepoint
            {
                store::Transaction inner(store);
                Site site{0, QStringLiteral("kept"), QStringLiteral("Kept"), SiteKind::Hotel,
                          QDateTime::currentDateTimeUtc()};
                QVERIFY(store.insertSite(site));
                QVERIFY(inner.commit());
            }
            QCOMPARE(store.commitCount(), commitsBefore); // a savepoint is not a commit
            QVERIFY(outer.commit());
        }
        QCOMPARE(store.commitCount(), commitsBefore + 1);
        QVERIFY(!store.siteBySlug(QStringLiteral("undone")));
        QVERIFY(store.siteBySlug(QStringLiteral("kept")));
    }

    void theStatementsOfAPostUseIndexes()
    {
        Fixture f;
        if (f.postgres())
            QSKIP("EXPLAIN QUERY PLAN is SQLite's");
        // The statements as store.cpp runs them (a conversation read also finds its widget
        // session, see CONVERSATION_COLUMNS).
        const QStringList statements = {
            QStringLiteral("SELECT " CONVERSATION_COLUMNS " FROM conversations c WHERE c.id = 1"),
            QStringLiteral("SELECT " PARTICIPANT_COLUMNS " FROM participants WHERE "
                           "conversation_id = 1 AND actor_kind = 'customer' AND actor_id = 2"),
            QStringLiteral("UPDATE conversations SET last_message_id = 1 WHERE id = 1"),
            QStringLiteral("UPDATE participants SET last_read_message_id = 1 WHERE "
                           "conversation_id = 1 AND actor_kind = 'customer' AND actor_id = 2"),
            QStringLiteral("SELECT " MESSAGE_COLUMNS " FROM messages WHERE conversation_id = 1 "
                           "ORDER BY id DESC LIMIT 50"),
        };
        for (const QString &statement : statements) {
            QSqlQuery plan(f.db.database().handle());
            QVERIFY2(plan.exec(QStringLiteral("EXPLAIN QUERY PLAN ") + statement),
                     qPrintable(plan.lastError().text()));
            QStringList steps;
            while (plan.next())
                steps << plan.value(3).toString();
            for (const QString &step : std::as_const(steps))
                QVERIFY2(!step.startsWith(QLatin1String("SCAN")), qPrintable(steps.join(u'|')));
            if (statement.contains(QLatin1String("widget_sessions")))
                QVERIFY2(
                    steps.join(u'|').contains(QLatin1String("widget_sessions_by_conversation")),
                    qPrintable(steps.join(u'|')));
        }
    }
};

QTEST_GUILESS_MAIN(TestChatPath)
#include "tst_chatpath.moc"
