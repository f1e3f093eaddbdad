#include "admin.h"

#include "auth/passwords.h"
#include "chat/chatservice.h"
#include "core.h"
#include "options.h"
#include "store/store.h"

#include <QCommandLineParser>
#include <QRandomGenerator>
#include <QTextStream>

#include <algorithm>

namespace lobby::app {

namespace {

using namespace lobby::chat;

const char *const usage =
    R"(Usage: lobby admin [--data-dir DIR] [--database URL] [--site SLUG] VERB [options]

Verbs:
  site --slug S --name N [--kind hotel|salon]
  add-staff --email E --password P --name N [--role admin|staff] [--job-title T]
  add-customer --email E --phone P --password P --name N
  add-room --number R --pin PIN
  add-api-key --label L            (prints the key once)
  add-faq --question Q --answer A
  check-out --number R [--pin NEWPIN]
                                   (new PIN, ends the room's guest sessions, archives its
                                    conversation; prints the new PIN last)
  set-webhook --url U              (Pusher webhooks of the site's channels go to U)
  remove-webhook

--site names the site for the add-* verbs; it may be left out while there is one site.
A phone number is an optional + and 6 to 15 digits (spaces, dashes, dots and parentheses
are allowed and dropped). Exit codes: 0 done, 1 refused (the error says why), 2 a wrong
command line.
)";

// Each verb with the options it needs and the ones it also takes (besides --data-dir,
// --database and --site, which every verb takes).
struct Verb
{
    const char *name;
    std::initializer_list<const char *> required;
    std::initializer_list<const char *> optional;
};
const Verb verbs[] = {
    {"site", {"slug", "name"}, {"kind"}},
    {"add-staff", {"email", "password", "name"}, {"role", "job-title"}},
    {"add-customer", {"email", "phone", "password", "name"}, {}},
    {"add-room", {"number", "pin"}, {}},
    {"add-api-key", {"label"}, {}},
    {"add-faq", {"question", "answer"}, {}},
    {"check-out", {"number"}, {"pin"}},
    {"set-webhook", {"url"}, {}},
    {"remove-webhook", {}, {}},
};
const char *const verbOptions[] = {"slug",     "name",     "kind",      "email",  "phone",
                                   "password", "role",     "job-title", "number", "pin",
                                   "label",    "question", "answer",    "url"};

const Verb *findVerb(const QString &name)
{
    for (const Verb &verb : verbs) {
        if (name == QLatin1String(verb.name))
            return &verb;
    }
    return nullptr;
}

// Why the command line does not fit `verb` (a missing option, or one the verb does not take);
// empty when it does.
QString commandLineProblem(const QCommandLineParser &parser, const Verb &verb)
{
    QStringList absent;
    for (const char *name : verb.required) {
        if (parser.value(QString::fromLatin1(name)).isEmpty())
            absent << QStringLiteral("--") + QString::fromLatin1(name);
    }
    if (!absent.isEmpty())
        return QStringLiteral("%1 needs %2")
            .arg(QLatin1String(verb.name), absent.join(QStringLiteral(", ")));
    for (const char *name : verbOptions) {
        const auto takes = [name](std::initializer_list<const char *> names) {
            return std::any_of(names.begin(), names.end(),
                               [name](const char *n) { return qstrcmp(n, name) == 0; });
        };
        if (parser.isSet(QString::fromLatin1(name)) && !takes(verb.required) &&
            !takes(verb.optional))
            return QStringLiteral("%1 does not take --%2")
                .arg(QLatin1String(verb.name), QLatin1String(name));
    }
    return {};
}

struct Admin
{
    QCommandLineParser &parser;
    ChatService &chat;
    QTextStream out{stdout};
    QTextStream err{stderr};

    QString option(const char *name) const { return parser.value(QString::fromLatin1(name)); }

    int fail(const QString &message)
    {
        err << "lobby admin: " << message << "\n";
        return 1;
    }

    int fail(const Error &error) { return fail(error.message); }

