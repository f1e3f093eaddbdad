#pragma once

#include "consolesignedin.h"
#include "coretasks.h"

#include <QObject>
#include <QQmlEngine>
#include <QStringList>
#include <QVariantMap>

#include <memory>

namespace lobby::ui {
class RecordListModel;
}

namespace lobby::app {

class Core;

// The console's settings (QML: `backend.settings`): rooms and their PINs and QR codes, website
// keys, staff, FAQ, the webhook. Changes are admin-only; every one runs in the core thread
// through ChatService and answers with a notice.
class SettingsController : public QObject
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("a part of ConsoleController")
    Q_PROPERTY(lobby::ui::RecordListModel *rooms READ rooms CONSTANT)
    Q_PROPERTY(lobby::ui::RecordListModel *apiKeys READ apiKeys CONSTANT)
    Q_PROPERTY(lobby::ui::RecordListModel *staffAccounts READ staffAccounts CONSTANT)
    Q_PROPERTY(lobby::ui::RecordListModel *faq READ faq CONSTANT)
    // The site's webhook (`url`, empty when none) and its outbox: `waitingBatches`,
    // `failedAttempts`, `lastError`, `waitingSince`, `nextAttemptAt`.
    Q_PROPERTY(QVariantMap webhook READ webhook NOTIFY webhookChanged)
    // Why the last setWebhook() was refused (empty after one that worked).
    Q_PROPERTY(QString webhookError READ webhookError NOTIFY webhookErrorChanged)
    // Why the last change of a form was refused, next to the field it is about: keys are
    // "form/field" ("room/number", "room/pin", "pin/pin", "key/label", "staff/name",
    // "staff/email", "staff/password", "faq/question", "faq/answer"; edits use "editStaff/…"
    // and "editFaq/…"); a refusal that is about no one field is under "form/" alone.
    Q_PROPERTY(QVariantMap fieldErrors READ fieldErrors NOTIFY fieldErrorsChanged)

public:
    // `signedIn` is the session's (ConsoleController's): read for every change.
    SettingsController(Core &core, const ConsoleSignedIn &signedIn, const QString &publicUrl,
                       QObject *parent = nullptr);
    ~SettingsController() override;

    ui::RecordListModel *rooms() const { return m_rooms.get(); }
    ui::RecordListModel *apiKeys() const { return m_apiKeys.get(); }
    ui::RecordListModel *staffAccounts() const { return m_staffAccounts.get(); }
    ui::RecordListModel *faq() const { return m_faq.get(); }
    QVariantMap webhook() const { return m_webhook; }
    QString webhookError() const { return m_webhookError; }
    QVariantMap fieldErrors() const { return m_fieldErrors; }

    // Reads everything again (after signing in).
    void refresh();
    // Forgets the site's settings (after signing out).
    void clear();

    Q_INVOKABLE void addRoom(const QString &number, const QString &pin);
    Q_INVOKABLE void setRoomPin(qint64 roomId, const QString &pin);
    Q_INVOKABLE void rotateRoomPin(qint64 roomId);
    Q_INVOKABLE void createApiKey(const QString &label);
    Q_INVOKABLE void revokeApiKey(qint64 keyId);
    Q_INVOKABLE void addStaff(const QString &name, const QString &email, const QString &password,
                              bool admin, const QString &jobTitle);
    // An empty password keeps the old one.
    Q_INVOKABLE void updateStaff(qint64 accountId, const QString &name, const QString &email,
                                 const QString &password, bool admin, const QString &jobTitle);
    Q_INVOKABLE void removeStaff(qint64 accountId);
    Q_INVOKABLE void addFaq(const QString &question, const QString &answer);
    Q_INVOKABLE void updateFaq(qint64 entryId, const QString &question, const QString &answer);
    Q_INVOKABLE void removeFaq(qint64 entryId);
    // Forgets a form's errors (when it is opened again or cancelled).
    Q_INVOKABLE void clearFieldErrors(const QString &form);
    Q_INVOKABLE void setWebhook(const QString &url);
    Q_INVOKABLE void removeWebhook();
    // Reads the webhook and its outbox again (the outbox changes as deliveries go).
    Q_INVOKABLE void refreshWebhook();
    // The address a room's QR code opens (the room's PIN page on the guest site).
    Q_INVOKABLE QString guestPageUrl(const QString &roomNumber) const;
    Q_INVOKABLE QString qrImageSource(const QString &text) const;
    // What a website pastes into its pages to get the chat: the script tag with `apiKey`
    // (a placeholder when empty: keys are shown only when created).
    Q_INVOKABLE QString widgetSnippet(const QString &apiKey = {}) const;
    // Writes a printable PDF (QR code, room, address) and returns its path; empty on failure.
    Q_INVOKABLE QString printRoomQr(const QString &roomNumber);

Q_SIGNALS:
    void webhookChanged();
    void webhookErrorChanged();
    void fieldErrorsChanged();
    // A form's change was stored: the page empties or closes that form.
    void formSaved(const QString &form);
    // Something to tell staff briefly ("PIN changed", or what went wrong).
    void notice(const QString &text, bool error);
    // Shown once: a new API key (with the website snippet that uses it) or a new room PIN.
    void secretCreated(const QString &title, const QString &secret, const QString &snippet);

private:
    // False (with a notice) unless an admin is signed in: settings change only through admins.
    bool mayChange();
    // The notice for a change that returned `result`, then the lists read again.
    template <typename T> void noticeAndRefresh(const T &result, const QString &done);
    void setWebhookError(const QString &error);
    // The fields of a staff form (a new account needs a password, an edit keeps the old one).
    bool checkStaffFields(const QString &form, const QString &name, const QString &email,
                          const QString &password, bool passwordRequired);
    bool checkFaqFields(const QString &form, const QString &question, const QString &answer);
    // Shows `error` next to form/field (and nowhere else); false when there is one.
    bool checkField(const QString &form, const QString &field, const QString &error);
    // A refused or stored change of `form`: the refusal next to `field` (a conflict or invalid
    // value of that field) or under the form; on success the form's errors go and it clears.
    template <typename T>
    void formResult(const QString &form, const T &result, const QString &done,
                    const QString &field = {});

    const ConsoleSignedIn &m_signedIn;
    QString m_publicUrl;
    std::unique_ptr<ui::RecordListModel> m_rooms;
    std::unique_ptr<ui::RecordListModel> m_apiKeys;
    std::unique_ptr<ui::RecordListModel> m_staffAccounts;
    std::unique_ptr<ui::RecordListModel> m_faq;
    QVariantMap m_webhook;
    QString m_webhookError;
    QVariantMap m_fieldErrors;
    CoreTasks m_tasks; // last: stops before the models go
};

} // namespace lobby::app
