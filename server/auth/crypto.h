#pragma once

#include <QByteArray>
#include <QString>

// Small wrappers over libsodium for the secrets every family handles.
namespace lobby::auth {

// `bytes` random bytes, base64url without padding: session tokens, API keys, JWT ids.
QString randomToken(int bytes = 32);

// Hex SHA-256: how high-entropy secrets (API keys, session tokens) are stored and looked up.
QString sha256Hex(const QByteArray &data);

QByteArray hmacSha256(const QByteArray &key, const QByteArray &message);

// Compares without leaking where the first difference is.
bool constantTimeEquals(const QByteArray &a, const QByteArray &b);

} // namespace lobby::auth
