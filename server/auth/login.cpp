#include "auth/login.h"

#include "auth/crypto.h"
#include "auth/passwords.h"

namespace lobby::auth {

namespace {

QString addressKey(const QHostAddress &address)
{
    bool isV4 = false;
    const quint32 v4 = address.toIPv4Address(&isV4);
    return isV4 ? QHostAddress(v4).toString() : address.toString();
}

} // namespace

LoginOutcome attemptLogin(chat::ChatService &chat, LoginName nameKind, const QString &name,
                          const QString &password, std::optional<chat::AccountKind> kind,
                          const QHostAddress &address, const LoginPolicy &policy)
{
    // The same normal form as stored (ChatService::createAccount); a name that is no phone
    // number keeps its text, matches nobody and still costs the same work.
    const QString phone = nameKind == LoginName::Phone ? chat::normalizedPhone(name) : QString();
    const QString normalized = nameKind == LoginName::Email ? name.trimmed().toLower()
                               : phone.isEmpty()            ? name.trimmed()
                                                            : phone;
    // Hashed so that the lockout table holds no sign-in names.
    const QString nameScope = QStringLiteral("login:name:") + sha256Hex(normalized.toUtf8());
    const QString addressScope = QStringLiteral("login:address:") + addressKey(address);

    const chat::LockoutState nameLock = chat.lockoutState(nameScope);
    const chat::LockoutState addressLock = chat.lockoutState(addressScope);
    if (nameLock.locked || addressLock.locked) {
        return {std::nullopt, 429, QStringLiteral("Too many failed logins. Try again later."),
                std::max(nameLock.retryAfterSeconds, addressLock.retryAfterSeconds)};
    }

    std::optional<chat::Account> account;
    if (!normalized.isEmpty() && password.size() <= 256) {
        account = nameKind == LoginName::Email ? chat.accountByEmail(normalized)
                                               : chat.accountByPhone(normalized);
        // Accounts stored before phones were normalized may hold the phone as it was typed.
        if (!account && nameKind == LoginName::Phone && normalized != name.trimmed())
            account = chat.accountByPhone(name.trimmed());
    }
    // The same Argon2id work whether or not the account exists.
    const bool passwordOk =
        verifyPassword(account ? account->passwordHash : decoyPasswordHash(), password.left(256));
    if (account && passwordOk && (!kind || account->kind == *kind)) {
        chat.clearAuthFailures(nameScope);
        return {account, 200, {}, 0};
    }
    chat.recordAuthFailure(nameScope, policy.perIdentifier);
    chat.recordAuthFailure(addressScope, policy.perAddress);
    return {std::nullopt, 401, QStringLiteral("Incorrect email, phone or password."), 0};
}

} // namespace lobby::auth
