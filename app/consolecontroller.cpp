#include "consolecontroller.h"

#include "api/v1/uploads.h"
#include "auth/crypto.h"
#include "auth/login.h"
#include "core.h"
#include "lobbyserver.h"
#include "ui/eventbatcher.h"

#include <QClipboard>
#include <QDesktopServices>
#include <QFile>
#include <QFileInfo>
#include <QGuiApplication>
#include <QUrl>

#include <limits>

namespace lobby::app {

using namespace lobby::chat;

namespace {

// The APIs' login rule with the console's own lockout: 5 failures in 15 minutes lock the name
// for 5 minutes. The console has no client address: that scope never locks it.
auth::LoginPolicy consoleLoginPolicy()
{
    auth::LoginPolicy policy;
    policy.perIdentifier = {5, 15 * 60, 5 * 60};
    policy.perAddress = {std::numeric_limits<int>::max(), 15 * 60, 0};
    return policy;
}

} // namespace

ConsoleController::ConsoleController(Core &core, const QString &serverUrl, const QString &publicUrl,
                                     QObject *parent)
    : QObject(parent), m_core(core), m_serverUrl(serverUrl), m_publicUrl(publicUrl),
      m_inbox(std::make_unique<ui::ConversationListModel>()),
      m_conversations(std::make_unique<ui::ConversationFilterModel>()),
      m_messages(std::make_unique<ui::MessageListModel>()),
      m_settings(std::make_unique<SettingsController>(core, m_staff, publicUrl)),
      m_replies(std::make_unique<RepliesController>(core, m_staff)), m_tasks(core, this)
{
    connect(m_settings.get(), &SettingsController::notice, this, &ConsoleController::notice);
    connect(m_replies.get(), &RepliesController::notice, this, &ConsoleController::notice);
    connect(&m_typing, &TypingThrottle::typingChanged, this, &ConsoleController::setTyping);
    qRegisterMetaType<MessagePage>();
    m_conversations->setSourceModel(m_inbox.get());
    m_messages->setPageLoader([this](qint64 conversationId, qint64 beforeId, int limit) {
        const qint64 siteId = m_staff.siteId;
        m_tasks
            .run([conversationId, beforeId, limit, siteId](CoreRuntime &runtime) {
                ChatService &chat = runtime.chat();
                return chat.isConversationOfSite(conversationId, siteId)
                           ? std::optional(chat.messagePage(conversationId, beforeId, limit))
                           : std::nullopt;
            })
            .then([this](const std::optional<MessagePage> &page) {
                if (page)
                    m_messages->addPage(*page);
            });
    });
    connect(m_messages.get(), &ui::MessageListModel::incomingMessages, this,
            [this](qint64 conversationId, qint64 newestId) {
                if (conversationId == m_current && m_windowActive)
                    markCurrentRead(newestId);
            });
    connect(m_messages.get(), &ui::MessageListModel::countChanged, this, [this] {
        // The first page of the open conversation: it is read now.
        if (m_messages->conversationId() == m_current && m_windowActive)
            markCurrentRead(m_messages->newestId());
    });

    m_connectionPoll.setInterval(2000);
    connect(&m_connectionPoll, &QTimer::timeout, this, [this] {
        m_tasks.run([](CoreRuntime &runtime) { return runtime.server().http().openConnections(); })
            .then([this](int open) {
                if (open != m_openConnections) {
                    m_openConnections = open;
                    Q_EMIT openConnectionsChanged();
                }
            });
    });
    m_connectionPoll.start();
}

ConsoleController::~ConsoleController()
{
    // After this, no core task calls back into this object.
    m_tasks.stop();
    ui::EventBatcher *batcher = nullptr;
    m_core.runBlocking([this, &batcher](CoreRuntime &) {
        batcher = m_batcher;
        m_batcher = nullptr;
        delete batcher;
    });
}

QVariantMap ConsoleController::staff() const
{
    return {{QStringLiteral("id"), m_staff.id},
            {QStringLiteral("name"), m_staff.name},
            {QStringLiteral("email"), m_staff.email},
            {QStringLiteral("jobTitle"), m_staff.jobTitle},
            {QStringLiteral("admin"), m_staff.admin}};
}

QVariantMap ConsoleController::site() const
{
    return {{QStringLiteral("id"), m_staff.siteId},
            {QStringLiteral("name"), m_staff.siteName},
            {QStringLiteral("slug"), m_staff.siteSlug}};
}

void ConsoleController::setBusy(bool busy)
{
    if (busy == m_busy)
        return;
    m_busy = busy;
    Q_EMIT busyChanged();
}

void ConsoleController::report(const Error &error)
{
    if (error.code != ErrorCode::None)
        Q_EMIT notice(error.message, true);
}

// ---- signing in

void ConsoleController::signIn(const QString &email, const QString &password)
{
    if (m_busy || signedIn())
        return;
    setBusy(true);
    m_tasks
        .run([email, password](CoreRuntime &runtime) {
            ChatService &chat = runtime.chat();
            const auth::LoginOutcome outcome =
                auth::attemptLogin(chat, auth::LoginName::Email, email, password,
                                   AccountKind::Staff, QHostAddress(), consoleLoginPolicy());
            return std::make_pair(
                outcome, outcome.account ? chat.consoleSession(outcome.account->id) : std::nullopt);
        })
        .then([this](const std::pair<auth::LoginOutcome, std::optional<ConsoleSession>> &result) {
            const auto &[outcome, session] = result;
            setBusy(false);
            if (outcome.status == 429) {
                const int minutes = int((outcome.retryAfterSeconds + 59) / 60);
                m_signInError =
                    minutes == 1 ? tr("Too many attempts. Try again in 1 minute.")
                                 : tr("Too many attempts. Try again in %1 minutes.").arg(minutes);
            } else {
                m_signInError = session ? QString() : tr("Wrong email or password.");
            }
            Q_EMIT signInErrorChanged();
            if (session)
                startSession(*session);
        });
}

void ConsoleController::signInWithoutPassword(const QString &email)
{
    m_tasks
        .run([email](CoreRuntime &runtime) { return runtime.chat().consoleSessionByEmail(email); })
        .then([this](const std::optional<ConsoleSession> &session) {
            if (session)
                startSession(*session);
        });
}

void ConsoleController::startSession(const ConsoleSession &session)
{
    const Account &account = session.account;
    const Site &site = session.site;
    m_staff = {account.id,    site.id,          account.name,
               account.email, account.jobTitle, account.role == StaffRole::Admin,
               site.name,     site.slug};
    const Actor viewer = account.actor();
    m_messages->setViewer(viewer);
    m_conversations->setViewerId(account.id);
    struct Snapshot
    {
        QList<ConversationSummary> conversations;
        ConsolePresence presence;
    };
    m_tasks
        .run([this, viewer, siteId = site.id](CoreRuntime &runtime) {
            ChatService &chat = runtime.chat();
            // Subscribe before the snapshot: later events are applied on top of it idempotently.
            if (!m_batcher) {
                m_batcher = new ui::EventBatcher(50, &runtime);
                QObject::connect(&chat, &ChatService::event, m_batcher, &ui::EventBatcher::add);
                QObject::connect(m_batcher, &ui::EventBatcher::batchReady, m_inbox.get(),
                                 &ui::ConversationListModel::applyEvents);
                QObject::connect(m_batcher, &ui::EventBatcher::batchReady, m_messages.get(),
                                 &ui::MessageListModel::applyEvents);
                QObject::connect(m_batcher, &ui::EventBatcher::batchReady, this,
                                 &ConsoleController::onEvents);
            }
            Snapshot snapshot{chat.conversationSummaries(siteId, viewer), {}};
            QList<qint64> ids;
            for (const ConversationSummary &summary : snapshot.conversations)
                ids << summary.conversation.id;
            snapshot.presence = chat.consolePresence(ids);
            return snapshot;
        })
        .then([this, viewer, siteId = site.id](const Snapshot &snapshot) {
            m_inbox->setViewer(siteId, viewer);
            m_inbox->resetConversations(snapshot.conversations);
            m_inbox->setPresence(snapshot.presence.counterparts, snapshot.presence.online);
            Q_EMIT signedInChanged();
            m_settings->refresh();
            m_replies->refresh();
            refreshMediaToken();
            refreshWorkflow();
        });
}

void ConsoleController::signOut()
{
    if (!signedIn())
        return;
    m_typing.reset();
    setTyping(false);
    m_tasks.run([this](CoreRuntime &) {
        delete m_batcher;
        m_batcher = nullptr;
    });
    m_staff = {};
    m_current = 0;
    m_details.clear();
    m_messages->open(0);
    m_inbox->setViewer(0, {});
    m_inbox->resetConversations({});
    m_conversations->setSearchText({});
    m_settings->clear();
    m_replies->clear();
    Q_EMIT currentChanged();
    Q_EMIT detailsChanged();
    Q_EMIT signedInChanged();
}

void ConsoleController::setWindowActive(bool active)
{
    m_windowActive = active;
    if (active && m_current && m_messages->conversationId() == m_current)
        markCurrentRead(m_messages->newestId());
}

// ---- the inbox and the open conversation

void ConsoleController::onEvents(const DomainEvents &events)
{
    bool detailsStale = false;
    for (const DomainEvent &event : events) {
        if (event.siteId != m_staff.siteId)
            continue;
        if (event.kind == DomainEvent::Kind::MessagePosted &&
            (event.message.sender.kind == ActorKind::Guest ||
             event.message.sender.kind == ActorKind::Visitor ||
             event.message.sender.kind == ActorKind::Customer)) {
            const QString title = ui::ConversationListModel::displayTitle(event.conversation);
            Q_EMIT incomingMessage(event.conversationId, title,
                                   event.conversation.lastMessagePreview, m_windowActive);
        }
        if (event.kind == DomainEvent::Kind::MessagePosted && event.conversationId == m_current)
            m_replies->messagePosted();
        onWorkflowEvent(event);
        if (event.conversationId == m_current || event.kind == DomainEvent::Kind::PresenceChanged)
            detailsStale = detailsStale || event.kind == DomainEvent::Kind::ConversationUpdated ||
                           event.kind == DomainEvent::Kind::StatusChanged ||
                           event.kind == DomainEvent::Kind::ParticipantJoined ||
                           event.kind == DomainEvent::Kind::ParticipantLeft ||
                           event.kind == DomainEvent::Kind::PresenceChanged;
    }
    if (detailsStale)
        refreshDetails();
}

void ConsoleController::selectConversation(qint64 conversationId)
{
    if (conversationId == m_current)
        return;
    m_typing.reset();
    setTyping(false);
    m_current = conversationId;
    refreshMediaToken(); // access tokens expire: a fresh one per conversation opened
    m_details.clear();
    Q_EMIT currentChanged();
    Q_EMIT detailsChanged();
    m_messages->open(conversationId);
    m_replies->setConversation(conversationId);
    refreshDetails();
    m_notes.clear();
    Q_EMIT notesChanged();
    refreshWorkflow();
}

void ConsoleController::markCurrentRead(qint64 upToId)
{
    if (!upToId || !m_current || !signedIn())
        return;
    const qint64 conversationId = m_current;
    const Actor viewer{ActorKind::Staff, m_staff.id};
    m_tasks.run([conversationId, viewer, upToId](CoreRuntime &runtime) {
        runtime.chat().markRead(conversationId, viewer, upToId);
    });
}

void ConsoleController::refreshDetails()
{
    if (!m_current)
        return;
    const qint64 conversationId = m_current;
    const qint64 siteId = m_staff.siteId;
    m_tasks
        .run([conversationId, siteId](CoreRuntime &runtime) {
            return runtime.chat().conversationDetails(siteId, conversationId);
        })
        .then([this, conversationId](const std::optional<ConversationDetails> &details) {
            if (!details || conversationId != m_current)
                return;
            QVariantList participants;
            for (const ParticipantInfo &p : details->participants)
                participants.append(
                    QVariantMap{{QStringLiteral("name"), p.name},
                                {QStringLiteral("kind"), wireName(p.participant.actor.kind)},
                                {QStringLiteral("online"), p.online},
                                {QStringLiteral("active"), p.participant.active}});
            QVariantList visitorInfo;
            for (auto it = details->visitorInfo.constBegin(); it != details->visitorInfo.constEnd();
                 ++it) {
                const QString value = it.value().isString() ? it.value().toString()
                                                            : it.value().toVariant().toString();
                if (!value.isEmpty())
                    visitorInfo.append(QVariantMap{{QStringLiteral("key"), it.key()},
                                                   {QStringLiteral("value"), value}});
            }
            const Conversation &c = details->conversation;
            const QVariantMap map{
                {QStringLiteral("id"), c.id},
                {QStringLiteral("title"), c.title},
                {QStringLiteral("displayTitle"), ui::ConversationListModel::displayTitle(c)},
                {QStringLiteral("channelLabel"), ui::ConversationListModel::channelLabel(c.kind)},
                {QStringLiteral("kind"), wireName(c.kind)},
                {QStringLiteral("archived"), c.archived},
                {QStringLiteral("status"), wireName(c.status)},
                {QStringLiteral("snoozedUntil"), c.snoozedUntil},
                {QStringLiteral("waitingSince"), c.waitingSince},
                {QStringLiteral("handlerId"), c.handlerAccountId},
                {QStringLiteral("handlerName"), details->handlerName},
                {QStringLiteral("roomNumber"), details->roomNumber},
                {QStringLiteral("createdAt"), c.createdAt},
                {QStringLiteral("visitorId"), details->visitorId},
                {QStringLiteral("visitorInfo"), visitorInfo},
                {QStringLiteral("guestExpiresAt"), details->guestSessionExpiresAt},
                {QStringLiteral("guestEndedAt"), details->guestSessionEndedAt},
                {QStringLiteral("participants"), participants}};
            m_details = map;
            Q_EMIT detailsChanged();
        });
}

void ConsoleController::sendMessage(const QString &text, qint64 replyToId)
{
    if (!signedIn() || !m_current || text.trimmed().isEmpty())
        return;
    m_typing.reset(); // the posted message ends typing
    const qint64 conversationId = m_current;
    const Actor sender{ActorKind::Staff, m_staff.id};
    MessageDraft draft;
    draft.content = text.trimmed();
    draft.replyToId = replyToId;
    draft.clientId = auth::randomToken(12);
    m_tasks
        .run([conversationId, sender, draft](CoreRuntime &runtime) {
            const auto posted = runtime.chat().postMessage(conversationId, sender, draft);
            return posted ? Error{} : posted.error();
        })
        .then([this](const Error &error) { report(error); });
}

void ConsoleController::attachFile(const QUrl &file, const QString &caption)
{
    namespace uploads = api::v1::uploads;
    const QString path = file.toLocalFile();
    if (!signedIn() || !m_current || path.isEmpty())
        return;
    const qint64 conversationId = m_current;
    const qint64 siteId = m_staff.siteId;
    const Actor sender{ActorKind::Staff, m_staff.id};
    m_tasks
        .run([conversationId, siteId, sender, path, caption](CoreRuntime &runtime) -> Error {
            const qint64 limit = runtime.maxUploadBytes();
            QFile in(path);
            const QByteArray data =
                in.open(QIODevice::ReadOnly) ? in.read(limit + 1) : QByteArray();
            const uploads::StoredUpload stored =
                uploads::storeUpload(runtime.chat(), runtime.uploadsDir(), limit, siteId, sender,
                                     QFileInfo(path).fileName(), data);
            QString problem;
            switch (stored.error) {
            case uploads::StoreError::None:
                break;
            case uploads::StoreError::Empty:
                problem = tr("The file is empty or cannot be read.");
                break;
            case uploads::StoreError::TooLarge:
                problem = tr("The file is larger than %1 MB.").arg(limit >> 20);
                break;
            case uploads::StoreError::UnsupportedType:
                problem = tr("Only images, audio and PDF files can be sent.");
                break;
            case uploads::StoreError::Undecodable:
                problem = tr("The image cannot be read.");
                break;
            case uploads::StoreError::Storage:
                problem = tr("The file could not be stored.");
                break;
            }
            if (!problem.isEmpty())
                return {ErrorCode::Invalid, problem};
            MessageDraft draft;
            draft.type = uploads::messageTypeOf(stored.upload);
            draft.mediaUrl = uploads::fileUrl(stored.upload.storedName);
            draft.content = caption.trimmed();
            draft.clientId = auth::randomToken(12);
            const auto posted = runtime.chat().postMessage(conversationId, sender, draft);
            return posted ? Error{} : posted.error();
        })
        .then([this](const Error &error) { report(error); });
}

void ConsoleController::refreshMediaToken()
{
    const qint64 staffId = m_staff.id;
    m_tasks
        .run([staffId](CoreRuntime &runtime) -> std::optional<QString> {
            const auto session = runtime.chat().consoleSession(staffId);
            if (!session)
                return std::nullopt;
            return runtime.server().tokens().issue(session->account).access;
        })
        .then([this](const std::optional<QString> &token) {
            if (!token)
                return;
            m_mediaToken = *token;
            m_messages->setMediaAccess(m_serverUrl, m_mediaToken);
            Q_EMIT mediaTokenChanged();
        });
}

void ConsoleController::noteTyping()
{
    if (signedIn() && m_current)
        m_typing.keystroke();
}

void ConsoleController::setTyping(bool typing)
{
    if (!signedIn() || !m_current)
        return;
    const qint64 conversationId = m_current;
    const Actor actor{ActorKind::Staff, m_staff.id};
    m_tasks.run([conversationId, actor, typing](CoreRuntime &runtime) {
        runtime.chat().setTyping(conversationId, actor, typing);
    });
}

void ConsoleController::search(const QString &text)
{
    m_conversations->setSearchText(text);
    if (text.trimmed().isEmpty() || !signedIn())
        return;
    const qint64 siteId = m_staff.siteId;
    m_tasks
        .run([siteId, text](CoreRuntime &runtime) {
            return runtime.chat().searchConversations(siteId, text);
        })
        .then([this, text](const QList<qint64> &ids) {
            m_conversations->setSearchMatches(text, ids);
        });
}

void ConsoleController::setFilter(ui::ConversationFilterModel::Filter filter)
{
    if (filter >= ui::ConversationFilterModel::All &&
        filter <= ui::ConversationFilterModel::Resolved)
        m_conversations->setFilter(filter);
}

void ConsoleController::takeOver()
{
    assignTo(m_staff.id);
}

void ConsoleController::assignTo(qint64 staffAccountId)
{
    if (!signedIn() || !m_current)
        return;
    const qint64 conversationId = m_current;
    m_tasks
        .run([conversationId, staffAccountId](CoreRuntime &runtime) {
            const auto result = runtime.chat().assignHandler(conversationId, staffAccountId);
            return result ? Error{} : result.error();
        })
        .then([this](const Error &error) { report(error); });
}

void ConsoleController::setArchived(bool archived)
{
    if (!signedIn() || !m_current)
        return;
    const qint64 conversationId = m_current;
    m_tasks
        .run([conversationId, archived](CoreRuntime &runtime) {
            const auto result = runtime.chat().setArchived(conversationId, archived);
            return result ? Error{} : result.error();
        })
        .then([this](const Error &error) { report(error); });
}

void ConsoleController::copyToClipboard(const QString &text)
{
    QGuiApplication::clipboard()->setText(text);
    Q_EMIT notice(tr("Copied."), false);
}

void ConsoleController::openUrl(const QString &url) const
{
    QDesktopServices::openUrl(QUrl::fromUserInput(url));
}

QString ConsoleController::formatRelative(const QDateTime &at, const QDateTime &) const
{
    if (!at.isValid())
        return {};
    const QDateTime now = QDateTime::currentDateTime();
    const qint64 seconds = at.secsTo(now);
    if (seconds < 60)
        return tr("just now");
    if (seconds < 3600)
        return tr("%1 min ago").arg(seconds / 60);
    const QDateTime local = at.toLocalTime();
    if (local.date() == now.date())
        return local.toString(QStringLiteral("HH:mm"));
    if (local.date().addDays(1) == now.date())
        return tr("yesterday");
    if (local.date().daysTo(now.date()) < 7)
        return local.toString(QStringLiteral("ddd"));
    return local.toString(QStringLiteral("d MMM"));
}

} // namespace lobby::app
