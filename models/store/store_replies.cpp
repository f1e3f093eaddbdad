// Store queries of canned replies, site settings and away notices.
#include "store/store.h"

#include "store/rows.h"

namespace lobby::store {

using namespace lobby::chat;
using namespace rows;

namespace {

#define CANNED_REPLY_COLUMNS "id, site_id, category, title, body, created_at, updated_at"
CannedReply readCannedReply(const QSqlQuery &q)
{
    return {q.value(0).toLongLong(), q.value(1).toLongLong(), q.value(2).toString(),
            q.value(3).toString(),   q.value(4).toString(),   fromDb(q.value(5)),
            fromDb(q.value(6))};
}

} // namespace

std::optional<qint64> Store::insertCannedReply(const CannedReply &reply)
{
    return insertReturningId(
        "INSERT INTO canned_replies (site_id, category, title, body, created_at, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
        {reply.siteId, text(reply.category), text(reply.title), text(reply.body),
         toDb(reply.createdAt), toDb(reply.updatedAt)});
}

bool Store::updateCannedReply(const CannedReply &reply)
{
    return execute("UPDATE canned_replies SET category = ?, title = ?, body = ?, updated_at = ? "
                   "WHERE id = ?",
                   {text(reply.category), text(reply.title), text(reply.body),
                    toDb(reply.updatedAt), reply.id});
}

bool Store::deleteCannedReply(qint64 id)
{
    return execute("DELETE FROM canned_replies WHERE id = ?", {id});
}

std::optional<CannedReply> Store::cannedReplyById(qint64 id)
{
    return one<CannedReply>(
        run("SELECT " CANNED_REPLY_COLUMNS " FROM canned_replies WHERE id = ?", {id}),
        readCannedReply);
}

QList<CannedReply> Store::cannedRepliesOfSite(qint64 siteId)
{
    return all<CannedReply>(run("SELECT " CANNED_REPLY_COLUMNS " FROM canned_replies "
                                "WHERE site_id = ? ORDER BY category, title, id",
                                {siteId}),
                            readCannedReply);
}

std::optional<QHash<QString, QString>> Store::siteSettingValues(qint64 siteId)
{
    QSqlQuery *query = run("SELECT name, value FROM site_settings WHERE site_id = ?", {siteId});
    if (!query)
        return std::nullopt;
    QHash<QString, QString> values;
    while (query->next())
        values.insert(query->value(0).toString(), query->value(1).toString());
    query->finish();
    return values;
}

bool Store::setSiteSettingValue(qint64 siteId, const QString &name, const QString &value)
{
    return execute("INSERT INTO site_settings (site_id, name, value) VALUES (?, ?, ?) "
                   "ON CONFLICT (site_id, name) DO UPDATE SET value = excluded.value",
                   {siteId, name, text(value)});
}

std::optional<bool> Store::recordAwayNotice(qint64 conversationId, qint64 period,
                                            const QDateTime &at)
{
    QSqlQuery *query = run("INSERT INTO away_notices (conversation_id, period, created_at) "
                           "VALUES (?, ?, ?) ON CONFLICT (conversation_id, period) DO NOTHING "
                           "RETURNING conversation_id",
                           {conversationId, period, toDb(at)});
    if (!query)
        return std::nullopt;
    const bool inserted = query->next();
    query->finish();
    return inserted;
}

} // namespace lobby::store