    std::optional<Site> site()
    {
        const QString slug = option("site");
        if (!slug.isEmpty()) {
            auto site = chat.siteBySlug(slug);
            if (!site)
                fail(QStringLiteral("no site with slug '%1'").arg(slug));
            return site;
        }
        const QList<Site> sites = chat.sites();
        if (sites.size() == 1)
            return sites.constFirst();
        fail(sites.isEmpty() ? QStringLiteral("no site yet: create one with 'lobby admin site'")
                             : QStringLiteral("there are several sites: name one with --site"));
        return std::nullopt;
    }

    int created(const QString &what, const QString &id)
    {
        out << "Created " << what << "\n" << id << "\n";
        return 0;
    }

    int run(const QString &verb)
    {
        if (verb == u"site")
            return createSite();
        if (verb == u"add-staff" || verb == u"add-customer")
            return addAccount(verb == u"add-staff" ? AccountKind::Staff : AccountKind::Customer);
        if (verb == u"add-room")
            return addRoom();
        if (verb == u"add-api-key")
            return addApiKey();
        if (verb == u"add-faq")
            return addFaq();
        if (verb == u"check-out")
            return checkOut();
        if (verb == u"set-webhook")
            return setWebhook();
        Q_ASSERT(verb == u"remove-webhook"); // runAdmin checked the verb
        return removeWebhook();
    }

    int createSite()
    {
        const QString kindText =
            option("kind").isEmpty() ? QStringLiteral("hotel") : option("kind");
        const auto kind = siteKindFromString(kindText);
        if (!kind)
            return fail(QStringLiteral("--kind is hotel or salon, not '%1'").arg(kindText));
        const auto site = chat.createSite(option("slug"), option("name"), *kind);
        if (!site)
            return fail(site.error());
        return created(QStringLiteral("site %1 (%2)").arg(site->slug, site->name),
                       QString::number(site->id));
    }

    int addAccount(AccountKind kind)
    {
        if (!auth::isAcceptablePassword(option("password")))
            return fail(QStringLiteral("a password is 8 to 256 characters"));
        Account account;
        account.kind = kind;
        if (kind == AccountKind::Staff) {
            const QString roleText =
                option("role").isEmpty() ? QStringLiteral("staff") : option("role");
            const auto role = staffRoleFromString(roleText);
            if (!role)
                return fail(QStringLiteral("--role is admin or staff, not '%1'").arg(roleText));
            account.role = *role;
        }
        const auto owner = site();
        if (!owner)
            return 1;
        account.siteId = owner->id;
        account.email = option("email");
        account.phone = option("phone");
        account.name = option("name");
        account.jobTitle = option("job-title");
        account.passwordHash = auth::hashPassword(option("password"));
        const auto result = chat.createAccount(account);
        if (!result)
            return fail(result.error());
        return created(
            QStringLiteral("%1 %2 <%3>").arg(wireName(kind), result->name, result->email),
            QString::number(result->id));
    }

    int addRoom()
    {
        if (!auth::isValidPin(option("pin")))
            return fail(QStringLiteral("a PIN is 4 to 8 digits"));
        const auto owner = site();
        if (!owner)
            return 1;
        const auto room =
            chat.createRoom(owner->id, option("number"), auth::hashPassword(option("pin")));
        if (!room)
            return fail(room.error());
        return created(QStringLiteral("room %1").arg(room->number), QString::number(room->id));
    }

    int addApiKey()
    {
        const auto owner = site();
        if (!owner)
            return 1;
        const auth::NewApiKey key = auth::generateApiKey();
        const auto stored = chat.createApiKey(owner->id, option("label"), key.prefix, key.hash);
        if (!stored)
            return fail(stored.error());
        return created(QStringLiteral("API key '%1' (shown once, keep it)").arg(stored->label),
                       key.key);
    }

