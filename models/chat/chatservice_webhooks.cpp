// ChatService operations of Pusher webhooks: the per-site target and the delivery outbox.
#include "chat/chatservice.h"
#include "logging.h"

#include "store/store.h"

#include <QUrl>

namespace lobby::chat {

Result<Webhook> ChatService::setWebhook(qint64 siteId, const QString &url)
{
    const auto site = m_store.siteById(siteId);
    if (!site)
        return notFound(QStringLiteral("no such site"));
    const QUrl parsed(url.trimmed(), QUrl::StrictMode);
    if (url.size() > maxWebhookUrlLength || !parsed.isValid() ||
        (parsed.scheme() != u"http" && parsed.scheme() != u"https") || parsed.host().isEmpty() ||
        !parsed.fragment().isEmpty())
        return invalid(QStringLiteral("The address must start with http:// or https:// and name a "
                                      "server, e.g. https://booking.example.com/lobby-events "
                                      "(at most %1 characters).")
                           .arg(maxWebhookUrlLength));
    Webhook webhook{siteId, site->slug, parsed.toString(QUrl::FullyEncoded),
                    QDateTime::currentDateTimeUtc()};
    if (!m_store.upsertWebhook(webhook))
        return storageFailure();
    return webhook;
}

Result<bool> ChatService::removeWebhook(qint64 siteId)
{
    if (!m_store.siteById(siteId))
        return notFound(QStringLiteral("no such site"));
    store::Transaction transaction(m_store);
    const bool existed = m_store.webhookOfSite(siteId).has_value();
    if (!m_store.deleteWebhook(siteId) || !m_store.deleteWebhookDeliveriesOfSite(siteId) ||
        !transaction.commit())
        return storageFailure();
    return existed;
}

QList<Webhook> ChatService::webhooks()
{
    return m_store.webhooks();
}

std::optional<Webhook> ChatService::webhookOfSite(qint64 siteId)
{
    return m_store.webhookOfSite(siteId);
}

Result<WebhookOutboxStatus> ChatService::webhookOutboxStatus(qint64 siteId)
{
    auto status = m_store.webhookOutboxStatus(siteId);
    if (!status)
        return storageFailure();
    return *status;
}

Result<qint64> ChatService::enqueueWebhook(qint64 siteId, const QByteArray &body)
{
    const QDateTime at = QDateTime::currentDateTimeUtc();
    const auto id = m_store.insertWebhookDelivery({0, siteId, {}, body, 0, at, at});
    if (!id)
        return storageFailure();
    // A receiver that stays down must not grow the outbox without bound: the oldest go first.
    const int dropped = m_store.trimWebhookOutbox(siteId, maxWebhookBacklog);
    if (dropped > 0)
        qCWarning(lcWebhooks,
                  "dropped the %d oldest undelivered batches of site %lld, over "
                  "its backlog of %d",
                  dropped, siteId, maxWebhookBacklog);
    return *id;
}

QList<WebhookDelivery> ChatService::dueWebhookDeliveries(int limit)
{
    return m_store.dueWebhookDeliveries(QDateTime::currentDateTimeUtc(), limit);
}

bool ChatService::claimWebhookDelivery(const WebhookDelivery &delivery, int leaseSeconds)
{
    return m_store.claimWebhookDelivery(delivery,
                                        QDateTime::currentDateTimeUtc().addSecs(leaseSeconds));
}

bool ChatService::webhookDelivered(qint64 deliveryId)
{
    return m_store.deleteWebhookDelivery(deliveryId);
}

bool ChatService::webhookFailed(const WebhookDelivery &delivery, const QDateTime &nextAttempt,
                                const QString &error)
{
    return m_store.rescheduleWebhookDelivery(delivery.id, delivery.attempts + 1, nextAttempt,
                                             error);
}

} // namespace lobby::chat
