#include "demo.h"

#include "auth/crypto.h"
#include "auth/passwords.h"
#include "chat/chatservice.h"
#include "core.h"

#include <QFile>
#include <QSaveFile>

namespace lobby::app {

using namespace lobby::chat;

namespace {

struct DemoRoom
{
    const char *number;
    const char *pin;
};
const DemoRoom rooms[] = {{"101", "1111"}, {"102", "2222"}, {"205", "1234"}};

struct DemoFaq
{
    const char *question;
    const char *answer;
};
const DemoFaq faq[] = {
    {"What time is breakfast served?",
     "Breakfast is served in the Garden Room from 7:00 to 10:30 every day."},
    {"When is check-out?",
     "Check-out is at 11:00. Late check-out until 13:00 can be arranged at the front desk."},
    {"What is the Wi-Fi password?",
     "Join the network Killarney-Guest; the password is printed on your key card holder."},
    {"Is there parking at the hotel?",
     "Yes, free parking is available behind the hotel. Ask reception for a parking pass."},
    {"What are the spa opening hours?",
     "The spa and pool are open from 8:00 to 21:00. Towels are provided at the spa desk."},
    {"Can I order room service?",
     "Room service runs from 7:00 to 23:00. Call 9 from your room phone or ask us here."},
};

QString readDemoKey(const DataFolder &data)
{
    QFile file(data.demoKeyPath());
    return file.open(QIODevice::ReadOnly) ? QString::fromLatin1(file.readAll().trimmed())
                                          : QString();
}

bool writeDemoKey(const DataFolder &data, const QString &key)
{
    QSaveFile file(data.demoKeyPath());
    return file.open(QIODevice::WriteOnly) &&
           file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner) &&
           file.write(key.toLatin1()) == key.size() && file.commit();
}

QString createDemoKey(ChatService &chat, qint64 siteId, const DataFolder &data, QString *error)
{
    const auth::NewApiKey key = auth::generateApiKey();
    const auto stored =
        chat.createApiKey(siteId, QStringLiteral("Lobby demo page"), key.prefix, key.hash);
    if (!stored) {
        *error = stored.error().message;
        return {};
    }
    if (!writeDemoKey(data, key.key)) {
        *error = QStringLiteral("cannot write %1").arg(data.demoKeyPath());
        return {};
    }
    return key.key;
}

// The demo's sign-ins that still work in a folder where the demo data was made earlier: a
// password or PIN may have been changed since, and a hash only answers "is it still this one?".
QStringList remainingCredentialLines(ChatService &chat, const Site &site, const QString &apiKey)
{
    const auto accountStillValid = [&](const char *email, const char *password) {
        const auto account = chat.accountByEmail(QLatin1String(email));
        return account && account->siteId == site.id &&
               auth::verifyPassword(account->passwordHash, QLatin1String(password));
    };
    QStringList lines{QStringLiteral("Demo hotel: %1 (its demo data was made at an earlier "
                                     "start; listed below is only what still signs in)")
                          .arg(site.slug)};
    int changed = 0;
    const auto account = [&](const char *label, const char *email, const char *password,
                             const QString &extra = {}) {
        if (accountStillValid(email, password))
            lines << QStringLiteral("  %1%2%3 / %4")
                         .arg(QLatin1String(label), QLatin1String(email), extra,
                              QLatin1String(password));
        else
            ++changed;
    };
    account("staff (admin): ", demo::adminEmail, demo::adminPassword);
    account("staff:         ", demo::staffEmail, demo::staffPassword);
    account("customer:      ", demo::customerEmail, demo::customerPassword,
            QStringLiteral(" (phone %1)").arg(QLatin1String(demo::customerPhone)));
    QStringList pins;
    for (const DemoRoom &room : rooms) {
        const auto stored = chat.roomByNumber(site.id, QLatin1String(room.number));
        if (stored && auth::verifyPassword(stored->pinHash, QLatin1String(room.pin)))
            pins << QStringLiteral("%1 -> %2")
                        .arg(QLatin1String(room.number), QLatin1String(room.pin));
        else
            ++changed;
    }
    if (!pins.isEmpty())
        lines << QStringLiteral("  room PINs:     ") + pins.join(QStringLiteral(", "));
    if (changed > 0)
        lines << QStringLiteral("  (%1 demo sign-in(s) or PIN(s) were changed since and are not "
                                "shown)")
                     .arg(changed);
    if (!apiKey.isEmpty())
        lines << QStringLiteral("  widget API key: %1").arg(apiKey);
    return lines;
}

QStringList credentialLines(const QString &apiKey)
{
    return {QStringLiteral("Demo hotel: %1").arg(QLatin1String(demo::siteSlug)),
            QStringLiteral("  staff (admin): %1 / %2")
                .arg(QLatin1String(demo::adminEmail), QLatin1String(demo::adminPassword)),
            QStringLiteral("  staff:         %1 / %2")
                .arg(QLatin1String(demo::staffEmail), QLatin1String(demo::staffPassword)),
            QStringLiteral("  customer:      %1 (phone %2) / %3")
                .arg(QLatin1String(demo::customerEmail), QLatin1String(demo::customerPhone),
                     QLatin1String(demo::customerPassword)),
            QStringLiteral("  room PINs:     101 -> 1111, 102 -> 2222, 205 -> 1234"),
            QStringLiteral("  widget API key: %1").arg(apiKey)};
}

} // namespace

