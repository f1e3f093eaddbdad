#include "store/database.h"

#include <QSqlError>
#include <QSqlQuery>
#include <QUrl>
#include <QUrlQuery>

namespace lobby::store {

Database::Database(QString connectionName) : m_connectionName(std::move(connectionName)) {}

Database::~Database()
{
    close();
}

bool Database::open(const DatabaseConfig &config, QString *error)
{
    QStringList setup;
    QSqlDatabase db;
    if (!config.postgresUrl.isEmpty()) {
        const QUrl url(config.postgresUrl);
        if (!url.isValid() || (url.scheme() != u"postgresql" && url.scheme() != u"postgres")) {
            *error = QStringLiteral("not a postgresql:// URL: %1").arg(url.toDisplayString());
            return false;
        }
        m_dialect = Dialect::Postgres;
        db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), m_connectionName);
        db.setHostName(url.host());
        db.setPort(url.port(5432));
        db.setUserName(url.userName());
        db.setPassword(url.password());
        db.setDatabaseName(url.path().mid(1));
        // Query items are libpq connection parameters: ?sslmode=require&connect_timeout=5,
        // ?options=-csearch_path%3Dmyschema. QPSQL joins them with ';' (no spaces allowed).
        QStringList options;
        const QUrlQuery query(url);
        for (const auto &[key, value] : query.queryItems(QUrl::FullyDecoded)) {
            if (value.contains(u' ') || value.contains(u';') || key.contains(u' ')) {
                *error = QStringLiteral("connection parameter '%1' may not contain spaces or ';'")
                             .arg(key);
                return false;
            }
            options << key + u'=' + value;
        }
        db.setConnectOptions(options.join(u';'));
    } else {
        m_dialect = Dialect::Sqlite;
        db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_connectionName);
        db.setDatabaseName(config.sqlitePath);
        // Writers wait for each other instead of failing with SQLITE_BUSY.
        db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=5000"));
        setup = {QStringLiteral("PRAGMA journal_mode=WAL"),
                 QStringLiteral("PRAGMA foreign_keys=ON"),
                 config.durableCommits ? QStringLiteral("PRAGMA synchronous=FULL")
                                       : QStringLiteral("PRAGMA synchronous=NORMAL")};
    }
    if (!db.open()) {
        *error = db.lastError().text();
        close();
        return false;
    }
    QSqlQuery query(db);
    for (const QString &statement : std::as_const(setup)) {
        if (!query.exec(statement)) {
            *error = query.lastError().text();
            close();
            return false;
        }
    }
    return true;
}

void Database::close()
{
    if (!QSqlDatabase::contains(m_connectionName))
        return;
    {
        QSqlDatabase db = QSqlDatabase::database(m_connectionName, false);
        db.close();
    }
    QSqlDatabase::removeDatabase(m_connectionName);
}

bool Database::isOpen() const
{
    return QSqlDatabase::contains(m_connectionName) &&
           QSqlDatabase::database(m_connectionName, false).isOpen();
}

QSqlDatabase Database::handle() const
{
    return QSqlDatabase::database(m_connectionName, false);
}

} // namespace lobby::store
