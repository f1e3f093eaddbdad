#include "auth/crypto.h"
#include "auth/jwt.h"
#include "auth/passwords.h"
#include "auth/secretfile.h"
#include "auth/tokenservice.h"
#include "testsupport.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using namespace lobby::auth;
using lobby::chat::AccountKind;

class TestAuth : public QObject
{
    Q_OBJECT

    const QByteArray secret = "0123456789abcdef0123456789abcdef-test-secret";
    const QDateTime now = QDateTime::fromSecsSinceEpoch(1'800'000'000, Qt::UTC);

    TokenClaims claims(TokenUse use = TokenUse::Access) const
    {
        return {42, AccountKind::Customer, 7, use, now, now.addSecs(900), QStringLiteral("jti-1")};
    }

    static QByteArray part(const QJsonObject &object)
    {
        return QJsonDocument(object)
            .toJson(QJsonDocument::Compact)
            .toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
    }

private Q_SLOTS:
    void validTokenRoundTrips()
    {
        const JwtCodec codec(secret);
        QString error;
        const auto decoded = codec.decode(codec.encode(claims()), now, &error);
        QVERIFY2(decoded, qPrintable(error));
        QCOMPARE(decoded->accountId, 42);
        QCOMPARE(decoded->kind, AccountKind::Customer);
        QCOMPARE(decoded->siteId, 7);
        QCOMPARE(decoded->use, TokenUse::Access);
        QCOMPARE(decoded->tokenId, QStringLiteral("jti-1"));
        QCOMPARE(decoded->expiresAt, now.addSecs(900));
        const auto refresh = codec.decode(codec.encode(claims(TokenUse::Refresh)), now, &error);
        QCOMPARE(refresh->use, TokenUse::Refresh);
    }

    void expiredTokenIsRefused()
    {
        const JwtCodec codec(secret);
        QString error;
        QVERIFY(!codec.decode(codec.encode(claims()), now.addSecs(900), &error));
        QCOMPARE(error, QStringLiteral("token expired"));
    }

    void wrongSignatureIsRefused()
    {
        const QString token = JwtCodec("another-secret-another-secret-another").encode(claims());
        QString error;
        QVERIFY(!JwtCodec(secret).decode(token, now, &error));
        QCOMPARE(error, QStringLiteral("invalid token signature"));
    }

    void tamperedPayloadIsRefused()
    {
        const JwtCodec codec(secret);
        QStringList parts = codec.encode(claims()).split(QLatin1Char('.'));
        QJsonObject payload =
            QJsonDocument::fromJson(
                QByteArray::fromBase64(parts[1].toLatin1(), QByteArray::Base64UrlEncoding))
                .object();
        payload[QStringLiteral("kind")] = QStringLiteral("staff");
        parts[1] = QString::fromLatin1(part(payload));
        QString error;
        QVERIFY(!codec.decode(parts.join(QLatin1Char('.')), now, &error));
        QCOMPARE(error, QStringLiteral("invalid token signature"));
    }

    void algNoneIsRefused()
    {
        const JwtCodec codec(secret);
        const QStringList parts = codec.encode(claims()).split(QLatin1Char('.'));
        const QByteArray header = part({{"alg", "none"}, {"typ", "JWT"}});
        QString error;
        QVERIFY(!codec.decode(QString::fromLatin1(header) + QLatin1Char('.') + parts[1] +
                                  QLatin1Char('.'),
                              now, &error));
        QCOMPARE(error, QStringLiteral("unsupported token algorithm"));
        // Nor does "none" pass with the original signature attached.
        QVERIFY(!codec.decode(QString::fromLatin1(header) + QLatin1Char('.') + parts[1] +
                                  QLatin1Char('.') + parts[2],
                              now, &error));
    }

    void garbageIsRefused_data()
    {
        QTest::addColumn<QString>("token");
        QTest::newRow("empty") << QString();
        QTest::newRow("one part") << QStringLiteral("abc");
        QTest::newRow("four parts") << QStringLiteral("a.b.c.d");
        QTest::newRow("not base64") << QStringLiteral("!!.??.**");
        QTest::newRow("huge") << QString(10000, QLatin1Char('a'));
    }

    void garbageIsRefused()
    {
        QFETCH(QString, token);
        QString error;
        QVERIFY(!JwtCodec(secret).decode(token, now, &error));
        QVERIFY(!error.isEmpty());
    }

    // One token has one spelling: padding or non-canonical trailing bits make a second
    // spelling of the same bytes, and are refused in every part (the header and payload are
    // signed again after the change, so only the spelling is wrong).
    void nonCanonicalBase64IsRefused_data()
    {
        QTest::addColumn<int>("partIndex");
        QTest::addColumn<bool>("padding");
        for (int index = 0; index < 3; ++index) {
            QTest::addRow("part %d, padding", index) << index << true;
            QTest::addRow("part %d, trailing bits", index) << index << false;
        }
    }

    void nonCanonicalBase64IsRefused()
    {
        QFETCH(int, partIndex);
        QFETCH(bool, padding);
        const JwtCodec codec(secret);
        const auto sign = [this](const QByteArray &header, const QByteArray &payload) {
            return header + '.' + payload + '.' +
                   hmacSha256(secret, header + '.' + payload)
                       .toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
        };
        // Every part ends in a partial base64 group (32 signature bytes always do).
        QByteArray header = part({{"alg", "HS256"}, {"typ", "JWT"}});
        for (QString pad; header.size() % 4 == 0; pad += QLatin1Char('x'))
            header = part({{"alg", "HS256"}, {"typ", "JWT"}, {"x", pad}});
        QStringList parts = codec.encode(claims()).split(QLatin1Char('.'));
        QByteArray payload = parts[1].toLatin1();
        for (int extra = 0; payload.size() % 4 == 0; ++extra) {
            TokenClaims longer = claims();
            longer.tokenId += QString(extra + 1, QLatin1Char('x'));
            payload = codec.encode(longer).split(QLatin1Char('.'))[1].toLatin1();
        }
        QList<QByteArray> token = sign(header, payload).split('.');
        QVERIFY(token[0].size() % 4 && token[1].size() % 4 && token[2].size() % 4);
        QString error;
        QVERIFY2(codec.decode(QString::fromLatin1(token.join('.')), now, &error),
                 qPrintable(error));

        QByteArray &target = token[partIndex];
        if (padding) {
            target += QByteArray(4 - target.size() % 4, '=');
        } else {
            // The last character carries bits past the data; flipping the lowest one keeps the
            // decoded bytes the same.
            static const QByteArray alphabet =
                "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
            target.back() = alphabet.at(alphabet.indexOf(target.back()) ^ 1);
        }
        if (partIndex < 2)
            token = sign(token[0], token[1]).split('.');
        const QString spelled = QString::fromLatin1(token.join('.'));
        QVERIFY2(!codec.decode(spelled, now, &error), qPrintable(spelled));
        QVERIFY(!error.isEmpty());
    }

    void passwordsHashWithArgon2id()
    {
        const QString hash = hashPassword(QStringLiteral("correct horse"));
        QVERIFY(hash.startsWith(QStringLiteral("$argon2id$")));
        QVERIFY(verifyPassword(hash, QStringLiteral("correct horse")));
        QVERIFY(!verifyPassword(hash, QStringLiteral("correct horsE")));
        QVERIFY(!verifyPassword(QStringLiteral("garbage"), QStringLiteral("correct horse")));
        // Salted: the same password hashes differently each time.
        QVERIFY(hashPassword(QStringLiteral("correct horse")) != hash);
        QVERIFY(!verifyPassword(decoyPasswordHash(), QString()));
    }

    void secretsCompareAndGenerate()
    {
        QVERIFY(constantTimeEquals("abc", "abc"));
        QVERIFY(!constantTimeEquals("abc", "abd"));
        QVERIFY(!constantTimeEquals("abc", "abcd"));
        const QString token = randomToken(32);
        QCOMPARE(token.size(), 43);
        QVERIFY(token != randomToken(32));
        QCOMPARE(
            sha256Hex("abc"),
            QStringLiteral("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
        // RFC 4231 test case 2.
        QCOMPARE(hmacSha256("Jefe", "what do ya want for nothing?").toHex(),
                 QByteArray("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"));
        const NewApiKey key = generateApiKey();
        QVERIFY(key.key.startsWith(QStringLiteral("lobby_")));
        QCOMPARE(key.hash, sha256Hex(key.key.toUtf8()));
        QVERIFY(key.key.startsWith(key.prefix));
    }

    void pinsAndPasswordsAreValidated()
    {
        QVERIFY(isValidPin(QStringLiteral("1234")));
        QVERIFY(isValidPin(QStringLiteral("12345678")));
        QVERIFY(!isValidPin(QStringLiteral("123")));
        QVERIFY(!isValidPin(QStringLiteral("12a4")));
        QVERIFY(!isValidPin(QStringLiteral("123456789")));
        QVERIFY(isAcceptablePassword(QStringLiteral("12345678")));
        QVERIFY(!isAcceptablePassword(QStringLiteral("1234567")));
    }

    void tokenServiceKeepsAccessAndRefreshApart()
    {
        lobby::test::TestDatabase db;
        const auto site = db.site();
        const auto customer =
            db.customer(site.id, QStringLiteral("c@x.example"), QStringLiteral("+15550001"));
        const auto staff = db.staff(site.id, QStringLiteral("s@x.example"));
        const TokenService tokens(secret);
        const IssuedTokens issued = tokens.issue(customer);
        QString error;
        QVERIFY(tokens.verify(issued.access, TokenUse::Access, &error));
        QVERIFY(!tokens.verify(issued.access, TokenUse::Refresh, &error));
        QCOMPARE(error, QStringLiteral("not a refresh token"));
        const auto refresh = tokens.verify(issued.refresh, TokenUse::Refresh, &error);
        QVERIFY(refresh);
        QVERIFY(!tokens.verify(issued.refresh, TokenUse::Access, &error));
        QCOMPARE(error, QStringLiteral("not an access token"));
        const QString renewed = tokens.refreshAccess(*refresh);
        QCOMPARE(tokens.verify(renewed, TokenUse::Access, &error)->accountId, customer.id);

        const auto who = authenticate(tokens, db.chat(), issued.access, std::nullopt, &error);
        QCOMPARE(who->account.id, customer.id);
        QVERIFY(!authenticate(tokens, db.chat(), issued.access, AccountKind::Staff, &error));
        QCOMPARE(error, QStringLiteral("this endpoint is for staff accounts"));
        QVERIFY(authenticate(tokens, db.chat(), tokens.issue(staff).access, AccountKind::Staff,
                             &error));
        QVERIFY(!authenticate(tokens, db.chat(), issued.refresh, std::nullopt, &error));
        QVERIFY(!authenticate(tokens, db.chat(), QString(), std::nullopt, &error));
        // A token naming an account that does not exist is refused.
        lobby::chat::Account ghost = customer;
        ghost.id = 999999;
        QVERIFY(!authenticate(tokens, db.chat(), tokens.issue(ghost).access, std::nullopt, &error));
        // Another install's token is refused.
        const TokenService otherInstall("another-install-secret-another-install-secret");
        QVERIFY(!authenticate(otherInstall, db.chat(), issued.access, std::nullopt, &error));
    }

    void installSecretIsCreatedOwnerOnlyAndKept()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("jwt-secret"));
        QString error;
        const QByteArray first = loadOrCreateSecret(path, &error);
        QVERIFY2(first.size() >= 32, qPrintable(error));
        QCOMPARE(QFile::permissions(path) & (QFileDevice::ReadGroup | QFileDevice::ReadOther |
                                             QFileDevice::WriteGroup | QFileDevice::WriteOther),
                 QFileDevice::Permissions());
        QCOMPARE(loadOrCreateSecret(path, &error), first);
        QFile short_(path);
        QVERIFY(short_.open(QIODevice::WriteOnly));
        short_.write("short");
        short_.close();
        QVERIFY(loadOrCreateSecret(path, &error).isEmpty());
        QVERIFY(error.contains(QStringLiteral("too short")));
    }
};

QTEST_GUILESS_MAIN(TestAuth)
#include "tst_auth.moc"
