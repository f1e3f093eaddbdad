#include "chat/clusterbridge.h"
#include "logging.h"

#include "chat/chatservice.h"
#include "store/store.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSqlError>
#include <QSqlQuery>
#include <QUuid>

namespace lobby::chat {

namespace {

// Payload keys: i instance, k kind (DomainEvent::Kind, or "presence"/"hello"), s site,
// c conversation, m message id, a actor kind, d actor id, f flag, t time (ms).
constexpr auto presenceKind = "presence";
constexpr auto helloKind = "hello";
constexpr auto pingKind = "ping";
constexpr auto byeKind = "bye";
constexpr auto noteKind = "note"; // n: the adapter's note, or r: its row in cluster_notes

} // namespace

ClusterBridge::ClusterBridge(ChatService &chat, store::Store &store,
                             store::DatabaseConfig listenConfig, QObject *parent)
    : QObject(parent), m_chat(chat), m_store(store), m_listenConfig(std::move(listenConfig)),
      m_instance(QUuid::createUuid().toString(QUuid::Id128).left(16))
{
    m_health.setInterval(5000);
    connect(&m_health, &QTimer::timeout, this, &ClusterBridge::checkListener);
}

ClusterBridge::~ClusterBridge()
{
    if (m_listen) {
        send({{QStringLiteral("k"), QLatin1String(byeKind)}});
        m_listen->close();
    }
}

bool ClusterBridge::start(QString *error)
{
    const QString schema = m_store.currentSchema();
    if (schema.isEmpty()) {
        *error = QStringLiteral("cannot read the current schema: %1").arg(m_store.lastError());
        return false;
    }
    m_channel = QStringLiteral("lobby_") + schema;
    if (!listen(error))
        return false;
    connect(&m_chat, &ChatService::event, this, &ClusterBridge::onLocalEvent);
    connect(&m_chat, &ChatService::localPresenceChanged, this, &ClusterBridge::onLocalPresence);
    connect(&m_chat, &ChatService::clusterNoteOut, this, &ClusterBridge::onAdapterNote);
    m_health.start();
    send({{QStringLiteral("k"), QLatin1String(helloKind)}});
    return true;
}

bool ClusterBridge::listen(QString *error)
{
    static int counter = 0;
    m_listen = std::make_unique<store::Database>(
        QStringLiteral("lobby-listen-%1-%2").arg(m_instance).arg(++counter));
    if (!m_listen->open(m_listenConfig, error))
        return false;
    QSqlDriver *driver = m_listen->handle().driver();
    if (!driver->subscribeToNotification(m_channel)) {
        *error =
            QStringLiteral("cannot LISTEN on %1: %2").arg(m_channel, driver->lastError().text());
        return false;
    }
    connect(driver, &QSqlDriver::notification, this, &ClusterBridge::onNotification);
    return true;
}

// The listening connection is idle, so a dropped one would go unnoticed. Queries on it could
// swallow notifications that QPSQL has not handed out yet, so instead this instance NOTIFYs
// itself through the store's connection: when the previous ping has not come back by the next
// check, it listens again on a new connection (events in between are caught up by message id).
void ClusterBridge::checkListener()
{
    if (m_pingOutstanding) {
        qCWarning(lcCluster, "the LISTEN connection does not answer; reconnecting");
        m_listen->close();
        // Notes may have been missed meanwhile: forget the others' state, the hello below makes
        // them repeat it.
        const QStringList others = m_lastHeard.keys();
        m_lastHeard.clear();
        for (const QString &instance : others)
            m_chat.instanceLeft(instance);
        QString error;
        if (!listen(&error)) {
            qCWarning(lcCluster, "cannot listen again: %s", qPrintable(error));
            return;
        }
        send({{QStringLiteral("k"), QLatin1String(helloKind)}});
    }
    m_pingOutstanding = true;
    send({{QStringLiteral("k"), QLatin1String(pingKind)}});
    dropSilentInstances();
}

void ClusterBridge::dropSilentInstances()
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    QStringList silent;
    for (auto it = m_lastHeard.cbegin(); it != m_lastHeard.cend(); ++it) {
        if (now - it.value() > instanceTimeoutMs)
            silent << it.key();
    }
    for (const QString &instance : std::as_const(silent)) {
        qCWarning(lcCluster, "instance %s is silent; dropping its state", qPrintable(instance));
        m_lastHeard.remove(instance);
        m_chat.instanceLeft(instance);
    }
    // Rows of long notes have been read by then (or their reader is gone).
    m_store.deleteClusterNotesBefore(QDateTime::currentDateTimeUtc().addSecs(-60));
}

