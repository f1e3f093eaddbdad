#pragma once

#include "chat/chatservice.h"

#include <QObject>
#include <QPointer>
#include <QTimer>
#include <QVariantMap>

#include <atomic>
#include <memory>

namespace lobby::ui {
class ConversationListModel;
class ConversationFilterModel;
class MessageListModel;
class RecordListModel;
class EventBatcher;
} // namespace lobby::ui

namespace lobby::app {

class Core;

// What the console's QML talks to (as `backend`). Lives in the GUI thread; every read and write
// runs in the core thread through ChatService (Core::post), and answers come back as queued
// calls. Domain events reach the models in batches (EventBatcher).
class ConsoleController : public QObject
{
    Q_OBJECT
    Q_PROPERTY(bool signedIn READ signedIn NOTIFY signedInChanged)
    Q_PROPERTY(bool busy READ busy NOTIFY busyChanged)
    Q_PROPERTY(QString signInError READ signInError NOTIFY signInErrorChanged)
    Q_PROPERTY(QVariantMap staff READ staff NOTIFY signedInChanged)
    Q_PROPERTY(QVariantMap site READ site NOTIFY signedInChanged)
    Q_PROPERTY(QObject *inbox READ inbox CONSTANT)
    Q_PROPERTY(QObject *conversations READ conversations CONSTANT)
    Q_PROPERTY(QObject *messages READ messages CONSTANT)
    Q_PROPERTY(QObject *rooms READ rooms CONSTANT)
    Q_PROPERTY(QObject *apiKeys READ apiKeys CONSTANT)
    Q_PROPERTY(QObject *staffAccounts READ staffAccounts CONSTANT)
    Q_PROPERTY(QObject *faq READ faq CONSTANT)
    // The site's webhook (`url`, empty when none) and its outbox: `waitingBatches`,
    // `failedAttempts`, `lastError`, `waitingSince`, `nextAttemptAt`.
    Q_PROPERTY(QVariantMap webhook READ webhook NOTIFY webhookChanged)
    // Why the last setWebhook() was refused (empty after one that worked).
    Q_PROPERTY(QString webhookError READ webhookError NOTIFY webhookErrorChanged)
    Q_PROPERTY(qint64 currentConversationId READ currentConversationId NOTIFY currentChanged)
    Q_PROPERTY(QVariantMap details READ details NOTIFY detailsChanged)
    Q_PROPERTY(QStringList cannedReplies READ cannedReplies NOTIFY cannedRepliesChanged)
    Q_PROPERTY(QString serverUrl READ serverUrl CONSTANT)
    // Lets the console's image views fetch permission-checked uploads (?token=).
    Q_PROPERTY(QString mediaToken READ mediaToken NOTIFY mediaTokenChanged)
    Q_PROPERTY(QString publicUrl READ publicUrl CONSTANT)
    Q_PROPERTY(int openConnections READ openConnections NOTIFY openConnectionsChanged)
    Q_PROPERTY(bool trayAvailable READ trayAvailable CONSTANT)
    // The front desk's workflow (consolecontroller_workflow.cpp).
    Q_PROPERTY(QVariantList notes READ notes NOTIFY notesChanged)
    Q_PROPERTY(QVariantList mentions READ mentions NOTIFY mentionsChanged)
    Q_PROPERTY(int unseenMentions READ unseenMentions NOTIFY mentionsChanged)

public:
    // serverUrl: where the server listens ("http://0.0.0.0:8080"); publicUrl: how guests' phones
    // and websites reach it (the machine's LAN address when listening on every interface).
    ConsoleController(Core &core, const QString &serverUrl, const QString &publicUrl,
                      QObject *parent = nullptr);
    ~ConsoleController() override;

