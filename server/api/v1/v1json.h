#pragma once

#include "chat/chatservice.h"
#include "chat/entities.h"
#include "http/jsonwriter.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonObject>

namespace lobby::chat {
class ChatService;
}

namespace lobby::api::v1 {

// ISO 8601 UTC with milliseconds and "Z", or null.
QJsonValue isoTime(const QDateTime &time);
// "user" (staff), "customer", "guest", "visitor", "assistant", "system".
QString actorType(chat::ActorKind kind);
// "user_customer" (app), "room_guest", "widget_visitor", "direct".
QString chatType(chat::ConversationKind kind);
// The `user` of a login answer.
QJsonObject userJson(const chat::Account &account);

// Builds the guide's chat and message objects. Caches the accounts it looks up, so make one per
// request (or per event).
class Presenter
{
public:
    explicit Presenter(chat::ChatService &chat);

    QJsonObject chat(const chat::ChatListEntry &entry);
    QJsonObject message(const chat::Message &message, const QJsonArray &readReceipts = {});
    // The receipts of one message: each reader (not the sender) whose pointer passed it, with
    // the time it first did.
    static QJsonArray receiptsFor(const chat::Message &message,
                                  const QList<chat::ReadReceipt> &receipts);
    // The same message object written straight to `out` (byte for byte what message() gives
    // after QJsonDocument::toJson), for history pages. `receipts` as for receiptsFor().
    void writeMessage(http::JsonWriter &out, const chat::Message &message,
                      const QList<chat::ReadReceipt> &receipts);
    QString nameOf(const chat::Actor &actor);
    QJsonObject participant(const chat::Participant &participant, qint64 unreadCount);

private:
    std::optional<chat::Account> account(qint64 id);

    chat::ChatService &m_chat;
    QHash<qint64, std::optional<chat::Account>> m_accounts;
    QHash<QPair<int, qint64>, QString> m_names; // by actor, for this request
};

} // namespace lobby::api::v1