void ClusterBridge::onAdapterNote(const QJsonObject &note)
{
    const QString text = QString::fromUtf8(QJsonDocument(note).toJson(QJsonDocument::Compact));
    if (text.toUtf8().size() <= noteInlineLimit) {
        send({{QStringLiteral("k"), QLatin1String(noteKind)}, {QStringLiteral("n"), note}});
        return;
    }
    const auto row = m_store.insertClusterNote(text, QDateTime::currentDateTimeUtc());
    if (!row) {
        qCWarning(lcCluster, "cannot store a long note: %s", qPrintable(m_store.lastError()));
        return;
    }
    send({{QStringLiteral("k"), QLatin1String(noteKind)}, {QStringLiteral("r"), *row}});
}

void ClusterBridge::receiveAdapterNote(const QString &from, const QJsonObject &note)
{
    if (note.contains(QStringLiteral("n"))) {
        m_chat.receiveClusterNote(from, note.value(QStringLiteral("n")).toObject());
        return;
    }
    const auto text = m_store.clusterNote(note.value(QStringLiteral("r")).toInteger());
    if (!text) {
        qCWarning(lcCluster, "a long note from %s is gone", qPrintable(from));
        return;
    }
    m_chat.receiveClusterNote(from, QJsonDocument::fromJson(text->toUtf8()).object());
}

void ClusterBridge::send(QJsonObject note)
{
    note.insert(QStringLiteral("i"), m_instance);
    const QString payload = QString::fromUtf8(QJsonDocument(note).toJson(QJsonDocument::Compact));
    if (!m_store.notify(m_channel, payload))
        qCWarning(lcCluster, "NOTIFY failed: %s", qPrintable(m_store.lastError()));
}

void ClusterBridge::onLocalEvent(const DomainEvent &event)
{
    if (event.remote || event.kind == DomainEvent::Kind::PresenceChanged)
        return; // presence goes out per instance, see onLocalPresence
    send({{QStringLiteral("k"), int(event.kind)},
          {QStringLiteral("s"), event.siteId},
          {QStringLiteral("c"), event.conversationId},
          {QStringLiteral("m"), event.messageId},
          {QStringLiteral("a"), int(event.actor.kind)},
          {QStringLiteral("d"), event.actor.id},
          {QStringLiteral("f"), event.flag},
          {QStringLiteral("t"), event.at.toMSecsSinceEpoch()}});
}

void ClusterBridge::onLocalPresence(qint64 siteId, const Actor &actor, bool online)
{
    if (online)
        m_localOnline.insert({int(actor.kind), actor.id}, siteId);
    else
        m_localOnline.remove({int(actor.kind), actor.id});
    send({{QStringLiteral("k"), QLatin1String(presenceKind)},
          {QStringLiteral("s"), siteId},
          {QStringLiteral("a"), int(actor.kind)},
          {QStringLiteral("d"), actor.id},
          {QStringLiteral("f"), online}});
}

void ClusterBridge::onNotification(const QString &name, QSqlDriver::NotificationSource,
                                   const QVariant &payload)
{
    if (name != m_channel)
        return;
    const QJsonObject note = QJsonDocument::fromJson(payload.toString().toUtf8()).object();
    const QString from = note.value(QStringLiteral("i")).toString();
    const QJsonValue kind = note.value(QStringLiteral("k"));
    if (from == m_instance && kind.toString() == QLatin1String(pingKind))
        m_pingOutstanding = false;
    if (from.isEmpty() || from == m_instance)
        return;
    if (kind.toString() == QLatin1String(byeKind)) {
        m_lastHeard.remove(from);
        m_chat.instanceLeft(from);
        return;
    }
    m_lastHeard.insert(from, QDateTime::currentMSecsSinceEpoch());
    if (kind.toString() == QLatin1String(pingKind))
        return;
    if (kind.toString() == QLatin1String(noteKind))
        return receiveAdapterNote(from, note);
    const qint64 siteId = note.value(QStringLiteral("s")).toInteger();
    const Actor actor{ActorKind(note.value(QStringLiteral("a")).toInt()),
                      note.value(QStringLiteral("d")).toInteger()};
    if (kind.toString() == QLatin1String(helloKind)) {
        // A new instance: tell it who is connected here.
        for (auto it = m_localOnline.cbegin(); it != m_localOnline.cend(); ++it)
            onLocalPresence(it.value(), {ActorKind(it.key().first), it.key().second}, true);
        m_chat.instanceJoined(from);
        return;
    }
    if (kind.toString() == QLatin1String(presenceKind)) {
        m_chat.remotePresence(from, siteId, actor, note.value(QStringLiteral("f")).toBool());
        return;
    }
    if (!kind.isDouble())
        return;
    DomainEvent event;
    event.kind = DomainEvent::Kind(kind.toInt());
    event.siteId = siteId;
    event.conversationId = note.value(QStringLiteral("c")).toInteger();
    event.messageId = note.value(QStringLiteral("m")).toInteger();
    event.actor = actor;
    event.flag = note.value(QStringLiteral("f")).toBool();
    event.at = QDateTime::fromMSecsSinceEpoch(note.value(QStringLiteral("t")).toInteger(), Qt::UTC);
    // The change is committed (NOTIFY is delivered at commit): read it back.
    m_chat.publishStored(event);
}

} // namespace lobby::chat