QStringList ensureDemoData(ChatService &chat, const DataFolder &data, QString *error)
{
    if (!chat.sites().isEmpty()) {
        const auto site = chat.siteBySlug(QLatin1String(demo::siteSlug));
        if (!site)
            return {QStringLiteral("--demo: this data folder is not new; no demo data added.")};
        // The /demo/ page's key, made again if it was revoked, so the printed key works.
        const api::pages::DemoPageConfig page = ensureDemoPageKey(chat, data, error);
        if (!error->isEmpty())
            return {};
        return remainingCredentialLines(chat, *site,
                                        page.siteId == site->id ? page.apiKey : QString());
    }
    auto fail = [error](const Error &e) {
        *error = QStringLiteral("cannot create the demo data: %1").arg(e.message);
        return QStringList();
    };
    const auto site = chat.createSite(QLatin1String(demo::siteSlug),
                                      QStringLiteral("Hotel Killarney"), SiteKind::Hotel);
    if (!site)
        return fail(site.error());

    auto account = [&](AccountKind kind, StaffRole role, const char *email, const char *phone,
                       const char *password, const char *name, const char *jobTitle) {
        Account a;
        a.siteId = site->id;
        a.kind = kind;
        a.role = role;
        a.email = QLatin1String(email);
        a.phone = QLatin1String(phone);
        a.name = QLatin1String(name);
        a.jobTitle = QLatin1String(jobTitle);
        a.passwordHash = auth::hashPassword(QLatin1String(password));
        return chat.createAccount(a);
    };
    const auto admin = account(AccountKind::Staff, StaffRole::Admin, demo::adminEmail, "",
                               demo::adminPassword, "John Smith", "Receptionist");
    if (!admin)
        return fail(admin.error());
    const auto staff = account(AccountKind::Staff, StaffRole::Staff, demo::staffEmail, "",
                               demo::staffPassword, "Maria Garcia", "Concierge");
    if (!staff)
        return fail(staff.error());
    const auto customer = account(AccountKind::Customer, StaffRole::Staff, demo::customerEmail,
                                  demo::customerPhone, demo::customerPassword, "Alex Murphy", "");
    if (!customer)
        return fail(customer.error());

    for (const DemoRoom &room : rooms) {
        const auto created = chat.createRoom(site->id, QLatin1String(room.number),
                                             auth::hashPassword(QLatin1String(room.pin)));
        if (!created)
            return fail(created.error());
    }
    for (const DemoFaq &entry : faq) {
        const auto created =
            chat.addFaqEntry(site->id, QLatin1String(entry.question), QLatin1String(entry.answer));
        if (!created)
            return fail(created.error());
    }

    // A first conversation, so the inbox is not empty on first start.
    NewConversation opening;
    opening.siteId = site->id;
    opening.kind = ConversationKind::App;
    opening.title = customer->name;
    opening.participants = {customer->actor(), admin->actor()};
    const auto conversation = chat.openConversation(opening);
    if (!conversation)
        return fail(conversation.error());
    MessageDraft hello;
    hello.content = QStringLiteral("Hi! Could I book a late check-out for Sunday?");
    const auto posted = chat.postMessage(conversation->id, customer->actor(), hello);
    if (!posted)
        return fail(posted.error());

    const QString key = createDemoKey(chat, site->id, data, error);
    if (key.isEmpty())
        return {};
    return credentialLines(key);
}

api::pages::DemoPageConfig ensureDemoPageKey(ChatService &chat, const DataFolder &data,
                                             QString *error)
{
    const QList<Site> sites = chat.sites();
    if (sites.isEmpty())
        return {};
    const QString stored = readDemoKey(data);
    if (!stored.isEmpty()) {
        const auto key = chat.apiKeyByHash(auth::sha256Hex(stored.toUtf8()));
        if (key && !key->revokedAt.isValid())
            return {key->siteId, stored};
    }
    const QString key = createDemoKey(chat, sites.constFirst().id, data, error);
    return {key.isEmpty() ? 0 : sites.constFirst().id, key};
}

} // namespace lobby::app
