#include "options.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QFileInfo>
#include <QStandardPaths>
#include <QTextStream>
#include <QUrl>

#include <unistd.h>

namespace lobby::app {

QString defaultDataDir()
{
    // The package's service keeps its data in /var/lib/lobby, owned by the lobby user: run as
    // that user (`sudo -u lobby lobby admin ...`), Lobby finds it without --data-dir.
    const QFileInfo serviceFolder(QStringLiteral("/var/lib/lobby"));
    if (serviceFolder.isDir() && serviceFolder.ownerId() == ::geteuid())
        return serviceFolder.filePath();
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
}

bool parseListenAddress(const QString &text, QHostAddress *host, QString *hostText, quint16 *port)
{
    const qsizetype colon = text.lastIndexOf(QLatin1Char(':'));
    if (colon <= 0)
        return false;
    QString hostPart = text.left(colon);
    bool ok = false;
    const uint number = text.mid(colon + 1).toUInt(&ok);
    if (!ok || number > 65535)
        return false;
    if (hostPart.startsWith(QLatin1Char('[')) && hostPart.endsWith(QLatin1Char(']')))
        hostPart = hostPart.mid(1, hostPart.size() - 2);
    const QHostAddress address =
        hostPart == u"localhost" ? QHostAddress(QHostAddress::LocalHost) : QHostAddress(hostPart);
    if (address.isNull())
        return false;
    *host = address;
    *hostText = text.left(colon);
    *port = quint16(number);
    return true;
}

bool isDatabaseUrl(const QString &text)
{
    const QUrl url(text, QUrl::StrictMode);
    return url.isValid() && (url.scheme() == u"postgresql" || url.scheme() == u"postgres") &&
           url.path().size() > 1;
}

bool parseOptions(const QStringList &arguments, Options *options, int *exitCode)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Lobby: the front-desk chat console and its server.\n"
                       "Provision a data folder with: lobby admin --help"));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption headless(QStringLiteral("headless"),
                                      QStringLiteral("Run the server alone, without the console."));
    const QCommandLineOption listen(
        QStringLiteral("listen"), QStringLiteral("Address to serve on (port 0 picks a free one)."),
        QStringLiteral("HOST:PORT"), QStringLiteral("0.0.0.0:8080"));
    const QCommandLineOption dataDir(
        QStringLiteral("data-dir"),
        QStringLiteral("Data folder (default: %1).").arg(defaultDataDir()), QStringLiteral("DIR"));
    const QCommandLineOption demo(QStringLiteral("demo"),
                                  QStringLiteral("Fill a new data folder with a demo hotel and "
                                                 "print its credentials."));
    const QCommandLineOption handoffWait(
        QStringLiteral("handoff-wait"),
        QStringLiteral("How long a streamed widget chat waits for staff after a hand-off "
                       "(seconds, default 60)."),
        QStringLiteral("SECONDS"), QStringLiteral("60"));
    const QCommandLineOption screenshot(
        QStringLiteral("screenshot"),
        QStringLiteral("Render the console (with --demo: signed in as the demo admin, a "
                       "conversation open), save it as a PNG and exit."),
        QStringLiteral("FILE.png"));
    const QCommandLineOption guestSessionDays(
        QStringLiteral("guest-session-days"),
        QStringLiteral("How long a hotel guest's chat session lasts (1-365, default 7)."),
        QStringLiteral("DAYS"), QStringLiteral("7"));
    const QCommandLineOption database(
        QStringLiteral("database"),
        QStringLiteral("PostgreSQL instead of SQLite: postgresql://USER:PASSWORD@HOST:PORT/DB "
                       "(default: DIR/lobby.ini [database] url, else DIR/lobby.sqlite3)."),
        QStringLiteral("URL"));
    const QCommandLineOption widgetCreations(
        QStringLiteral("widget-creations-per-minute"),
        QStringLiteral("Widget visitors and sessions one client address may create: twice N at "
                       "once, then N a minute (default 30, 0 for no limit)."),
        QStringLiteral("N"), QStringLiteral("30"));
    const QCommandLineOption uploadQuota(
        QStringLiteral("upload-quota-mib"),
        QStringLiteral("What one account may upload through the app API per UTC day (MiB, "
                       "default 200, 0 for no quota)."),
        QStringLiteral("MIB"), QStringLiteral("200"));
    const QCommandLineOption maxConnectionsPerAddress(
        QStringLiteral("max-connections-per-address"),
        QStringLiteral("Open connections one client address may hold, WebSockets and event "
                       "streams included (0 = no cap, default 256)."),
        QStringLiteral("N"), QStringLiteral("256"));
    const QCommandLineOption logFormat(
        QStringLiteral("log-format"),
        QStringLiteral("How log lines on stderr look: text (default) or json (one JSON object "
                       "per line)."),
        QStringLiteral("text|json"), QStringLiteral("text"));
    const QCommandLineOption backupDir(
        QStringLiteral("backup-dir"),
        QStringLiteral("Back the database up every night at 03:00 into this folder (SQLite)."),
        QStringLiteral("DIR"));
    const QCommandLineOption backupKeep(
        QStringLiteral("backup-keep"),
        QStringLiteral("How many nightly backups stay in --backup-dir (1-1000, default 7)."),
        QStringLiteral("N"), QStringLiteral("7"));
    parser.addOptions({headless, listen, dataDir, database, demo, handoffWait, screenshot,
                       guestSessionDays, widgetCreations, uploadQuota, maxConnectionsPerAddress,
                       logFormat, backupDir, backupKeep});
    QTextStream err(stderr);
    if (!parser.parse(arguments)) {
        err << parser.errorText() << "\n";
        *exitCode = 2;
        return false;
    }
    if (parser.isSet(QStringLiteral("help"))) {
        // Parsed before any QCoreApplication exists, the parser cannot name the program itself.
        const QString help = parser.helpText();
        QTextStream(stdout) << "Usage: lobby [options]\n" << help.mid(help.indexOf(u'\n') + 1);
        *exitCode = 0;
        return false;
    }
    if (parser.isSet(QStringLiteral("version"))) {
        QTextStream(stdout) << "lobby " << QCoreApplication::applicationVersion() << "\n";
        *exitCode = 0;
        return false;
    }
    if (!parser.positionalArguments().isEmpty()) {
        err << "unexpected argument: " << parser.positionalArguments().constFirst() << "\n";
        *exitCode = 2;
        return false;
    }
    if (!parseListenAddress(parser.value(listen), &options->host, &options->hostText,
                            &options->port)) {
        err << "--listen wants HOST:PORT, got '" << parser.value(listen) << "'\n";
        *exitCode = 2;
        return false;
    }
    // Every numeric option is a whole number in a range; anything else is a wrong command line.
    const auto readNumber = [&](const QCommandLineOption &option, int min, int max, int *value) {
        bool ok = false;
        *value = parser.value(option).toInt(&ok);
        if (ok && *value >= min && *value <= max)
            return true;
        err << "--" << option.names().constFirst() << " wants " << min << " to " << max << ", got '"
            << parser.value(option) << "'\n";
        *exitCode = 2;
        return false;
    };
    if (!readNumber(handoffWait, 0, 3600, &options->handoffWaitSeconds) ||
        !readNumber(guestSessionDays, 1, 365, &options->guestSessionDays) ||
        !readNumber(widgetCreations, 0, 1'000'000, &options->widgetCreationsPerMinute) ||
        !readNumber(uploadQuota, 0, 1'000'000, &options->uploadQuotaMib) ||
        !readNumber(maxConnectionsPerAddress, 0, 1'000'000, &options->maxConnectionsPerAddress) ||
        !readNumber(backupKeep, 1, 1000, &options->backupKeep))
        return false;
    if (parser.value(logFormat) != u"text" && parser.value(logFormat) != u"json") {
        err << "--log-format wants text or json, got '" << parser.value(logFormat) << "'\n";
        *exitCode = 2;
        return false;
    }
    options->jsonLogs = parser.value(logFormat) == u"json";
    options->backupDir = parser.value(backupDir);
    options->headless = parser.isSet(headless);
    options->demo = parser.isSet(demo);
    options->screenshot = parser.value(screenshot);
    options->dataDir = parser.isSet(dataDir) ? parser.value(dataDir) : defaultDataDir();
    options->databaseUrl = parser.value(database);
    if (parser.isSet(database) && !isDatabaseUrl(options->databaseUrl)) {
        err << "--database wants postgresql://USER:PASSWORD@HOST:PORT/DB, got '"
            << options->databaseUrl << "'\n";
        *exitCode = 2;
        return false;
    }
    return true;
}

} // namespace lobby::app