    bool signedIn() const { return m_staff.id != 0; }
    bool busy() const { return m_busy; }
    QString signInError() const { return m_signInError; }
    QVariantMap staff() const;
    QVariantMap site() const;
    QObject *inbox() const;
    QObject *conversations() const;
    QObject *messages() const;
    QObject *rooms() const;
    QObject *apiKeys() const;
    QObject *staffAccounts() const;
    QObject *faq() const;
    QVariantMap webhook() const { return m_webhook; }
    QString webhookError() const { return m_webhookError; }
    qint64 currentConversationId() const { return m_current; }
    QVariantMap details() const { return m_details; }
    QStringList cannedReplies() const { return m_cannedReplies; }
    QString serverUrl() const { return m_serverUrl; }
    QString mediaToken() const { return m_mediaToken; }
    QString publicUrl() const { return m_publicUrl; }
    int openConnections() const { return m_openConnections; }
    bool trayAvailable() const { return m_trayAvailable; }
    void setTrayAvailable(bool available) { m_trayAvailable = available; }

    ui::ConversationListModel &inboxModel() { return *m_inbox; }
    ui::MessageListModel &messageModel() { return *m_messages; }

    // Signs in without a password: for `--screenshot` with demo data only (not reachable from
    // QML).
    void signInWithoutPassword(const QString &email);
    // Whether the window is in front (then new messages are marked read, no notification).
    void setWindowActive(bool active);

    Q_INVOKABLE void signIn(const QString &email, const QString &password);
    Q_INVOKABLE void signOut();
    Q_INVOKABLE void selectConversation(qint64 conversationId);
    Q_INVOKABLE void sendMessage(const QString &text, qint64 replyToId = 0);
    // Stores a local file like an app upload (sniffed type, generated name, thumbnail) and
    // sends it into the open conversation as an image, voice note or file.
    Q_INVOKABLE void attachFile(const QUrl &file, const QString &caption = {});
    Q_INVOKABLE void setTyping(bool typing);
    Q_INVOKABLE void search(const QString &text);
    Q_INVOKABLE void setFilter(int filter);
    Q_INVOKABLE void takeOver();
    Q_INVOKABLE void assignTo(qint64 staffAccountId);
    Q_INVOKABLE void setArchived(bool archived);
    // Settings
    Q_INVOKABLE void addRoom(const QString &number, const QString &pin);
    Q_INVOKABLE void setRoomPin(qint64 roomId, const QString &pin);
    Q_INVOKABLE void rotateRoomPin(qint64 roomId);
    Q_INVOKABLE void createApiKey(const QString &label);
    Q_INVOKABLE void revokeApiKey(qint64 keyId);
    Q_INVOKABLE void addStaff(const QString &name, const QString &email, const QString &password,
                              bool admin, const QString &jobTitle);
    Q_INVOKABLE void addFaq(const QString &question, const QString &answer);
    Q_INVOKABLE void removeFaq(qint64 entryId);
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
    Q_INVOKABLE void copyToClipboard(const QString &text);
    // Writes a printable PDF (QR code, room, address) and returns its path; empty on failure.
    Q_INVOKABLE QString printRoomQr(const QString &roomNumber);
    Q_INVOKABLE void openUrl(const QString &url) const;
    // "just now", "3 min ago", "14:05", "yesterday"; `now` only makes QML bindings re-evaluate.
    Q_INVOKABLE QString formatRelative(const QDateTime &at, const QDateTime &now = {}) const;

