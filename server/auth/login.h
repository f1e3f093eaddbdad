#pragma once

#include "chat/chatservice.h"
#include "chat/entities.h"

#include <QHostAddress>

#include <optional>

namespace lobby::auth {

// How repeated failed logins are slowed down: after `maxFailures` failures within the window a
// scope is locked (429 with Retry-After). Counted per sign-in name (email or phone, whether
// or not an account has it) and per client address, in the database (ChatService lockouts).
struct LoginPolicy
{
    chat::LockoutPolicy perIdentifier{5, 15 * 60, 15 * 60};
    chat::LockoutPolicy perAddress{30, 15 * 60, 15 * 60};
};

enum class LoginName
{
    Email,
    Phone
};

struct LoginOutcome
{
    std::optional<chat::Account> account; // set when the login succeeded
    int status = 0;                       // 401 wrong credentials, 429 locked
    QString message;
    qint64 retryAfterSeconds = 0;
};

// Checks a password login for the family endpoints. Unknown names, wrong passwords and accounts
// of another kind all answer 401 with the same message after the same Argon2id work.
LoginOutcome attemptLogin(chat::ChatService &chat, LoginName nameKind, const QString &name,
                          const QString &password, std::optional<chat::AccountKind> kind,
                          const QHostAddress &address, const LoginPolicy &policy);

} // namespace lobby::auth
