#include "repliescontroller.h"

#include "api/widget/assistant.h"
#include "chat/chatservice.h"
#include "core.h"

namespace lobby::app {

using namespace lobby::chat;

namespace {

QVariantMap replyMap(const CannedReply &reply)
{
    return {{QStringLiteral("id"), reply.id},
            {QStringLiteral("category"), reply.category},
            {QStringLiteral("title"), reply.title},
            {QStringLiteral("body"), reply.body}};
}

// A suggestion is offered on a looser match than the widget's assistant needs to answer by
// itself: staff read it before it goes anywhere.
constexpr api::widget::AssistantThresholds suggestionThresholds{0.5, 0.25, 0.05};

bool isGuestSide(ActorKind kind)
{
    return kind == ActorKind::Guest || kind == ActorKind::Visitor || kind == ActorKind::Customer;
}

struct Library
{
    QList<CannedReply> canned;
    QList<CannedReply> withFaq;
    QVariantMap settings;
};

} // namespace

RepliesController::RepliesController(Core &core, const ConsoleSignedIn &signedIn, QObject *parent)
    : QObject(parent), m_signedIn(signedIn), m_tasks(core, this)
{}

RepliesController::~RepliesController()
{
    m_tasks.stop();
}

QVariantList RepliesController::cannedReplies() const
{
    QVariantList list;
    for (const CannedReply &reply : m_cannedReplies)
        list << replyMap(reply);
    return list;
}

void RepliesController::refresh()
{
    if (!m_signedIn.id)
        return;
    m_tasks
        .run([siteId = m_signedIn.siteId](CoreRuntime &runtime) {
            ChatService &chat = runtime.chat();
            Library library;
            library.canned = chat.cannedReplies(siteId);
            library.withFaq = library.canned;
            for (const FaqEntry &entry : chat.faqEntries(siteId))
                library.withFaq << CannedReply{-entry.id,      siteId,       tr("FAQ"),
                                               entry.question, entry.answer, entry.createdAt,
                                               entry.createdAt};
            library.settings = ChatService::settingsJson(chat.siteSettings(siteId)).toVariantMap();
            const DeskStatus desk = chat.deskStatus(siteId);
            library.settings.insert(QStringLiteral("open"), desk.open);
            library.settings.insert(QStringLiteral("backAt"), desk.backShort);
            return library;
        })
        .then([this](const Library &library) {
            m_cannedReplies = library.canned;
            m_library = library.withFaq;
            Q_EMIT cannedRepliesChanged();
            if (library.settings != m_siteSettings) {
                m_siteSettings = library.settings;
                Q_EMIT siteSettingsChanged();
            }
            refreshReplyValues(); // {{wifi}} and {{hotel}} may have changed
        });
}

void RepliesController::clear()
{
    m_conversationId = 0;
    m_cannedReplies.clear();
    m_library.clear();
    m_replyValues.clear();
    m_siteSettings.clear();
    Q_EMIT cannedRepliesChanged();
    Q_EMIT siteSettingsChanged();
    setSuggestion({});
}

void RepliesController::setConversation(qint64 conversationId)
{
    m_conversationId = conversationId;
    m_replyValues.clear();
    setSuggestion({});
    refreshReplyValues();
    refreshSuggestion();
}

void RepliesController::refreshReplyValues()
{
    if (!m_signedIn.id)
        return;
    const qint64 conversationId = m_conversationId;
    m_tasks
        .run([siteId = m_signedIn.siteId, conversationId,
              staff = Actor{ActorKind::Staff, m_signedIn.id}](CoreRuntime &runtime) {
            return runtime.chat().replyVariableValues(siteId, conversationId, staff);
        })
        .then([this, conversationId](const QHash<QString, QString> &values) {
            if (conversationId == m_conversationId)
                m_replyValues = values;
        });
}

void RepliesController::refreshSuggestion()
{
    if (!m_signedIn.id || !m_conversationId)
        return;
    const qint64 conversationId = m_conversationId;
    m_tasks
        .run([siteId = m_signedIn.siteId, conversationId](CoreRuntime &runtime) {
            ChatService &chat = runtime.chat();
            QVariantMap suggestion;
            if (!chat.isConversationOfSite(conversationId, siteId))
                return suggestion;
            const MessagePage last = chat.messagePage(conversationId, 0, 1);
            if (last.messages.isEmpty() || !isGuestSide(last.messages.last().sender.kind) ||
                last.messages.last().content.trimmed().isEmpty())
                return suggestion;
            // FAQ entries and canned replies as one index: a canned reply's title and category
            // stand for its question.
            QList<FaqEntry> entries;
            QList<QVariantMap> candidates;
            for (const FaqEntry &entry : chat.faqEntries(siteId)) {
                entries << FaqEntry{qint64(entries.size() + 1), siteId, entry.question,
                                    entry.answer, entry.createdAt};
                candidates << QVariantMap{{QStringLiteral("title"), entry.question},
                                          {QStringLiteral("body"), entry.answer},
                                          {QStringLiteral("source"), QStringLiteral("faq")}};
            }
            for (const CannedReply &reply : chat.cannedReplies(siteId)) {
                entries << FaqEntry{qint64(entries.size() + 1), siteId,
                                    reply.title + u' ' + reply.category, reply.body,
                                    reply.createdAt};
                candidates << QVariantMap{{QStringLiteral("title"), reply.title},
                                          {QStringLiteral("body"), reply.body},
                                          {QStringLiteral("source"), QStringLiteral("canned")}};
            }
            const api::widget::FaqAssistant index(entries, suggestionThresholds);
            const auto reply = index.reply(last.messages.last().content);
            if (reply.kind == api::widget::AssistantReply::Kind::Answer && reply.faqId > 0)
                suggestion = candidates.value(reply.faqId - 1);
            return suggestion;
        })
        .then([this, conversationId](const QVariantMap &suggestion) {
            if (conversationId == m_conversationId)
                setSuggestion(suggestion);
        });
}

void RepliesController::setSuggestion(const QVariantMap &suggestion)
{
    if (suggestion == m_suggestion)
        return;
    m_suggestion = suggestion;
    Q_EMIT suggestionChanged();
}

QVariantList RepliesController::matchReplies(const QString &query) const
{
    QVariantList list;
    for (const CannedReply &reply : matchCannedReplies(m_library, query)) {
        QVariantMap map = replyMap(reply);
        map.insert(QStringLiteral("faq"), reply.id < 0);
        list << map;
    }
    return list;
}

QVariantMap RepliesController::fillReply(const QString &body) const
{
    const FilledReply filled = fillReplyVariables(body, m_replyValues);
    QVariantList unfilled;
    for (const TextRange &range : filled.unfilled)
        unfilled << QVariantMap{{QStringLiteral("start"), range.start},
                                {QStringLiteral("length"), range.length},
                                {QStringLiteral("variable"), range.variable}};
    return {{QStringLiteral("text"), filled.text}, {QStringLiteral("unfilled"), unfilled}};
}

bool RepliesController::mayChange()
{
    if (m_signedIn.admin)
        return true;
    Q_EMIT notice(tr("Only an admin can change settings."), true);
    return false;
}

template <typename T> void RepliesController::noticeAndRefresh(const T &result)
{
    Q_EMIT notice(result ? tr("Saved.") : result.error().message, !result);
    refresh();
}

void RepliesController::addCannedReply(const QString &category, const QString &title,
                                       const QString &body)
{
    if (!mayChange())
        return;
    m_tasks
        .run([siteId = m_signedIn.siteId, change = CannedReplyChange{category, title, body}](
                 CoreRuntime &runtime) { return runtime.chat().addCannedReply(siteId, change); })
        .then([this](const Result<CannedReply> &result) { noticeAndRefresh(result); });
}

void RepliesController::updateCannedReply(qint64 replyId, const QString &category,
                                          const QString &title, const QString &body)
{
    if (!mayChange())
        return;
    m_tasks
        .run([siteId = m_signedIn.siteId, replyId,
              change = CannedReplyChange{category, title, body}](CoreRuntime &runtime) {
            return runtime.chat().updateCannedReply(siteId, replyId, change);
        })
        .then([this](const Result<CannedReply> &result) { noticeAndRefresh(result); });
}

void RepliesController::removeCannedReply(qint64 replyId)
{
    if (!mayChange())
        return;
    m_tasks
        .run([siteId = m_signedIn.siteId, replyId](CoreRuntime &runtime) {
            return runtime.chat().removeCannedReply(siteId, replyId);
        })
        .then([this](const Result<bool> &result) { noticeAndRefresh(result); });
}

void RepliesController::updateSiteSettings(const QVariantMap &changes)
{
    if (!mayChange())
        return;
    m_tasks
        .run([siteId = m_signedIn.siteId, json = QJsonObject::fromVariantMap(changes)](
                 CoreRuntime &runtime) { return runtime.chat().updateSiteSettings(siteId, json); })
        .then([this](const Result<SiteSettings> &result) { noticeAndRefresh(result); });
}

} // namespace lobby::app
