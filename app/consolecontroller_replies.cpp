// The console's canned replies, site settings (texts, hours, night desk), reply variables and
// suggested answers. Reads and writes run in the core thread like the rest of the controller.
#include "consolecontroller.h"
#include "consolecontroller_p.h"

#include "api/widget/assistant.h"
#include "core.h"

#include <QJsonDocument>

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

} // namespace

QVariantList ConsoleController::cannedReplies() const
{
    QVariantList list;
    for (const CannedReply &reply : m_cannedReplies)
        list << replyMap(reply);
    return list;
}

void ConsoleController::refreshReplies()
{
    if (!signedIn())
        return;
    const qint64 siteId = m_staff.siteId;
    inCore([this, siteId](CoreRuntime &runtime) {
        ChatService &chat = runtime.chat();
        const QList<CannedReply> canned = chat.cannedReplies(siteId);
        QList<CannedReply> library = canned;
        for (const FaqEntry &entry : chat.faqEntries(siteId))
            library << CannedReply{-entry.id,    siteId,          tr("FAQ"),      entry.question,
                                   entry.answer, entry.createdAt, entry.createdAt};
        QVariantMap settings = ChatService::settingsJson(chat.siteSettings(siteId)).toVariantMap();
        const DeskStatus desk = chat.deskStatus(siteId);
        settings.insert(QStringLiteral("open"), desk.open);
        settings.insert(QStringLiteral("backAt"), desk.backShort);
        QMetaObject::invokeMethod(this, [this, canned, library, settings] {
            m_cannedReplies = canned;
            m_library = library;
            Q_EMIT cannedRepliesChanged();
            if (settings != m_siteSettings) {
                m_siteSettings = settings;
                Q_EMIT siteSettingsChanged();
            }
            refreshReplyValues(); // {{wifi}} and {{hotel}} may have changed
        });
    });
}

void ConsoleController::refreshReplyValues()
{
    if (!signedIn())
        return;
    const qint64 siteId = m_staff.siteId;
    const qint64 conversationId = m_current;
    const Actor staff{ActorKind::Staff, m_staff.id};
    inCore([this, siteId, conversationId, staff](CoreRuntime &runtime) {
        const auto values = runtime.chat().replyVariableValues(siteId, conversationId, staff);
        QMetaObject::invokeMethod(this, [this, values, conversationId] {
            if (conversationId == m_current)
                m_replyValues = values;
        });
    });
}

void ConsoleController::refreshSuggestion()
{
    if (!signedIn() || !m_current)
        return;
    const qint64 siteId = m_staff.siteId;
    const qint64 conversationId = m_current;
    inCore([this, siteId, conversationId](CoreRuntime &runtime) {
        ChatService &chat = runtime.chat();
        const MessagePage last = chat.messagePage(conversationId, 0, 1);
        QVariantMap suggestion;
        if (!last.messages.isEmpty() && isGuestSide(last.messages.last().sender.kind) &&
            !last.messages.last().content.trimmed().isEmpty()) {
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
        }
        QMetaObject::invokeMethod(this, [this, suggestion, conversationId] {
            if (conversationId == m_current)
                setSuggestion(suggestion);
        });
    });
}

void ConsoleController::setSuggestion(const QVariantMap &suggestion)
{
    if (suggestion == m_suggestion)
        return;
    m_suggestion = suggestion;
    Q_EMIT suggestionChanged();
}

QVariantList ConsoleController::matchReplies(const QString &query) const
{
    QVariantList list;
    for (const CannedReply &reply : matchCannedReplies(m_library, query)) {
        QVariantMap map = replyMap(reply);
        map.insert(QStringLiteral("faq"), reply.id < 0);
        list << map;
    }
    return list;
}

QVariantMap ConsoleController::fillReply(const QString &body) const
{
    const FilledReply filled = fillReplyVariables(body, m_replyValues);
    QVariantList unfilled;
    for (const TextRange &range : filled.unfilled)
        unfilled << QVariantMap{{QStringLiteral("start"), range.start},
                                {QStringLiteral("length"), range.length},
                                {QStringLiteral("variable"), range.variable}};
    return {{QStringLiteral("text"), filled.text}, {QStringLiteral("unfilled"), unfilled}};
}

// Runs an admin's change of the library or the settings in the core thread, then reads both
// again; a refusal is told as a notice.
#define REPLIES_CHANGE(CALL)                                                                       \
    do {                                                                                           \
        if (!m_staff.admin) {                                                                      \
            Q_EMIT notice(tr("Only an admin can change settings."), true);                         \
            return;                                                                                \
        }                                                                                          \
        const qint64 siteId = m_staff.siteId;                                                      \
        inCore([=, this](CoreRuntime &runtime) {                                                   \
            ChatService &chat = runtime.chat();                                                    \
            const auto result = CALL;                                                              \
            const Error error = result ? Error{} : result.error();                                 \
            QMetaObject::invokeMethod(this, [this, error] {                                        \
                if (error.code != ErrorCode::None)                                                 \
                    report(error);                                                                 \
                else                                                                               \
                    Q_EMIT notice(tr("Saved."), false);                                            \
                refreshReplies();                                                                  \
            });                                                                                    \
        });                                                                                        \
    } while (false)

void ConsoleController::addCannedReply(const QString &category, const QString &title,
                                       const QString &body)
{
    REPLIES_CHANGE(chat.addCannedReply(siteId, {category, title, body}));
}

void ConsoleController::updateCannedReply(qint64 replyId, const QString &category,
                                          const QString &title, const QString &body)
{
    REPLIES_CHANGE(chat.updateCannedReply(siteId, replyId, {category, title, body}));
}

void ConsoleController::removeCannedReply(qint64 replyId)
{
    REPLIES_CHANGE(chat.removeCannedReply(siteId, replyId));
}

void ConsoleController::updateSiteSettings(const QVariantMap &changes)
{
    const QJsonObject json = QJsonObject::fromVariantMap(changes);
    REPLIES_CHANGE(chat.updateSiteSettings(siteId, json));
}

} // namespace lobby::app
