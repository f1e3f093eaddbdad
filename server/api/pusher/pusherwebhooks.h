#pragma once

#include "chat/entities.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QNetworkAccessManager>
#include <QObject>
#include <QTimer>

namespace lobby::chat {
class ChatService;
}

namespace lobby::api::pusher {

class PusherServer;

// Pusher webhooks: channel_occupied, channel_vacated, member_added, member_removed and
// client_event of this instance's connections, batched ({"time_ms", "events"}) per site, stored
// in the outbox through ChatService, then POSTed with X-Pusher-Key and X-Pusher-Signature
// (HMAC-SHA256 hex of the body with the app secret) until the receiver answers 2xx, with
// exponential back-off. A channel belongs to the site whose slug its name carries after the
// Pusher prefix (private-grand-..., presence-grand-..., grand-...). Lives in the core thread.
class PusherWebhooks : public QObject
{
public:
    struct Options
    {
        int batchMs = 250;                // events of this long go out as one batch
        int maxEventsPerBatch = 100;      // or fewer, when more come that fast
        int pollMs = 1000;                // how often the outbox is looked at
        int leaseSeconds = 30;            // a delivery in flight is this instance's for so long
        int timeoutMs = 10000;            // a receiver that does not answer in time has failed
        int maxBackoffSeconds = 300;      // 1, 2, 4, ... seconds between attempts, at most this
        int giveUpSeconds = 24 * 60 * 60; // a batch undelivered for a day is dropped
    };

    PusherWebhooks(PusherServer &pusher, chat::ChatService &chat, Options options,
                   QObject *parent = nullptr);

    // The slug (of `slugs`) that `channel` names after its Pusher prefix; the longest wins.
    static QString siteSlugOfChannel(const QString &channel, const QStringList &slugs);
    // The events of the sites that have a webhook, by site id; a channel belongs to the site of
    // `sites` whose slug it names (the longest wins), whether or not that site has a webhook.
    static QMap<qint64, QJsonArray> eventsBySite(const QList<QPair<QString, QJsonObject>> &events,
                                                 const QList<chat::Site> &sites,
                                                 const QList<chat::Webhook> &webhooks);
    // Seconds to wait after the `attempts`-th failure.
    static int backoffSeconds(int attempts, int maxSeconds);

private:
    void add(const QString &channel, QJsonObject event);
    void flush();
    void deliverDue();
    void deliver(const chat::WebhookDelivery &delivery);

    PusherServer &m_pusher;
    chat::ChatService &m_chat;
    Options m_options;
    QList<QPair<QString, QJsonObject>> m_pending; // channel, event
    QTimer m_batchTimer;
    QTimer m_pollTimer;
    QNetworkAccessManager m_network;
    bool m_inFlight = false;
};

} // namespace lobby::api::pusher
