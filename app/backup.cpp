#include "backup.h"

#include "core.h"
#include "logging.h"
#include "store/backup.h"
#include "store/database.h"
#include "store/migrations.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTextStream>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

namespace lobby::app {

InstanceLock::~InstanceLock()
{
    if (m_fd >= 0)
        ::close(m_fd); // releases the flock
}

bool InstanceLock::lockShared(const QString &dataDir, QString *error)
{
    return lock(dataDir, LOCK_SH, error);
}

bool InstanceLock::lockExclusive(const QString &dataDir, QString *error)
{
    return lock(dataDir, LOCK_EX, error);
}

bool InstanceLock::lock(const QString &dataDir, int operation, QString *error)
{
    const QByteArray path = QFile::encodeName(dataDir + QStringLiteral("/lobby.lock"));
    m_fd = ::open(path.constData(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (m_fd < 0) {
        *error = QStringLiteral("cannot open %1: %2")
                     .arg(QFile::decodeName(path), QString::fromLocal8Bit(strerror(errno)));
        return false;
    }
    if (::flock(m_fd, operation | LOCK_NB) != 0) {
        *error = errno == EWOULDBLOCK
                     ? QStringLiteral("Lobby is running on %1; stop it first").arg(dataDir)
                     : QStringLiteral("cannot lock %1: %2")
                           .arg(QFile::decodeName(path), QString::fromLocal8Bit(strerror(errno)));
        ::close(m_fd);
        m_fd = -1;
        return false;
    }
    return true;
}

namespace {

const QString backupPattern = QStringLiteral("lobby-????????-??????.sqlite3");

} // namespace

QString BackupFolder::backUp(store::Database &database, QString *error) const
{
    if (!QDir().mkpath(path)) {
        *error = QStringLiteral("cannot create the backup folder %1").arg(path);
        return {};
    }
    const QString file = QDir(path).filePath(
        QDateTime::currentDateTime().toString(QStringLiteral("'lobby-'yyyyMMdd-HHmmss'.sqlite3'")));
    if (!store::backupDatabase(database, file, error))
        return {};
    prune();
    return file;
}

QStringList BackupFolder::backups() const
{
    // The names sort by time, so by name is by age.
    const QStringList names =
        QDir(path).entryList({backupPattern}, QDir::Files, QDir::Name | QDir::Reversed);
    QStringList files;
    for (const QString &name : names)
        files << QDir(path).filePath(name);
    return files;
}

void BackupFolder::prune() const
{
    const QStringList files = backups();
    for (qsizetype i = qMax(keep, 1); i < files.size(); ++i)
        QFile::remove(files.at(i));
}

NightlyBackups::NightlyBackups(store::Database &database, BackupFolder folder)
    : m_database(database), m_folder(std::move(folder))
{
    m_timer.setSingleShot(true);
    m_timer.setTimerType(Qt::VeryCoarseTimer);
    connect(&m_timer, &QTimer::timeout, this, [this] {
        QString error;
        if (m_folder.backUp(m_database, &error).isEmpty())
            qCWarning(lcBackup, "the nightly backup failed: %s", qPrintable(error));
        scheduleNext();
    });
    scheduleNext();
}

void NightlyBackups::scheduleNext()
{
    const QDateTime now = QDateTime::currentDateTime();
    QDateTime next(now.date(), QTime(3, 0));
    if (next <= now)
        next = next.addDays(1);
    m_timer.start(std::chrono::milliseconds(now.msecsTo(next)));
}

int adminBackup(const DataFolder &data, const QString &file)
{
    QTextStream err(stderr);
    if (!data.effectiveDatabaseUrl().isEmpty()) {
        err << "lobby admin: this data folder uses PostgreSQL; back it up with pg_dump\n";
        return 1;
    }
    store::Database database(QStringLiteral("lobby-admin-backup"));
    QString error;
    if (!data.open(database, &error) || !store::backupDatabase(database, file, &error)) {
        err << "lobby admin: " << error << "\n";
        return 1;
    }
    QTextStream(stdout) << file << "\n";
    return 0;
}

int adminRestore(const DataFolder &data, const QString &file)
{
    QTextStream err(stderr);
    const auto fail = [&err](const QString &message) {
        err << "lobby admin: " << message << "\n";
        return 1;
    };
    if (!data.effectiveDatabaseUrl().isEmpty())
        return fail(QStringLiteral("this data folder uses PostgreSQL; restore it with pg_restore"));
    QString error;
    if (!store::checkBackupFile(file, &error))
        return fail(error);
    if (!QDir().mkpath(data.root))
        return fail(QStringLiteral("cannot create the data folder %1").arg(data.root));
    InstanceLock lock;
    if (!lock.lockExclusive(data.root, &error))
        return fail(error);
    // Copied next to the database and renamed over it: the folder holds the old database or the
    // restored one, never half of one. The old one's WAL belongs to it and goes with it.
    const QString incoming = data.databasePath() + QStringLiteral(".restoring");
    QFile::remove(incoming);
    if (!QFile::copy(file, incoming))
        return fail(QStringLiteral("cannot copy %1 into %2").arg(file, data.root));
    QFile::setPermissions(incoming, QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    QFile::remove(data.databasePath() + QStringLiteral("-wal"));
    QFile::remove(data.databasePath() + QStringLiteral("-shm"));
    if (::rename(QFile::encodeName(incoming).constData(),
                 QFile::encodeName(data.databasePath()).constData()) != 0) {
        QFile::remove(incoming);
        return fail(QStringLiteral("cannot replace %1").arg(data.databasePath()));
    }
    // Opening migrates a backup made by an older Lobby to this one's schema.
    store::Database database(QStringLiteral("lobby-admin-restore"));
    if (!data.open(database, &error))
        return fail(error);
    QTextStream(stdout) << "restored " << file << " into " << data.databasePath() << "\n";
    return 0;
}

} // namespace lobby::app
