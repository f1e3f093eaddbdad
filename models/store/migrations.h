#pragma once

#include "store/database.h"

#include <QStringList>

namespace lobby::store {

// Versioned, forward-only schema changes. Each version runs in one transaction; a database
// written by a newer Lobby is refused rather than guessed at.
class Migrator
{
public:
    explicit Migrator(Database &database);

    static int latestVersion();

    // The version recorded in the database, 0 for an empty one, -1 on error.
    int currentVersion(QString *error) const;

    // Applies every migration above the current version, up to targetVersion.
    bool migrate(QString *error, int targetVersion = latestVersion());

private:
    QStringList statementsFor(int version) const;
    bool migrateLocked(QString *error, int targetVersion);

    Database &m_database;
};

} // namespace lobby::store
