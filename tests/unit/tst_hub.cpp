#include "realtime/hub.h"

#include <QTest>

using lobby::realtime::Hub;

class TestHub : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void publishesTheSameBytesToEverySubscriber()
    {
        Hub hub;
        QObject a, b, c;
        QList<QByteArray> gotA, gotB, gotC;
        hub.subscribe(QStringLiteral("conversation:1"), &a,
                      [&](const QByteArray &f) { gotA << f; });
        hub.subscribe(QStringLiteral("conversation:1"), &b,
                      [&](const QByteArray &f) { gotB << f; });
        hub.subscribe(QStringLiteral("conversation:2"), &c,
                      [&](const QByteArray &f) { gotC << f; });
        QCOMPARE(hub.publish(QStringLiteral("conversation:1"), "frame"), 2);
        QCOMPARE(gotA, QList<QByteArray>{"frame"});
        QCOMPARE(gotB, QList<QByteArray>{"frame"});
        QVERIFY(gotC.isEmpty());
        QCOMPARE(hub.publish(QStringLiteral("conversation:1"), "again", &a), 1);
        QCOMPARE(gotA.size(), 1);
        QCOMPARE(gotB.size(), 2);
        QCOMPARE(hub.publish(QStringLiteral("nobody"), "x"), 0);
    }

    void subscriptionsEndWithTheSubscriber()
    {
        Hub hub;
        int delivered = 0;
        {
            QObject transient;
            hub.subscribe(QStringLiteral("t"), &transient,
                          [&](const QByteArray &) { ++delivered; });
            hub.subscribe(QStringLiteral("u"), &transient,
                          [&](const QByteArray &) { ++delivered; });
            QCOMPARE(hub.subscriberCount(QStringLiteral("t")), 1);
        }
        QCOMPARE(hub.subscriberCount(QStringLiteral("t")), 0);
        QCOMPARE(hub.publish(QStringLiteral("u"), "x"), 0);
        QCOMPARE(delivered, 0);
    }

    void unsubscribeIsPerTopicAndSafeDuringPublish()
    {
        Hub hub;
        QObject a, b;
        int countB = 0;
        hub.subscribe(QStringLiteral("t"), &a,
                      [&](const QByteArray &) { hub.unsubscribe(QStringLiteral("t"), &b); });
        hub.subscribe(QStringLiteral("t"), &b, [&](const QByteArray &) { ++countB; });
        hub.subscribe(QStringLiteral("v"), &b, [&](const QByteArray &) { ++countB; });
        hub.publish(QStringLiteral("t"), "x");
        hub.publish(QStringLiteral("t"), "y");
        QVERIFY(!hub.isSubscribed(QStringLiteral("t"), &b));
        QVERIFY(hub.isSubscribed(QStringLiteral("v"), &b));
        QVERIFY(countB <= 1);
        hub.unsubscribeAll(&b);
        QCOMPARE(hub.publish(QStringLiteral("v"), "z"), 0);
    }
};

QTEST_GUILESS_MAIN(TestHub)
#include "tst_hub.moc"
