#include "core.h"

#include "api/pusher/pusherapp.h"
#include "auth/secretfile.h"
#include "backup.h"
#include "chat/chatservice.h"
#include "chat/clusterbridge.h"
#include "chat/sqlitechangewatcher.h"
#include "demo.h"
#include "lobbyserver.h"
#include "realtime/epolldispatcher.h"
#include "store/migrations.h"
#include "store/store.h"

#include <QDir>
#include <QFile>
#include <QSettings>

namespace lobby::app {

QString DataFolder::effectiveDatabaseUrl() const
{
    if (!databaseUrl.isEmpty() || !QFile::exists(settingsPath()))
        return databaseUrl;
    const QSettings settings(settingsPath(), QSettings::IniFormat);
    return settings.value(QStringLiteral("database/url")).toString().trimmed();
}

store::DatabaseConfig DataFolder::databaseConfig() const
{
    store::DatabaseConfig config;
    config.sqlitePath = databasePath();
    config.postgresUrl = effectiveDatabaseUrl();
    return config;
}

bool DataFolder::open(store::Database &database, QString *error) const
{
    if (!QDir().mkpath(root)) {
        *error = QStringLiteral("cannot create the data folder %1").arg(root);
        return false;
    }
    QFile::setPermissions(root,
                          QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
    if (!database.open(databaseConfig(), error))
        return false;
    store::Migrator migrator(database);
    return migrator.migrate(error);
}

CoreRuntime::CoreRuntime(CoreConfig config) : m_config(std::move(config)) {}

CoreRuntime::~CoreRuntime()
{
    stop();
}

bool CoreRuntime::start(QString *error)
{
    m_database = std::make_unique<store::Database>(QStringLiteral("lobby-core"));
    if (!m_config.data.open(*m_database, error))
        return false;
    m_instanceLock = std::make_unique<InstanceLock>();
    if (!m_instanceLock->lockShared(m_config.data.root, error))
        return false;
    ServerConfig serverConfig;
    serverConfig.limits = m_config.limits;
    serverConfig.widget.handoffWaitMs = m_config.handoffWaitSeconds * 1000;
    serverConfig.uploadsDir = m_config.data.uploadsPath();
    serverConfig.metricsToken =
        auth::loadOrCreateSecret(m_config.data.root + QStringLiteral("/metrics-token"), error);
    if (serverConfig.metricsToken.isEmpty())
        return false;
    serverConfig.jwtSecret = auth::loadOrCreateSecret(m_config.data.jwtSecretPath(), error);
    if (serverConfig.jwtSecret.isEmpty())
        return false;
    const auto pusherApp = api::pusher::loadOrCreateApp(m_config.data.pusherAppPath(), error);
    if (!pusherApp)
        return false;
    serverConfig.pusherApp = *pusherApp;
    serverConfig.guestSessionSeconds = m_config.guestSessionDays * 24 * 60 * 60;
    serverConfig.widget.creationsPerMinute = m_config.widgetCreationsPerMinute;
    serverConfig.dailyUploadBytesPerAccount = qint64(m_config.uploadQuotaMib) << 20;
    m_store = std::make_unique<store::Store>(*m_database);
    m_chat = std::make_unique<chat::ChatService>(*m_store);
    if (m_config.demo) {
        m_demoCredentials = ensureDemoData(*m_chat, m_config.data, error);
        if (m_demoCredentials.isEmpty())
            return false;
    }
    serverConfig.demoPage = ensureDemoPageKey(*m_chat, m_config.data, error);
    if (!error->isEmpty())
        return false;
    m_server = std::make_unique<LobbyServer>(*m_chat, serverConfig);
    if (m_database->dialect() == store::Dialect::Postgres) {
        m_bridge = std::make_unique<chat::ClusterBridge>(*m_chat, *m_store,
                                                         m_config.data.databaseConfig());
        if (!m_bridge->start(error))
            return false;
    } else {
        // `lobby admin` and other processes may write to the same file while this one runs.
        m_watcher = std::make_unique<chat::SqliteChangeWatcher>(*m_chat, *m_store);
        m_watcher->start();
        if (!m_config.backupDir.isEmpty())
            m_nightlyBackups = std::make_unique<NightlyBackups>(
                *m_database, BackupFolder{m_config.backupDir, m_config.backupKeep});
    }
    return m_server->listen(m_config.host, m_config.port, error);
}

void CoreRuntime::stop()
{
    if (m_server)
        m_server->stopListening();
    // Each write runs to completion inside one event of this thread, so none is in flight here;
    // messages queued for the next group commit are stored and answered while their connections
    // are still open.
    if (m_chat)
        m_chat->flushQueue();
    m_nightlyBackups.reset();
    m_server.reset();
    // After the server: its closing connections still tell the other instances.
    m_bridge.reset();
    m_watcher.reset();
    m_chat.reset();
    m_store.reset();
    m_database.reset();
    m_instanceLock.reset();
}

QString CoreRuntime::backUpNow(const QString &folder, QString *error)
{
    const BackupFolder target{folder.isEmpty() ? m_config.backupDir : folder, m_config.backupKeep};
    if (target.path.isEmpty()) {
        *error = QStringLiteral("no backup folder chosen");
        return {};
    }
    return target.backUp(*m_database, error);
}

quint16 CoreRuntime::port() const
{
    return m_server ? m_server->http().port() : 0;
}

Core::Core()
{
    m_thread.setObjectName(QStringLiteral("lobby-core"));
}

Core::~Core()
{
    stop();
}

bool Core::start(const CoreConfig &config, QString *error)
{
    // The core thread holds thousands of sockets: Qt's glib and UNIX dispatchers look at every
    // one of them on each wakeup, epoll only at those that are ready (bench/RESULTS.md has the
    // figures). The GUI thread keeps Qt's dispatcher (desktop integration).
    if (!m_thread.eventDispatcher())
        m_thread.setEventDispatcher(new realtime::EpollEventDispatcher);
    m_thread.start();
    m_runtime = new CoreRuntime(config);
    m_runtime->moveToThread(&m_thread);
    bool started = false;
    runBlocking([&](CoreRuntime &runtime) { started = runtime.start(error); });
    if (!started)
        stop();
    return started;
}

void Core::stop()
{
    if (!m_runtime)
        return;
    runBlocking([](CoreRuntime &runtime) { delete &runtime; });
    m_runtime = nullptr;
    m_thread.quit();
    m_thread.wait();
}

void Core::runBlocking(const std::function<void(CoreRuntime &)> &work)
{
    CoreRuntime *runtime = m_runtime;
    QMetaObject::invokeMethod(
        runtime, [runtime, &work] { work(*runtime); }, Qt::BlockingQueuedConnection);
}

void Core::post(std::function<void(CoreRuntime &)> work)
{
    CoreRuntime *runtime = m_runtime;
    QMetaObject::invokeMethod(
        runtime, [runtime, work = std::move(work)] { work(*runtime); }, Qt::QueuedConnection);
}

} // namespace lobby::app
