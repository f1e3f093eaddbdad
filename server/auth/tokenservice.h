#pragma once

#include "auth/jwt.h"
#include "chat/entities.h"

#include <optional>

namespace lobby::chat {
class ChatService;
}

namespace lobby::auth {

struct TokenLifetimes
{
    int accessSeconds = 60 * 60;
    int refreshSeconds = 14 * 24 * 60 * 60;
};

struct IssuedTokens
{
    QString access;
    QString refresh;
    QDateTime accessExpiresAt;
};

// The one JWT system of the app v1 and direct families.
class TokenService
{
public:
    explicit TokenService(QByteArray secret, TokenLifetimes lifetimes = {});

    IssuedTokens issue(const chat::Account &account) const;
    // A new access token for the account a valid refresh token names.
    QString refreshAccess(const TokenClaims &refresh) const;
    std::optional<TokenClaims> verify(const QString &token, TokenUse use, QString *error) const;

    const TokenLifetimes &lifetimes() const { return m_lifetimes; }

private:
    QString encode(qint64 accountId, chat::AccountKind kind, qint64 siteId, TokenUse use,
                   int lifetimeSeconds) const;

    JwtCodec m_codec;
    TokenLifetimes m_lifetimes;
};

// The account behind an access token: the token is valid, is an access token, names an account
// that still exists, and (when asked) of the required kind.
struct Authenticated
{
    chat::Account account;
    TokenClaims claims;
};

std::optional<Authenticated> authenticate(const TokenService &tokens, chat::ChatService &chat,
                                          const QString &token,
                                          std::optional<chat::AccountKind> requiredKind,
                                          QString *error);

} // namespace lobby::auth
