#pragma once

#include "chat/chatservice.h"
#include "consolesignedin.h"
#include "coretasks.h"
#include "repliescontroller.h"
#include "settingscontroller.h"
#include "typingthrottle.h"
#include "ui/conversationfiltermodel.h"
#include "ui/conversationlistmodel.h"
#include "ui/messagelistmodel.h"

#include <QObject>
#include <QQmlEngine>
#include <QTimer>
#include <QVariantMap>

#include <memory>

namespace lobby::ui {
class EventBatcher;
} // namespace lobby::ui

namespace lobby::app {

class Core;

// What the console's QML talks to (as `backend`): the session (signing in and out) and the
// inbox with the open conversation; the settings are its `settings` part. Lives in the GUI
// thread; every read and write runs in the core thread through ChatService (CoreTasks) and
// continues here. Domain events reach the models in batches (EventBatcher).
class ConsoleController : public QObject
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("created by the application")
    Q_PROPERTY(bool signedIn READ signedIn NOTIFY signedInChanged)
    Q_PROPERTY(bool busy READ busy NOTIFY busyChanged)
    Q_PROPERTY(QString signInError READ signInError NOTIFY signInErrorChanged)
    Q_PROPERTY(QVariantMap staff READ staff NOTIFY signedInChanged)
    Q_PROPERTY(QVariantMap site READ site NOTIFY signedInChanged)
    // What the views show of the session (staff/site above carry the ids).
    Q_PROPERTY(QString staffName READ staffName NOTIFY signedInChanged)
    Q_PROPERTY(QString siteName READ siteName NOTIFY signedInChanged)
    Q_PROPERTY(bool admin READ admin NOTIFY signedInChanged)
    Q_PROPERTY(lobby::ui::ConversationListModel *inbox READ inbox CONSTANT)
    Q_PROPERTY(lobby::ui::ConversationFilterModel *conversations READ conversations CONSTANT)
    Q_PROPERTY(lobby::ui::MessageListModel *messages READ messages CONSTANT)
    Q_PROPERTY(lobby::app::SettingsController *settings READ settings CONSTANT)
    Q_PROPERTY(lobby::app::RepliesController *replies READ replies CONSTANT)
    Q_PROPERTY(qint64 currentConversationId READ currentConversationId NOTIFY currentChanged)
    Q_PROPERTY(QVariantMap details READ details NOTIFY detailsChanged)
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
    QString staffName() const { return m_staff.name; }
    QString siteName() const { return m_staff.siteName; }
    bool admin() const { return m_staff.admin; }
    ui::ConversationListModel *inbox() const { return m_inbox.get(); }
    ui::ConversationFilterModel *conversations() const { return m_conversations.get(); }
    ui::MessageListModel *messages() const { return m_messages.get(); }
    SettingsController *settings() const { return m_settings.get(); }
    RepliesController *replies() const { return m_replies.get(); }
    qint64 currentConversationId() const { return m_current; }
    QVariantMap details() const { return m_details; }
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
    // Staff typed in the composer: others see "typing" (throttled, withdrawn after a pause).
    Q_INVOKABLE void noteTyping();
    void setTyping(bool typing);
    Q_INVOKABLE void search(const QString &text);
    Q_INVOKABLE void setFilter(lobby::ui::ConversationFilterModel::Filter filter);
    Q_INVOKABLE void takeOver();
    Q_INVOKABLE void assignTo(qint64 staffAccountId);
    Q_INVOKABLE void setArchived(bool archived);
    Q_INVOKABLE void copyToClipboard(const QString &text);
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
    void openConnectionsChanged();
    // Something to tell staff briefly ("PIN changed", or what went wrong).
    void notice(const QString &text, bool error);
    void mediaTokenChanged();
    void notesChanged();
    void mentionsChanged();
    void checkedOut(const QString &roomNumber, const QString &newPin, int endedSessions);
    // A guest, visitor or customer wrote (for notifications).
    void incomingMessage(qint64 conversationId, const QString &title, const QString &text,
                         bool windowActive);

private:
    void startSession(const chat::ConsoleSession &session);
    void onEvents(const chat::DomainEvents &events);
    void refreshDetails();
    void markCurrentRead(qint64 upToId);
    void report(const chat::Error &error);
    void refreshMediaToken();
    void setBusy(bool busy);
    void refreshWorkflow();
    void onWorkflowEvent(const chat::DomainEvent &event);

    Core &m_core;
    QString m_serverUrl;
    QString m_mediaToken;
    QString m_publicUrl;
    std::unique_ptr<ui::ConversationListModel> m_inbox;
    std::unique_ptr<ui::ConversationFilterModel> m_conversations;
    std::unique_ptr<ui::MessageListModel> m_messages;
    ConsoleSignedIn m_staff;
    std::unique_ptr<SettingsController> m_settings;
    std::unique_ptr<RepliesController> m_replies;
    ui::EventBatcher *m_batcher = nullptr; // lives in, and is only touched from, the core thread
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
    int m_openConnections = 0;
    QTimer m_connectionPoll;
    TypingThrottle m_typing;
    CoreTasks m_tasks; // stopped first in the destructor
};

} // namespace lobby::app
