#include "api/pusher/pusherwebhooks.h"
#include "chat/chatservice.h"
#include "testsupport.h"

#include <QRegularExpression>
#include <QTest>

using namespace lobby;
using namespace lobby::api::pusher;

// The webhook outbox as ChatService keeps it (on SQLite, and on PostgreSQL as
// tst_pusherwebhooks_pg), and the routing and back-off rules of the delivery.
class TestPusherWebhooks : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void onlyHttpUrlsWithAHostAreTargets()
    {
        test::TestDatabase db;
        const chat::Site site = db.site();
        for (const char *bad : {"ftp://example.test/x", "http://", "not a url", "javascript:x",
                                "http://host/#fragment", "file:///etc/passwd"})
            QVERIFY2(!db.chat().setWebhook(site.id, QString::fromLatin1(bad)), bad);
        QVERIFY(!db.chat().setWebhook(site.id, QStringLiteral("http://h/") + QString(2000, u'a')));
        QVERIFY(!db.chat().setWebhook(site.id + 100, QStringLiteral("http://127.0.0.1/")));
        const auto set = db.chat().setWebhook(site.id, QStringLiteral("https://127.0.0.1:8443/h"));
        QVERIFY(set);
        QCOMPARE(db.chat().webhookOfSite(site.id)->url, QStringLiteral("https://127.0.0.1:8443/h"));
        QVERIFY(db.chat().setWebhook(site.id, QStringLiteral("http://127.0.0.1/other")));
        QCOMPARE(db.chat().webhooks().size(), 1);
        QCOMPARE(db.chat().webhooks().constFirst().url, QStringLiteral("http://127.0.0.1/other"));
        QCOMPARE(db.chat().webhooks().constFirst().siteSlug, site.slug);
    }

    void outboxDeliversOldestFirstOncePerClaimAndForgetsRemovedSites()
    {
        test::TestDatabase db;
        chat::ChatService &chat = db.chat();
        const chat::Site site = db.site();
        const chat::Site other = db.site(QStringLiteral("other-hotel"));
        QVERIFY(chat.setWebhook(site.id, QStringLiteral("http://127.0.0.1:1/a")));
        const auto first = chat.enqueueWebhook(site.id, "{\"n\":1}");
        const auto second = chat.enqueueWebhook(site.id, "{\"n\":2}");
        QVERIFY(first && second);
        QVERIFY(chat.enqueueWebhook(other.id, "{\"n\":3}")); // no webhook: not due anywhere

        // A site's batches go in order: only the oldest is due.
        QList<chat::WebhookDelivery> due = chat.dueWebhookDeliveries(10);
        QCOMPARE(due.size(), 1);
        QCOMPARE(due.constFirst().id, first.value());
        QCOMPARE(due.constFirst().body, QByteArray("{\"n\":1}"));
        QCOMPARE(due.constFirst().url, QStringLiteral("http://127.0.0.1:1/a"));

        // One claim wins (another instance that read the same row loses it).
        QVERIFY(chat.claimWebhookDelivery(due.constFirst(), 30));
        QVERIFY(!chat.claimWebhookDelivery(due.constFirst(), 30));
        QVERIFY(chat.dueWebhookDeliveries(10).isEmpty());

        // Failed: due again after the back-off, with the attempt counted.
        QVERIFY(chat.webhookFailed(due.constFirst(), QDateTime::currentDateTimeUtc().addSecs(-1),
                                   QStringLiteral("HTTP 503")));
        due = chat.dueWebhookDeliveries(10);
        QCOMPARE(due.size(), 1);
        QCOMPARE(due.constFirst().attempts, 1);
        QVERIFY(chat.webhookDelivered(due.constFirst().id));
        due = chat.dueWebhookDeliveries(10);
        QCOMPARE(due.size(), 1);
        QCOMPARE(due.constFirst().id, second.value());

        // Removing the webhook drops what was still to go.
        const auto removed = chat.removeWebhook(site.id);
        QVERIFY(removed && removed.value());
        QVERIFY(chat.setWebhook(site.id, QStringLiteral("http://127.0.0.1:1/a")));
        QVERIFY(chat.dueWebhookDeliveries(10).isEmpty());
        QVERIFY(!chat.removeWebhook(other.id).value());
    }

    void aSiteKeepsAtMostItsBacklogDroppingTheOldest()
    {
        test::TestDatabase db;
        chat::ChatService &chat = db.chat();
        const chat::Site site = db.site();
        QVERIFY(chat.setWebhook(site.id, QStringLiteral("http://127.0.0.1:1/a")));
        QList<qint64> ids;
        for (int n = 0; n < chat::ChatService::maxWebhookBacklog; ++n)
            ids << chat.enqueueWebhook(site.id, QByteArray::number(n)).value();
        QCOMPARE(chat.dueWebhookDeliveries(10).constFirst().id, ids.constFirst());

        // Two more: the two oldest go, and the log says so.
        const QRegularExpression dropped(QStringLiteral("dropped the 1 oldest undelivered"));
        QTest::ignoreMessage(QtWarningMsg, dropped);
        ids << chat.enqueueWebhook(site.id, "late").value();
        QTest::ignoreMessage(QtWarningMsg, dropped);
        ids << chat.enqueueWebhook(site.id, "later").value();
        const QList<chat::WebhookDelivery> due = chat.dueWebhookDeliveries(10);
        QCOMPARE(due.size(), 1);
        QCOMPARE(due.constFirst().id, ids.at(2));
        QCOMPARE(due.constFirst().body, QByteArray("2"));
        int kept = 0;
        for (QList<chat::WebhookDelivery> head = due; !head.isEmpty();
             head = chat.dueWebhookDeliveries(1), ++kept)
            QVERIFY(chat.webhookDelivered(head.constFirst().id));
        QCOMPARE(kept, chat::ChatService::maxWebhookBacklog);
    }

    void outboxStatusTellsWhatWaitsWhyAndUntilWhen()
    {
        test::TestDatabase db;
        chat::ChatService &chat = db.chat();
        const chat::Site site = db.site();
        const chat::Site other = db.site(QStringLiteral("other-hotel"));
        auto status = chat.webhookOutboxStatus(site.id);
        QVERIFY(status);
        QCOMPARE(status->waitingBatches, 0);
        QVERIFY(status->lastError.isEmpty());
        QVERIFY(!status->nextAttemptAt.isValid());

        QVERIFY(chat.setWebhook(site.id, QStringLiteral("http://127.0.0.1:1/a")));
        QVERIFY(chat.enqueueWebhook(site.id, "{\"n\":1}"));
        QVERIFY(chat.enqueueWebhook(site.id, "{\"n\":2}"));
        QVERIFY(chat.enqueueWebhook(other.id, "{\"n\":3}"));
        status = chat.webhookOutboxStatus(site.id);
        QCOMPARE(status->waitingBatches, 2);
        QCOMPARE(status->failedAttempts, 0);
        QVERIFY(status->lastError.isEmpty());
        QVERIFY(status->waitingSince.isValid());

        // The oldest batch holds the others back: its failure is the one to show.
        const chat::WebhookDelivery oldest = chat.dueWebhookDeliveries(10).constFirst();
        const QDateTime retry = QDateTime::currentDateTimeUtc().addSecs(120);
        QVERIFY(chat.webhookFailed(oldest, retry, QStringLiteral("HTTP 503")));
        status = chat.webhookOutboxStatus(site.id);
        QCOMPARE(status->waitingBatches, 2);
        QCOMPARE(status->failedAttempts, 1);
        QCOMPARE(status->lastError, QStringLiteral("HTTP 503"));
        QCOMPARE(status->nextAttemptAt.toMSecsSinceEpoch(), retry.toMSecsSinceEpoch());
        QCOMPARE(chat.webhookOutboxStatus(other.id)->waitingBatches, 1);

        // Delivered: the next one is the oldest, not yet failed.
        QVERIFY(chat.webhookDelivered(oldest.id));
        status = chat.webhookOutboxStatus(site.id);
        QCOMPARE(status->waitingBatches, 1);
        QVERIFY(status->lastError.isEmpty());
        QVERIFY(chat.removeWebhook(site.id));
        QCOMPARE(chat.webhookOutboxStatus(site.id)->waitingBatches, 0);
    }

    void channelsBelongToTheSiteTheyName()
    {
        const QStringList slugs{QStringLiteral("grand"), QStringLiteral("grand-hotel"),
                                QStringLiteral("hotel-killarney")};
        QCOMPARE(PusherWebhooks::siteSlugOfChannel("private-hotel-killarney-room-1-chat", slugs),
                 QStringLiteral("hotel-killarney"));
        QCOMPARE(PusherWebhooks::siteSlugOfChannel("presence-grand-hotel-staff", slugs),
                 QStringLiteral("grand-hotel"));
        QCOMPARE(PusherWebhooks::siteSlugOfChannel("presence-grand-lobby", slugs),
                 QStringLiteral("grand"));
        QCOMPARE(PusherWebhooks::siteSlugOfChannel("private-encrypted-grand-x", slugs),
                 QStringLiteral("grand"));
        QCOMPARE(PusherWebhooks::siteSlugOfChannel("presence-cache-grand", slugs),
                 QStringLiteral("grand"));
        QCOMPARE(PusherWebhooks::siteSlugOfChannel("grand-news", slugs), QStringLiteral("grand"));
        QCOMPARE(PusherWebhooks::siteSlugOfChannel("presence-grandiose", slugs), QString());
        QCOMPARE(PusherWebhooks::siteSlugOfChannel("presence-elsewhere", slugs), QString());
        QCOMPARE(PusherWebhooks::siteSlugOfChannel("private-x-grand", slugs), QString());
    }

    void aSiteWithoutWebhookKeepsItsEventsFromASiteWhoseSlugPrefixesIt()
    {
        const chat::Site grand{1, QStringLiteral("grand")};
        const chat::Site grandHotel{2, QStringLiteral("grand-hotel")};
        const QList<chat::Webhook> webhooks{{grand.id, grand.slug, QStringLiteral("http://h/")}};
        auto event = [](const char *name, const QString &channel) {
            return QPair<QString, QJsonObject>{
                channel, QJsonObject{{"name", QLatin1String(name)}, {"channel", channel}}};
        };
        const QList<QPair<QString, QJsonObject>> events{
            event("member_added", QStringLiteral("private-grand-hotel-room-101-chat")),
            event("client_event", QStringLiteral("presence-grand-hotel-room-101-chat")),
            event("member_added", QStringLiteral("private-grand-room-7-chat")),
        };
        const QMap<qint64, QJsonArray> bySite =
            PusherWebhooks::eventsBySite(events, {grand, grandHotel}, webhooks);
        QCOMPARE(bySite.keys(), QList<qint64>{grand.id});
        QCOMPARE(bySite.value(grand.id).size(), 1);
        QCOMPARE(bySite.value(grand.id).at(0)["channel"].toString(),
                 QStringLiteral("private-grand-room-7-chat"));
    }

    void backoffDoublesUpToItsCap()
    {
        QCOMPARE(PusherWebhooks::backoffSeconds(1, 300), 1);
        QCOMPARE(PusherWebhooks::backoffSeconds(2, 300), 2);
        QCOMPARE(PusherWebhooks::backoffSeconds(5, 300), 16);
        QCOMPARE(PusherWebhooks::backoffSeconds(10, 300), 300);
        QCOMPARE(PusherWebhooks::backoffSeconds(1000, 300), 300);
    }
};

QTEST_GUILESS_MAIN(TestPusherWebhooks)
#include "tst_pusherwebhooks.moc"
