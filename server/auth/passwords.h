#pragma once

#include <QString>

namespace lobby::auth {

// Argon2id (libsodium's crypto_pwhash_str), with the salt and parameters inside the hash string.
// Used for account passwords and room PINs.
QString hashPassword(const QString &password);
bool verifyPassword(const QString &hash, const QString &password);

// An Argon2id hash that matches nothing, verified against when an account does not exist so a
// login takes the same time either way.
const QString &decoyPasswordHash();

} // namespace lobby::auth

namespace lobby::auth {

// Room PINs are 4 to 8 digits.
bool isValidPin(const QString &pin);

// Account passwords are at least 8 characters and at most 256.
bool isAcceptablePassword(const QString &password);

// A new API key ("lobby_" + 43 random characters) and how it is stored.
struct NewApiKey
{
    QString key;
    QString prefix;
    QString hash;
};
NewApiKey generateApiKey();

} // namespace lobby::auth
