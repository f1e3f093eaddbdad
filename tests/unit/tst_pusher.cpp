#include "api/pusher/pusherapp.h"
#include "api/pusher/pusherhttpapi.h"
#include "api/pusher/pusherserver.h"
#include "http/httpserver.h"
#include "realtime/hub.h"

#include <QCryptographicHash>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QWebSocket>

using namespace lobby::api::pusher;

// Pusher's signatures, checked against the worked examples of Pusher's documentation
// (channel authorization and HTTP API authentication), and the per-install app file.
class TestPusher : public QObject
{
    Q_OBJECT

    // The credentials of Pusher's worked examples.
    const PusherApp example{QStringLiteral("3"), QStringLiteral("278d425bdf160c739803"),
                            "7ad3773142a6692b25b8"};

private Q_SLOTS:
    void privateChannelAuthMatchesPushersExample()
    {
        QCOMPARE(
            channelAuth(example, QStringLiteral("1234.1234"), QStringLiteral("private-foobar")),
            QStringLiteral("278d425bdf160c739803:"
                           "58df8b0c36d6982b82c3ecf6b4662e34fe8c25bba48f5369f135bf843651c3a4"));
    }

    void presenceChannelAuthMatchesPushersExample()
    {
        const QString channelData =
            QStringLiteral("{\"user_id\":10,\"user_info\":{\"name\":\"Mr. Channels\"}}");
        QCOMPARE(
            channelAuth(example, QStringLiteral("1234.1234"), QStringLiteral("presence-foobar"),
                        channelData),
            QStringLiteral("278d425bdf160c739803:"
                           "31935e7d86dba64c2a90aed31fdc61869f9b22ba9d8863bba239c03ca481bc80"));
    }

    void verifyChannelAuthRefusesAnythingElse()
    {
        const QString socket = QStringLiteral("1234.1234");
        const QString channel = QStringLiteral("private-foobar");
        const QString good = channelAuth(example, socket, channel);
        QVERIFY(verifyChannelAuth(example, good, socket, channel));
        QVERIFY(!verifyChannelAuth(example, good, QStringLiteral("1234.1235"), channel));
        QVERIFY(!verifyChannelAuth(example, good, socket, QStringLiteral("private-foobaz")));
        QString otherKey = good;
        otherKey.replace(0, 3, QStringLiteral("999"));
        QVERIFY(!verifyChannelAuth(example, otherKey, socket, channel));
        QString tampered = good;
        tampered[tampered.size() - 1] = tampered.endsWith(QLatin1Char('4')) ? u'5' : u'4';
        QVERIFY(!verifyChannelAuth(example, tampered, socket, channel));
        QVERIFY(!verifyChannelAuth(example, QString(), socket, channel));
        QVERIFY(!verifyChannelAuth(example, example.key + QLatin1Char(':'), socket, channel));
        // A presence signature does not open the channel without its channel_data.
        const QString data = QStringLiteral("{\"user_id\":\"1\"}");
        const QString presence = channelAuth(example, socket, QStringLiteral("presence-x"), data);
        QVERIFY(verifyChannelAuth(example, presence, socket, QStringLiteral("presence-x"), data));
        QVERIFY(!verifyChannelAuth(example, presence, socket, QStringLiteral("presence-x"),
                                   QStringLiteral("{\"user_id\":\"2\"}")));
    }

