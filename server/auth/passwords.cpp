#include "auth/passwords.h"

#include "auth/crypto.h"

#include <QRegularExpression>

#include <sodium.h>

namespace lobby::auth {

QString hashPassword(const QString &password)
{
    randomToken(1); // initialises libsodium
    const QByteArray utf8 = password.toUtf8();
    char hash[crypto_pwhash_STRBYTES];
    if (crypto_pwhash_str(hash, utf8.constData(), quint64(utf8.size()),
                          crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
        qFatal("out of memory while hashing a password");
    return QString::fromLatin1(hash);
}

bool verifyPassword(const QString &hash, const QString &password)
{
    randomToken(1);
    const QByteArray storedHash = hash.toLatin1();
    const QByteArray utf8 = password.toUtf8();
    return crypto_pwhash_str_verify(storedHash.constData(), utf8.constData(),
                                    quint64(utf8.size())) == 0;
}

const QString &decoyPasswordHash()
{
    static const QString decoy = hashPassword(randomToken(16));
    return decoy;
}

} // namespace lobby::auth

namespace lobby::auth {

bool isValidPin(const QString &pin)
{
    static const QRegularExpression digits(QStringLiteral("^[0-9]{4,8}$"));
    return digits.match(pin).hasMatch();
}

bool isAcceptablePassword(const QString &password)
{
    return password.size() >= 8 && password.size() <= 256;
}

NewApiKey generateApiKey()
{
    const QString key = QStringLiteral("lobby_") + randomToken(32);
    return {key, key.left(12), sha256Hex(key.toUtf8())};
}

} // namespace lobby::auth
