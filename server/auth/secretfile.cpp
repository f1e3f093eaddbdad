#include "auth/secretfile.h"

#include "auth/crypto.h"

#include <QFile>
#include <QSaveFile>

namespace lobby::auth {

QByteArray loadOrCreateSecret(const QString &path, QString *error)
{
    QFile existing(path);
    if (existing.exists()) {
        if (!existing.open(QIODevice::ReadOnly)) {
            *error = QStringLiteral("cannot read %1: %2").arg(path, existing.errorString());
            return {};
        }
        const QByteArray secret = existing.readAll().trimmed();
        if (secret.size() < 32) {
            *error = QStringLiteral("%1 is too short to be a secret; remove it to make a new one")
                         .arg(path);
            return {};
        }
        return secret;
    }
    const QByteArray secret = randomToken(48).toLatin1();
    QSaveFile file(path);
    // Owner-only before any byte is written.
    if (!file.open(QIODevice::WriteOnly) ||
        !file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner) ||
        file.write(secret) != secret.size() || !file.commit()) {
        *error = QStringLiteral("cannot write %1: %2").arg(path, file.errorString());
        return {};
    }
    return secret;
}

} // namespace lobby::auth
