#include "api/pusher/pusherwebhooks.h"

#include "api/pusher/pusherserver.h"
#include "chat/chatservice.h"
#include "http/httptypes.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkProxy>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QSet>

namespace lobby::api::pusher {

namespace {

QString dataText(const QJsonValue &data)
{
    if (data.isString())
        return data.toString();
    const QByteArray wrapped = QJsonDocument(QJsonArray{data}).toJson(QJsonDocument::Compact);
    return QString::fromUtf8(wrapped.mid(1, wrapped.size() - 2));
}

} // namespace

PusherWebhooks::PusherWebhooks(PusherServer &pusher, chat::ChatService &chat, Options options,
                               QObject *parent)
    : QObject(parent), m_pusher(pusher), m_chat(chat), m_options(options)
{
    m_network.setProxy(QNetworkProxy::NoProxy);
    m_batchTimer.setSingleShot(true);
    connect(&m_batchTimer, &QTimer::timeout, this, &PusherWebhooks::flush);
    connect(&m_pollTimer, &QTimer::timeout, this, &PusherWebhooks::deliverDue);
    m_pollTimer.start(m_options.pollMs);

    auto named = [](const char *name, const QString &channel) {
        return QJsonObject{{"name", QLatin1String(name)}, {"channel", channel}};
    };
    connect(&pusher, &PusherServer::channelOccupied, this, [this, named](const QString &channel) {
        add(channel, named("channel_occupied", channel));
    });
    connect(&pusher, &PusherServer::channelVacated, this, [this, named](const QString &channel) {
        add(channel, named("channel_vacated", channel));
    });
    connect(&pusher, &PusherServer::memberAdded, this,
            [this, named](const QString &channel, const QString &userId) {
                QJsonObject event = named("member_added", channel);
                event.insert(QStringLiteral("user_id"), userId);
                add(channel, event);
            });
    connect(&pusher, &PusherServer::memberRemoved, this,
            [this, named](const QString &channel, const QString &userId) {
                QJsonObject event = named("member_removed", channel);
                event.insert(QStringLiteral("user_id"), userId);
                add(channel, event);
            });
    connect(&pusher, &PusherServer::clientEventSent, this,
            [this, named](const QString &channel, const QString &name, const QJsonValue &data,
                          const QString &socketId, const QString &userId) {
                QJsonObject event = named("client_event", channel);
                event.insert(QStringLiteral("event"), name);
                event.insert(QStringLiteral("data"), dataText(data));
                event.insert(QStringLiteral("socket_id"), socketId);
                if (!userId.isEmpty())
                    event.insert(QStringLiteral("user_id"), userId);
                add(channel, event);
            });
}

QString PusherWebhooks::siteSlugOfChannel(const QString &channel, const QStringList &slugs)
{
    static const QString prefixes[] = {QStringLiteral("private-encrypted-cache-"),
                                       QStringLiteral("private-encrypted-"),
                                       QStringLiteral("presence-cache-"),
                                       QStringLiteral("private-cache-"),
                                       QStringLiteral("presence-"),
                                       QStringLiteral("private-"),
                                       QStringLiteral("cache-")};
    QString rest = channel;
    for (const QString &prefix : prefixes) {
        if (rest.startsWith(prefix)) {
            rest = rest.mid(prefix.size());
            break;
        }
    }
    QString best;
    for (const QString &slug : slugs) {
        if ((rest == slug || rest.startsWith(slug + QLatin1Char('-'))) && slug.size() > best.size())
            best = slug;
    }
    return best;
}

QMap<qint64, QJsonArray>
PusherWebhooks::eventsBySite(const QList<QPair<QString, QJsonObject>> &events,
                             const QList<chat::Site> &sites, const QList<chat::Webhook> &webhooks)
{
    // A channel's site is resolved among every site, not only those with a webhook: otherwise
    // private-grand-hotel-... would fall to the site `grand` when only `grand` has one.
    QStringList slugs;
    QHash<QString, qint64> siteOfSlug;
    for (const chat::Site &site : sites) {
        slugs << site.slug;
        siteOfSlug.insert(site.slug, site.id);
    }
    QSet<qint64> withWebhook;
    for (const chat::Webhook &webhook : webhooks)
        withWebhook.insert(webhook.siteId);
    QMap<qint64, QJsonArray> bySite; // in site order, events in the order they happened
    for (const auto &[channel, event] : events) {
        const QString slug = siteSlugOfChannel(channel, slugs);
        if (!slug.isEmpty() && withWebhook.contains(siteOfSlug.value(slug)))
            bySite[siteOfSlug.value(slug)].append(event);
    }
    return bySite;
}

int PusherWebhooks::backoffSeconds(int attempts, int maxSeconds)
{
    return attempts >= 20 ? maxSeconds : qMin(1 << qMax(0, attempts - 1), maxSeconds);
}

void PusherWebhooks::add(const QString &channel, QJsonObject event)
{
    m_pending.append({channel, std::move(event)});
    if (m_pending.size() >= m_options.maxEventsPerBatch)
        flush();
    else if (!m_batchTimer.isActive())
        m_batchTimer.start(m_options.batchMs);
}

void PusherWebhooks::flush()
{
    m_batchTimer.stop();
    const auto pending = std::exchange(m_pending, {});
    const QList<chat::Webhook> webhooks = m_chat.webhooks();
    if (pending.isEmpty() || webhooks.isEmpty())
        return;
    const QMap<qint64, QJsonArray> bySite = eventsBySite(pending, m_chat.sites(), webhooks);
    const qint64 timeMs = QDateTime::currentMSecsSinceEpoch();
    for (auto it = bySite.cbegin(); it != bySite.cend(); ++it) {
        const QByteArray body =
            http::compactJson(QJsonObject{{"time_ms", timeMs}, {"events", it.value()}});
        if (!m_chat.enqueueWebhook(it.key(), body))
            qWarning("pusher webhooks: a batch for site %lld could not be stored", it.key());
    }
    if (!bySite.isEmpty())
        deliverDue();
}

void PusherWebhooks::deliverDue()
{
    if (m_inFlight)
        return;
    const QList<chat::WebhookDelivery> due = m_chat.dueWebhookDeliveries(10);
    for (const chat::WebhookDelivery &delivery : due) {
        if (delivery.createdAt.secsTo(QDateTime::currentDateTimeUtc()) > m_options.giveUpSeconds) {
            qWarning("pusher webhooks: dropped batch %lld for %s after %d attempts in a day",
                     delivery.id, qPrintable(delivery.url), delivery.attempts);
            m_chat.webhookDelivered(delivery.id);
            continue;
        }
        if (m_chat.claimWebhookDelivery(delivery, m_options.leaseSeconds)) {
            deliver(delivery);
            return; // one at a time: batches of a site arrive in order
        }
    }
}

void PusherWebhooks::deliver(const chat::WebhookDelivery &delivery)
{
    QNetworkRequest request{QUrl(delivery.url)};
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArray("application/json"));
    request.setRawHeader("X-Pusher-Key", m_pusher.app().key.toUtf8());
    request.setRawHeader("X-Pusher-Signature", hmacHex(m_pusher.app().secret, delivery.body));
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute,
                         QNetworkRequest::ManualRedirectPolicy);
    request.setTransferTimeout(m_options.timeoutMs);
    m_inFlight = true;
    QNetworkReply *reply = m_network.post(request, delivery.body);
    connect(reply, &QNetworkReply::finished, this, [this, reply, delivery] {
        reply->deleteLater();
        m_inFlight = false;
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        if (reply->error() == QNetworkReply::NoError && status >= 200 && status < 300) {
            m_chat.webhookDelivered(delivery.id);
            deliverDue(); // the backlog, without waiting for the next poll
            return;
        }
        const QString why = status ? QStringLiteral("HTTP %1").arg(status) : reply->errorString();
        const int wait = backoffSeconds(delivery.attempts + 1, m_options.maxBackoffSeconds);
        m_chat.webhookFailed(delivery, QDateTime::currentDateTimeUtc().addSecs(wait), why);
    });
}

} // namespace lobby::api::pusher