    void httpApiSignatureMatchesPushersExample()
    {
        const QByteArray body = "{\"name\":\"foo\",\"channels\":[\"project-3\"],\"data\":\"{"
                                "\\\"some\\\":\\\"data\\\"}\"}";
        QCOMPARE(QCryptographicHash::hash(body, QCryptographicHash::Md5).toHex(),
                 QByteArray("ec365a775a4cd0599faeb73354201b6f"));
        // Given in any order and case, with the signature itself among them.
        const QList<QPair<QString, QString>> parameters{
            {QStringLiteral("body_md5"), QStringLiteral("ec365a775a4cd0599faeb73354201b6f")},
            {QStringLiteral("auth_signature"), QStringLiteral("ignored")},
            {QStringLiteral("AUTH_version"), QStringLiteral("1.0")},
            {QStringLiteral("auth_key"), QStringLiteral("278d425bdf160c739803")},
            {QStringLiteral("auth_timestamp"), QStringLiteral("1353088179")},
        };
        const QByteArray toSign =
            requestStringToSign("post", QStringLiteral("/apps/3/events"), parameters);
        QCOMPARE(toSign, QByteArray("POST\n/apps/3/events\nauth_key=278d425bdf160c739803&"
                                    "auth_timestamp=1353088179&auth_version=1.0&"
                                    "body_md5=ec365a775a4cd0599faeb73354201b6f"));
        QCOMPARE(hmacHex(example.secret, toSign),
                 QByteArray("da454824c97ba181a32ccc17a72625ba02771f50b50e1e7430e47a1f3f457e6c"));
    }

    void userAuthMatchesPushersServerSdk()
    {
        // As the `pusher` npm SDK's authenticateUser signs the same socket and user data.
        const QString userData =
            QStringLiteral("{\"id\":\"12345\",\"user_info\":{\"name\":\"Mr. Channels\"}}");
        const QString expected =
            QStringLiteral("278d425bdf160c739803:"
                           "abe963eb4a43a3393065608e9b0a2b9a57fb808546d6cdfe9b62511684afb82f");
        QCOMPARE(userAuth(example, QStringLiteral("1234.1234"), userData), expected);
        QVERIFY(verifyUserAuth(example, expected, QStringLiteral("1234.1234"), userData));
        QVERIFY(!verifyUserAuth(example, expected, QStringLiteral("1234.1235"), userData));
        QVERIFY(!verifyUserAuth(example, expected, QStringLiteral("1234.1234"),
                                QStringLiteral("{\"id\":\"1\"}")));
        // A channel signature is no sign-in.
        QVERIFY(!verifyUserAuth(
            example,
            channelAuth(example, QStringLiteral("1234.1234"), QStringLiteral("private-foobar")),
            QStringLiteral("1234.1234"), userData));
    }

    void encryptedChannelSecretMatchesPushersServerSdk()
    {
        PusherApp app = example;
        app.encryptionMasterKey = QByteArray(32, '\x07');
        // The SDK's authorizeChannel(...).shared_secret for this master key.
        QCOMPARE(encryptedChannelSecret(app, QStringLiteral("private-encrypted-foo")),
                 QByteArray("UsGxKqmP9IdrlCW682IBqbcjk77iOZBrEYVv/cexvcM="));
        QVERIFY(encryptedChannelSecret(app, QStringLiteral("private-encrypted-bar")) !=
                encryptedChannelSecret(app, QStringLiteral("private-encrypted-foo")));
    }

    void triggerEventsAreRefusedWithTypedErrors()
    {
        const PusherLimits limits;
        TriggerEvent event;
        QVERIFY(!parseTriggerEvent(
            {{"name", "a"}, {"channel", "x"}, {"data", QString(10 * 1024, u'd')}}, limits, &event));
        auto error = parseTriggerEvent(
            {{"name", "a"}, {"channel", "x"}, {"data", QString(10 * 1024 + 1, u'd')}}, limits,
            &event);
        QVERIFY(error);
        QCOMPARE(error->status, 413);
        QJsonArray channels;
        for (int i = 0; i < 101; ++i)
            channels.append(QStringLiteral("c%1").arg(i));
        error = parseTriggerEvent({{"name", "a"}, {"channels", channels}, {"data", "{}"}}, limits,
                                  &event);
        QVERIFY(error);
        QCOMPARE(error->status, 400);
        error = parseTriggerEvent({{"name", "pusher:x"}, {"channel", "x"}, {"data", "{}"}}, limits,
                                  &event);
        QVERIFY(error);
        error = parseTriggerEvent(
            {{"name", "a"}, {"channel", "x"}, {"data", "{}"}, {"info", "user_count"}}, limits,
            &event);
        QVERIFY(error); // user_count is a presence notion
        TriggerEvent toUser;
        QVERIFY(!parseTriggerEvent(
            {{"name", "a"}, {"channel", "#server-to-user-guest-1"}, {"data", 5}}, limits, &toUser));
        QCOMPARE(toUser.data, QByteArray("5"));
        QVERIFY(parseTriggerEvent({{"name", "a"}, {"channel", "#other"}, {"data", 5}}, limits,
                                  &toUser));
    }

