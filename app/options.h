#pragma once

#include <QHostAddress>
#include <QString>

namespace lobby::app {

// The command line of `lobby` (not `lobby admin`, see admin.h).
struct Options
{
    bool headless = false;
    bool demo = false;
    QHostAddress host = QHostAddress::Any;
    QString hostText = QStringLiteral("0.0.0.0");
    quint16 port = 8080;
    QString dataDir;
    QString databaseUrl; // --database postgresql://...; empty: SQLite in the data folder
    int handoffWaitSeconds = 60;
    QString screenshot;                 // --screenshot FILE.png: render the console, save it, exit
    int guestSessionDays = 7;           // how long a hotel guest's session lasts
    int widgetCreationsPerMinute = 30;  // widget visitors + sessions per client address; 0: off
    int uploadQuotaMib = 200;           // app API uploads per account and UTC day; 0: off
    int maxConnectionsPerAddress = 256; // 0: no cap
    QString backupDir;                  // --backup-dir: nightly backups; empty: none
    int backupKeep = 7;                 // --backup-keep: how many nightly backups stay
    bool jsonLogs = false;              // --log-format json: one JSON object per log line
};

// Parses arguments; on failure prints to stderr and returns false with `exitCode` set.
bool parseOptions(const QStringList &arguments, Options *options, int *exitCode);

// The platform's app-data folder, used when --data-dir is not given.
QString defaultDataDir();

// A postgresql:// (or postgres://) URL naming a database.
bool isDatabaseUrl(const QString &text);

// Splits "HOST:PORT" (also "[::1]:PORT"); false when it is not one.
bool parseListenAddress(const QString &text, QHostAddress *host, QString *hostText, quint16 *port);

} // namespace lobby::app
