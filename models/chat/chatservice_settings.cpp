// Settings edits the console makes for an admin: staff accounts and FAQ entries. Every change
// names the admin making it; the record must belong to that admin's site.
#include "chat/chatservice.h"

#include "store/store.h"

namespace lobby::chat {

namespace {

// The one rule for settings changes: an admin staff account, acting on its own site.
Result<Account> signedInAdmin(store::Store &store, qint64 adminId)
{
    const auto admin = store.accountById(adminId);
    if (!admin || admin->kind != AccountKind::Staff)
        return notFound(QStringLiteral("no such staff account"));
    if (admin->role != StaffRole::Admin)
        return forbidden(QStringLiteral("only an admin can change settings"));
    return *admin;
}

// The site's staff account `accountId`; another site's is "not found", as if it did not exist.
Result<Account> staffAccountOfSite(store::Store &store, qint64 siteId, qint64 accountId)
{
    const auto account = store.accountById(accountId);
    if (!account || account->kind != AccountKind::Staff || account->siteId != siteId)
        return notFound(QStringLiteral("no such staff account"));
    return *account;
}

std::optional<FaqEntry> faqEntryOfSite(store::Store &store, qint64 siteId, qint64 entryId)
{
    for (const FaqEntry &entry : store.faqOfSite(siteId))
        if (entry.id == entryId)
            return entry;
    return std::nullopt;
}

} // namespace

Result<Account> ChatService::updateStaffAccount(qint64 adminId, qint64 accountId,
                                                const StaffChange &change)
{
    const auto admin = signedInAdmin(m_store, adminId);
    if (!admin)
        return admin.error();
    const auto found = staffAccountOfSite(m_store, admin->siteId, accountId);
    if (!found)
        return found.error();
    Account account = found.value();
    const QString email = change.email.trimmed().toLower();
    if (change.name.trimmed().isEmpty())
        return invalid(QStringLiteral("an account needs a name"));
    if (email.isEmpty() && account.phone.isEmpty())
        return invalid(QStringLiteral("an account needs an email or a phone number"));
    if (!email.isEmpty() && !isValidEmail(email))
        return invalid(QStringLiteral("'%1' is not an email address").arg(email));
    if (!email.isEmpty() && email != account.email) {
        if (m_store.accountByEmail(email))
            return conflict(QStringLiteral("an account with email '%1' exists already").arg(email));
    }
    // Taking away one's own admin role would leave nobody able to give it back.
    if (accountId == adminId && !change.admin)
        return invalid(QStringLiteral("you cannot take away your own admin role"));
    account.name = change.name.trimmed();
    account.email = email;
    account.jobTitle = change.jobTitle.trimmed();
    account.role = change.admin ? StaffRole::Admin : StaffRole::Staff;
    if (!change.passwordHash.isEmpty())
        account.passwordHash = change.passwordHash;
    if (!m_store.updateAccount(account))
        return storageFailure();
    return account;
}

Result<bool> ChatService::removeStaffAccount(qint64 adminId, qint64 accountId)
{
    const auto admin = signedInAdmin(m_store, adminId);
    if (!admin)
        return admin.error();
    const auto account = staffAccountOfSite(m_store, admin->siteId, accountId);
    if (!account)
        return account.error();
    if (accountId == adminId)
        return invalid(QStringLiteral("you cannot remove your own account"));
    store::Transaction transaction(m_store);
    if (!m_store.deleteStaffAccount(accountId) || !transaction.commit())
        return storageFailure();
    return true;
}

Result<FaqEntry> ChatService::updateFaqEntry(qint64 adminId, qint64 entryId,
                                             const QString &question, const QString &answer)
{
    const auto admin = signedInAdmin(m_store, adminId);
    if (!admin)
        return admin.error();
    auto entry = faqEntryOfSite(m_store, admin->siteId, entryId);
    if (!entry)
        return notFound(QStringLiteral("no such FAQ entry"));
    if (question.trimmed().isEmpty() || answer.trimmed().isEmpty())
        return invalid(QStringLiteral("an FAQ entry needs a question and an answer"));
    entry->question = question.trimmed();
    entry->answer = answer.trimmed();
    if (!m_store.updateFaqEntry(*entry))
        return storageFailure();
    return *entry;
}

Result<bool> ChatService::removeFaqEntryAsAdmin(qint64 adminId, qint64 entryId)
{
    const auto admin = signedInAdmin(m_store, adminId);
    if (!admin)
        return admin.error();
    return removeFaqEntry(admin->siteId, entryId);
}

} // namespace lobby::chat
