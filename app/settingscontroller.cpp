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
            for (const FaqEntry &entry : settings.faq) {
                faq << QVariantMap{{QStringLiteral("id"), entry.id},
                                   {QStringLiteral("question"), entry.question},
                                   {QStringLiteral("answer"), entry.answer}};
            }
            m_rooms->setRecords(rooms);
            m_apiKeys->setRecords(keys);
            m_staffAccounts->setRecords(staff);
            m_faq->setRecords(faq);
            refreshWebhook();
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

bool SettingsController::checkField(const QString &form, const QString &field, const QString &error)
{
    if (error.isEmpty())
        return true;
    m_fieldErrors.insert(form + u'/' + field, error);
    Q_EMIT fieldErrorsChanged();
    return false;
}

void SettingsController::clearFieldErrors(const QString &form)
{
    const QString prefix = form + u'/';
    bool changed = false;
    for (auto it = m_fieldErrors.begin(); it != m_fieldErrors.end();) {
        if (it.key().startsWith(prefix)) {
            it = m_fieldErrors.erase(it);
            changed = true;
        } else {
            ++it;
        }
    }
    if (changed)
        Q_EMIT fieldErrorsChanged();
}

template <typename T>
void SettingsController::formResult(const QString &form, const T &result, const QString &done,
                                    const QString &field)
{
    if (!result) {
        const ErrorCode code = result.error().code;
        const bool aboutField = code == ErrorCode::Invalid || code == ErrorCode::Conflict;
        checkField(form, aboutField ? field : QString(), result.error().message);
        return;
    }
    clearFieldErrors(form);
    Q_EMIT notice(done, false);
    Q_EMIT formSaved(form);
    refresh();
}

void SettingsController::addRoom(const QString &number, const QString &pin)
{
    if (!mayChange())
        return;
    clearFieldErrors(QStringLiteral("room"));
    const bool valid =
        checkField(QStringLiteral("room"), QStringLiteral("number"),
                   number.trimmed().isEmpty() ? tr("Which room? e.g. 101") : QString()) &
        checkField(QStringLiteral("room"), QStringLiteral("pin"),
                   auth::isValidPin(pin) ? QString() : tr("A PIN is 4 to 8 digits."));
    if (!valid)
        return;
    m_tasks
        .run([siteId = m_signedIn.siteId, number, pin](CoreRuntime &runtime) {
            return runtime.chat().createRoom(siteId, number.trimmed(), auth::hashPassword(pin));
        })
        .then([this](const Result<Room> &room) {
            formResult(QStringLiteral("room"), room,
                       room ? tr("Room %1 added.").arg(room->number) : QString(),
                       QStringLiteral("number"));
        });
}

