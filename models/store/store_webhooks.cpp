// Store queries of Pusher webhooks: the per-site target and the delivery outbox.
#include "store/store.h"

#include "store/rows.h"

namespace lobby::store {

using namespace lobby::chat;
using namespace rows;

namespace {

Webhook readWebhook(const QSqlQuery &q)
{
    return {q.value(0).toLongLong(), q.value(1).toString(), q.value(2).toString(),
            fromDb(q.value(3))};
}

WebhookDelivery readDelivery(const QSqlQuery &q)
{
    return {q.value(0).toLongLong(), q.value(1).toLongLong(),
            q.value(2).toString(),   q.value(3).toString().toUtf8(),
            q.value(4).toInt(),      fromDb(q.value(5)),
            fromDb(q.value(6))};
}

} // namespace

bool Store::upsertWebhook(const Webhook &webhook)
{
    return execute("INSERT INTO webhooks (site_id, url, created_at) VALUES (?, ?, ?) "
                   "ON CONFLICT (site_id) DO UPDATE SET url = excluded.url",
                   {webhook.siteId, webhook.url, toDb(webhook.createdAt)});
}

bool Store::deleteWebhook(qint64 siteId)
{
    return execute("DELETE FROM webhooks WHERE site_id = ?", {siteId});
}

std::optional<Webhook> Store::webhookOfSite(qint64 siteId)
{
    return one<Webhook>(run("SELECT w.site_id, s.slug, w.url, w.created_at FROM webhooks w "
                            "JOIN sites s ON s.id = w.site_id WHERE w.site_id = ?",
                            {siteId}),
                        readWebhook);
}

QList<Webhook> Store::webhooks()
{
    return all<Webhook>(run("SELECT w.site_id, s.slug, w.url, w.created_at FROM webhooks w "
                            "JOIN sites s ON s.id = w.site_id ORDER BY w.site_id"),
                        readWebhook);
}

std::optional<qint64> Store::insertWebhookDelivery(const WebhookDelivery &delivery)
{
    return insertReturningId(
        "INSERT INTO webhook_outbox (site_id, body, attempts, created_at, next_attempt_at) "
        "VALUES (?, ?, 0, ?, ?) RETURNING id",
        {delivery.siteId, QString::fromUtf8(delivery.body), toDb(delivery.createdAt),
         toDb(delivery.nextAttemptAt)});
}

QList<WebhookDelivery> Store::dueWebhookDeliveries(const QDateTime &at, int limit)
{
    return all<WebhookDelivery>(
        run("SELECT o.id, o.site_id, w.url, o.body, o.attempts, o.created_at, o.next_attempt_at "
            "FROM (SELECT site_id, MIN(id) AS head FROM webhook_outbox GROUP BY site_id) h "
            "JOIN webhook_outbox o ON o.id = h.head JOIN webhooks w ON w.site_id = o.site_id "
            "WHERE o.next_attempt_at <= ? ORDER BY o.id LIMIT ?",
            {toDb(at), limit}),
        readDelivery);
}

int Store::trimWebhookOutbox(qint64 siteId, int keep)
{
    QSqlQuery *query = run("DELETE FROM webhook_outbox WHERE site_id = ? AND id <= "
                           "(SELECT id FROM webhook_outbox WHERE site_id = ? "
                           "ORDER BY id DESC LIMIT 1 OFFSET ?)",
                           {siteId, siteId, keep});
    if (!query)
        return -1;
    const int dropped = query->numRowsAffected();
    query->finish();
    return dropped;
}

bool Store::claimWebhookDelivery(const WebhookDelivery &delivery, const QDateTime &until)
{
    QSqlQuery *query =
        run("UPDATE webhook_outbox SET next_attempt_at = ? WHERE id = ? AND next_attempt_at = ?",
            {toDb(until), delivery.id, toDb(delivery.nextAttemptAt)});
    if (!query)
        return false;
    const bool claimed = query->numRowsAffected() == 1;
    query->finish();
    return claimed;
}

bool Store::rescheduleWebhookDelivery(qint64 id, int attempts, const QDateTime &next,
                                      const QString &error)
{
    return execute("UPDATE webhook_outbox SET attempts = ?, next_attempt_at = ?, last_error = ? "
                   "WHERE id = ?",
                   {attempts, toDb(next), error.left(500), id});
}

bool Store::deleteWebhookDelivery(qint64 id)
{
    return execute("DELETE FROM webhook_outbox WHERE id = ?", {id});
}

bool Store::deleteWebhookDeliveriesOfSite(qint64 siteId)
{
    return execute("DELETE FROM webhook_outbox WHERE site_id = ?", {siteId});
}

std::optional<WebhookOutboxStatus> Store::webhookOutboxStatus(qint64 siteId)
{
    // The count always gives one row; the oldest batch joins it when there is one.
    return one<WebhookOutboxStatus>(
        run("SELECT c.waiting, o.attempts, o.last_error, o.created_at, o.next_attempt_at "
            "FROM (SELECT COUNT(*) AS waiting, MIN(id) AS oldest FROM webhook_outbox "
            "WHERE site_id = ?) c LEFT JOIN webhook_outbox o ON o.id = c.oldest",
            {siteId}),
        [](const QSqlQuery &q) {
            return WebhookOutboxStatus{q.value(0).toInt(), q.value(1).toInt(),
                                       q.value(2).toString(), fromDb(q.value(3)),
                                       fromDb(q.value(4))};
        });
}

} // namespace lobby::store
