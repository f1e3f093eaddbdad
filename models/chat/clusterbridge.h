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
//
// Adapters' own notes (ChatService::sendClusterNote: the Pusher server's subscriptions, members,
// triggers and client events) ride along as kind "note"; one over noteInlineLimit bytes is
// written to cluster_notes and the NOTIFY names its row. Every note (the 5 s self-ping too)
// tells the others this instance is alive: one silent for instanceTimeoutMs, or that said bye
// when stopping, is reported gone (ChatService::instanceLeft) so its state is dropped.
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

    static constexpr int noteInlineLimit = 7000; // NOTIFY payloads are limited to 8000 bytes
    static constexpr int instanceTimeoutMs = 20000;

private:
    void onLocalEvent(const DomainEvent &event);
    void onLocalPresence(qint64 siteId, const Actor &actor, bool online);
    void onNotification(const QString &name, QSqlDriver::NotificationSource source,
                        const QVariant &payload);
    void send(QJsonObject note);
    void onAdapterNote(const QJsonObject &note);
    void receiveAdapterNote(const QString &from, const QJsonObject &note);
    void dropSilentInstances();
    bool listen(QString *error);
    void checkListener();

    ChatService &m_chat;
    store::Store &m_store;
    store::DatabaseConfig m_listenConfig;
    std::unique_ptr<store::Database> m_listen;
    QString m_instance;
    QString m_channel;
    QHash<QPair<int, qint64>, qint64> m_localOnline; // actor -> site, this instance's
    QHash<QString, qint64> m_lastHeard;              // other instance -> when (ms since the epoch)
    QTimer m_health;
    bool m_pingOutstanding = false;
};

} // namespace lobby::chat
