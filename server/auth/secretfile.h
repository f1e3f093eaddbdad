#pragma once

#include <QByteArray>
#include <QString>

namespace lobby::auth {

// Reads the per-install secret at `path`, creating it (random, file mode 0600) on first start.
// Returns an empty array and sets `error` when it cannot.
QByteArray loadOrCreateSecret(const QString &path, QString *error);

} // namespace lobby::auth
