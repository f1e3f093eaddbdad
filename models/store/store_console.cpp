// Reads and writes the staff console needs beyond the shared ones.
#include "store/rows.h"
#include "store/store.h"

namespace lobby::store {

using namespace lobby::chat;
using namespace rows;

namespace {

// A LIKE pattern that matches `text` literally anywhere ('!' escapes the wildcards).
QString containsPattern(const QString &text)
{
    QString escaped;
    escaped.reserve(text.size() + 2);
    for (const QChar c : text.toLower()) {
        if (c == u'!' || c == u'%' || c == u'_')
            escaped += u'!';
        escaped += c;
    }
    return u'%' + escaped + u'%';
}

} // namespace

QList<qint64> Store::searchConversationIds(qint64 siteId, const QString &text, int limit)
{
    const QString pattern = containsPattern(text);
    return all<qint64>(
        run("SELECT c.id FROM conversations c WHERE c.site_id = ? AND "
            "(LOWER(c.title) LIKE ? ESCAPE '!' OR EXISTS (SELECT 1 FROM messages m "
            "WHERE m.conversation_id = c.id AND m.deleted = 0 AND LOWER(m.content) LIKE ? "
            "ESCAPE '!')) ORDER BY c.last_activity_at DESC, c.id DESC LIMIT ?",
            {siteId, pattern, pattern, limit}),
        rows::readInt64);
}

std::optional<WidgetSession> Store::widgetSessionById(qint64 id)
{
    return one<WidgetSession>(
        run("SELECT " WIDGET_SESSION_COLUMNS " FROM widget_sessions WHERE id = ?", {id}),
        readWidgetSession);
}

std::optional<GuestSession> Store::latestGuestSessionOfConversation(qint64 conversationId)
{
    return one<GuestSession>(run("SELECT " GUEST_SESSION_COLUMNS " FROM guest_sessions "
                                 "WHERE conversation_id = ? ORDER BY id DESC LIMIT 1",
                                 {conversationId}),
                             readGuestSession);
}

bool Store::deleteFaqEntry(qint64 entryId)
{
    return execute("DELETE FROM faq_entries WHERE id = ?", {entryId});
}

bool Store::updateAccount(const Account &a)
{
    return execute("UPDATE accounts SET name = ?, email = ?, job_title = ?, role = ?, "
                   "password_hash = ? WHERE id = ?",
                   {text(a.name), nullIfEmpty(a.email), text(a.jobTitle), wireName(a.role),
                    text(a.passwordHash), a.id});
}

bool Store::deleteStaffAccount(qint64 accountId)
{
    return execute("UPDATE conversations SET handler_account_id = NULL "
                   "WHERE handler_account_id = ?",
                   {accountId}) &&
           execute("DELETE FROM accounts WHERE id = ? AND kind = 'staff'", {accountId});
}

bool Store::updateFaqEntry(const FaqEntry &entry)
{
    return execute("UPDATE faq_entries SET question = ?, answer = ? WHERE id = ?",
                   {text(entry.question), text(entry.answer), entry.id});
}

} // namespace lobby::store
