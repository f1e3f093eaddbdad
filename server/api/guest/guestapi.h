#pragma once

#include "api/pusher/pusherserver.h"
#include "auth/tokenservice.h"
#include "chat/domainevent.h"
#include "chat/entities.h"
#include "http/httptypes.h"

#include <QHash>
#include <QObject>

#include <optional>

namespace lobby {
class LobbyServer;
struct ServerConfig;
namespace chat {
class ChatService;
}
} // namespace lobby

namespace lobby::api::guest {

// Channel names of the guest family. Only private- and presence- channels carry anything.
QString roomChannel(const QString &hotelSlug, const QString &roomNumber);
QString staffChannel(const QString &hotelSlug, qint64 staffId);
QString staffPresenceChannel(const QString &hotelSlug);

// The hotel guest chat (hotel-guest-chat-guide.md): room PIN sign-in, guest sessions, messages,
// Pusher channel authorization, and domain events turned into Pusher events. Registered by
// registerGuestApi(); owned by the LobbyServer's HttpServer. Lives in the core thread.
class GuestApi : public QObject
{
    Q_OBJECT

public:
    GuestApi(LobbyServer &server, const ServerConfig &config);
    ~GuestApi() override;

    pusher::PusherServer &pusher() { return *m_pusher; }

    // PIN attempts: this many failures within the window lock the room and the address.
    static constexpr int maxPinFailures = 5;
    static constexpr int pinLockSeconds = 15 * 60;

private:
    // A guest session that is valid now, with what it belongs to.
    struct Guest
    {
        chat::GuestSession session;
        chat::Site site;
        chat::Room room;
        chat::Conversation conversation;
        QString token;
    };
    std::optional<Guest> guestByToken(const QString &token, QString *why);

    void registerRoutes();
    http::HttpReply initialize(const http::HttpRequest &request);
    http::HttpReply validate(const http::HttpRequest &request);
    http::HttpReply unreadCount(const http::HttpRequest &request);
    http::HttpReply markRead(const http::HttpRequest &request);
    http::HttpReply send(const http::HttpRequest &request);
    http::HttpReply history(const http::HttpRequest &request);
    http::HttpReply authorizeChannel(const http::HttpRequest &request);
    http::HttpReply authorizeUser(const http::HttpRequest &request);
    // The fields of a pusher-js auth request (form or JSON); std::nullopt and the 400 in `reply`.
    std::optional<QHash<QString, QString>> authFields(const http::HttpRequest &request,
                                                      http::HttpReply *reply);

    QJsonObject sessionJson(const Guest &guest, const http::HttpRequest &request);
    QJsonValue staffInfo(qint64 accountId);
    QJsonObject messageJson(const chat::Message &message, const QString &roomNumber);

    // Domain events -> Pusher events (guestevents.cpp).
    void onEvent(const chat::DomainEvent &event);
    void onPresence(const QString &channel, const QString &userId, bool online);
    // A guest is online while subscribed to its room channel, from any device.
    void onGuestPresence(const pusher::Grant &grant, bool online);
    struct RoomTarget
    {
        chat::Site site;
        chat::Room room;
        QString channel;
        bool current = false; // the room's open conversation: the one its guests read
    };
    std::optional<RoomTarget> roomTarget(const chat::Conversation &conversation);
    // Sends an event to the room channel's subscribers, after ending the subscriptions of
    // guests whose stay is not this conversation (e.g. checked out from another process).
    void publishToRoom(const RoomTarget &target, qint64 conversationId, const QString &event,
                       const QByteArray &data);

    LobbyServer &m_server;
    chat::ChatService &m_chat;
    pusher::PusherServer *m_pusher = nullptr;
    int m_sessionSeconds;
    QHash<qint64, qint64> m_handlers; // conversation -> last announced handler
};

void registerGuestApi(LobbyServer &server, const ServerConfig &config);

} // namespace lobby::api::guest
