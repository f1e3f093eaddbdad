#pragma once

#include <QLoggingCategory>

// One logging category per area, so that QT_LOGGING_RULES (e.g. "lobby.http.debug=true")
// turns an area's detail on. Log lines name ids, counts and paths — never a message's text,
// a token or a password.
Q_DECLARE_LOGGING_CATEGORY(lcChat)     // lobby.chat: the domain, storage failures
Q_DECLARE_LOGGING_CATEGORY(lcStore)    // lobby.store: SQL statements
Q_DECLARE_LOGGING_CATEGORY(lcCluster)  // lobby.cluster: PostgreSQL LISTEN/NOTIFY between instances
Q_DECLARE_LOGGING_CATEGORY(lcHttp)     // lobby.http: requests, connections
Q_DECLARE_LOGGING_CATEGORY(lcUploads)  // lobby.uploads: the uploads folder
Q_DECLARE_LOGGING_CATEGORY(lcWebhooks) // lobby.webhooks: Pusher webhook delivery
Q_DECLARE_LOGGING_CATEGORY(lcRealtime) // lobby.realtime: the epoll dispatcher
Q_DECLARE_LOGGING_CATEGORY(lcConsole)  // lobby.console: the GUI
Q_DECLARE_LOGGING_CATEGORY(lcBackup)   // lobby.backup: backups

namespace lobby::logging {

// --log-format json: every log line becomes one JSON object on stderr
// ({"time", "level", "category", "message"}), for journald and log shippers.
void useJsonFormat();

// The JSON line of one log message (without the newline).
QByteArray jsonLine(QtMsgType type, const char *category, const QString &message);

} // namespace lobby::logging
