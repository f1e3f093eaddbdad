#pragma once

#include "chat/domainevent.h"
#include "store/database.h"

#include <QHash>
#include <QObject>
#include <QSqlDriver>
#include <QTimer>

#include <memory>

namespace lobby::store {
class Store;
}

namespace lobby::chat {

class ChatService;

// Relays domain events between Lobby instances that share one PostgreSQL database, through
// LISTEN/NOTIFY, so that a message posted on instance A reaches the WebSocket, SSE and Pusher
// subscribers (and the console) of instance B.
//
// After ChatService has committed a change and emitted its event, the bridge NOTIFYs the
// channel "lobby_<schema>" with a small JSON payload: the instance, the event kind and ids
// (never the message itself; payloads are limited to 8000 bytes). Every other instance LISTENs
// on its own idle connection, re-reads what the event needs (conversation, message) and
// re-emits it locally through ChatService::publishRemote, marked remote so it is not sent back.
// Presence travels as per-instance "first connection opened / last one closed" notes; a new
// instance says hello and the others repeat their notes. Nothing is lost if an instance dies:
// messages are in the database and clients catch up by message id.
class ClusterBridge : public QObject
{
    Q_OBJECT

public:
    // `listenConfig` opens the bridge's own connection (the store's stays free for queries).
    ClusterBridge(ChatService &chat, store::Store &store, store::DatabaseConfig listenConfig,
                  QObject *parent = nullptr);
    ~ClusterBridge() override;

    bool start(QString *error);
    QString instanceId() const { return m_instance; }
    QString channel() const { return m_channel; }
    // How often the LISTEN connection is checked (default 5 s).
    void setHealthInterval(int milliseconds) { m_health.setInterval(milliseconds); }

private:
    void onLocalEvent(const DomainEvent &event);
    void onLocalPresence(qint64 siteId, const Actor &actor, bool online);
    void onNotification(const QString &name, QSqlDriver::NotificationSource source,
                        const QVariant &payload);
    void send(QJsonObject note);
    bool listen(QString *error);
    void checkListener();

    ChatService &m_chat;
    store::Store &m_store;
    store::DatabaseConfig m_listenConfig;
    std::unique_ptr<store::Database> m_listen;
    QString m_instance;
    QString m_channel;
    QHash<QPair<int, qint64>, qint64> m_localOnline; // actor -> site, this instance's
    QTimer m_health;
    bool m_pingOutstanding = false;
};

} // namespace lobby::chat
