#include "api/pusher/pusherapp.h"

#include <QCryptographicHash>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

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
