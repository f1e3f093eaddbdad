#include "store/backup.h"

#include "logging.h"
#include "store/database.h"

#include <QFile>
#include <QFileInfo>
#include <QSqlError>
#include <QSqlQuery>
#include <QUuid>

namespace lobby::store {

bool backupDatabase(Database &database, const QString &file, QString *error)
{
    if (database.dialect() != Dialect::Sqlite) {
        *error = QStringLiteral("PostgreSQL is backed up with pg_dump");
        return false;
    }
    if (QFileInfo::exists(file)) {
        *error = QStringLiteral("%1 exists already").arg(file);
        return false;
    }
    const QString partial = file + QStringLiteral(".partial");
    QFile::remove(partial); // left by a backup that was interrupted
    QSqlQuery vacuum(database.handle());
    // VACUUM INTO takes an expression, so the file name is a bound value like any other.
    if (!vacuum.prepare(QStringLiteral("VACUUM INTO ?"))) {
        *error = vacuum.lastError().text();
        return false;
    }
    vacuum.addBindValue(partial);
    if (!vacuum.exec()) {
        *error = QStringLiteral("cannot write %1: %2").arg(partial, vacuum.lastError().text());
        QFile::remove(partial);
        return false;
    }
    vacuum.finish();
    QFile::setPermissions(partial, QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    if (!QFile::rename(partial, file)) {
        *error = QStringLiteral("cannot rename %1 to %2").arg(partial, file);
        QFile::remove(partial);
        return false;
    }
    qCInfo(lcBackup, "backup written to %s (%lld bytes)", qPrintable(file), QFileInfo(file).size());
    return true;
}

bool checkBackupFile(const QString &file, QString *error)
{
    if (!QFileInfo(file).isFile()) {
        *error = QStringLiteral("%1 is not a file").arg(file);
        return false;
    }
    bool ok = false;
    const QString connection =
        QStringLiteral("lobby-backup-check-") + QUuid::createUuid().toString();
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), connection);
        db.setDatabaseName(file);
        db.setConnectOptions(QStringLiteral("QSQLITE_OPEN_READONLY"));
        if (!db.open()) {
            *error = QStringLiteral("cannot open %1: %2").arg(file, db.lastError().text());
        } else {
            QSqlQuery query(db);
            if (!query.exec(QStringLiteral("PRAGMA integrity_check"))) {
                *error = QStringLiteral("%1 is not an SQLite database: %2")
                             .arg(file, query.lastError().text());
            } else if (!query.next() || query.value(0).toString() != u"ok") {
                *error = QStringLiteral("%1 fails the integrity check: %2")
                             .arg(file, query.value(0).toString());
            } else if (!query.exec(QStringLiteral("SELECT MAX(version) FROM schema_migrations")) ||
                       !query.next() || query.value(0).toInt() < 1) {
                *error = QStringLiteral("%1 is not a Lobby database").arg(file);
            } else {
                ok = true;
            }
        }
    }
    QSqlDatabase::removeDatabase(connection);
    return ok;
}

} // namespace lobby::store
