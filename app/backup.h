#pragma once

#include <QObject>
#include <QString>
#include <QTimer>

namespace lobby::store {
class Database;
}

namespace lobby::app {

struct DataFolder;

// Held (a shared flock on DIR/lobby.lock) by every Lobby serving from a data folder, for as long
// as it runs; `lobby admin restore` wants it exclusively, so it is refused while one runs. The
// kernel drops the lock when the process ends, however it ends.
class InstanceLock
{
public:
    InstanceLock() = default;
    ~InstanceLock();
    InstanceLock(const InstanceLock &) = delete;
    InstanceLock &operator=(const InstanceLock &) = delete;

    bool lockShared(const QString &dataDir, QString *error);
    // False (no wait) when an instance holds the folder.
    bool lockExclusive(const QString &dataDir, QString *error);

private:
    bool lock(const QString &dataDir, int operation, QString *error);
    int m_fd = -1;
};

// Backups to a folder: lobby-YYYYMMDD-HHMMSS.sqlite3, the newest `keep` kept.
struct BackupFolder
{
    QString path;
    int keep = 7;

    // Writes one backup now and prunes the folder; the new file's path, or empty with `error`.
    QString backUp(store::Database &database, QString *error) const;
    // Deletes the oldest backups beyond `keep` (only files named as above).
    void prune() const;
    QStringList backups() const; // newest first
};

// Nightly backups (at 03:00 local time) on the core thread, while Lobby runs.
class NightlyBackups : public QObject
{
    Q_OBJECT

public:
    NightlyBackups(store::Database &database, BackupFolder folder);

private:
    void scheduleNext();
    store::Database &m_database;
    BackupFolder m_folder;
    QTimer m_timer;
};

// `lobby admin backup FILE` and `lobby admin restore FILE` (SQLite data folders only); the
// exit code (0 done, 1 refused).
int adminBackup(const DataFolder &data, const QString &file);
int adminRestore(const DataFolder &data, const QString &file);

} // namespace lobby::app
