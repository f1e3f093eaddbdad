#include "auth/crypto.h"

#include <sodium.h>

namespace lobby::auth {

namespace {
void ensureSodium()
{
    // sodium_init() is idempotent and thread-safe; a failure means no usable RNG.
    static const bool ready = sodium_init() >= 0;
    if (!ready)
        qFatal("libsodium could not be initialised");
}
} // namespace

QString randomToken(int bytes)
{
    ensureSodium();
    QByteArray buffer(bytes, Qt::Uninitialized);
    randombytes_buf(buffer.data(), size_t(buffer.size()));
    return QString::fromLatin1(
        buffer.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
}

QString sha256Hex(const QByteArray &data)
{
    ensureSodium();
    unsigned char digest[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(digest, reinterpret_cast<const unsigned char *>(data.constData()),
                       quint64(data.size()));
    return QString::fromLatin1(
        QByteArray(reinterpret_cast<const char *>(digest), sizeof digest).toHex());
}

QByteArray hmacSha256(const QByteArray &key, const QByteArray &message)
{
    ensureSodium();
    crypto_auth_hmacsha256_state state;
    crypto_auth_hmacsha256_init(&state, reinterpret_cast<const unsigned char *>(key.constData()),
                                size_t(key.size()));
    crypto_auth_hmacsha256_update(&state,
                                  reinterpret_cast<const unsigned char *>(message.constData()),
                                  quint64(message.size()));
    QByteArray mac(crypto_auth_hmacsha256_BYTES, Qt::Uninitialized);
    crypto_auth_hmacsha256_final(&state, reinterpret_cast<unsigned char *>(mac.data()));
    return mac;
}

bool constantTimeEquals(const QByteArray &a, const QByteArray &b)
{
    ensureSodium();
    // The length is not secret (every token of a kind has the same length).
    return a.size() == b.size() &&
           sodium_memcmp(a.constData(), b.constData(), size_t(a.size())) == 0;
}

} // namespace lobby::auth
