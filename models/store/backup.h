#pragma once

#include <QString>

namespace lobby::store {

class Database;

// A consistent copy of an open SQLite database in one file, made with VACUUM INTO while the
// database is in use: it reads one snapshot, so every transaction committed before it started
// is in the copy and none that commits during it. Written to FILE.partial and renamed, so FILE
// is either absent or complete. False (with `error`) for PostgreSQL (pg_dump is the way there),
// when FILE exists, or when SQLite refuses.
bool backupDatabase(Database &database, const QString &file, QString *error);

// Whether `file` is an SQLite database that passes PRAGMA integrity_check and holds Lobby's
// schema (the migrations' version table); the reason in `error` when not.
bool checkBackupFile(const QString &file, QString *error);

} // namespace lobby::store
