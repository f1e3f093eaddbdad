#include "api/pusher/pusherapp.h"

#include "auth/crypto.h"

#include <QCryptographicHash>
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
    return {QString::number(id),
            randomHex(10),
            randomHex(32).toLatin1(),
            QByteArray::fromHex(randomHex(32).toLatin1()),
            {}};
}

namespace {
const QString masterKeyField = QStringLiteral("encryption_master_key_base64");

bool writeApp(const QString &path, const QJsonObject &object, QString *error)
{
    const QByteArray text = QJsonDocument(object).toJson(QJsonDocument::Indented);
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) ||
        !file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner) ||
        file.write(text) != text.size() || !file.commit()) {
        *error = QStringLiteral("cannot write %1: %2").arg(path, file.errorString());
        return false;
    }
    return true;
}

void readLimits(const QJsonObject &object, PusherLimits *limits)
{
    auto read = [&object](const char *name, int *value) {
        const int given = object.value(QLatin1String(name)).toInt(0);
        if (given > 0)
            *value = given;
    };
    read("max_presence_members", &limits->maxPresenceMembers);
    read("max_presence_user_info_bytes", &limits->maxPresenceUserInfoBytes);
    read("client_events_per_second", &limits->clientEventsPerSecond);
}
} // namespace

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
                      object.value(QStringLiteral("secret")).toString().toLatin1(),
                      QByteArray::fromBase64(object.value(masterKeyField).toString().toLatin1()),
                      {}};
        if (!app.isValid()) {
            *error = QStringLiteral("%1 is not a Pusher app (app_id, key, secret); remove it to "
                                    "make a new one")
                         .arg(path);
            return std::nullopt;
        }
        readLimits(object.value(QStringLiteral("limits")).toObject(), &app.limits);
        if (app.encryptionMasterKey.size() != 32) {
            QJsonObject upgraded = object;
            app.encryptionMasterKey = generateApp().encryptionMasterKey;
            upgraded.insert(masterKeyField,
                            QString::fromLatin1(app.encryptionMasterKey.toBase64()));
            existing.close();
            if (!writeApp(path, upgraded, error))
                return std::nullopt;
        }
        return app;
    }
    const PusherApp app = generateApp();
    if (!writeApp(
            path,
            QJsonObject{{"app_id", app.appId},
                        {"key", app.key},
                        {"secret", QString::fromLatin1(app.secret)},
                        {masterKeyField, QString::fromLatin1(app.encryptionMasterKey.toBase64())}},
            error))
        return std::nullopt;
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

namespace {
QByteArray userAuthText(const QString &socketId, const QString &userData)
{
    return socketId.toUtf8() + "::user::" + userData.toUtf8();
}
} // namespace

QString userAuth(const PusherApp &app, const QString &socketId, const QString &userData)
{
    return app.key + QLatin1Char(':') +
           QString::fromLatin1(hmacHex(app.secret, userAuthText(socketId, userData)));
}

bool verifyUserAuth(const PusherApp &app, const QString &auth, const QString &socketId,
                    const QString &userData)
{
    const qsizetype colon = auth.indexOf(QLatin1Char(':'));
    if (colon <= 0 || auth.left(colon) != app.key)
        return false;
    return auth::constantTimeEquals(auth.mid(colon + 1).toLatin1(),
                                    hmacHex(app.secret, userAuthText(socketId, userData)));
}

QByteArray encryptedChannelSecret(const PusherApp &app, const QString &channel)
{
    return QCryptographicHash::hash(channel.toUtf8() + app.encryptionMasterKey,
                                    QCryptographicHash::Sha256)
        .toBase64();
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

bool isEncryptedChannel(const QString &name)
{
    return name.startsWith(u"private-encrypted-");
}

bool isCacheChannel(const QString &name)
{
    return name.startsWith(u"cache-") || name.startsWith(u"private-cache-") ||
           name.startsWith(u"presence-cache-") || name.startsWith(u"private-encrypted-cache-");
}

QString serverToUserId(const QString &name)
{
    static const QString prefix = QStringLiteral("#server-to-user-");
    if (!name.startsWith(prefix))
        return {};
    const QString id = name.mid(prefix.size());
    return isValidChannelName(id) ? id : QString();
}

} // namespace lobby::api::pusher
