#pragma once

#include "http/httpserver.h"
#include "lobbyserver.h"
#include "store/database.h"

#include <QHostAddress>
#include <QObject>
#include <QThread>

#include <functional>
#include <memory>

namespace lobby {
class LobbyServer;
namespace chat {
class ChatService;
class ClusterBridge;
class SqliteChangeWatcher;
} // namespace chat
namespace store {
class Store;
}
} // namespace lobby

namespace lobby::app {

class InstanceLock;
class NightlyBackups;

// The files of one data folder.
struct DataFolder
{
    QString root;
    // postgresql://user:pass@host:port/db (--database); empty: the settings file's
    // [database] url, else SQLite in lobby.sqlite3.
    QString databaseUrl;

    QString databasePath() const { return root + QStringLiteral("/lobby.sqlite3"); }
    QString jwtSecretPath() const { return root + QStringLiteral("/jwt-secret"); }
    // The Pusher app (app_id, key, secret) of the guest family, JSON, mode 0600.
    QString pusherAppPath() const { return root + QStringLiteral("/pusher-app"); }
    QString demoKeyPath() const { return root + QStringLiteral("/demo-api-key"); }
    QString uploadsPath() const { return root + QStringLiteral("/uploads"); }
    // Optional INI settings: [database] url=postgresql://...
    QString settingsPath() const { return root + QStringLiteral("/lobby.ini"); }
    // --database, else the settings file's [database] url, else empty (SQLite).
    QString effectiveDatabaseUrl() const;

    store::DatabaseConfig databaseConfig() const;
    // Creates the folder (owner-only) if needed, opens the database and migrates it.
    bool open(store::Database &database, QString *error) const;
};

struct CoreConfig
{
    DataFolder data;
    QHostAddress host = QHostAddress::LocalHost;
    quint16 port = 0;
    bool demo = false;
    http::ServerLimits limits;
    int handoffWaitSeconds = 60;
    int guestSessionDays = 7;
    int widgetCreationsPerMinute = 30;
    int uploadQuotaMib = 200;
    // --backup-dir: nightly backups (SQLite) into this folder, the newest backupKeep kept.
    QString backupDir;
    int backupKeep = 7;
};

// Database, ChatService and server, created and used only in the core thread.
class CoreRuntime : public QObject
{
    Q_OBJECT

public:
    explicit CoreRuntime(CoreConfig config);
    ~CoreRuntime() override;

    bool start(QString *error);
    // Stops accepting, closes connections and the database.
    void stop();

    quint16 port() const;
    chat::ChatService &chat() { return *m_chat; }
    LobbyServer &server() { return *m_server; }
    const QStringList &demoCredentials() const { return m_demoCredentials; }
    QString uploadsDir() const { return m_config.data.uploadsPath(); }
    qint64 maxUploadBytes() const { return ServerConfig().maxUploadBytes; }
    // "Back up now": one consistent file in `folder` (the backup folder when empty); its path,
    // or empty with `error`.
    QString backUpNow(const QString &folder, QString *error);

private:
    CoreConfig m_config;
    std::unique_ptr<InstanceLock> m_instanceLock;
    std::unique_ptr<store::Database> m_database;
    std::unique_ptr<store::Store> m_store;
    std::unique_ptr<chat::ChatService> m_chat;
    std::unique_ptr<LobbyServer> m_server;
    std::unique_ptr<chat::ClusterBridge> m_bridge; // PostgreSQL: relays events between instances
    std::unique_ptr<chat::SqliteChangeWatcher> m_watcher; // SQLite: other processes' writes
    std::unique_ptr<NightlyBackups> m_nightlyBackups;
    QStringList m_demoCredentials;
};

// Owns the core thread from the main thread.
class Core
{
public:
    Core();
    ~Core();

    bool start(const CoreConfig &config, QString *error);
    void stop();

    // Runs `work` in the core thread and waits for it.
    void runBlocking(const std::function<void(CoreRuntime &)> &work);
    // Runs `work` in the core thread later.
    void post(std::function<void(CoreRuntime &)> work);
    CoreRuntime *runtime() { return m_runtime; }

private:
    QThread m_thread;
    CoreRuntime *m_runtime = nullptr;
};

} // namespace lobby::app
