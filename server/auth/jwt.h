#pragma once

#include "chat/entities.h"

#include <QByteArray>
#include <QDateTime>
#include <QString>

#include <optional>

namespace lobby::auth {

enum class TokenUse
{
    Access,
    Refresh
};

// What Lobby puts into its tokens. The kind and the use are checked by every endpoint: a
// customer token never opens a staff endpoint, a refresh token never authorises a request.
struct TokenClaims
{
    qint64 accountId = 0;
    chat::AccountKind kind = chat::AccountKind::Staff;
    qint64 siteId = 0;
    TokenUse use = TokenUse::Access;
    QDateTime issuedAt;
    QDateTime expiresAt;
    QString tokenId;
};

// JWT with HS256 only: any other "alg" (including "none") is refused, signatures are compared
// in constant time, and the expiry is always checked.
class JwtCodec
{
public:
    explicit JwtCodec(QByteArray secret);

    QString encode(const TokenClaims &claims) const;
    std::optional<TokenClaims> decode(const QString &token, const QDateTime &now,
                                      QString *error) const;

private:
    QByteArray m_secret;
};

} // namespace lobby::auth
