#include "settingscontroller.h"

#include "auth/crypto.h"
#include "auth/passwords.h"
#include "chat/chatservice.h"
#include "core.h"
#include "qrcode.h"
#include "ui/recordlistmodel.h"

#include <QDir>
#include <QRandomGenerator>
#include <QStandardPaths>
#include <QUrl>

namespace lobby::app {

using namespace lobby::chat;

namespace {

const QStringList fixedReplies = {
    QStringLiteral("Hello! How can I help you today?"),
    QStringLiteral("One moment please, I'll check that for you."),
    QStringLiteral("Done! Is there anything else I can do for you?"),
    QStringLiteral("You're welcome, enjoy your stay!"),
};

} // namespace

SettingsController::SettingsController(Core &core, const ConsoleSignedIn &signedIn,
                                       const QString &publicUrl, QObject *parent)
    : QObject(parent), m_signedIn(signedIn), m_publicUrl(publicUrl),
      m_rooms(std::make_unique<ui::RecordListModel>(
          QList<QByteArray>{"id", "number", "createdAt", "guestUrl"})),
      m_apiKeys(std::make_unique<ui::RecordListModel>(
          QList<QByteArray>{"id", "label", "prefix", "createdAt", "revoked"})),
      m_staffAccounts(std::make_unique<ui::RecordListModel>(
          QList<QByteArray>{"id", "name", "email", "jobTitle", "admin"})),
      m_faq(std::make_unique<ui::RecordListModel>(QList<QByteArray>{"id", "question", "answer"})),
      m_tasks(core, this)
{}

SettingsController::~SettingsController()
{
    m_tasks.stop();
}

void SettingsController::refresh()
{
    if (!m_signedIn.id)
        return;
    const qint64 siteId = m_signedIn.siteId;
    m_tasks.run([siteId](CoreRuntime &runtime) { return runtime.chat().consoleSettings(siteId); })
        .then([this](const ConsoleSettings &settings) {
            QList<QVariantMap> rooms, keys, staff, faq;
            for (const Room &room : settings.rooms)
                rooms << QVariantMap{{QStringLiteral("id"), room.id},
                                     {QStringLiteral("number"), room.number},
                                     {QStringLiteral("createdAt"), room.createdAt},
                                     {QStringLiteral("guestUrl"), guestPageUrl(room.number)}};
            for (const ApiKey &key : settings.apiKeys)
                keys << QVariantMap{{QStringLiteral("id"), key.id},
                                    {QStringLiteral("label"), key.label},
                                    {QStringLiteral("prefix"), key.prefix},
                                    {QStringLiteral("createdAt"), key.createdAt},
                                    {QStringLiteral("revoked"), key.revokedAt.isValid()}};
            for (const Account &a : settings.staff)
                staff << QVariantMap{{QStringLiteral("id"), a.id},
                                     {QStringLiteral("name"), a.name},
                                     {QStringLiteral("email"), a.email},
                                     {QStringLiteral("jobTitle"), a.jobTitle},
                                     {QStringLiteral("admin"), a.role == StaffRole::Admin}};
            QStringList replies = fixedReplies;
            for (const FaqEntry &entry : settings.faq) {
                faq << QVariantMap{{QStringLiteral("id"), entry.id},
                                   {QStringLiteral("question"), entry.question},
                                   {QStringLiteral("answer"), entry.answer}};
                replies << entry.answer;
            }
            m_rooms->setRecords(rooms);
            m_apiKeys->setRecords(keys);
            m_staffAccounts->setRecords(staff);
            m_faq->setRecords(faq);
            refreshWebhook();
            if (replies != m_cannedReplies) {
                m_cannedReplies = replies;
                Q_EMIT cannedRepliesChanged();
            }
        });
}

void SettingsController::clear()
{
    m_webhook.clear();
    setWebhookError({});
    Q_EMIT webhookChanged();
}

bool SettingsController::mayChange()
{
    if (m_signedIn.admin)
        return true;
    Q_EMIT notice(tr("Only an admin can change settings."), true);
    return false;
}

template <typename T>
void SettingsController::noticeAndRefresh(const T &result, const QString &done)
{
    Q_EMIT notice(result ? done : result.error().message, !result);
    refresh();
}

void SettingsController::addRoom(const QString &number, const QString &pin)
{
    if (!mayChange())
        return;
    if (!auth::isValidPin(pin)) {
        Q_EMIT notice(tr("A PIN is 4 to 8 digits."), true);
        return;
    }
    m_tasks
        .run([siteId = m_signedIn.siteId, number, pin](CoreRuntime &runtime) {
            return runtime.chat().createRoom(siteId, number.trimmed(), auth::hashPassword(pin));
        })
        .then([this](const Result<Room> &room) {
            noticeAndRefresh(room, room ? tr("Room %1 added.").arg(room->number) : QString());
        });
}

void SettingsController::setRoomPin(qint64 roomId, const QString &pin)
{
    if (!mayChange())
        return;
    if (!auth::isValidPin(pin)) {
        Q_EMIT notice(tr("A PIN is 4 to 8 digits."), true);
        return;
    }
    m_tasks
        .run([siteId = m_signedIn.siteId, roomId, pin](CoreRuntime &runtime) {
            return runtime.chat().setRoomPin(siteId, roomId, auth::hashPassword(pin));
        })
        .then([this](const Result<Room> &room) {
            Q_EMIT notice(room ? tr("New PIN set for room %1.").arg(room->number)
                               : room.error().message,
                          !room);
        });
}

void SettingsController::rotateRoomPin(qint64 roomId)
{
    if (!mayChange())
        return;
    const QString pin = QStringLiteral("%1").arg(QRandomGenerator::system()->bounded(10000), 4, 10,
                                                 QLatin1Char('0'));
    m_tasks
        .run([siteId = m_signedIn.siteId, roomId, pin](CoreRuntime &runtime) {
            return runtime.chat().setRoomPin(siteId, roomId, auth::hashPassword(pin));
        })
        .then([this, pin](const Result<Room> &room) {
            if (!room)
                Q_EMIT notice(room.error().message, true);
            else
                Q_EMIT secretCreated(tr("New PIN for room %1").arg(room->number), pin, QString());
        });
}

void SettingsController::createApiKey(const QString &label)
{
    if (!mayChange())
        return;
    const auth::NewApiKey key = auth::generateApiKey();
    m_tasks
        .run([siteId = m_signedIn.siteId, label, key](CoreRuntime &runtime) {
            return runtime.chat().createApiKey(siteId, label, key.prefix, key.hash);
        })
        .then([this, secret = key.key](const Result<ApiKey> &stored) {
            if (!stored) {
                Q_EMIT notice(stored.error().message, true);
                return;
            }
            Q_EMIT secretCreated(tr("Website key \"%1\"").arg(stored->label), secret,
                                 widgetSnippet(secret));
            refresh();
        });
}

void SettingsController::revokeApiKey(qint64 keyId)
{
    if (!mayChange())
        return;
    m_tasks
        .run([siteId = m_signedIn.siteId, keyId](CoreRuntime &runtime) {
            return runtime.chat().revokeApiKey(siteId, keyId);
        })
        .then([this](const Result<ApiKey> &key) {
            noticeAndRefresh(key,
                             key ? tr("Website key \"%1\" revoked.").arg(key->label) : QString());
        });
}

void SettingsController::addStaff(const QString &name, const QString &email,
                                  const QString &password, bool admin, const QString &jobTitle)
{
    if (!mayChange())
        return;
    if (!auth::isAcceptablePassword(password)) {
        Q_EMIT notice(tr("A password is 8 to 256 characters."), true);
        return;
    }
    Account account;
    account.siteId = m_signedIn.siteId;
    account.kind = AccountKind::Staff;
    account.role = admin ? StaffRole::Admin : StaffRole::Staff;
    account.name = name.trimmed();
    account.email = email.trimmed();
    account.jobTitle = jobTitle.trimmed();
    m_tasks
        .run([account, password](CoreRuntime &runtime) mutable {
            account.passwordHash = auth::hashPassword(password);
            return runtime.chat().createAccount(account);
        })
        .then([this](const Result<Account> &created) {
            noticeAndRefresh(created,
                             created ? tr("%1 can sign in now.").arg(created->name) : QString());
        });
}

void SettingsController::addFaq(const QString &question, const QString &answer)
{
    if (!mayChange())
        return;
    m_tasks
        .run([siteId = m_signedIn.siteId, question, answer](CoreRuntime &runtime) {
            return runtime.chat().addFaqEntry(siteId, question, answer);
        })
        .then([this](const auto &entry) { noticeAndRefresh(entry, tr("FAQ entry added.")); });
}

void SettingsController::removeFaq(qint64 entryId)
{
    if (!mayChange())
        return;
    m_tasks
        .run([siteId = m_signedIn.siteId, entryId](CoreRuntime &runtime) {
            return runtime.chat().removeFaqEntry(siteId, entryId);
        })
        .then([this](const Result<bool> &removed) {
            noticeAndRefresh(removed, tr("FAQ entry removed."));
        });
}

void SettingsController::setWebhook(const QString &url)
{
    if (!mayChange())
        return;
    m_tasks
        .run([siteId = m_signedIn.siteId, url](CoreRuntime &runtime) {
            return runtime.chat().setWebhook(siteId, url);
        })
        .then([this](const auto &stored) {
            if (!stored && stored.error().code == ErrorCode::Invalid) {
                setWebhookError(stored.error().message);
                return;
            }
            setWebhookError({});
            if (!stored)
                Q_EMIT notice(stored.error().message, true);
            else
                Q_EMIT notice(tr("Channel events now go to %1.").arg(stored->url), false);
            refreshWebhook();
        });
}

void SettingsController::removeWebhook()
{
    if (!mayChange())
        return;
    m_tasks
        .run([siteId = m_signedIn.siteId](CoreRuntime &runtime) {
            return runtime.chat().removeWebhook(siteId);
        })
        .then([this](const auto &removed) {
            Q_EMIT notice(removed ? tr("Channel events are no longer sent.")
                                  : removed.error().message,
                          !removed);
            refreshWebhook();
        });
}

void SettingsController::refreshWebhook()
{
    if (!m_signedIn.id)
        return;
    m_tasks
        .run([siteId = m_signedIn.siteId](CoreRuntime &runtime) -> Result<QVariantMap> {
            const auto webhook = runtime.chat().webhookOfSite(siteId);
            const auto outbox = runtime.chat().webhookOutboxStatus(siteId);
            if (!outbox)
                return outbox.error();
            return QVariantMap{{QStringLiteral("url"), webhook ? webhook->url : QString()},
                               {QStringLiteral("waitingBatches"), outbox->waitingBatches},
                               {QStringLiteral("failedAttempts"), outbox->failedAttempts},
                               {QStringLiteral("lastError"), outbox->lastError},
                               {QStringLiteral("waitingSince"), outbox->waitingSince},
                               {QStringLiteral("nextAttemptAt"), outbox->nextAttemptAt}};
        })
        .then([this](const Result<QVariantMap> &state) {
            if (!state) {
                Q_EMIT notice(state.error().message, true);
                return;
            }
            if (state.value() == m_webhook)
                return;
            m_webhook = state.value();
            Q_EMIT webhookChanged();
        });
}

void SettingsController::setWebhookError(const QString &error)
{
    if (error == m_webhookError)
        return;
    m_webhookError = error;
    Q_EMIT webhookErrorChanged();
}

QString SettingsController::guestPageUrl(const QString &roomNumber) const
{
    return QStringLiteral("%1/chat/%2/messages/room/%3/validate-chat-pin")
        .arg(m_publicUrl, m_signedIn.siteSlug,
             QString::fromLatin1(QUrl::toPercentEncoding(roomNumber)));
}

QString SettingsController::widgetSnippet(const QString &apiKey) const
{
    const QString key = apiKey.isEmpty() ? tr("PASTE-YOUR-WEBSITE-KEY-HERE") : apiKey;
    return QStringLiteral("<script src=\"%1/widget.js\" data-api-key=\"%2\"></script>")
        .arg(m_publicUrl, key.toHtmlEscaped());
}

QString SettingsController::qrImageSource(const QString &text) const
{
    return QStringLiteral("image://qr/") + QString::fromLatin1(QUrl::toPercentEncoding(text));
}

QString SettingsController::printRoomQr(const QString &roomNumber)
{
    QString folder = QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation);
    if (folder.isEmpty() || !QDir().mkpath(folder))
        folder = QDir::tempPath();
    const QString path = QDir(folder).filePath(
        QStringLiteral("lobby-room-%1-qr.pdf").arg(QString(roomNumber).replace(u'/', u'-')));
    QString error;
    if (!writeRoomQrSheet(path, m_signedIn.siteName, roomNumber, guestPageUrl(roomNumber),
                          &error)) {
        Q_EMIT notice(error, true);
        return {};
    }
    Q_EMIT notice(tr("Saved %1 for printing.").arg(path), false);
    return path;
}

} // namespace lobby::app
