#include "auth/tokenservice.h"

#include "auth/crypto.h"
#include "chat/chatservice.h"

namespace lobby::auth {

TokenService::TokenService(QByteArray secret, TokenLifetimes lifetimes)
    : m_codec(std::move(secret)), m_lifetimes(lifetimes)
{}

QString TokenService::encode(qint64 accountId, chat::AccountKind kind, qint64 siteId, TokenUse use,
                             int lifetimeSeconds) const
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    return m_codec.encode(
        {accountId, kind, siteId, use, now, now.addSecs(lifetimeSeconds), randomToken(12)});
}

IssuedTokens TokenService::issue(const chat::Account &account) const
{
    return {encode(account.id, account.kind, account.siteId, TokenUse::Access,
                   m_lifetimes.accessSeconds),
            encode(account.id, account.kind, account.siteId, TokenUse::Refresh,
                   m_lifetimes.refreshSeconds),
            QDateTime::currentDateTimeUtc().addSecs(m_lifetimes.accessSeconds)};
}

QString TokenService::refreshAccess(const TokenClaims &refresh) const
{
    return encode(refresh.accountId, refresh.kind, refresh.siteId, TokenUse::Access,
                  m_lifetimes.accessSeconds);
}

std::optional<TokenClaims> TokenService::verify(const QString &token, TokenUse use,
                                                QString *error) const
{
    auto claims = m_codec.decode(token, QDateTime::currentDateTimeUtc(), error);
    if (!claims)
        return std::nullopt;
    if (claims->use != use) {
        *error = use == TokenUse::Access ? QStringLiteral("not an access token")
                                         : QStringLiteral("not a refresh token");
        return std::nullopt;
    }
    return claims;
}

std::optional<Authenticated> authenticate(const TokenService &tokens, chat::ChatService &chat,
                                          const QString &token,
                                          std::optional<chat::AccountKind> requiredKind,
                                          QString *error)
{
    if (token.isEmpty()) {
        *error = QStringLiteral("authentication credentials were not provided");
        return std::nullopt;
    }
    const auto claims = tokens.verify(token, TokenUse::Access, error);
    if (!claims)
        return std::nullopt;
    auto account = chat.account(claims->accountId);
    if (!account || account->kind != claims->kind || account->siteId != claims->siteId) {
        *error = QStringLiteral("the account of this token no longer exists");
        return std::nullopt;
    }
    if (requiredKind && account->kind != *requiredKind) {
        *error = *requiredKind == chat::AccountKind::Staff
                     ? QStringLiteral("this endpoint is for staff accounts")
                     : QStringLiteral("this endpoint is for customer accounts");
        return std::nullopt;
    }
    return Authenticated{*account, *claims};
}

} // namespace lobby::auth