    // Cache channels over a real socket, with the server's clock pinned: the last event is
    // replayed for 30 minutes, and only the newest channels are kept past the count bound.
    void cacheChannelsExpireAndStayBounded()
    {
        qint64 clock = 1000000;
        lobby::http::HttpServer http;
        lobby::realtime::Hub hub;
        PusherApp app = example;
        app.limits.cacheChannels = 2;
        PusherOptions options;
        options.clock = [&clock] { return clock; };
        PusherServer pusher(http, hub, app, options);
        QString error;
        QVERIFY2(http.listen(QHostAddress::LocalHost, 0, &error), qPrintable(error));

        // What a new subscriber of `channel` gets after subscription_succeeded.
        auto replayed = [&](const QString &channel) {
            QWebSocket socket;
            QStringList events;
            connect(&socket, &QWebSocket::textMessageReceived, this, [&](const QString &text) {
                const QJsonObject message = QJsonDocument::fromJson(text.toUtf8()).object();
                events << message.value("event").toString();
                if (events.size() == 1) {
                    socket.sendTextMessage(QString::fromUtf8(
                        QJsonDocument(QJsonObject{{"event", "pusher:subscribe"},
                                                  {"data", QJsonObject{{"channel", channel}}}})
                            .toJson(QJsonDocument::Compact)));
                    // The pong marks the end of what the subscription brought.
                    socket.sendTextMessage(QStringLiteral("{\"event\":\"pusher:ping\"}"));
                }
            });
            socket.open(QUrl(QStringLiteral("ws://127.0.0.1:%1/app/%2?protocol=7")
                                 .arg(http.port())
                                 .arg(example.key)));
            if (!QTest::qWaitFor([&] { return events.size() >= 3; }, 5000))
                return QStringLiteral("timeout: ") + events.join(u',');
            if (events.at(1) != u"pusher_internal:subscription_succeeded")
                return QStringLiteral("not after subscription_succeeded: ") + events.join(u',');
            return events.at(2);
        };

        pusher.trigger(QStringLiteral("cache-a"), QStringLiteral("first"), "{}");
        pusher.trigger(QStringLiteral("cache-a"), QStringLiteral("second"), "{}");
        QCOMPARE(replayed(QStringLiteral("cache-a")), QStringLiteral("second"));
        QCOMPARE(replayed(QStringLiteral("cache-none")), QStringLiteral("pusher:cache_miss"));
        clock += 30 * 60 - 1;
        QCOMPARE(replayed(QStringLiteral("cache-a")), QStringLiteral("second"));
        clock += 1;
        QCOMPARE(replayed(QStringLiteral("cache-a")), QStringLiteral("pusher:cache_miss"));

        for (const char *name : {"cache-1", "cache-2", "cache-3"}) {
            ++clock;
            pusher.trigger(QString::fromLatin1(name), QStringLiteral("kept"), "{}");
        }
        QCOMPARE(replayed(QStringLiteral("cache-1")), QStringLiteral("pusher:cache_miss"));
        QCOMPARE(replayed(QStringLiteral("cache-2")), QStringLiteral("kept"));
        QCOMPARE(replayed(QStringLiteral("cache-3")), QStringLiteral("kept"));
        // A plain channel keeps nothing and says nothing more.
        pusher.trigger(QStringLiteral("plain"), QStringLiteral("gone"), "{}");
        QCOMPARE(replayed(QStringLiteral("plain")), QStringLiteral("pusher:pong"));
    }

