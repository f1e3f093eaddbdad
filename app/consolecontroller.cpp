#include "consolecontroller.h"

#include "api/v1/uploads.h"
#include "auth/crypto.h"
#include "auth/passwords.h"
#include "core.h"
#include "lobbyserver.h"
#include "qrcode.h"
#include "store/store.h"
#include "ui/conversationfiltermodel.h"
#include "ui/conversationlistmodel.h"
#include "ui/eventbatcher.h"
#include "ui/messagelistmodel.h"
#include "ui/recordlistmodel.h"

#include <QClipboard>
#include <QDesktopServices>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QGuiApplication>
#include <QRandomGenerator>
#include <QStandardPaths>
#include <QUrl>

namespace lobby::app {

using namespace lobby::chat;

namespace {

const LockoutPolicy signInPolicy{5, 15 * 60, 5 * 60};

QString signInScope(const QString &email)
{
    return QStringLiteral("console-login:") + email.trimmed().toLower();
}

const QStringList fixedReplies = {
    QStringLiteral("Hello! How can I help you today?"),
    QStringLiteral("One moment please, I'll check that for you."),
    QStringLiteral("Done! Is there anything else I can do for you?"),
    QStringLiteral("You're welcome, enjoy your stay!"),
};

} // namespace

ConsoleController::ConsoleController(Core &core, const QString &serverUrl, const QString &publicUrl,
                                     QObject *parent)
    : QObject(parent), m_core(core), m_serverUrl(serverUrl), m_publicUrl(publicUrl),
      m_inbox(std::make_unique<ui::ConversationListModel>()),
      m_conversations(std::make_unique<ui::ConversationFilterModel>()),
      m_messages(std::make_unique<ui::MessageListModel>()),
      m_rooms(std::make_unique<ui::RecordListModel>(
          QList<QByteArray>{"id", "number", "createdAt", "guestUrl"})),
      m_apiKeys(std::make_unique<ui::RecordListModel>(
          QList<QByteArray>{"id", "label", "prefix", "createdAt", "revoked"})),
      m_staffAccounts(std::make_unique<ui::RecordListModel>(
          QList<QByteArray>{"id", "name", "email", "jobTitle", "admin"})),
      m_faq(std::make_unique<ui::RecordListModel>(QList<QByteArray>{"id", "question", "answer"}))
{
    qRegisterMetaType<MessagePage>();
    m_conversations->setSourceModel(m_inbox.get());
    m_messages->setPageLoader([this](qint64 conversationId, qint64 beforeId, int limit) {
        const qint64 siteId = m_staff.siteId;
        inCore([this, conversationId, beforeId, limit, siteId](CoreRuntime &runtime) {
            const auto conversation = runtime.chat().store().conversationById(conversationId);
            if (!conversation || conversation->siteId != siteId)
                return;
            const MessagePage page = runtime.chat().messagePage(conversationId, beforeId, limit);
            QMetaObject::invokeMethod(this, [this, page] { m_messages->addPage(page); });
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
        inCore([this](CoreRuntime &runtime) {
            const int open = runtime.server().http().openConnections();
            QMetaObject::invokeMethod(this, [this, open] {
                if (open != m_openConnections) {
                    m_openConnections = open;
                    Q_EMIT openConnectionsChanged();
                }
            });
        });
    });
    m_connectionPoll.start();
}

ConsoleController::~ConsoleController()
{
    // After this, no core task calls back into this object: tasks check the flag first, and
    // the one that may be running now has finished when runBlocking returns.
    *m_alive = false;
    ui::EventBatcher *batcher = nullptr;
    m_core.runBlocking([this, &batcher](CoreRuntime &) {
        batcher = m_batcher;
        m_batcher = nullptr;
        delete batcher;
    });
}

template <typename Work> void ConsoleController::inCore(Work work)
{
    std::shared_ptr<std::atomic_bool> alive = m_alive;
    m_core.post([alive, work = std::move(work)](CoreRuntime &runtime) mutable {
        if (*alive)
            work(runtime);
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

QObject *ConsoleController::inbox() const
{
    return m_inbox.get();
}
QObject *ConsoleController::conversations() const
{
    return m_conversations.get();
}
QObject *ConsoleController::messages() const
{
    return m_messages.get();
}
QObject *ConsoleController::rooms() const
{
    return m_rooms.get();
}
QObject *ConsoleController::apiKeys() const
{
    return m_apiKeys.get();
}
QObject *ConsoleController::staffAccounts() const
{
    return m_staffAccounts.get();
}
QObject *ConsoleController::faq() const
{
    return m_faq.get();
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
    Q_EMIT notice(error.message, true);
}

// ---- signing in

void ConsoleController::signIn(const QString &email, const QString &password)
{
    if (m_busy || signedIn())
        return;
    setBusy(true);
    inCore([this, email, password](CoreRuntime &runtime) {
        ChatService &chat = runtime.chat();
        const QString scope = signInScope(email);
        QString failure;
        std::optional<Account> account;
        std::optional<Site> site;
        const LockoutState lock = chat.lockoutState(scope);
        if (lock.locked) {
            const int minutes = int((lock.retryAfterSeconds + 59) / 60);
            failure = minutes == 1 ? tr("Too many attempts. Try again in 1 minute.")
                                   : tr("Too many attempts. Try again in %1 minutes.").arg(minutes);
        } else {
            account = chat.store().accountByEmail(email.trimmed().toLower());
            // Unknown accounts are checked against a decoy so both take the same time.
            const bool passwordOk = auth::verifyPassword(
                account ? account->passwordHash : auth::decoyPasswordHash(), password);
            if (!account || !passwordOk || account->kind != AccountKind::Staff) {
                chat.recordAuthFailure(scope, signInPolicy);
                failure = tr("Wrong email or password.");
                account.reset();
            } else {
                chat.clearAuthFailures(scope);
                site = chat.store().siteById(account->siteId);
            }
        }
        QMetaObject::invokeMethod(this, [this, failure, account, site] {
            setBusy(false);
            m_signInError = failure;
            Q_EMIT signInErrorChanged();
            if (account && site)
                startSession(*account, *site);
        });
    });
}

void ConsoleController::signInWithoutPassword(const QString &email)
{
    inCore([this, email](CoreRuntime &runtime) {
        const auto account = runtime.chat().store().accountByEmail(email);
        const auto site = account ? runtime.chat().store().siteById(account->siteId) : std::nullopt;
        if (!account || !site || account->kind != AccountKind::Staff)
            return;
        QMetaObject::invokeMethod(this, [this, account, site] { startSession(*account, *site); });
    });
}

void ConsoleController::startSession(const Account &account, const Site &site)
{
    m_staff = {account.id,    site.id,          account.name,
               account.email, account.jobTitle, account.role == StaffRole::Admin,
               site.name,     site.slug};
    const Actor viewer = account.actor();
    m_messages->setViewer(viewer);
    m_conversations->setViewerId(account.id);
    inCore([this, viewer, siteId = site.id](CoreRuntime &runtime) {
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
        const QList<ConversationSummary> snapshot = chat.conversationSummaries(siteId, viewer);
        QHash<qint64, QList<Actor>> counterparts;
        QList<Actor> online;
        for (const ConversationSummary &summary : snapshot) {
            for (const Participant &p : chat.store().participants(summary.conversation.id)) {
                if (p.actor.kind != ActorKind::Guest && p.actor.kind != ActorKind::Visitor &&
                    p.actor.kind != ActorKind::Customer)
                    continue;
                counterparts[summary.conversation.id].append(p.actor);
                if (chat.isOnline(p.actor) && !online.contains(p.actor))
                    online.append(p.actor);
            }
        }
        QMetaObject::invokeMethod(this, [this, viewer, siteId, snapshot, counterparts, online] {
            m_inbox->setViewer(siteId, viewer);
            m_inbox->resetConversations(snapshot);
            m_inbox->setPresence(counterparts, online);
            Q_EMIT signedInChanged();
            refreshSettings();
            refreshMediaToken();
            refreshWorkflow();
        });
    });
}

void ConsoleController::signOut()
{
    if (!signedIn())
        return;
    setTyping(false);
    inCore([this](CoreRuntime &) {
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
    m_webhook.clear();
    setWebhookError({});
    Q_EMIT currentChanged();
    Q_EMIT detailsChanged();
    Q_EMIT webhookChanged();
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
            const QString title = event.conversation.title.isEmpty() ? tr("Website visitor")
                                                                     : event.conversation.title;
            Q_EMIT incomingMessage(event.conversationId, title,
                                   event.conversation.lastMessagePreview, m_windowActive);
        }
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
    setTyping(false);
    m_current = conversationId;
    refreshMediaToken(); // access tokens expire: a fresh one per conversation opened
    m_details.clear();
    Q_EMIT currentChanged();
    Q_EMIT detailsChanged();
    m_messages->open(conversationId);
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
    inCore([conversationId, viewer, upToId](CoreRuntime &runtime) {
        runtime.chat().markRead(conversationId, viewer, upToId);
    });
}

void ConsoleController::refreshDetails()
{
    if (!m_current)
        return;
    const qint64 conversationId = m_current;
    const qint64 siteId = m_staff.siteId;
    inCore([this, conversationId, siteId](CoreRuntime &runtime) {
        const auto details = runtime.chat().conversationDetails(siteId, conversationId);
        if (!details)
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
            const QString value =
                it.value().isString() ? it.value().toString() : it.value().toVariant().toString();
            if (!value.isEmpty())
                visitorInfo.append(QVariantMap{{QStringLiteral("key"), it.key()},
                                               {QStringLiteral("value"), value}});
        }
        const Conversation &c = details->conversation;
        const QVariantMap map{{QStringLiteral("id"), c.id},
                              {QStringLiteral("title"), c.title},
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
        QMetaObject::invokeMethod(this, [this, map, conversationId] {
            if (conversationId != m_current)
                return;
            m_details = map;
            Q_EMIT detailsChanged();
        });
    });
}

void ConsoleController::sendMessage(const QString &text, qint64 replyToId)
{
    if (!signedIn() || !m_current || text.trimmed().isEmpty())
        return;
    const qint64 conversationId = m_current;
    const Actor sender{ActorKind::Staff, m_staff.id};
    MessageDraft draft;
    draft.content = text.trimmed();
    draft.replyToId = replyToId;
    draft.clientId = auth::randomToken(12);
    inCore([this, conversationId, sender, draft](CoreRuntime &runtime) {
        const auto posted = runtime.chat().postMessage(conversationId, sender, draft);
        if (!posted) {
            const Error error = posted.error();
            QMetaObject::invokeMethod(this, [this, error] { report(error); });
        }
    });
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
    inCore([this, conversationId, siteId, sender, path, caption](CoreRuntime &runtime) {
        const qint64 limit = runtime.maxUploadBytes();
        QFile in(path);
        const QByteArray data = in.open(QIODevice::ReadOnly) ? in.read(limit + 1) : QByteArray();
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
        if (!problem.isEmpty()) {
            QMetaObject::invokeMethod(this, [this, problem] { Q_EMIT notice(problem, true); });
            return;
        }
        MessageDraft draft;
        draft.type = uploads::messageTypeOf(stored.upload);
        draft.mediaUrl = uploads::fileUrl(stored.upload.storedName);
        draft.content = caption.trimmed();
        draft.clientId = auth::randomToken(12);
        const auto posted = runtime.chat().postMessage(conversationId, sender, draft);
        if (!posted) {
            const Error error = posted.error();
            QMetaObject::invokeMethod(this, [this, error] { report(error); });
        }
    });
}

void ConsoleController::refreshMediaToken()
{
    const qint64 staffId = m_staff.id;
    inCore([this, staffId](CoreRuntime &runtime) {
        const auto account = runtime.chat().store().accountById(staffId);
        if (!account)
            return;
        const QString token = runtime.server().tokens().issue(*account).access;
        QMetaObject::invokeMethod(this, [this, token] {
            m_mediaToken = token;
            Q_EMIT mediaTokenChanged();
        });
    });
}

void ConsoleController::setTyping(bool typing)
{
    if (!signedIn() || !m_current)
        return;
    const qint64 conversationId = m_current;
    const Actor actor{ActorKind::Staff, m_staff.id};
    inCore([conversationId, actor, typing](CoreRuntime &runtime) {
        runtime.chat().setTyping(conversationId, actor, typing);
    });
}

void ConsoleController::search(const QString &text)
{
    m_conversations->setSearchText(text);
    if (text.trimmed().isEmpty() || !signedIn())
        return;
    const qint64 siteId = m_staff.siteId;
    inCore([this, siteId, text](CoreRuntime &runtime) {
        const QList<qint64> ids = runtime.chat().searchConversations(siteId, text);
        QMetaObject::invokeMethod(
            this, [this, text, ids] { m_conversations->setSearchMatches(text, ids); });
    });
}

void ConsoleController::setFilter(int filter)
{
    if (filter >= ui::ConversationFilterModel::All &&
        filter <= ui::ConversationFilterModel::Resolved)
        m_conversations->setFilter(ui::ConversationFilterModel::Filter(filter));
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
    inCore([this, conversationId, staffAccountId](CoreRuntime &runtime) {
        const auto result = runtime.chat().assignHandler(conversationId, staffAccountId);
        if (!result) {
            const Error error = result.error();
            QMetaObject::invokeMethod(this, [this, error] { report(error); });
        }
    });
}

void ConsoleController::setArchived(bool archived)
{
    if (!signedIn() || !m_current)
        return;
    const qint64 conversationId = m_current;
    inCore([this, conversationId, archived](CoreRuntime &runtime) {
        const auto result = runtime.chat().setArchived(conversationId, archived);
        if (!result) {
            const Error error = result.error();
            QMetaObject::invokeMethod(this, [this, error] { report(error); });
        }
    });
}

// ---- settings

void ConsoleController::refreshSettings()
{
    if (!signedIn())
        return;
    const qint64 siteId = m_staff.siteId;
    inCore([this, siteId](CoreRuntime &runtime) {
        store::Store &store = runtime.chat().store();
        QList<QVariantMap> rooms, keys, staff, faq;
        for (const Room &room : store.roomsOfSite(siteId))
            rooms << QVariantMap{{QStringLiteral("id"), room.id},
                                 {QStringLiteral("number"), room.number},
                                 {QStringLiteral("createdAt"), room.createdAt}};
        for (const ApiKey &key : store.apiKeysOfSite(siteId))
            keys << QVariantMap{{QStringLiteral("id"), key.id},
                                {QStringLiteral("label"), key.label},
                                {QStringLiteral("prefix"), key.prefix},
                                {QStringLiteral("createdAt"), key.createdAt},
                                {QStringLiteral("revoked"), key.revokedAt.isValid()}};
        for (const Account &a : store.accountsOfSite(siteId, AccountKind::Staff))
            staff << QVariantMap{{QStringLiteral("id"), a.id},
                                 {QStringLiteral("name"), a.name},
                                 {QStringLiteral("email"), a.email},
                                 {QStringLiteral("jobTitle"), a.jobTitle},
                                 {QStringLiteral("admin"), a.role == StaffRole::Admin}};
        QStringList replies = fixedReplies;
        for (const FaqEntry &entry : store.faqOfSite(siteId)) {
            faq << QVariantMap{{QStringLiteral("id"), entry.id},
                               {QStringLiteral("question"), entry.question},
                               {QStringLiteral("answer"), entry.answer}};
            replies << entry.answer;
        }
        QMetaObject::invokeMethod(this, [this, rooms, keys, staff, faq, replies]() mutable {
            for (QVariantMap &room : rooms)
                room.insert(QStringLiteral("guestUrl"),
                            guestPageUrl(room.value(QStringLiteral("number")).toString()));
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
    });
}

// Runs an admin-only change in the core thread; `change` returns an error message or empty.
#define ADMIN_CHANGE(BODY)                                                                         \
    do {                                                                                           \
        if (!m_staff.admin) {                                                                      \
            Q_EMIT notice(tr("Only an admin can change settings."), true);                         \
            return;                                                                                \
        }                                                                                          \
        const qint64 siteId = m_staff.siteId;                                                      \
        Q_UNUSED(siteId)                                                                           \
        BODY                                                                                       \
    } while (false)

void ConsoleController::addRoom(const QString &number, const QString &pin)
{
    ADMIN_CHANGE({
        if (!auth::isValidPin(pin)) {
            Q_EMIT notice(tr("A PIN is 4 to 8 digits."), true);
            return;
        }
        inCore([this, siteId, number, pin](CoreRuntime &runtime) {
            const auto room =
                runtime.chat().createRoom(siteId, number.trimmed(), auth::hashPassword(pin));
            const QString message =
                room ? tr("Room %1 added.").arg(room->number) : room.error().message;
            const bool failed = !room;
            QMetaObject::invokeMethod(this, [this, message, failed] {
                Q_EMIT notice(message, failed);
                refreshSettings();
            });
        });
    });
}

void ConsoleController::setRoomPin(qint64 roomId, const QString &pin)
{
    ADMIN_CHANGE({
        if (!auth::isValidPin(pin)) {
            Q_EMIT notice(tr("A PIN is 4 to 8 digits."), true);
            return;
        }
        inCore([this, siteId, roomId, pin](CoreRuntime &runtime) {
            const auto room = runtime.chat().setRoomPin(siteId, roomId, auth::hashPassword(pin));
            const QString message =
                room ? tr("New PIN set for room %1.").arg(room->number) : room.error().message;
            const bool failed = !room;
            QMetaObject::invokeMethod(this,
                                      [this, message, failed] { Q_EMIT notice(message, failed); });
        });
    });
}

void ConsoleController::rotateRoomPin(qint64 roomId)
{
    ADMIN_CHANGE({
        const QString pin = QStringLiteral("%1").arg(QRandomGenerator::system()->bounded(10000), 4,
                                                     10, QLatin1Char('0'));
        inCore([this, siteId, roomId, pin](CoreRuntime &runtime) {
            const auto room = runtime.chat().setRoomPin(siteId, roomId, auth::hashPassword(pin));
            if (!room) {
                const Error error = room.error();
                QMetaObject::invokeMethod(this, [this, error] { report(error); });
                return;
            }
            const QString title = tr("New PIN for room %1").arg(room->number);
            QMetaObject::invokeMethod(
                this, [this, title, pin] { Q_EMIT secretCreated(title, pin, QString()); });
        });
    });
}

void ConsoleController::createApiKey(const QString &label)
{
    ADMIN_CHANGE({
        inCore([this, siteId, label](CoreRuntime &runtime) {
            const auth::NewApiKey key = auth::generateApiKey();
            const auto stored = runtime.chat().createApiKey(siteId, label, key.prefix, key.hash);
            if (!stored) {
                const Error error = stored.error();
                QMetaObject::invokeMethod(this, [this, error] { report(error); });
                return;
            }
            const QString title = tr("Website key \"%1\"").arg(stored->label);
            const QString secret = key.key;
            QMetaObject::invokeMethod(this, [this, title, secret] {
                Q_EMIT secretCreated(title, secret, widgetSnippet(secret));
                refreshSettings();
            });
        });
    });
}

void ConsoleController::revokeApiKey(qint64 keyId)
{
    ADMIN_CHANGE({
        inCore([this, siteId, keyId](CoreRuntime &runtime) {
            const auto key = runtime.chat().revokeApiKey(siteId, keyId);
            const QString message =
                key ? tr("Website key \"%1\" revoked.").arg(key->label) : key.error().message;
            const bool failed = !key;
            QMetaObject::invokeMethod(this, [this, message, failed] {
                Q_EMIT notice(message, failed);
                refreshSettings();
            });
        });
    });
}

void ConsoleController::addStaff(const QString &name, const QString &email, const QString &password,
                                 bool admin, const QString &jobTitle)
{
    ADMIN_CHANGE({
        if (!auth::isAcceptablePassword(password)) {
            Q_EMIT notice(tr("A password is 8 to 256 characters."), true);
            return;
        }
        Account account;
        account.siteId = siteId;
        account.kind = AccountKind::Staff;
        account.role = admin ? StaffRole::Admin : StaffRole::Staff;
        account.name = name.trimmed();
        account.email = email.trimmed();
        account.jobTitle = jobTitle.trimmed();
        inCore([this, account, password](CoreRuntime &runtime) mutable {
            account.passwordHash = auth::hashPassword(password);
            const auto created = runtime.chat().createAccount(account);
            const QString message =
                created ? tr("%1 can sign in now.").arg(created->name) : created.error().message;
            const bool failed = !created;
            QMetaObject::invokeMethod(this, [this, message, failed] {
                Q_EMIT notice(message, failed);
                refreshSettings();
            });
        });
    });
}

void ConsoleController::addFaq(const QString &question, const QString &answer)
{
    ADMIN_CHANGE({
        inCore([this, siteId, question, answer](CoreRuntime &runtime) {
            const auto entry = runtime.chat().addFaqEntry(siteId, question, answer);
            const QString message = entry ? tr("FAQ entry added.") : entry.error().message;
            const bool failed = !entry;
            QMetaObject::invokeMethod(this, [this, message, failed] {
                Q_EMIT notice(message, failed);
                refreshSettings();
            });
        });
    });
}

void ConsoleController::removeFaq(qint64 entryId)
{
    ADMIN_CHANGE({
        inCore([this, siteId, entryId](CoreRuntime &runtime) {
            const auto removed = runtime.chat().removeFaqEntry(siteId, entryId);
            const QString message = removed ? tr("FAQ entry removed.") : removed.error().message;
            const bool failed = !removed;
            QMetaObject::invokeMethod(this, [this, message, failed] {
                Q_EMIT notice(message, failed);
                refreshSettings();
            });
        });
    });
}

void ConsoleController::setWebhook(const QString &url)
{
    ADMIN_CHANGE({
        inCore([this, siteId, url](CoreRuntime &runtime) {
            const auto stored = runtime.chat().setWebhook(siteId, url);
            const Error error = stored ? Error{} : stored.error();
            const QString target = stored ? stored->url : QString();
            QMetaObject::invokeMethod(this, [this, error, target] {
                if (error.code == ErrorCode::Invalid) {
                    setWebhookError(error.message);
                    return;
                }
                setWebhookError({});
                if (error.code != ErrorCode::None)
                    report(error);
                else
                    Q_EMIT notice(tr("Channel events now go to %1.").arg(target), false);
                refreshWebhook();
            });
        });
    });
}

void ConsoleController::removeWebhook()
{
    ADMIN_CHANGE({
        inCore([this, siteId](CoreRuntime &runtime) {
            const auto removed = runtime.chat().removeWebhook(siteId);
            const QString message =
                removed ? tr("Channel events are no longer sent.") : removed.error().message;
            const bool failed = !removed;
            QMetaObject::invokeMethod(this, [this, message, failed] {
                Q_EMIT notice(message, failed);
                refreshWebhook();
            });
        });
    });
}

void ConsoleController::refreshWebhook()
{
    if (!signedIn())
        return;
    const qint64 siteId = m_staff.siteId;
    inCore([this, siteId](CoreRuntime &runtime) {
        const auto webhook = runtime.chat().webhookOfSite(siteId);
        const auto outbox = runtime.chat().webhookOutboxStatus(siteId);
        if (!outbox) {
            const Error error = outbox.error();
            QMetaObject::invokeMethod(this, [this, error] { report(error); });
            return;
        }
        const QVariantMap state{{QStringLiteral("url"), webhook ? webhook->url : QString()},
                                {QStringLiteral("waitingBatches"), outbox->waitingBatches},
                                {QStringLiteral("failedAttempts"), outbox->failedAttempts},
                                {QStringLiteral("lastError"), outbox->lastError},
                                {QStringLiteral("waitingSince"), outbox->waitingSince},
                                {QStringLiteral("nextAttemptAt"), outbox->nextAttemptAt}};
        QMetaObject::invokeMethod(this, [this, state] {
            if (state == m_webhook)
                return;
            m_webhook = state;
            Q_EMIT webhookChanged();
        });
    });
}

void ConsoleController::setWebhookError(const QString &error)
{
    if (error == m_webhookError)
        return;
    m_webhookError = error;
    Q_EMIT webhookErrorChanged();
}

QString ConsoleController::guestPageUrl(const QString &roomNumber) const
{
    return QStringLiteral("%1/chat/%2/messages/room/%3/validate-chat-pin")
        .arg(m_publicUrl, m_staff.siteSlug,
             QString::fromLatin1(QUrl::toPercentEncoding(roomNumber)));
}

QString ConsoleController::widgetSnippet(const QString &apiKey) const
{
    const QString key = apiKey.isEmpty() ? tr("PASTE-YOUR-WEBSITE-KEY-HERE") : apiKey;
    return QStringLiteral("<script src=\"%1/widget.js\" data-api-key=\"%2\"></script>")
        .arg(m_publicUrl, key.toHtmlEscaped());
}

void ConsoleController::copyToClipboard(const QString &text)
{
    QGuiApplication::clipboard()->setText(text);
    Q_EMIT notice(tr("Copied."), false);
}

QString ConsoleController::qrImageSource(const QString &text) const
{
    return QStringLiteral("image://qr/") + QString::fromLatin1(QUrl::toPercentEncoding(text));
}

QString ConsoleController::printRoomQr(const QString &roomNumber)
{
    QString folder = QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation);
    if (folder.isEmpty() || !QDir().mkpath(folder))
        folder = QDir::tempPath();
    const QString path = QDir(folder).filePath(
        QStringLiteral("lobby-room-%1-qr.pdf").arg(QString(roomNumber).replace(u'/', u'-')));
    QString error;
    if (!writeRoomQrSheet(path, m_staff.siteName, roomNumber, guestPageUrl(roomNumber), &error)) {
        Q_EMIT notice(error, true);
        return {};
    }
    Q_EMIT notice(tr("Saved %1 for printing.").arg(path), false);
    return path;
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
