#pragma once

#include "chat/replies.h"
#include "consolesignedin.h"
#include "coretasks.h"

#include <QHash>
#include <QObject>
#include <QQmlEngine>
#include <QVariantMap>

namespace lobby::chat {
struct DomainEvent;
}

namespace lobby::app {

class Core;

// The console's replies (QML: `backend.replies`): the site's canned replies and its settings
// (texts, hours, night desk), the open conversation's reply variables, and the suggested answer
// to its last guest message. Reads and changes run in the core thread through ChatService;
// changes are admin-only and answer with a notice.
class RepliesController : public QObject
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("a part of ConsoleController")
    // The site's canned replies (`id`, `category`, `title`, `body`), as Settings edits them.
    Q_PROPERTY(QVariantList cannedReplies READ cannedReplies NOTIFY cannedRepliesChanged)
    // The site's settings (ChatService::settingsJson's names: `greeting`, `wifi`, `hours`, ...)
    // and whether the desk is open now (`open`, `backAt`).
    Q_PROPERTY(QVariantMap siteSettings READ siteSettings NOTIFY siteSettingsChanged)
    // The best answer to the open conversation's last guest message from the FAQ and the canned
    // replies (`title`, `body`, `source`: "faq" or "canned"); empty when there is none.
    Q_PROPERTY(QVariantMap suggestion READ suggestion NOTIFY suggestionChanged)
    // Its text (the suggestion's `body`), empty when there is none.
    Q_PROPERTY(QString suggestedAnswer READ suggestedAnswer NOTIFY suggestionChanged)

public:
    // `signedIn` is the session's (ConsoleController's): read for every change.
    RepliesController(Core &core, const ConsoleSignedIn &signedIn, QObject *parent = nullptr);
    ~RepliesController() override;

    QVariantList cannedReplies() const;
    QVariantMap siteSettings() const { return m_siteSettings; }
    QVariantMap suggestion() const { return m_suggestion; }
    QString suggestedAnswer() const
    {
        return m_suggestion.value(QStringLiteral("body")).toString();
    }

    // Reads the library and the settings again (after signing in, after a change).
    void refresh();
    // Forgets the site's (after signing out).
    void clear();
    // The conversation the console opened (0: none).
    void setConversation(qint64 conversationId);
    // A message was posted to the open conversation: the suggestion follows the last one.
    void messagePosted() { refreshSuggestion(); }

    Q_INVOKABLE void addCannedReply(const QString &category, const QString &title,
                                    const QString &body);
    Q_INVOKABLE void updateCannedReply(qint64 replyId, const QString &category,
                                       const QString &title, const QString &body);
    Q_INVOKABLE void removeCannedReply(qint64 replyId);
    // `changes` by setting name, as ChatService::updateSiteSettings takes them.
    Q_INVOKABLE void updateSiteSettings(const QVariantMap &changes);
    // For the composer's "/" list: the canned replies and FAQ answers matching `query`.
    Q_INVOKABLE QVariantList matchReplies(const QString &query) const;
    // `body` with the open conversation's variables filled in: `text`, and `unfilled`, the
    // ranges (`start`, `length`, `variable`) the composer selects for staff to type over.
    Q_INVOKABLE QVariantMap fillReply(const QString &body) const;

Q_SIGNALS:
    void cannedRepliesChanged();
    void siteSettingsChanged();
    void suggestionChanged();
    void notice(const QString &text, bool error);

private:
    bool mayChange();
    template <typename T> void noticeAndRefresh(const T &result);
    void refreshReplyValues();
    void refreshSuggestion();
    void setSuggestion(const QVariantMap &suggestion);

    const ConsoleSignedIn &m_signedIn;
    qint64 m_conversationId = 0;
    QList<chat::CannedReply> m_cannedReplies;
    QList<chat::CannedReply> m_library;    // canned replies, then FAQ answers ("/" list)
    QHash<QString, QString> m_replyValues; // the open conversation's reply variables
    QVariantMap m_siteSettings;
    QVariantMap m_suggestion;
    CoreTasks m_tasks; // last: stops first
};

} // namespace lobby::app
