// The front desk's workflow: a status per conversation (open, pending, snoozed, resolved), the
// snoozes that end by themselves, and private notes that only staff ever see.
#include "chat/chatservice.h"

#include "store/store.h"

namespace lobby::chat {

namespace {

QDateTime now()
{
    return QDateTime::currentDateTimeUtc();
}

// A timer waits at most this long, then looks again (QTimer takes an int of milliseconds, and
// a clock that jumps is caught up with within the hour).
constexpr qint64 longestSnoozeWaitMs = 60 * 60 * 1000;

bool isCounterpart(ActorKind kind)
{
    return kind == ActorKind::Guest || kind == ActorKind::Visitor || kind == ActorKind::Customer;
}

} // namespace

bool ChatService::applyPostToWorkflow(Conversation &conversation, const Actor &sender,
                                      const QDateTime &at)
{
    if (sender.kind == ActorKind::Staff) {
        conversation.waitingSince = {};
        return false;
    }
    if (!isCounterpart(sender.kind))
        return false; // the assistant's and Lobby's own messages answer nobody
    if (!conversation.waitingSince.isValid())
        conversation.waitingSince = at;
    if (conversation.status == ConversationStatus::Open)
        return false;
    conversation.status = ConversationStatus::Open;
    conversation.snoozedUntil = {};
    return true;
}

Result<Conversation> ChatService::staffConversation(qint64 siteId, const Actor &by,
                                                    qint64 conversationId)
{
    const auto conversation = m_store.conversationById(conversationId);
    if (!conversation || conversation->siteId != siteId)
        return notFound(QStringLiteral("no such conversation"));
    const auto account = by.kind == ActorKind::Staff ? m_store.accountById(by.id) : std::nullopt;
    if (!account || account->kind != AccountKind::Staff || account->siteId != siteId)
        return forbidden(QStringLiteral("only staff of this site see the front desk's workflow"));
    return *conversation;
}

Result<Conversation> ChatService::setStatus(qint64 siteId, const Actor &by, qint64 conversationId,
                                            ConversationStatus status,
                                            const QDateTime &snoozedUntil)
{
    auto conversation = staffConversation(siteId, by, conversationId);
    if (!conversation)
        return conversation.error();
    const QDateTime until =
        status == ConversationStatus::Snoozed ? snoozedUntil.toUTC() : QDateTime();
    if (status == ConversationStatus::Snoozed && (!until.isValid() || until <= now()))
        return invalid(QStringLiteral("a snooze needs a snoozed_until in the future"));
    Conversation changed = conversation.value();
    if (changed.status == status && changed.snoozedUntil == until)
        return changed;
    changed.status = status;
    changed.snoozedUntil = until;
    if (!m_store.updateConversation(changed))
        return storageFailure();
    emitEvent(DomainEvent::Kind::StatusChanged, changed, by);
    scheduleSnoozeEnd();
    return changed;
}

void ChatService::endDueSnoozes()
{
    for (Conversation conversation : m_store.snoozesEndedBy(now())) {
        conversation.status = ConversationStatus::Open;
        conversation.snoozedUntil = {};
        if (!m_store.updateConversation(conversation)) {
            qWarning("chat: cannot end a snooze: %s", qPrintable(m_store.lastError()));
            continue;
        }
        emitEvent(DomainEvent::Kind::StatusChanged, conversation, {ActorKind::System, 0});
    }
    scheduleSnoozeEnd();
}

void ChatService::scheduleSnoozeEnd()
{
    const auto next = m_store.nextSnoozeEnd();
    if (!next) {
        m_snoozeTimer.stop();
        return;
    }
    const qint64 waitMs = std::clamp<qint64>(now().msecsTo(*next), 0, longestSnoozeWaitMs);
    m_snoozeTimer.start(int(waitMs));
}

Result<Note> ChatService::addNote(qint64 siteId, const Actor &by, qint64 conversationId,
                                  const QString &content, const QList<qint64> &mentions)
{
    const auto conversation = staffConversation(siteId, by, conversationId);
    if (!conversation)
        return conversation.error();
    if (content.trimmed().isEmpty())
        return invalid(QStringLiteral("a note needs text"));
    if (content.size() > maxNoteLength)
        return invalid(QStringLiteral("a note is at most %1 characters").arg(maxNoteLength));
    if (mentions.size() > maxMentions)
        return invalid(QStringLiteral("a note mentions at most %1 people").arg(maxMentions));
    Note note;
    note.conversationId = conversationId;
    note.authorId = by.id;
    note.content = content;
    note.createdAt = now();
    for (const qint64 id : mentions) {
        const auto account = m_store.accountById(id);
        if (!account || account->kind != AccountKind::Staff || account->siteId != siteId)
            return invalid(QStringLiteral("mention %1 is not a staff member of this site").arg(id));
        if (!note.mentions.contains(id))
            note.mentions.append(id);
    }
    std::sort(note.mentions.begin(), note.mentions.end());
    store::Transaction transaction(m_store);
    const auto id = m_store.insertNote(note);
    if (!id || !transaction.commit())
        return storageFailure();
    note.id = *id;
    DomainEvent e;
    e.kind = DomainEvent::Kind::NoteAdded;
    e.siteId = siteId;
    e.conversationId = conversationId;
    e.conversation = conversation.value();
    e.note = note;
    e.messageId = note.id; // what another instance re-reads (see publishStored)
    e.actor = by;
    e.senderName = displayName(by);
    e.at = note.createdAt;
    announce(e);
    return note;
}

Result<QList<Note>> ChatService::notes(qint64 siteId, const Actor &by, qint64 conversationId)
{
    const auto conversation = staffConversation(siteId, by, conversationId);
    if (!conversation)
        return conversation.error();
    return m_store.notesOfConversation(conversationId);
}

QList<Note> ChatService::mentionsOf(const Actor &staff, int limit)
{
    if (staff.kind != ActorKind::Staff)
        return {};
    return m_store.notesMentioning(staff.id, limit);
}

Result<Handover> ChatService::handover(qint64 siteId, const Actor &by, const QDateTime &notesSince)
{
    const auto account = by.kind == ActorKind::Staff ? m_store.accountById(by.id) : std::nullopt;
    if (!account || account->kind != AccountKind::Staff || account->siteId != siteId)
        return forbidden(QStringLiteral("only staff of this site hand over"));
    Handover result;
    const QDateTime horizon = now().addSecs(handoverSnoozeHours * 3600);
    for (const Conversation &c : m_store.conversationsOfSite(siteId)) {
        if (c.archived)
            continue;
        if (c.status == ConversationStatus::Open || c.status == ConversationStatus::Pending)
            result.inHand << c;
        else if (c.status == ConversationStatus::Snoozed && c.snoozedUntil <= horizon)
            result.snoozesEnding << c;
    }
    // Waiting longest first; nobody waiting last.
    std::stable_sort(result.inHand.begin(), result.inHand.end(),
                     [](const Conversation &a, const Conversation &b) {
                         if (a.waitingSince.isValid() != b.waitingSince.isValid())
                             return a.waitingSince.isValid();
                         return a.waitingSince < b.waitingSince;
                     });
    std::sort(result.snoozesEnding.begin(), result.snoozesEnding.end(),
              [](const Conversation &a, const Conversation &b) {
                  return a.snoozedUntil < b.snoozedUntil;
              });
    result.notes = m_store.notesOfSiteSince(siteId, notesSince, 1000);
    return result;
}

} // namespace lobby::chat
