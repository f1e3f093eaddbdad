#include "auth/jwt.h"

#include "auth/crypto.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace lobby::auth {

namespace {

constexpr auto base64Url = QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals;

QByteArray encodePart(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact).toBase64(base64Url);
}

// The bytes of a part spelled in canonical unpadded base64url, the one spelling encode() writes.
// Qt also accepts padding and stray bits in the last character; those would give one token
// several spellings (and a padded signature would pass), so a part must encode back to itself.
std::optional<QByteArray> decodeCanonical(const QByteArray &part)
{
    const auto decoded =
        QByteArray::fromBase64Encoding(part, base64Url | QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded || decoded.decoded.toBase64(base64Url) != part)
        return std::nullopt;
    return decoded.decoded;
}

std::optional<QJsonObject> decodePart(const QByteArray &part)
{
    const auto decoded = decodeCanonical(part);
    if (!decoded)
        return std::nullopt;
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(*decoded, &parseError);
    if (parseError.error != QJsonParseError::NoError || !document.isObject())
        return std::nullopt;
    return document.object();
}

} // namespace

JwtCodec::JwtCodec(QByteArray secret) : m_secret(std::move(secret)) {}

QString JwtCodec::encode(const TokenClaims &claims) const
{
    const QJsonObject header{{"alg", "HS256"}, {"typ", "JWT"}};
    const QJsonObject payload{
        {"sub", QString::number(claims.accountId)},
        {"user_id", claims.accountId},
        {"kind", chat::wireName(claims.kind)},
        {"site_id", claims.siteId},
        {"token_type", claims.use == TokenUse::Access ? "access" : "refresh"},
        {"iat", claims.issuedAt.toSecsSinceEpoch()},
        {"exp", claims.expiresAt.toSecsSinceEpoch()},
        {"jti", claims.tokenId},
    };
    const QByteArray signingInput = encodePart(header) + '.' + encodePart(payload);
    return QString::fromLatin1(signingInput + '.' +
                               hmacSha256(m_secret, signingInput).toBase64(base64Url));
}

std::optional<TokenClaims> JwtCodec::decode(const QString &token, const QDateTime &now,
                                            QString *error) const
{
    auto fail = [error](const char *why) {
        *error = QString::fromLatin1(why);
        return std::nullopt;
    };
    if (token.size() > 4096)
        return fail("token too long");
    const QByteArray raw = token.toLatin1();
    const QList<QByteArray> parts = raw.split('.');
    if (parts.size() != 3)
        return fail("malformed token");
    const auto header = decodePart(parts[0]);
    if (!header)
        return fail("malformed token header");
    if (header->value("alg").toString() != u"HS256")
        return fail("unsupported token algorithm");
    const auto signature = decodeCanonical(parts[2]);
    if (!signature ||
        !constantTimeEquals(*signature, hmacSha256(m_secret, parts[0] + '.' + parts[1])))
        return fail("invalid token signature");
    const auto payload = decodePart(parts[1]);
    if (!payload)
        return fail("malformed token payload");

    TokenClaims claims;
    bool idOk = false;
    claims.accountId = payload->value("sub").toString().toLongLong(&idOk);
    const auto kind = chat::accountKindFromString(payload->value("kind").toString());
    const QString use = payload->value("token_type").toString();
    if (!idOk || !kind || (use != u"access" && use != u"refresh") ||
        !payload->value("exp").isDouble())
        return fail("token is missing claims");
    claims.kind = *kind;
    claims.use = use == u"access" ? TokenUse::Access : TokenUse::Refresh;
    claims.siteId = payload->value("site_id").toInteger();
    claims.issuedAt = QDateTime::fromSecsSinceEpoch(payload->value("iat").toInteger(), Qt::UTC);
    claims.expiresAt = QDateTime::fromSecsSinceEpoch(payload->value("exp").toInteger(), Qt::UTC);
    claims.tokenId = payload->value("jti").toString();
    if (claims.expiresAt <= now)
        return fail("token expired");
    return claims;
}

} // namespace lobby::auth