    void channelNames()
    {
        QVERIFY(isValidChannelName(QStringLiteral("private-hotel-killarney-room-205-chat")));
        QVERIFY(isValidChannelName(QStringLiteral("azAZ9_=@,.;-")));
        QVERIFY(!isValidChannelName(QString()));
        QVERIFY(!isValidChannelName(QStringLiteral("has space")));
        QVERIFY(!isValidChannelName(QStringLiteral("slash/no")));
        QVERIFY(!isValidChannelName(QString(165, QLatin1Char('a'))));
        QVERIFY(isPrivateChannel(QStringLiteral("private-x")));
        QVERIFY(!isPrivateChannel(QStringLiteral("presence-x")));
        QVERIFY(isPresenceChannel(QStringLiteral("presence-x")));
        QVERIFY(!isPresenceChannel(QStringLiteral("x-presence-")));
        QVERIFY(isEncryptedChannel(QStringLiteral("private-encrypted-x")));
        QVERIFY(isPrivateChannel(QStringLiteral("private-encrypted-x")));
        QVERIFY(isCacheChannel(QStringLiteral("cache-x")));
        QVERIFY(isCacheChannel(QStringLiteral("private-cache-x")));
        QVERIFY(isCacheChannel(QStringLiteral("presence-cache-x")));
        QVERIFY(!isCacheChannel(QStringLiteral("x-cache-")));
        QCOMPARE(serverToUserId(QStringLiteral("#server-to-user-staff-1")),
                 QStringLiteral("staff-1"));
        QCOMPARE(serverToUserId(QStringLiteral("#server-to-user-")), QString());
        QCOMPARE(serverToUserId(QStringLiteral("#server-to-user-a b")), QString());
        QCOMPARE(serverToUserId(QStringLiteral("private-x")), QString());
    }

    void appIsCreatedOnceOwnerOnlyAndKept()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("pusher-app"));
        QString error;
        const auto created = loadOrCreateApp(path, &error);
        QVERIFY2(created, qPrintable(error));
        QVERIFY(created->isValid());
        QVERIFY(created->appId.toLongLong() > 0);
        QCOMPARE(created->key.size(), 20);
        QCOMPARE(created->secret.size(), 64);
        QCOMPARE(QFile::permissions(path) & (QFileDevice::ReadGroup | QFileDevice::ReadOther |
                                             QFileDevice::WriteGroup | QFileDevice::WriteOther),
                 QFileDevice::Permissions());
        const auto again = loadOrCreateApp(path, &error);
        QVERIFY(again);
        QCOMPARE(again->appId, created->appId);
        QCOMPARE(again->key, created->key);
        QCOMPARE(again->secret, created->secret);
        QVERIFY(generateApp().key != created->key);
        QCOMPARE(created->encryptionMasterKey.size(), 32);
        QCOMPARE(again->encryptionMasterKey, created->encryptionMasterKey);

        // A file from before encrypted channels gets a master key, kept from then on; limits
        // are read from it.
        QFile old(dir.filePath(QStringLiteral("old")));
        QVERIFY(old.open(QIODevice::WriteOnly));
        old.write("{\"app_id\":\"1\",\"key\":\"k\",\"secret\":\"0123456789abcdef\","
                  "\"limits\":{\"max_presence_members\":5,\"client_events_per_second\":3}}");
        old.close();
        const auto upgraded = loadOrCreateApp(old.fileName(), &error);
        QVERIFY2(upgraded, qPrintable(error));
        QCOMPARE(upgraded->secret, QByteArray("0123456789abcdef"));
        QCOMPARE(upgraded->encryptionMasterKey.size(), 32);
        QCOMPARE(upgraded->limits.maxPresenceMembers, 5);
        QCOMPARE(upgraded->limits.clientEventsPerSecond, 3);
        QCOMPARE(upgraded->limits.maxPresenceUserInfoBytes, 1024);
        QCOMPARE(loadOrCreateApp(old.fileName(), &error)->encryptionMasterKey,
                 upgraded->encryptionMasterKey);

        QFile broken(dir.filePath(QStringLiteral("broken")));
        QVERIFY(broken.open(QIODevice::WriteOnly));
        broken.write("{\"app_id\":\"1\",\"key\":\"k\"}");
        broken.close();
        QVERIFY(!loadOrCreateApp(broken.fileName(), &error));
        QVERIFY(error.contains(QStringLiteral("not a Pusher app")));
    }
};

QTEST_GUILESS_MAIN(TestPusher)
#include "tst_pusher.moc"
