#include "logging.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>

#include <cstdio>

Q_LOGGING_CATEGORY(lcChat, "lobby.chat", QtInfoMsg)
Q_LOGGING_CATEGORY(lcStore, "lobby.store", QtInfoMsg)
Q_LOGGING_CATEGORY(lcCluster, "lobby.cluster", QtInfoMsg)
Q_LOGGING_CATEGORY(lcHttp, "lobby.http", QtInfoMsg)
Q_LOGGING_CATEGORY(lcUploads, "lobby.uploads", QtInfoMsg)
Q_LOGGING_CATEGORY(lcWebhooks, "lobby.webhooks", QtInfoMsg)
Q_LOGGING_CATEGORY(lcRealtime, "lobby.realtime", QtInfoMsg)
Q_LOGGING_CATEGORY(lcConsole, "lobby.console", QtInfoMsg)
Q_LOGGING_CATEGORY(lcBackup, "lobby.backup", QtInfoMsg)

namespace lobby::logging {

namespace {

const char *levelName(QtMsgType type)
{
    switch (type) {
    case QtDebugMsg:
        return "debug";
    case QtInfoMsg:
        return "info";
    case QtWarningMsg:
        return "warning";
    case QtCriticalMsg:
        return "critical";
    case QtFatalMsg:
        return "fatal";
    }
    return "info";
}

void writeJson(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    const QByteArray line = jsonLine(type, context.category, message) + '\n';
    // One fwrite per line: lines from several threads do not interleave.
    std::fwrite(line.constData(), 1, size_t(line.size()), stderr);
    std::fflush(stderr);
}

} // namespace

QByteArray jsonLine(QtMsgType type, const char *category, const QString &message)
{
    const QJsonObject object{
        {QStringLiteral("time"), QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs)},
        {QStringLiteral("level"), QString::fromLatin1(levelName(type))},
        {QStringLiteral("category"), QString::fromLatin1(category ? category : "default")},
        {QStringLiteral("message"), message},
    };
    // Compact JSON escapes newlines, so a message is always exactly one line.
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

void useJsonFormat()
{
    qInstallMessageHandler(writeJson);
}

} // namespace lobby::logging