    // ---- The front desk's workflow (consolecontroller_workflow.cpp)
    QVariantList notes() const { return m_notes; }
    QVariantList mentions() const { return m_mentions; }
    int unseenMentions() const { return m_unseenMentions; }
    // "open", "pending", "snoozed" (until snoozedUntil) or "resolved" for the open conversation.
    Q_INVOKABLE void setStatus(const QString &status, const QDateTime &snoozedUntil = {});
    // When a snooze preset ends: "hour", "tonight", "morning" (tomorrow 08:00), "checkout".
    Q_INVOKABLE QDateTime snoozeTime(const QString &preset, const QDateTime &from = {}) const;
    // A private note on the open conversation; `mentions` are staff ids.
    Q_INVOKABLE void addNote(const QString &text, const QVariantList &mentions = {});
    // Colleagues whose name starts with `prefix`, for @ completion: [{id, name}].
    Q_INVOKABLE QVariantList staffMatching(const QString &prefix) const;
    Q_INVOKABLE void markMentionsSeen();
    // Ends the room's stay and gives it a new PIN (checkedOut tells it).
    Q_INVOKABLE void checkOutCurrentRoom(const QString &roomNumber);
    // The A6 PIN card for the room's next guest: hotel, room, PIN and the QR code.
    Q_INVOKABLE QString printPinCard(const QString &roomNumber, const QString &pin);

Q_SIGNALS:
    void signedInChanged();
    void busyChanged();
    void signInErrorChanged();
    void currentChanged();
    void detailsChanged();
    void cannedRepliesChanged();
    void openConnectionsChanged();
    void webhookChanged();
    void webhookErrorChanged();
    // Something to tell staff briefly ("PIN changed", or what went wrong).
    void notice(const QString &text, bool error);
    void mediaTokenChanged();
    void notesChanged();
    void mentionsChanged();
    void checkedOut(const QString &roomNumber, const QString &newPin, int endedSessions);
    // Shown once: a new API key (with the website snippet that uses it) or a new room PIN.
    void secretCreated(const QString &title, const QString &secret, const QString &snippet);
    // A guest, visitor or customer wrote (for notifications).
    void incomingMessage(qint64 conversationId, const QString &title, const QString &text,
                         bool windowActive);

private:
    struct Signed
    {
        qint64 id = 0;
        qint64 siteId = 0;
        QString name;
        QString email;
        QString jobTitle;
        bool admin = false;
        QString siteName;
        QString siteSlug;
    };

    // Runs `work` in the core thread, then `done` (if any) in the GUI thread.
    template <typename Work> void inCore(Work work);
    void startSession(const chat::Account &account, const chat::Site &site);
    void onEvents(const chat::DomainEvents &events);
    void refreshDetails();
    void refreshSettings();
    void markCurrentRead(qint64 upToId);
    void setWebhookError(const QString &error);
    void report(const chat::Error &error);
    void refreshMediaToken();
    void setBusy(bool busy);
    void inCoreWorkflow(std::function<void(CoreRuntime &)> work);
    void refreshWorkflow();
    void onWorkflowEvent(const chat::DomainEvent &event);

    Core &m_core;
    QString m_serverUrl;
    QString m_mediaToken;
    QString m_publicUrl;
    std::shared_ptr<std::atomic_bool> m_alive = std::make_shared<std::atomic_bool>(true);
    std::unique_ptr<ui::ConversationListModel> m_inbox;
    std::unique_ptr<ui::ConversationFilterModel> m_conversations;
    std::unique_ptr<ui::MessageListModel> m_messages;
    std::unique_ptr<ui::RecordListModel> m_rooms;
    std::unique_ptr<ui::RecordListModel> m_apiKeys;
    std::unique_ptr<ui::RecordListModel> m_staffAccounts;
    std::unique_ptr<ui::RecordListModel> m_faq;
    ui::EventBatcher *m_batcher = nullptr; // lives in, and is only touched from, the core thread
    Signed m_staff;
    bool m_busy = false;
    bool m_windowActive = true;
    bool m_trayAvailable = false;
    QString m_signInError;
    qint64 m_current = 0;
    QVariantList m_notes;          // of the open conversation, oldest first
    QVariantList m_mentions;       // notes mentioning the signed-in staff member, newest first
    QVariantList m_staffDirectory; // [{id, name}] of the site's staff, for @ completion
    int m_unseenMentions = 0;
    QVariantMap m_details;
    QStringList m_cannedReplies;
    QVariantMap m_webhook;
    QString m_webhookError;
    int m_openConnections = 0;
    QTimer m_connectionPoll;
};

} // namespace lobby::app
