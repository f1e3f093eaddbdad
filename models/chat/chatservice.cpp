#include "chat/chatservice.h"
#include "logging.h"
#include "metrics.h"

#include "store/store.h"

#include <QRegularExpression>

namespace lobby::chat {

namespace {

QDateTime now()
{
    return QDateTime::currentDateTimeUtc();
}

QString previewOf(const Message &message)
{
    if (!message.content.isEmpty())
        return message.content.left(ChatService::previewLength).simplified();
    return QStringLiteral("[%1]").arg(wireName(message.type));
}

QPair<int, qint64> keyOf(const Actor &actor)
{
    return {int(actor.kind), actor.id};
}

} // namespace

ChatService::ChatService(store::Store &store, QObject *parent) : QObject(parent), m_store(store)
{
    qRegisterMetaType<DomainEvent>();
    qRegisterMetaType<DomainEvents>();
    m_typingSweep.setInterval(500);
    connect(&m_typingSweep, &QTimer::timeout, this, &ChatService::expireTyping);
    m_flushTimer.setSingleShot(true);
    m_flushTimer.setInterval(0);
    connect(&m_flushTimer, &QTimer::timeout, this, &ChatService::flushQueue);
    // Snoozes that ended while Lobby was not running end as soon as the event loop runs.
    m_snoozeTimer.setSingleShot(true);
    connect(&m_snoozeTimer, &QTimer::timeout, this, &ChatService::endDueSnoozes);
    m_snoozeTimer.start(0);
}

Error ChatService::storageFailure() const
{
    qCWarning(lcChat, "storage failure: %s", qPrintable(m_store.lastError()));
    return storageError(QStringLiteral("the change could not be stored"));
}

void ChatService::emitEvent(DomainEvent::Kind kind, const Conversation &conversation,
                            const Actor &actor, qint64 messageId, bool flag)
{
    DomainEvent e;
    e.kind = kind;
    e.siteId = conversation.siteId;
    e.conversationId = conversation.id;
    e.conversation = conversation;
    e.actor = actor;
    e.messageId = messageId;
    e.flag = flag;
    e.at = now();
    announce(e);
}

void ChatService::announce(const DomainEvent &e)
{
    if (m_pendingActions)
        m_pendingActions->append([this, e] { Q_EMIT event(e); });
    else
        Q_EMIT event(e);
}

// ---- provisioning

Result<Site> ChatService::createSite(const QString &slug, const QString &name, SiteKind kind)
{
    static const QRegularExpression slugPattern(QStringLiteral("^[a-z0-9]+(-[a-z0-9]+)*$"));
    if (slug.size() > 64 || !slugPattern.match(slug).hasMatch())
        return invalid(QStringLiteral("a slug is lower-case letters, digits and single dashes"));
    if (name.trimmed().isEmpty())
        return invalid(QStringLiteral("a site needs a name"));
    if (m_store.siteBySlug(slug))
        return conflict(QStringLiteral("a site with slug '%1' exists already").arg(slug));
    Site site{0, slug, name.trimmed(), kind, now()};
    store::Transaction transaction(m_store);
    const auto id = m_store.insertSite(site);
    if (!id)
        return storageFailure();
    site.id = *id;
    for (const CannedReplyChange &starter : starterCannedReplies())
        m_store.insertCannedReply({0, site.id, *starter.category, *starter.title, *starter.body,
                                   site.createdAt, site.createdAt});
    for (RequestCategory category : defaultRequestCategories()) {
        category.siteId = site.id;
        if (!m_store.insertRequestCategory(category))
            return storageFailure();
    }
    if (!transaction.commit())
        return storageFailure();
    return site;
}

Result<Account> ChatService::createAccount(Account account)
{
    account.email = account.email.trimmed().toLower();
    const QString phone = account.phone.trimmed();
    account.phone = normalizedPhone(phone);
    if (!m_store.siteById(account.siteId))
        return notFound(QStringLiteral("no such site"));
    if (account.email.isEmpty() && phone.isEmpty())
        return invalid(QStringLiteral("an account needs an email or a phone number"));
    if (!account.email.isEmpty() && !isValidEmail(account.email))
        return invalid(QStringLiteral("'%1' is not an email address").arg(account.email));
    if (!phone.isEmpty() && account.phone.isEmpty())
        return invalid(QStringLiteral("'%1' is not a phone number (an optional +, then 6 to 15 "
                                      "digits; spaces, dashes and parentheses allowed)")
                           .arg(phone));
    if (account.name.trimmed().isEmpty())
        return invalid(QStringLiteral("an account needs a name"));
    if (account.passwordHash.isEmpty())
        return invalid(QStringLiteral("an account needs a password"));
    if (!account.email.isEmpty() && m_store.accountByEmail(account.email))
        return conflict(
            QStringLiteral("an account with email '%1' exists already").arg(account.email));
    if (!account.phone.isEmpty() && m_store.accountByPhone(account.phone))
        return conflict(
            QStringLiteral("an account with phone '%1' exists already").arg(account.phone));
    account.createdAt = now();
    const auto id = m_store.insertAccount(account);
    if (!id)
        return storageFailure();
    account.id = *id;
    return account;
}

Result<Room> ChatService::createRoom(qint64 siteId, const QString &number, const QString &pinHash)
{
    static const QRegularExpression numberPattern(QStringLiteral("^[A-Za-z0-9-]{1,16}$"));
    if (!numberPattern.match(number).hasMatch())
        return invalid(QStringLiteral("a room number is 1-16 letters, digits or dashes"));
    if (!m_store.siteById(siteId))
        return notFound(QStringLiteral("no such site"));
    if (m_store.roomByNumber(siteId, number))
        return conflict(QStringLiteral("room %1 exists already").arg(number));
    Room room{0, siteId, number, pinHash, now()};
    const auto id = m_store.insertRoom(room);
    if (!id)
        return storageFailure();
    room.id = *id;
    return room;
}

Result<ApiKey> ChatService::createApiKey(qint64 siteId, const QString &label, const QString &prefix,
                                         const QString &keyHash)
{
    if (!m_store.siteById(siteId))
        return notFound(QStringLiteral("no such site"));
    if (label.trimmed().isEmpty())
        return invalid(QStringLiteral("an API key needs a label"));
    ApiKey key{0, siteId, label.trimmed(), prefix, keyHash, now(), {}};
    const auto id = m_store.insertApiKey(key);
    if (!id)
        return storageFailure();
    key.id = *id;
    return key;
}

Result<FaqEntry> ChatService::addFaqEntry(qint64 siteId, const QString &question,
                                          const QString &answer)
{
    if (!m_store.siteById(siteId))
        return notFound(QStringLiteral("no such site"));
    if (question.trimmed().isEmpty() || answer.trimmed().isEmpty())
        return invalid(QStringLiteral("an FAQ entry needs a question and an answer"));
    FaqEntry entry{0, siteId, question.trimmed(), answer.trimmed(), now()};
    const auto id = m_store.insertFaqEntry(entry);
    if (!id)
        return storageFailure();
    entry.id = *id;
    return entry;
}

// ---- conversations

Result<Conversation> ChatService::openConversation(const NewConversation &request)
{
    if (!m_store.siteById(request.siteId))
        return notFound(QStringLiteral("no such site"));
    const QDateTime at = now();
    Conversation conversation;
    conversation.siteId = request.siteId;
    conversation.kind = request.kind;
    conversation.title = request.title.trimmed().left(200);
    conversation.roomId = request.roomId;
    conversation.handlerAccountId = request.handlerAccountId;
    conversation.createdAt = at;
    conversation.lastActivityAt = at;

    store::Transaction transaction(m_store);
    const auto id = m_store.insertConversation(conversation);
    if (!id)
        return storageFailure();
    conversation.id = *id;
    for (const Actor &actor : request.participants) {
        if (!m_store.upsertParticipant({conversation.id, actor, at, 0, true}))
            return storageFailure();
    }
    if (!transaction.commit())
        return storageFailure();
    emitEvent(DomainEvent::Kind::ConversationCreated, conversation);
    return conversation;
}

Result<PostedMessage> ChatService::postMessage(qint64 conversationId, const Actor &sender,
                                               const MessageDraft &draft)
{
    store::Transaction transaction(m_store);
    if (!transaction.isOpen())
        return storageFailure();
    // Another instance may be posting to this conversation: wait for it, so that everything
    // read below is the conversation as it committed it (handler, last message, client ids).
    const bool locked = m_store.lockConversation(conversationId);
    auto conversation = m_store.conversationById(conversationId);
    if (!conversation)
        return notFound(QStringLiteral("no such conversation"));
    if (!locked)
        return storageFailure();
    if (draft.content.size() > maxMessageLength)
        return invalid(QStringLiteral("a message is at most %1 characters").arg(maxMessageLength));
    if (draft.content.trimmed().isEmpty() && draft.mediaUrl.isEmpty())
        return invalid(QStringLiteral("a message needs text or an attachment"));
    if (draft.clientId.size() > 128)
        return invalid(QStringLiteral("a client id is at most 128 characters"));

    auto participant = m_store.participant(conversationId, sender);
    if (!participant && sender.kind == ActorKind::Staff) {
        const auto account = m_store.accountById(sender.id);
        if (!account || account->siteId != conversation->siteId)
            return forbidden(QStringLiteral("not a member of this site"));
    } else if (!participant && sender.kind != ActorKind::Assistant &&
               sender.kind != ActorKind::System) {
        return forbidden(QStringLiteral("not a participant of this conversation"));
    }
    if (!draft.clientId.isEmpty()) {
        if (auto earlier = m_store.messageByClientId(conversationId, sender, draft.clientId))
            return PostedMessage{*earlier, *conversation, true};
    }
    if (draft.replyToId) {
        const auto original = m_store.messageById(draft.replyToId);
        if (!original || original->conversationId != conversationId)
            return invalid(QStringLiteral("the message replied to is not in this conversation"));
    }

    Message message;
    message.conversationId = conversationId;
    message.sender = sender;
    message.type = draft.type;
    message.content = draft.content;
    message.mediaUrl = draft.mediaUrl;
    message.replyToId = draft.replyToId;
    message.entityType = draft.entityType;
    message.entityId = draft.entityId;
    message.clientId = draft.clientId;
    message.createdAt = now();

    const qint64 previousHandler = conversation->handlerAccountId;
    const auto id = m_store.insertMessage(message);
    if (!id)
        return storageFailure();
    message.id = *id;
    conversation->lastMessageId = message.id;
    conversation->lastMessagePreview = previewOf(message);
    conversation->lastActivityAt = message.createdAt;
    // The first staff member to answer takes the conversation.
    if (sender.kind == ActorKind::Staff && !conversation->handlerAccountId)
        conversation->handlerAccountId = sender.id;
    const bool reopened = applyPostToWorkflow(*conversation, sender, message.createdAt);
    bool stored = m_store.updateConversation(*conversation);
    if (sender.kind != ActorKind::Assistant && sender.kind != ActorKind::System) {
        if (!participant)
            stored = stored && m_store.upsertParticipant(
                                   {conversationId, sender, message.createdAt, 0, true});
        else if (!participant->active)
            stored = stored && m_store.setParticipantActive(conversationId, sender, true);
        // Answering means having read what came before.
        stored =
            stored && m_store.setLastRead(conversationId, sender, message.id, message.createdAt);
    }
    if (!stored || !transaction.commit())
        return storageFailure();

    afterCommit([this, key = TypingKey{conversationId, int(sender.kind), sender.id}] {
        m_typing.remove(key);
    });
    if (m_pendingActions) // a batch or inOneCommit() observes its commit
        ++m_messagesInCommit;
    afterCommit([family = wireName(conversation->kind)] { metrics::countStored(family, 1); });

    DomainEvent e;
    e.kind = DomainEvent::Kind::MessagePosted;
    e.siteId = conversation->siteId;
    e.conversationId = conversationId;
    e.conversation = *conversation;
    e.message = message;
    e.senderName = displayName(sender);
    e.actor = sender;
    e.messageId = message.id;
    e.at = message.createdAt;
    announce(e);
    if (conversation->handlerAccountId != previousHandler)
        emitEvent(DomainEvent::Kind::ConversationUpdated, *conversation);
    if (reopened)
        emitEvent(DomainEvent::Kind::StatusChanged, *conversation, sender);
    PostedMessage posted{message, *conversation, false, std::nullopt};
    if (sender.kind == ActorKind::Guest || sender.kind == ActorKind::Visitor)
        posted.away = answerWhileClosed(*conversation);
    return posted;
}

Result<qint64> ChatService::markRead(qint64 conversationId, const Actor &reader, qint64 messageId)
{
    const auto conversation = m_store.conversationById(conversationId);
    if (!conversation)
        return notFound(QStringLiteral("no such conversation"));
    auto participant = m_store.participant(conversationId, reader);
    if (!participant && reader.kind != ActorKind::Staff)
        return forbidden(QStringLiteral("not a participant of this conversation"));
    // Checked before staff join: a refused read stores nothing.
    const auto message = m_store.messageById(messageId);
    if (!message || message->conversationId != conversationId)
        return notFound(QStringLiteral("no such message in this conversation"));
    if (!participant) {
        auto joined = join(conversationId, reader);
        if (!joined)
            return joined.error();
        participant = joined.value();
    }
    if (messageId <= participant->lastReadMessageId)
        return participant->lastReadMessageId;
    if (!m_store.setLastRead(conversationId, reader, messageId, now()))
        return storageFailure();
    emitEvent(DomainEvent::Kind::MessagesRead, *conversation, reader, messageId);
    return messageId;
}

Result<bool> ChatService::setTyping(qint64 conversationId, const Actor &actor, bool typing)
{
    const auto conversation = m_store.conversationById(conversationId);
    if (!conversation)
        return notFound(QStringLiteral("no such conversation"));
    if (!m_store.participant(conversationId, actor)) {
        const auto account =
            actor.kind == ActorKind::Staff ? m_store.accountById(actor.id) : std::nullopt;
        if (!account || account->siteId != conversation->siteId)
            return forbidden(QStringLiteral("not a participant of this conversation"));
    }
    const TypingKey key{conversationId, int(actor.kind), actor.id};
    if (typing) {
        m_typing.insert(key, QDeadlineTimer(m_typingTimeoutMs));
        if (!m_typingSweep.isActive())
            m_typingSweep.start();
    } else {
        m_typing.remove(key);
    }
    emitEvent(DomainEvent::Kind::Typing, *conversation, actor, 0, typing);
    return typing;
}

void ChatService::expireTyping()
{
    QList<TypingKey> expired;
    for (auto it = m_typing.cbegin(); it != m_typing.cend(); ++it) {
        if (it.value().hasExpired())
            expired << it.key();
    }
    for (const TypingKey &key : std::as_const(expired)) {
        m_typing.remove(key);
        if (const auto conversation = m_store.conversationById(key.conversationId))
            emitEvent(DomainEvent::Kind::Typing, *conversation,
                      {ActorKind(key.actorKind), key.actorId}, 0, false);
    }
    if (m_typing.isEmpty())
        m_typingSweep.stop();
}

// ---- lockouts

LockoutState ChatService::lockoutState(const QString &scope)
{
    const auto state = m_store.authFailures(scope);
    if (!state)
        return {};
    const qint64 remainingMs = now().msecsTo(state->lockedUntil);
    if (remainingMs > 0)
        return {true, state->failures, (remainingMs + 999) / 1000};
    return {false, state->failures, 0};
}

LockoutState ChatService::recordAuthFailure(const QString &scope, const LockoutPolicy &policy)
{
    const QDateTime at = now();
    // One atomic upsert: attempts on several instances at once all count.
    const auto state =
        m_store.addAuthFailure(scope, at, qint64(policy.windowSeconds) * 1000, policy.maxFailures,
                               qint64(policy.lockSeconds) * 1000);
    if (!state) {
        qCWarning(lcChat, "cannot record an authentication failure: %s",
                  qPrintable(m_store.lastError()));
        return {};
    }
    const qint64 remainingMs = at.msecsTo(state->lockedUntil);
    if (remainingMs > 0 && state->failures == policy.maxFailures)
        metrics::countLockout(); // the failure that locked the scope, not the later ones
    return {remainingMs > 0, state->failures, remainingMs > 0 ? (remainingMs + 999) / 1000 : 0};
}

void ChatService::clearAuthFailures(const QString &scope)
{
    m_store.clearAuthFailures(scope);
}

Result<Participant> ChatService::join(qint64 conversationId, const Actor &actor)
{
    const auto conversation = m_store.conversationById(conversationId);
    if (!conversation)
        return notFound(QStringLiteral("no such conversation"));
    auto existing = m_store.participant(conversationId, actor);
    if (existing && existing->active)
        return *existing;
    if (!existing && actor.kind != ActorKind::Staff)
        return forbidden(QStringLiteral("not a participant of this conversation"));
    if (!existing) {
        const auto account = m_store.accountById(actor.id);
        if (!account || account->siteId != conversation->siteId)
            return forbidden(QStringLiteral("not a member of this site"));
    }
    Participant participant = existing.value_or(Participant{conversationId, actor, now(), 0, true});
    participant.active = true;
    if (!m_store.upsertParticipant(participant))
        return storageFailure();
    emitEvent(DomainEvent::Kind::ParticipantJoined, *conversation, actor);
    return participant;
}

Result<bool> ChatService::leave(qint64 conversationId, const Actor &actor)
{
    const auto conversation = m_store.conversationById(conversationId);
    if (!conversation)
        return notFound(QStringLiteral("no such conversation"));
    const auto existing = m_store.participant(conversationId, actor);
    if (!existing)
        return forbidden(QStringLiteral("not a participant of this conversation"));
    if (!existing->active)
        return false;
    if (!m_store.setParticipantActive(conversationId, actor, false))
        return storageFailure();
    emitEvent(DomainEvent::Kind::ParticipantLeft, *conversation, actor);
    return true;
}

Result<Conversation> ChatService::assignHandler(qint64 conversationId, qint64 staffAccountId)
{
    auto conversation = m_store.conversationById(conversationId);
    if (!conversation)
        return notFound(QStringLiteral("no such conversation"));
    if (staffAccountId) {
        const auto account = m_store.accountById(staffAccountId);
        if (!account || account->kind != AccountKind::Staff ||
            account->siteId != conversation->siteId)
            return forbidden(QStringLiteral("not a staff member of this site"));
    }
    if (conversation->handlerAccountId == staffAccountId)
        return *conversation;
    conversation->handlerAccountId = staffAccountId;
    store::Transaction transaction(m_store);
    if (!m_store.updateConversation(*conversation))
        return storageFailure();
    if (staffAccountId &&
        !m_store.participant(conversationId, {ActorKind::Staff, staffAccountId}) &&
        !m_store.upsertParticipant(
            {conversationId, {ActorKind::Staff, staffAccountId}, now(), 0, true}))
        return storageFailure();
    if (!transaction.commit())
        return storageFailure();
    emitEvent(DomainEvent::Kind::ConversationUpdated, *conversation);
    return *conversation;
}

Result<Conversation> ChatService::setArchived(qint64 conversationId, bool archived)
{
    auto conversation = m_store.conversationById(conversationId);
    if (!conversation)
        return notFound(QStringLiteral("no such conversation"));
    if (conversation->archived == archived)
        return *conversation;
    conversation->archived = archived;
    if (!m_store.updateConversation(*conversation))
        return storageFailure();
    emitEvent(DomainEvent::Kind::ConversationUpdated, *conversation);
    return *conversation;
}

// ---- presence

void ChatService::connectionOpened(qint64 siteId, const Actor &actor)
{
    if (++m_openConnections[keyOf(actor)] != 1)
        return;
    Q_EMIT localPresenceChanged(siteId, actor, true);
    if (m_remoteOnline.contains(keyOf(actor)))
        return; // online already, through another instance
    Conversation none;
    none.siteId = siteId;
    emitEvent(DomainEvent::Kind::PresenceChanged, none, actor, 0, true);
}

void ChatService::connectionClosed(qint64 siteId, const Actor &actor)
{
    auto it = m_openConnections.find(keyOf(actor));
    if (it == m_openConnections.end())
        return;
    if (--it.value() > 0)
        return;
    m_openConnections.erase(it);
    Q_EMIT localPresenceChanged(siteId, actor, false);
    if (m_remoteOnline.contains(keyOf(actor)))
        return; // still online through another instance
    Conversation none;
    none.siteId = siteId;
    emitEvent(DomainEvent::Kind::PresenceChanged, none, actor, 0, false);
}

bool ChatService::isOnline(const Actor &actor) const
{
    return m_openConnections.value(keyOf(actor)) > 0 || m_remoteOnline.contains(keyOf(actor));
}

void ChatService::publishRemote(DomainEvent event)
{
    event.remote = true;
    Q_EMIT this->event(event);
}

bool ChatService::publishStored(DomainEvent event)
{
    const auto conversation = m_store.conversationById(event.conversationId);
    if (!conversation)
        return false;
    event.siteId = conversation->siteId;
    event.conversation = *conversation;
    if (event.kind == DomainEvent::Kind::MessagePosted) {
        const auto message = m_store.messageById(event.messageId);
        if (!message)
            return false;
        event.message = *message;
        event.actor = message->sender;
        event.senderName = displayName(message->sender);
    }
    if (event.kind == DomainEvent::Kind::RequestUpdated) {
        const auto request = m_store.requestById(event.messageId);
        if (!request)
            return false;
        event.request = withNames(*request);
    }
    if (event.kind == DomainEvent::Kind::NoteAdded) {
        const QList<Note> notes = m_store.notesOfConversation(event.conversationId);
        const auto note = std::find_if(notes.cbegin(), notes.cend(),
                                       [&event](const Note &n) { return n.id == event.messageId; });
        if (note == notes.cend())
            return false;
        event.note = *note;
        event.senderName = displayName(event.actor);
    }
    publishRemote(event);
    return true;
}

void ChatService::remotePresence(const QString &instance, qint64 siteId, const Actor &actor,
                                 bool online)
{
    const bool before = isOnline(actor);
    if (online) {
        m_remoteOnline[keyOf(actor)].insert(instance);
    } else if (auto it = m_remoteOnline.find(keyOf(actor)); it != m_remoteOnline.end()) {
        it->remove(instance);
        if (it->isEmpty())
            m_remoteOnline.erase(it);
    }
    if (isOnline(actor) == before)
        return;
    DomainEvent e;
    e.kind = DomainEvent::Kind::PresenceChanged;
    e.siteId = siteId;
    e.conversation.siteId = siteId;
    e.actor = actor;
    e.flag = !before;
    e.at = now();
    publishRemote(e);
}

// ---- reads

QList<ConversationSummary> ChatService::conversationSummaries(qint64 siteId, const Actor &viewer)
{
    QList<ConversationSummary> summaries;
    const QList<Conversation> conversations = m_store.conversationsOfSite(siteId);
    const QHash<qint64, qint64> unread = m_store.unreadCounts(siteId, viewer); // one query
    summaries.reserve(conversations.size());
    for (const Conversation &conversation : conversations)
        summaries.append({conversation, unread.value(conversation.id)});
    return summaries;
}

} // namespace lobby::chat
