// auth::JwtCodec::decode. Input byte 0 picks the mode: raw token text, or a token whose header and
// payload are the fuzzed bytes (split at the first '\n') and whose signature is valid, so the
// claims parsing behind the signature check is reached too.
#include "auth/crypto.h"
#include "auth/jwt.h"

#include <cstdlib>

using namespace lobby::auth;

namespace {
const QByteArray secret(48, 's');
constexpr auto base64Url = QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals;
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    const JwtCodec codec(secret);
    const QByteArray input(reinterpret_cast<const char *>(data + 1), qsizetype(size - 1));
    const QDateTime now = QDateTime::fromSecsSinceEpoch(1'700'000'000, Qt::UTC);
    QString token;
    if (data[0] & 1) {
        token = QString::fromUtf8(input);
    } else {
        const qsizetype split = input.indexOf('\n');
        const QByteArray header = split < 0 ? QByteArray(R"({"alg":"HS256"})") : input.left(split);
        const QByteArray payload = split < 0 ? input : input.mid(split + 1);
        const QByteArray signingInput =
            header.toBase64(base64Url) + '.' + payload.toBase64(base64Url);
        token = QString::fromLatin1(signingInput + '.' +
                                    hmacSha256(secret, signingInput).toBase64(base64Url));
    }
    QString error;
    const auto claims = codec.decode(token, now, &error);
    if (!claims && error.isEmpty())
        abort(); // a refusal always says why
    if (claims) {
        // What a valid token gives must survive a round trip.
        const auto again = codec.decode(codec.encode(*claims), now, &error);
        if (claims->expiresAt.isValid() && claims->expiresAt.toSecsSinceEpoch() > 0 &&
            (!again || again->accountId != claims->accountId))
            abort();
    }
    return 0;
}
