#include "api/pusher/pusherapp.h"

#include "auth/crypto.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QSaveFile>

#include <algorithm>

namespace lobby::api::pusher {

namespace {
QString randomHex(int bytes)
{
    // randomToken is libsodium's RNG; hex keeps the key and secret URL- and shell-safe.
    return QString::fromLatin1(
        QByteArray::fromBase64(auth::randomToken(bytes).toLatin1(),
                               QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals)
            .toHex());
}
} // namespace

PusherApp generateApp()
{
    const quint32 id = 1000000 + QRandomGenerator::system()->bounded(9000000u);
    return {QString::number(id), randomHex(10), randomHex(32).toLatin1()};
}

std::optional<PusherApp> loadOrCreateApp(const QString &path, QString *error)
{
    QFile existing(path);
    if (existing.exists()) {
        if (!existing.open(QIODevice::ReadOnly)) {
            *error = QStringLiteral("cannot read %1: %2").arg(path, existing.errorString());
            return std::nullopt;
        }
        const QJsonObject object = QJsonDocument::fromJson(existing.readAll()).object();
        PusherApp app{object.value(QStringLiteral("app_id")).toString(),
                      object.value(QStringLiteral("key")).toString(),
                      object.value(QStringLiteral("secret")).toString().toLatin1()};
        if (!app.isValid()) {
            *error = QStringLiteral("%1 is not a Pusher app (app_id, key, secret); remove it to "
                                    "make a new one")
                         .arg(path);
            return std::nullopt;
        }
        return app;
    }
    const PusherApp app = generateApp();
    const QByteArray text = QJsonDocument(QJsonObject{{"app_id", app.appId},
                                                      {"key", app.key},
                                                      {"secret", QString::fromLatin1(app.secret)}})
                                .toJson(QJsonDocument::Indented);
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) ||
        !file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner) ||
        file.write(text) != text.size() || !file.commit()) {
        *error = QStringLiteral("cannot write %1: %2").arg(path, file.errorString());
        return std::nullopt;
    }
    return app;
}

QByteArray hmacHex(const QByteArray &secret, const QByteArray &message)
{
    return auth::hmacSha256(secret, message).toHex();
}

namespace {
QByteArray authText(const QString &socketId, const QString &channel, const QString &channelData)
{
    QByteArray text = socketId.toUtf8() + ':' + channel.toUtf8();
    if (!channelData.isEmpty())
        text += ':' + channelData.toUtf8();
    return text;
}
} // namespace

QString channelAuth(const PusherApp &app, const QString &socketId, const QString &channel,
                    const QString &channelData)
{
    return app.key + QLatin1Char(':') +
           QString::fromLatin1(hmacHex(app.secret, authText(socketId, channel, channelData)));
}

bool verifyChannelAuth(const PusherApp &app, const QString &auth, const QString &socketId,
                       const QString &channel, const QString &channelData)
{
    const qsizetype colon = auth.indexOf(QLatin1Char(':'));
    if (colon <= 0 || auth.left(colon) != app.key)
        return false;
    const QByteArray expected = hmacHex(app.secret, authText(socketId, channel, channelData));
    return auth::constantTimeEquals(auth.mid(colon + 1).toLatin1(), expected);
}

QByteArray requestStringToSign(const QByteArray &method, const QString &path,
                               QList<QPair<QString, QString>> parameters)
{
    for (auto &parameter : parameters)
        parameter.first = parameter.first.toLower();
    parameters.erase(std::remove_if(parameters.begin(), parameters.end(),
                                    [](const auto &p) { return p.first == u"auth_signature"; }),
                     parameters.end());
    std::sort(parameters.begin(), parameters.end(),
              [](const auto &a, const auto &b) { return a.first < b.first; });
    QStringList pairs;
    for (const auto &parameter : std::as_const(parameters))
        pairs << parameter.first + QLatin1Char('=') + parameter.second;
    return method.toUpper() + '\n' + path.toUtf8() + '\n' + pairs.join(QLatin1Char('&')).toUtf8();
}

bool isValidChannelName(const QString &name)
{
    static const QRegularExpression pattern(QStringLiteral("^[A-Za-z0-9_\\-=@,.;]{1,164}$"));
    return pattern.match(name).hasMatch();
}

bool isPrivateChannel(const QString &name)
{
    return name.startsWith(u"private-");
}

bool isPresenceChannel(const QString &name)
{
    return name.startsWith(u"presence-");
}

} // namespace lobby::api::pusher
