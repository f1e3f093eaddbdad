// The front desk's workflow in the app API v1 (staff only): a chat's status and snooze,
// private notes with mentions, and checking a room out.
#include "api/v1/v1api_p.h"
#include "api/v1/v1json.h"
#include "auth/passwords.h"

#include <QJsonArray>
#include <QRandomGenerator>

namespace lobby::api::v1 {

using namespace lobby::chat;
using http::HttpReply;
using http::HttpRequest;
using Method = QHttpServerRequest::Method;

namespace {

// FastAPI's validation error shape, as the rest of v1 answers it.
HttpReply unprocessable(const QString &where, const QString &field, const QString &message)
{
    const QJsonObject item{
        {"loc", QJsonArray{where, field}}, {"msg", message}, {"type", "value_error"}};
    return HttpReply::json(422, QJsonObject{{"detail", QJsonArray{item}}});
}

std::optional<qint64> pathId(const HttpRequest &request)
{
    bool ok = false;
    const qint64 id = request.param(QStringLiteral("id")).toLongLong(&ok);
    return ok && id > 0 ? std::optional<qint64>(id) : std::nullopt;
}

QDateTime parseIso(const QString &text)
{
    QDateTime time = QDateTime::fromString(text, Qt::ISODateWithMs);
    if (!time.isValid())
        time = QDateTime::fromString(text, Qt::ISODate);
    return time.isValid() ? time.toUTC() : QDateTime();
}

} // namespace

QJsonObject V1Api::noteJson(const Note &note)
{
    QJsonArray mentions;
    for (const qint64 id : note.mentions)
        mentions.append(id);
    return {{"id", note.id},
            {"chat_id", note.conversationId},
            {"author_id", note.authorId},
            {"author_name", m_chat.displayName({ActorKind::Staff, note.authorId})},
            {"content", note.content},
            {"mentions", mentions},
            {"created_at", isoTime(note.createdAt)}};
}

std::optional<Account> V1Api::staffCaller(const HttpRequest &request, HttpReply *reply, bool admin)
{
    QString error;
    const auto who =
        auth::authenticate(m_tokens, m_chat, request.bearerToken(), std::nullopt, &error);
    if (!who) {
        *reply = request.error(401, QStringLiteral("Could not validate credentials: ") + error);
        reply->headers.append(http::Header("WWW-Authenticate", "Bearer"));
        return std::nullopt;
    }
    if (who->account.kind != AccountKind::Staff) {
        *reply = request.error(403, QStringLiteral("This endpoint is for staff users."));
        return std::nullopt;
    }
    if (admin && who->account.role != StaffRole::Admin) {
        *reply = request.error(403, QStringLiteral("Only an admin can make this change."));
        return std::nullopt;
    }
    return who->account;
}

HttpReply V1Api::domainError(const HttpRequest &request, const Error &error)
{
    switch (error.code) {
    case ErrorCode::NotFound:
        return request.error(404, QStringLiteral("Chat not found."));
    case ErrorCode::Forbidden:
        return request.error(403, error.message);
    case ErrorCode::Invalid:
        return unprocessable(QStringLiteral("body"), QStringLiteral("content"), error.message);
    default:
        return request.error(503, error.message);
    }
}

void V1Api::registerWorkflowRoutes()
{
    m_http.route(
        Method::Post, QStringLiteral("/api/v1/chat/chats/{id}/status"),
        [this](const HttpRequest &request) {
            HttpReply reply;
            const auto me = staffCaller(request, &reply);
            if (!me)
                return reply;
            const auto chatId = pathId(request);
            if (!chatId)
                return unprocessable(QStringLiteral("path"), QStringLiteral("chat_id"),
                                     QStringLiteral("value is not a valid integer"));
            const auto body = request.jsonObject(&reply);
            if (!body)
                return reply;
            const auto status = conversationStatusFromString(body->value(u"status").toString());
            if (!status)
                return unprocessable(
                    QStringLiteral("body"), QStringLiteral("status"),
                    QStringLiteral("status is open, pending, snoozed or resolved"));
            const QJsonValue untilValue = body->value(u"snoozed_until");
            const QDateTime until = parseIso(untilValue.toString());
            if (*status == ConversationStatus::Snoozed && !until.isValid())
                return unprocessable(QStringLiteral("body"), QStringLiteral("snoozed_until"),
                                     QStringLiteral("a snooze needs snoozed_until, an ISO 8601 "
                                                    "time in the future"));
            const auto changed = m_chat.setStatus(me->siteId, me->actor(), *chatId, *status, until);
            if (!changed) {
                if (changed.error().code == ErrorCode::Invalid)
                    return unprocessable(QStringLiteral("body"), QStringLiteral("snoozed_until"),
                                         changed.error().message);
                return domainError(request, changed.error());
            }
            Presenter presenter(m_chat);
            return HttpReply::json(
                200, presenter.chat(m_chat.chatListEntry(viewerOf(*me), changed.value())));
        });

    m_http.route(
        Method::Post, QStringLiteral("/api/v1/chat/chats/{id}/notes"),
        [this](const HttpRequest &request) {
            HttpReply reply;
            const auto me = staffCaller(request, &reply);
            if (!me)
                return reply;
            const auto chatId = pathId(request);
            if (!chatId)
                return unprocessable(QStringLiteral("path"), QStringLiteral("chat_id"),
                                     QStringLiteral("value is not a valid integer"));
            const auto body = request.jsonObject(&reply);
            if (!body)
                return reply;
            if (!body->value(u"content").isString())
                return unprocessable(QStringLiteral("body"), QStringLiteral("content"),
                                     QStringLiteral("field required"));
            const QJsonValue mentionsValue = body->value(u"mentions");
            if (!mentionsValue.isUndefined() && !mentionsValue.isNull() && !mentionsValue.isArray())
                return unprocessable(QStringLiteral("body"), QStringLiteral("mentions"),
                                     QStringLiteral("a list of staff ids expected"));
            const QJsonArray mentionArray = mentionsValue.toArray();
            if (mentionArray.size() > ChatService::maxMentions)
                return unprocessable(
                    QStringLiteral("body"), QStringLiteral("mentions"),
                    QStringLiteral("at most %1 mentions").arg(ChatService::maxMentions));
            QList<qint64> mentions;
            for (const QJsonValue &value : mentionArray) {
                const auto id = http::idFromJson(value);
                if (!id)
                    return unprocessable(QStringLiteral("body"), QStringLiteral("mentions"),
                                         QStringLiteral("a list of staff ids expected"));
                mentions.append(*id);
            }
            const auto note = m_chat.addNote(me->siteId, me->actor(), *chatId,
                                             body->value(u"content").toString(), mentions);
            if (!note) {
                if (note.error().code == ErrorCode::Invalid)
                    return unprocessable(QStringLiteral("body"),
                                         note.error().message.startsWith(u"mention")
                                             ? QStringLiteral("mentions")
                                             : QStringLiteral("content"),
                                         note.error().message);
                return domainError(request, note.error());
            }
            return HttpReply::json(201, noteJson(note.value()));
        });

    m_http.route(Method::Get, QStringLiteral("/api/v1/chat/chats/{id}/notes"),
                 [this](const HttpRequest &request) {
                     HttpReply reply;
                     const auto me = staffCaller(request, &reply);
                     if (!me)
                         return reply;
                     const auto chatId = pathId(request);
                     if (!chatId)
                         return unprocessable(QStringLiteral("path"), QStringLiteral("chat_id"),
                                              QStringLiteral("value is not a valid integer"));
                     const auto notes = m_chat.notes(me->siteId, me->actor(), *chatId);
                     if (!notes)
                         return domainError(request, notes.error());
                     QJsonArray out;
                     for (const Note &note : notes.value())
                         out.append(noteJson(note));
                     return HttpReply::json(200, out);
                 });

    m_http.route(
        Method::Get, QStringLiteral("/api/v1/handover"), [this](const HttpRequest &request) {
            HttpReply reply;
            const auto me = staffCaller(request, &reply);
            if (!me)
                return reply;
            const QString sinceText = request.query(QStringLiteral("since"));
            const QDateTime since = sinceText.isEmpty()
                                        ? QDateTime::currentDateTimeUtc().addSecs(-12 * 3600)
                                        : parseIso(sinceText);
            if (!since.isValid())
                return unprocessable(QStringLiteral("query"), QStringLiteral("since"),
                                     QStringLiteral("an ISO 8601 time expected"));
            const auto handover = m_chat.handover(me->siteId, me->actor(), since);
            if (!handover)
                return domainError(request, handover.error());
            const QDateTime now = QDateTime::currentDateTimeUtc();
            const auto entry = [this, &now](const Conversation &c) {
                return QJsonObject{
                    {"chat_id", c.id},
                    {"title", c.title},
                    {"chat_type", chatType(c.kind)},
                    {"status", wireName(c.status)},
                    {"snoozed_until", isoTime(c.snoozedUntil)},
                    {"waiting_since", isoTime(c.waitingSince)},
                    {"waiting_seconds", c.waitingSince.isValid()
                                            ? QJsonValue(c.waitingSince.secsTo(now))
                                            : QJsonValue(QJsonValue::Null)},
                    {"handler_user_id", c.handlerAccountId ? QJsonValue(c.handlerAccountId)
                                                           : QJsonValue(QJsonValue::Null)},
                    {"handler_name",
                     c.handlerAccountId
                         ? QJsonValue(m_chat.displayName({ActorKind::Staff, c.handlerAccountId}))
                         : QJsonValue(QJsonValue::Null)},
                    {"last_message_preview", c.lastMessagePreview}};
            };
            QJsonArray inHand, snoozes, notes;
            for (const Conversation &c : handover->inHand)
                inHand.append(entry(c));
            for (const Conversation &c : handover->snoozesEnding)
                snoozes.append(entry(c));
            for (const Note &note : handover->notes)
                notes.append(noteJson(note));
            return HttpReply::json(200, QJsonObject{{"since", isoTime(since)},
                                                    {"generated_at", isoTime(now)},
                                                    {"open", inHand},
                                                    {"snoozes_ending", snoozes},
                                                    {"notes", notes}});
        });

    m_http.route(
        Method::Post, QStringLiteral("/api/v1/rooms/{number}/check-out"),
        [this](const HttpRequest &request) {
            HttpReply reply;
            const auto me = staffCaller(request, &reply);
            if (!me)
                return reply;
            // The body is optional: {} or nothing rotates to a random PIN.
            QString pin;
            if (!request.raw().body().trimmed().isEmpty()) {
                const auto body = request.jsonObject(&reply);
                if (!body)
                    return reply;
                const QJsonValue pinValue = body->value(u"pin");
                if (!pinValue.isUndefined() && !pinValue.isNull()) {
                    pin = pinValue.toString();
                    if (!pinValue.isString() || !auth::isValidPin(pin))
                        return unprocessable(QStringLiteral("body"), QStringLiteral("pin"),
                                             QStringLiteral("a PIN is 4 to 8 digits"));
                }
            }
            const auto room = m_chat.roomByNumber(me->siteId, request.param(u"number"_qs));
            if (!room)
                return request.error(404, QStringLiteral("Room not found."));
            const bool chosen = !pin.isEmpty();
            while (pin.isEmpty() || (!chosen && auth::verifyPassword(room->pinHash, pin))) {
                // Four random digits, never the PIN the room had.
                pin = QStringLiteral("%1").arg(QRandomGenerator::system()->bounded(10000), 4, 10,
                                               QLatin1Char('0'));
            }
            const auto checkedOut = m_chat.checkOutRoom(room->id, auth::hashPassword(pin));
            if (!checkedOut)
                return request.error(503, checkedOut.error().message);
            return HttpReply::json(200, QJsonObject{{"room_number", room->number},
                                                    {"new_pin", pin},
                                                    {"ended_sessions", checkedOut->endedSessions}});
        });
}

void V1Api::announceWorkflow(const DomainEvent &event)
{
    // Every staff socket of the site hears of a status change, joined to the chat or not;
    // a note's mentions reach the mentioned colleague's sockets only. Nothing here ever goes
    // to a customer's socket.
    QByteArray frame;
    QSet<qint64> recipients;
    if (event.kind == DomainEvent::Kind::StatusChanged) {
        frame = http::compactJson({{"type", "chat_status"},
                                   {"chat_id", event.conversationId},
                                   {"status", wireName(event.conversation.status)},
                                   {"snoozed_until", isoTime(event.conversation.snoozedUntil)}});
    } else if (event.kind == DomainEvent::Kind::NoteAdded && !event.note.mentions.isEmpty()) {
        frame = http::compactJson({{"type", "mention"},
                                   {"chat_id", event.conversationId},
                                   {"note", noteJson(event.note)}});
        recipients = QSet<qint64>(event.note.mentions.cbegin(), event.note.mentions.cend());
    } else {
        return;
    }
    for (V1Connection *connection : std::as_const(m_connections)) {
        const Account &account = connection->account;
        if (account.kind != AccountKind::Staff || account.siteId != event.siteId)
            continue;
        if (event.kind == DomainEvent::Kind::NoteAdded && !recipients.contains(account.id))
            continue;
        connection->socket->sendText(frame);
    }
}

} // namespace lobby::api::v1
