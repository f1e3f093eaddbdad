#include "testsupport.h"

#include "openapivalidator.h"

#include "store/migrations.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>
#include <QRandomGenerator>
#include <QSqlError>
#include <QSqlQuery>
#include <QTcpSocket>
#include <QTest>
#include <QUrl>
#include <QUrlQuery>

namespace lobby::test {

QString testServerUrl()
{
    static const QString url = [] {
        const QString value = qEnvironmentVariable("LOBBY_TEST_DATABASE").trimmed();
        if (value.isEmpty() || value.startsWith(QLatin1String("postgres")))
            return value;
        QFile file(value);
        if (!file.open(QIODevice::ReadOnly))
            qFatal("LOBBY_TEST_DATABASE: cannot read %s", qPrintable(value));
        return QString::fromUtf8(file.readAll()).trimmed();
    }();
    return url;
}

namespace {

// Runs one statement on the server's own database (not a test schema).
void onServer(const QString &statement)
{
    static int counter = 0;
    store::Database admin(QStringLiteral("scratch-admin-%1").arg(++counter));
    store::DatabaseConfig config;
    config.postgresUrl = testServerUrl();
    QString error;
    if (!admin.open(config, &error))
        qFatal("test database server: %s", qPrintable(error));
    QSqlQuery query(admin.handle());
    if (!query.exec(statement))
        qFatal("test database server: %s: %s", qPrintable(statement),
               qPrintable(query.lastError().text()));
}

} // namespace

ScratchDatabase::ScratchDatabase()
{
    const QString server = testServerUrl();
    if (server.isEmpty())
        return;
    static int counter = 0;
    m_schema = QStringLiteral("lobby_test_%1_%2_%3")
                   .arg(QCoreApplication::applicationPid())
                   .arg(++counter)
                   .arg(QRandomGenerator::global()->bounded(1000000));
    onServer(QStringLiteral("CREATE SCHEMA %1").arg(m_schema));
    QUrl url(server);
    QUrlQuery query(url);
    query.addQueryItem(QStringLiteral("options"), QStringLiteral("-csearch_path=") + m_schema);
    url.setQuery(query);
    m_url = url.toString();
}

ScratchDatabase::~ScratchDatabase()
{
    if (!m_schema.isEmpty())
        onServer(QStringLiteral("DROP SCHEMA %1 CASCADE").arg(m_schema));
}

store::DatabaseConfig ScratchDatabase::config() const
{
    store::DatabaseConfig config;
    config.sqlitePath = m_dir.filePath(QStringLiteral("lobby.sqlite3"));
    config.postgresUrl = m_url;
    config.durableCommits = false;
    return config;
}

TestDatabase::TestDatabase()
{
    static int counter = 0;
    m_database = std::make_unique<store::Database>(QStringLiteral("test-%1").arg(++counter));
    QString error;
    if (!m_database->open(m_scratch.config(), &error) ||
        !store::Migrator(*m_database).migrate(&error))
        qFatal("test database: %s", qPrintable(error));
    m_store = std::make_unique<store::Store>(*m_database);
    m_chat = std::make_unique<chat::ChatService>(*m_store);
}

TestDatabase::~TestDatabase()
{
    m_chat.reset();
    m_store.reset();
    m_database.reset();
}

chat::Site TestDatabase::site(const QString &slug)
{
    const auto site = m_chat->createSite(slug, QStringLiteral("Test Hotel"), chat::SiteKind::Hotel);
    if (!site)
        qFatal("site: %s", qPrintable(site.error().message));
    return site.value();
}

chat::Account createAccount(chat::ChatService &chat, chat::Account draft)
{
    if (draft.name.isEmpty())
        draft.name = draft.email.section(QLatin1Char('@'), 0, 0);
    if (draft.passwordHash.isEmpty())
        draft.passwordHash = QStringLiteral("not-a-real-hash"); // tokens are issued directly
    const auto created = chat.createAccount(draft);
    if (!created)
        qFatal("account: %s", qPrintable(created.error().message));
    return created.value();
}

chat::Account TestDatabase::staff(qint64 siteId, const QString &email)
{
    return createAccount(*m_chat,
                         {.siteId = siteId, .kind = chat::AccountKind::Staff, .email = email});
}

chat::Account TestDatabase::customer(qint64 siteId, const QString &email, const QString &phone)
{
    return createAccount(
        *m_chat,
        {.siteId = siteId, .kind = chat::AccountKind::Customer, .email = email, .phone = phone});
}

QByteArray HttpResult::header(const QByteArray &name) const
{
    for (const auto &header : headers) {
        if (header.first == name.toLower())
            return header.second;
    }
    return {};
}

QJsonObject HttpResult::json() const
{
    return QJsonDocument::fromJson(body).object();
}

HttpResult readResponse(QTcpSocket &socket, int timeoutMs)
{
    // Event-driven, so a server in this same thread keeps running while we wait.
    QByteArray received;
    QElapsedTimer timer;
    timer.start();
    HttpResult result;
    while (timer.elapsed() < timeoutMs) {
        QTest::qWait(2);
        received += socket.readAll();
        const qsizetype headEnd = received.indexOf("\r\n\r\n");
        if (headEnd < 0)
            continue;
        // Skip an interim "100 Continue".
        if (received.startsWith("HTTP/1.1 100")) {
            received = received.mid(headEnd + 4);
            continue;
        }
        const QList<QByteArray> lines = received.left(headEnd).split('\n');
        result.status = lines.value(0).split(' ').value(1).toInt();
        result.headers.clear();
        for (qsizetype i = 1; i < lines.size(); ++i) {
            const qsizetype colon = lines[i].indexOf(':');
            if (colon > 0)
                result.headers.append(
                    {lines[i].left(colon).trimmed().toLower(), lines[i].mid(colon + 1).trimmed()});
        }
        result.body = received.mid(headEnd + 4);
        if (result.body.size() >= result.header("content-length").toLongLong())
            break;
    }
    return result;
}

HttpResult rawExchange(quint16 port, const QByteArray &request, int timeoutMs)
{
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, port);
    socket.write(request);
    HttpResult result = readResponse(socket, timeoutMs);
    checkAgainstDocument(request, result.status, result.header("content-type"), result.body);
    return result;
}

HttpResult request(quint16 port, const QByteArray &method, const QByteArray &path,
                   const QByteArray &body, const QList<QPair<QByteArray, QByteArray>> &headers)
{
    QByteArray raw = method + ' ' + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
    for (const auto &header : headers)
        raw += header.first + ": " + header.second + "\r\n";
    if (!body.isEmpty() || method == "POST")
        raw +=
            "Content-Type: application/json\r\nContent-Length: " + QByteArray::number(body.size()) +
            "\r\n";
    raw += "Connection: close\r\n\r\n" + body;
    return rawExchange(port, raw);
}

} // namespace lobby::test
