#pragma once

// The store is private to the domain library (lobby_domain links it PRIVATE): adapters read
// and write through ChatService. Only the composition root (app/, tests) links lobby_store.
#ifndef LOBBY_STORE_VISIBLE
#error "store/ is private to the domain: read through ChatService (chat/chatservice.h)"
#endif

#include <QSqlDatabase>
#include <QString>

namespace lobby::store {

enum class Dialect
{
    Sqlite,
    Postgres
};

// Where the data lives: an SQLite file (default) or a PostgreSQL URL.
struct DatabaseConfig
{
    QString sqlitePath;
    QString postgresUrl;        // postgresql://user:pass@host:port/db
    bool durableCommits = true; // SQLite synchronous=FULL: a commit survives power loss
};

// One QtSql connection, owned by the thread that opened it.
class Database
{
public:
    explicit Database(QString connectionName);
    ~Database();
    Database(const Database &) = delete;
    Database &operator=(const Database &) = delete;

    bool open(const DatabaseConfig &config, QString *error);
    void close();
    bool isOpen() const;

    QSqlDatabase handle() const;
    Dialect dialect() const { return m_dialect; }

private:
    QString m_connectionName;
    Dialect m_dialect = Dialect::Sqlite;
};

} // namespace lobby::store