    int checkOut()
    {
        QString pin = option("pin");
        if (!pin.isEmpty() && !auth::isValidPin(pin))
            return fail(QStringLiteral("a PIN is 4 to 8 digits"));
        const auto owner = site();
        if (!owner)
            return 1;
        const auto room = chat.roomByNumber(owner->id, option("number"));
        if (!room)
            return fail(QStringLiteral("no room %1 at %2").arg(option("number"), owner->slug));
        while (pin.isEmpty() ||
               (option("pin").isEmpty() && auth::verifyPassword(room->pinHash, pin))) {
            // Four random digits, never the PIN the room had.
            pin = QStringLiteral("%1").arg(QRandomGenerator::system()->bounded(10000), 4, 10,
                                           QLatin1Char('0'));
        }
        const auto result = chat.checkOutRoom(room->id, auth::hashPassword(pin));
        if (!result)
            return fail(result.error());
        out << "Checked out room " << room->number << ": guest sessions ended, "
            << result->archived.size() << " conversation(s) archived. New PIN:\n"
            << pin << "\n";
        return 0;
    }

    int setWebhook()
    {
        const auto owner = site();
        if (!owner)
            return 1;
        const auto stored = chat.setWebhook(owner->id, option("url"));
        if (!stored)
            return fail(stored.error());
        out << "Webhook of " << owner->slug << ": " << stored->url << "\n";
        return 0;
    }

    int removeWebhook()
    {
        const auto owner = site();
        if (!owner)
            return 1;
        const auto removed = chat.removeWebhook(owner->id);
        if (!removed)
            return fail(removed.error());
        out << (removed.value() ? "Removed the webhook of " : "No webhook at ") << owner->slug
            << "\n";
        return 0;
    }

    int addFaq()
    {
        const auto owner = site();
        if (!owner)
            return 1;
        const auto entry = chat.addFaqEntry(owner->id, option("question"), option("answer"));
        if (!entry)
            return fail(entry.error());
        return created(QStringLiteral("FAQ entry"), QString::number(entry->id));
    }
};

} // namespace

int runAdmin(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.addHelpOption();
    parser.addOption({QStringLiteral("site"), QString(), QStringLiteral("SLUG")});
    for (const char *name : verbOptions)
        parser.addOption({QString::fromLatin1(name), QString(), QStringLiteral("VALUE")});
    parser.addOption(
        {QStringLiteral("data-dir"), QString(), QStringLiteral("DIR"), defaultDataDir()});
    parser.addOption({QStringLiteral("database"), QString(), QStringLiteral("URL")});
    QTextStream err(stderr);
    // arguments: lobby admin ...; the parser wants a program name first.
    QStringList forParser = arguments;
    forParser.removeAt(1);
    if (!parser.parse(forParser)) {
        err << "lobby admin: " << parser.errorText() << "\n" << usage;
        return 2;
    }
    if (parser.isSet(QStringLiteral("help")) || parser.positionalArguments().isEmpty()) {
        QTextStream(parser.isSet(QStringLiteral("help")) ? stdout : stderr) << usage;
        return parser.isSet(QStringLiteral("help")) ? 0 : 2;
    }
    if (parser.positionalArguments().size() > 1) {
        err << "lobby admin: one verb at a time\n" << usage;
        return 2;
    }
    // The command line is checked before the data folder is opened (or created).
    const QString verbName = parser.positionalArguments().constFirst();
    const Verb *verb = findVerb(verbName);
    if (!verb) {
        err << "lobby admin: unknown verb '" << verbName << "'\n" << usage;
        return 2;
    }
    if (const QString problem = commandLineProblem(parser, *verb); !problem.isEmpty()) {
        err << "lobby admin: " << problem << "\n" << usage;
        return 2;
    }
    store::Database database(QStringLiteral("lobby-admin"));
    QString error;
    const DataFolder data{parser.value(QStringLiteral("data-dir")),
                          parser.value(QStringLiteral("database"))};
    if (parser.isSet(QStringLiteral("database")) && !isDatabaseUrl(data.databaseUrl)) {
        err << "lobby admin: --database wants postgresql://USER:PASSWORD@HOST:PORT/DB\n";
        return 2;
    }
    if (!data.open(database, &error)) {
        err << "lobby admin: " << error << "\n";
        return 1;
    }
    store::Store store(database);
    ChatService chat(store);
    Admin admin{parser, chat};
    return admin.run(verbName);
}

} // namespace lobby::app
