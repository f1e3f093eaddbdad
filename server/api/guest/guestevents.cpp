// Domain events -> Pusher events of the guest family. Each event's data is encoded once; the
// Pusher server wraps it per channel and the Hub sends the same frame to every subscriber.
#include "api/guest/guestapi.h"

#include "chat/chatservice.h"
#include "lobbyserver.h"

namespace lobby::api::guest {

using namespace lobby::chat;

namespace {

bool isGuestGrant(const pusher::Grant &grant)
{
    return grant.subject.startsWith(u"guest:");
}

// The guest grant of a room channel also opens its encrypted twin (private-encrypted-...), so a
// stay's end revokes both.
void revokeGuests(pusher::PusherServer &pusher, const QString &channel,
                  const std::function<bool(const pusher::Grant &)> &matches, const QByteArray &data)
{
    const QString encrypted = QStringLiteral("private-encrypted-") + channel.mid(8);
    for (const QString &name : {channel, encrypted})
        pusher.revoke(name, matches, QStringLiteral("session-ended"), data);
}

} // namespace

std::optional<GuestApi::RoomTarget> GuestApi::roomTarget(const Conversation &conversation)
{
    if (conversation.kind != ConversationKind::Room || !conversation.roomId)
        return std::nullopt;
    const auto room = m_chat.room(conversation.roomId);
    const auto site = room ? m_chat.site(room->siteId) : std::nullopt;
    if (!room || !site)
        return std::nullopt;
    RoomTarget target{*site, *room, roomChannel(site->slug, room->number), false};
    if (!conversation.archived) {
        const QList<Conversation> open = m_chat.openRoomConversations(room->id);
        target.current = !open.isEmpty() && open.constFirst().id == conversation.id;
    }
    return target;
}

void GuestApi::publishToRoom(const RoomTarget &target, qint64 conversationId, const QString &event,
                             const QByteArray &data)
{
    // Another stay's guests (checked out elsewhere) and guests whose session has expired.
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    revokeGuests(
        *m_pusher, target.channel,
        [conversationId, now](const pusher::Grant &grant) {
            return isGuestGrant(grant) &&
                   (grant.scope != conversationId || (grant.expiresAt && grant.expiresAt <= now));
        },
        http::compactJson(QJsonObject{{"reason", "session-ended"}}));
    m_pusher->trigger(target.channel, event, data);
}

void GuestApi::onEvent(const DomainEvent &event)
{
    const Conversation &conversation = event.conversation;
    if (event.kind == DomainEvent::Kind::PresenceChanged ||
        conversation.kind != ConversationKind::Room)
        return;
    if (event.kind == DomainEvent::Kind::ConversationCreated) {
        m_handlers.insert(conversation.id, conversation.handlerAccountId);
        return;
    }
    const auto target = roomTarget(conversation);
    if (!target)
        return;

    switch (event.kind) {
    case DomainEvent::Kind::MessagePosted: {
        const Message &message = event.message;
        if (target->current) {
            const QJsonObject json = messageJson(message, target->room.number);
            if (message.sender.kind == ActorKind::Staff) {
                publishToRoom(
                    *target, conversation.id, QStringLiteral("new-staff-message"),
                    http::compactJson(QJsonObject{{"id", message.id},
                                                  {"message", message.content},
                                                  {"staff_info", json.value("staff_info")},
                                                  {"timestamp", json.value("timestamp")},
                                                  {"conversation_id", conversation.id}}));
            }
            publishToRoom(*target, conversation.id, QStringLiteral("new-message"),
                          http::compactJson(json));
        }
        if (message.sender.kind == ActorKind::Guest) {
            // The handler hears of it; while nobody handles the room, every staff member does.
            const QByteArray data = http::compactJson(
                QJsonObject{{"message_id", message.id},
                            {"room_number", target->room.number},
                            {"guest_name", QStringLiteral("Room %1").arg(target->room.number)},
                            {"message", message.content},
                            {"conversation_id", conversation.id}});
            QList<qint64> staff;
            if (conversation.handlerAccountId) {
                staff << conversation.handlerAccountId;
            } else {
                for (const Account &account :
                     m_chat.accountsOfSite(target->site.id, AccountKind::Staff))
                    staff << account.id;
            }
            for (qint64 id : std::as_const(staff))
                m_pusher->trigger(staffChannel(target->site.slug, id),
                                  QStringLiteral("new-guest-message"), data);
        }
        break;
    }
    case DomainEvent::Kind::ConversationUpdated: {
        if (conversation.archived) {
            // Check-out (or archiving): the stay's guests stop hearing this room.
            m_handlers.remove(conversation.id);
            const qint64 id = conversation.id;
            revokeGuests(
                *m_pusher, target->channel,
                [id](const pusher::Grant &grant) {
                    return isGuestGrant(grant) && grant.scope == id;
                },
                http::compactJson(QJsonObject{{"reason", "checked-out"}, {"conversation_id", id}}));
            break;
        }
        const auto known = m_handlers.constFind(conversation.id);
        const bool changed =
            known == m_handlers.constEnd() || known.value() != conversation.handlerAccountId;
        m_handlers.insert(conversation.id, conversation.handlerAccountId);
        if (changed && conversation.handlerAccountId && target->current)
            publishToRoom(*target, conversation.id, QStringLiteral("staff-assigned"),
                          http::compactJson(QJsonObject{
                              {"conversation_id", conversation.id},
                              {"staff_id", conversation.handlerAccountId},
                              {"staff_info", staffInfo(conversation.handlerAccountId)}}));
        break;
    }
    case DomainEvent::Kind::MessagesRead:
        if (target->current) {
            QJsonObject data{{"conversation_id", conversation.id},
                             {"reader_type", wireName(event.actor.kind)},
                             {"last_read_message_id", event.messageId},
                             {"read_at", event.at.toUTC().toString(Qt::ISODate)}};
            if (event.actor.kind == ActorKind::Staff)
                data.insert(QStringLiteral("staff_info"), staffInfo(event.actor.id));
            publishToRoom(*target, conversation.id, QStringLiteral("messages-read"),
                          http::compactJson(data));
        }
        break;
    case DomainEvent::Kind::Typing:
        if (target->current) {
            QJsonObject data{{"conversation_id", conversation.id},
                             {"sender_type", wireName(event.actor.kind)},
                             {"is_typing", event.flag}};
            if (event.actor.kind == ActorKind::Staff)
                data.insert(QStringLiteral("staff_info"), staffInfo(event.actor.id));
            publishToRoom(*target, conversation.id, QStringLiteral("typing"),
                          http::compactJson(data));
        }
        break;
    default:
        break;
    }
}

void GuestApi::onPresence(const QString &channel, const QString &userId, bool online)
{
    // presence-{hotel}-staff: a staff member is online while subscribed from any device.
    if (!channel.startsWith(u"presence-") || !channel.endsWith(u"-staff"))
        return;
    const QString slug = channel.mid(9, channel.size() - 9 - 6);
    const auto site = m_chat.siteBySlug(slug);
    const auto account = m_chat.account(userId.toLongLong());
    if (!site || !account || account->siteId != site->id || account->kind != AccountKind::Staff)
        return;
    if (online)
        m_chat.connectionOpened(site->id, account->actor());
    else
        m_chat.connectionClosed(site->id, account->actor());
}

void GuestApi::onGuestPresence(const pusher::Grant &grant, bool online)
{
    // The grant names the guest session ("guest:<session id>", the guest's actor) and the stay's
    // conversation; staff subscriptions to room channels say nothing about guests.
    if (!isGuestGrant(grant))
        return;
    bool ok = false;
    const qint64 sessionId = grant.subject.mid(6).toLongLong(&ok);
    const auto session = ok ? m_chat.guestSession(sessionId) : std::nullopt;
    if (!session || session->conversationId != grant.scope)
        return;
    const Actor guest{ActorKind::Guest, sessionId};
    if (online)
        m_chat.connectionOpened(session->siteId, guest);
    else
        m_chat.connectionClosed(session->siteId, guest);
}

} // namespace lobby::api::guest