void SettingsController::setRoomPin(qint64 roomId, const QString &pin)
{
    if (!mayChange())
        return;
    clearFieldErrors(QStringLiteral("pin"));
    if (!checkField(QStringLiteral("pin"), QStringLiteral("pin"),
                    auth::isValidPin(pin) ? QString() : tr("A PIN is 4 to 8 digits.")))
        return;
    m_tasks
        .run([siteId = m_signedIn.siteId, roomId, pin](CoreRuntime &runtime) {
            return runtime.chat().setRoomPin(siteId, roomId, auth::hashPassword(pin));
        })
        .then([this](const Result<Room> &room) {
            formResult(QStringLiteral("pin"), room,
                       room ? tr("New PIN set for room %1.").arg(room->number) : QString(),
                       QStringLiteral("pin"));
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
    clearFieldErrors(QStringLiteral("key"));
    if (!checkField(QStringLiteral("key"), QStringLiteral("label"),
                    label.trimmed().isEmpty() ? tr("Name the website, e.g. Hotel website")
                                              : QString()))
        return;
    const auth::NewApiKey key = auth::generateApiKey();
    m_tasks
        .run([siteId = m_signedIn.siteId, label, key](CoreRuntime &runtime) {
            return runtime.chat().createApiKey(siteId, label, key.prefix, key.hash);
        })
        .then([this, secret = key.key](const Result<ApiKey> &stored) {
            if (!stored) {
                checkField(QStringLiteral("key"), QStringLiteral("label"), stored.error().message);
                return;
            }
            Q_EMIT formSaved(QStringLiteral("key"));
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
    if (!checkStaffFields(QStringLiteral("staff"), name, email, password, true))
        return;
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
            formResult(QStringLiteral("staff"), created,
                       created ? tr("%1 can sign in now.").arg(created->name) : QString(),
                       QStringLiteral("email"));
        });
}

bool SettingsController::checkStaffFields(const QString &form, const QString &name,
                                          const QString &email, const QString &password,
                                          bool passwordRequired)
{
    clearFieldErrors(form);
    const bool needsPassword = passwordRequired || !password.isEmpty();
    return checkField(form, QStringLiteral("name"),
                      name.trimmed().isEmpty() ? tr("Whose account is it?") : QString()) &
           checkField(form, QStringLiteral("email"),
                      isValidEmail(email.trimmed().toLower())
                          ? QString()
                          : tr("An email address, e.g. mary@hotel.example")) &
           checkField(form, QStringLiteral("password"),
                      !needsPassword || auth::isAcceptablePassword(password)
                          ? QString()
                          : tr("A password is 8 to 256 characters."));
}

void SettingsController::updateStaff(qint64 accountId, const QString &name, const QString &email,
                                     const QString &password, bool admin, const QString &jobTitle)
{
    if (!mayChange())
        return;
    if (!checkStaffFields(QStringLiteral("editStaff"), name, email, password, false))
        return;
    ChatService::StaffChange change{name, email, jobTitle, admin, {}};
    m_tasks
        .run([adminId = m_signedIn.id, accountId, change, password](CoreRuntime &runtime) mutable {
            if (!password.isEmpty())
                change.passwordHash = auth::hashPassword(password);
            return runtime.chat().updateStaffAccount(adminId, accountId, change);
        })
        .then([this](const Result<Account> &updated) {
            formResult(QStringLiteral("editStaff"), updated,
                       updated ? tr("%1's account saved.").arg(updated->name) : QString(),
                       QStringLiteral("email"));
        });
}

void SettingsController::removeStaff(qint64 accountId)
{
    if (!mayChange())
        return;
    m_tasks
        .run([adminId = m_signedIn.id, accountId](CoreRuntime &runtime) {
            return runtime.chat().removeStaffAccount(adminId, accountId);
        })
        .then([this](const Result<bool> &removed) {
            noticeAndRefresh(removed, tr("The account was removed; it can no longer sign in."));
        });
}

void SettingsController::addFaq(const QString &question, const QString &answer)
{
    if (!mayChange())
        return;
    if (!checkFaqFields(QStringLiteral("faq"), question, answer))
        return;
    m_tasks
        .run([siteId = m_signedIn.siteId, question, answer](CoreRuntime &runtime) {
            return runtime.chat().addFaqEntry(siteId, question, answer);
        })
        .then([this](const auto &entry) {
            formResult(QStringLiteral("faq"), entry, tr("FAQ entry added."));
        });
}

bool SettingsController::checkFaqFields(const QString &form, const QString &question,
                                        const QString &answer)
{
    clearFieldErrors(form);
    return checkField(form, QStringLiteral("question"),
                      question.trimmed().isEmpty() ? tr("What do guests ask?") : QString()) &
           checkField(form, QStringLiteral("answer"),
                      answer.trimmed().isEmpty() ? tr("What does the desk answer?") : QString());
}

void SettingsController::updateFaq(qint64 entryId, const QString &question, const QString &answer)
{
    if (!mayChange())
        return;
    if (!checkFaqFields(QStringLiteral("editFaq"), question, answer))
        return;
    m_tasks
        .run([adminId = m_signedIn.id, entryId, question, answer](CoreRuntime &runtime) {
            return runtime.chat().updateFaqEntry(adminId, entryId, question, answer);
        })
        .then([this](const Result<FaqEntry> &entry) {
            formResult(QStringLiteral("editFaq"), entry, tr("FAQ entry saved."));
        });
}

void SettingsController::removeFaq(qint64 entryId)
{
    if (!mayChange())
        return;
    m_tasks
        .run([adminId = m_signedIn.id, entryId](CoreRuntime &runtime) {
            return runtime.chat().removeFaqEntryAsAdmin(adminId, entryId);
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
