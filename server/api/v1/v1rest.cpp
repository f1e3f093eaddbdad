// The REST side of the app API v1: logins, chats, messages, uploads, /docs.
#include "api/v1/uploads.h"
#include "api/v1/v1api_p.h"
#include "api/v1/v1json.h"
#include "auth/crypto.h"

#include <QDir>
#include <QFile>

namespace lobby::api::v1 {

using namespace lobby::chat;
using http::HttpReply;
using http::HttpRequest;
using Method = QHttpServerRequest::Method;

namespace {

constexpr int defaultPageSize = 50;
constexpr int maxPageSize = 100;
const QString uploadPrefix = QStringLiteral("/uploads/chat/");

// FastAPI's validation error: 422 {"detail": [{"loc": [...], "msg": ..., "type": ...}]}.
HttpReply validationError(const QString &where, const QString &field, const QString &message,
                          const QString &type = QStringLiteral("value_error"))
{
    const QJsonObject item{{"loc", QJsonArray{where, field}}, {"msg", message}, {"type", type}};
    return HttpReply::json(422, QJsonObject{{"detail", QJsonArray{item}}});
}

HttpReply missing(const QString &field)
{
    return validationError(QStringLiteral("body"), field, QStringLiteral("field required"),
                           QStringLiteral("value_error.missing"));
}

HttpReply unauthorized(const HttpRequest &request, const QString &message)
{
    HttpReply reply = request.error(401, message);
    reply.headers.append(http::Header("WWW-Authenticate", "Bearer"));
    return reply;
}

HttpReply loginReply(const auth::TokenService &tokens, const Account &account)
{
    const auth::IssuedTokens issued = tokens.issue(account);
    return HttpReply::json(200, QJsonObject{{"access_token", issued.access},
                                            {"refresh_token", issued.refresh},
                                            {"token_type", "bearer"},
                                            {"expires_in", tokens.lifetimes().accessSeconds},
                                            {"user", userJson(account)}});
}

HttpReply loginFailure(const HttpRequest &request, const auth::LoginOutcome &outcome)
{
    HttpReply reply = request.error(outcome.status, outcome.message);
    if (outcome.status == 429)
        reply.headers.append(
            http::Header("Retry-After", QByteArray::number(outcome.retryAfterSeconds)));
    else
        reply.headers.append(http::Header("WWW-Authenticate", "Bearer"));
    return reply;
}

} // namespace

void V1Api::registerRoutes()
{
    // The account behind the bearer token, of the required kind: 401 without a valid access
    // token, 403 with a token of the other kind.
    const auto caller = [this](const HttpRequest &request, std::optional<AccountKind> kind,
                               HttpReply *reply, const QString &token = {}) {
        QString error;
        const auto who =
            auth::authenticate(m_tokens, m_chat, token.isEmpty() ? request.bearerToken() : token,
                               std::nullopt, &error);
        if (!who) {
            *reply =
                unauthorized(request, QStringLiteral("Could not validate credentials: ") + error);
            return std::optional<Account>();
        }
        if (kind && who->account.kind != *kind) {
            *reply = request.error(403, *kind == AccountKind::Staff
                                            ? QStringLiteral("This endpoint is for staff users.")
                                            : QStringLiteral("This endpoint is for customers."));
            return std::optional<Account>();
        }
        return std::optional<Account>(who->account);
    };

    // ---- logins
    m_http.route(
        Method::Post, QStringLiteral("/api/v1/auth/login"), [this](const HttpRequest &request) {
            HttpReply reply;
            const auto body = request.jsonObject(&reply);
            if (!body)
                return reply;
            if (!body->value(u"email").isString())
                return missing(QStringLiteral("email"));
            if (!body->value(u"password").isString())
                return missing(QStringLiteral("password"));
            const auto outcome =
                auth::attemptLogin(m_chat, auth::LoginName::Email, body->value(u"email").toString(),
                                   body->value(u"password").toString(), AccountKind::Staff,
                                   request.raw().remoteAddress(), m_loginPolicy);
            if (!outcome.account)
                return loginFailure(request, outcome);
            return loginReply(m_tokens, *outcome.account);
        });
    m_http.route(Method::Post, QStringLiteral("/api/v1/customer-auth/login"),
                 [this](const HttpRequest &request) {
                     HttpReply reply;
                     const auto body = request.jsonObject(&reply);
                     if (!body)
                         return reply;
                     const QString email = body->value(u"email").toString();
                     const QString phone = body->value(u"phone").toString();
                     if (email.trimmed().isEmpty() && phone.trimmed().isEmpty())
                         return validationError(QStringLiteral("body"), QStringLiteral("phone"),
                                                QStringLiteral("phone or email is required"));
                     if (!body->value(u"password").isString())
                         return missing(QStringLiteral("password"));
                     const bool byEmail = !email.trimmed().isEmpty();
                     const auto outcome = auth::attemptLogin(
                         m_chat, byEmail ? auth::LoginName::Email : auth::LoginName::Phone,
                         byEmail ? email : phone, body->value(u"password").toString(),
                         AccountKind::Customer, request.raw().remoteAddress(), m_loginPolicy);
                     if (!outcome.account)
                         return loginFailure(request, outcome);
                     return loginReply(m_tokens, *outcome.account);
                 });

    // ---- chats
    const auto createChat = [this](const Account &me, const Account &other, const QJsonObject &body,
                                   const QString &defaultTitle) {
        const Account &staff = me.kind == AccountKind::Staff ? me : other;
        NewConversation request;
        request.siteId = me.siteId;
        request.kind = ConversationKind::App;
        request.title = body.value(u"title").toString().trimmed();
        if (request.title.isEmpty())
            request.title = defaultTitle;
        request.handlerAccountId = staff.id;
        request.participants = {me.actor(), other.actor()};
        MessageDraft draft;
        draft.content = body.value(u"initial_message").toString();
        const auto posted = m_chat.openConversationWithMessage(request, me.actor(), draft);
        if (!posted) {
            const int status = posted.error().code == ErrorCode::Invalid ? 422 : 503;
            if (status == 422)
                return validationError(QStringLiteral("body"), QStringLiteral("initial_message"),
                                       posted.error().message);
            return HttpReply::error(http::ApiFamily::V1, status, posted.error().message);
        }
        Presenter presenter(m_chat);
        return HttpReply::json(
            201, presenter.chat(m_chat.chatListEntry(viewerOf(me), posted->conversation)));
    };
    const auto checkChatBody = [](const QJsonObject &body) -> std::optional<HttpReply> {
        if (body.contains(u"title") && !body.value(u"title").isString() &&
            !body.value(u"title").isNull())
            return validationError(QStringLiteral("body"), QStringLiteral("title"),
                                   QStringLiteral("str type expected"));
        if (body.value(u"title").toString().size() > 200)
            return validationError(QStringLiteral("body"), QStringLiteral("title"),
                                   QStringLiteral("at most 200 characters"));
        if (body.contains(u"initial_message") && !body.value(u"initial_message").isString() &&
            !body.value(u"initial_message").isNull())
            return validationError(QStringLiteral("body"), QStringLiteral("initial_message"),
                                   QStringLiteral("str type expected"));
        return std::nullopt;
    };

    m_http.route(Method::Post, QStringLiteral("/api/v1/chat/chats"),
                 [this, caller, createChat, checkChatBody](const HttpRequest &request) {
                     HttpReply reply;
                     const auto me = caller(request, AccountKind::Staff, &reply);
                     if (!me)
                         return reply;
                     const auto body = request.jsonObject(&reply);
                     if (!body)
                         return reply;
                     if (!body->contains(u"customer_id"))
                         return missing(QStringLiteral("customer_id"));
                     const auto customerId = http::idFromJson(body->value(u"customer_id"));
                     if (!customerId)
                         return validationError(QStringLiteral("body"),
                                                QStringLiteral("customer_id"),
                                                QStringLiteral("value is not a valid id"),
                                                QStringLiteral("type_error.integer"));
                     if (const auto bad = checkChatBody(*body))
                         return *bad;
                     const auto customer = m_chat.account(*customerId);
                     if (!customer || customer->kind != AccountKind::Customer ||
                         customer->siteId != me->siteId)
                         return request.error(404, QStringLiteral("Customer not found."));
                     return createChat(*me, *customer, *body,
                                       QStringLiteral("Chat with %1").arg(customer->name));
                 });
    m_http.route(Method::Post, QStringLiteral("/api/v1/chat/chats/customer"),
                 [this, caller, createChat, checkChatBody](const HttpRequest &request) {
                     HttpReply reply;
                     const auto me = caller(request, AccountKind::Customer, &reply);
                     if (!me)
                         return reply;
                     const auto body = request.jsonObject(&reply);
                     if (!body)
                         return reply;
                     if (!body->contains(u"user_id"))
                         return missing(QStringLiteral("user_id"));
                     const auto userId = http::idFromJson(body->value(u"user_id"));
                     if (!userId)
                         return validationError(QStringLiteral("body"), QStringLiteral("user_id"),
                                                QStringLiteral("value is not a valid id"),
                                                QStringLiteral("type_error.integer"));
                     if (const auto bad = checkChatBody(*body))
                         return *bad;
                     const auto staff = m_chat.account(*userId);
                     if (!staff || staff->kind != AccountKind::Staff || staff->siteId != me->siteId)
                         return request.error(404, QStringLiteral("User not found."));
                     return createChat(*me, *staff, *body,
                                       QStringLiteral("Chat with %1").arg(me->name));
                 });

    const auto listChats = [this, caller](const HttpRequest &request, AccountKind kind) {
        HttpReply reply;
        const auto me = caller(request, kind, &reply);
        if (!me)
            return reply;
        const QString archivedText = request.query(QStringLiteral("is_archived")).toLower();
        bool archived = false;
        if (archivedText == u"true" || archivedText == u"1")
            archived = true;
        else if (!archivedText.isEmpty() && archivedText != u"false" && archivedText != u"0")
            return validationError(QStringLiteral("query"), QStringLiteral("is_archived"),
                                   QStringLiteral("value could not be parsed to a boolean"),
                                   QStringLiteral("type_error.bool"));
        const QString statusText = request.query(QStringLiteral("status"));
        const auto status = conversationStatusFromString(statusText);
        if (!statusText.isEmpty() && !status)
            return validationError(QStringLiteral("query"), QStringLiteral("status"),
                                   QStringLiteral("status is open, pending, snoozed or resolved"));
        // Staff see every conversation of their site (guests, widget visitors, customers,
        // direct chats) so that a staff app can answer them all; customers only their own.
        Presenter presenter(m_chat);
        QJsonArray out;
        for (const ChatListEntry &entry : m_chat.chatList(viewerOf(*me), archived)) {
            if (!status || entry.conversation.status == *status)
                out.append(presenter.chat(entry));
        }
        return HttpReply::json(200, out);
    };
    m_http.route(
        Method::Get, QStringLiteral("/api/v1/chat/chats"),
        [listChats](const HttpRequest &request) { return listChats(request, AccountKind::Staff); });
    m_http.route(Method::Get, QStringLiteral("/api/v1/chat/chats/customer"),
                 [listChats](const HttpRequest &request) {
                     return listChats(request, AccountKind::Customer);
                 });

    // ---- messages, newest first (the guide's client reverses them)
    m_http.route(
        Method::Get, QStringLiteral("/api/v1/chat/chats/{id}/messages"),
        [this, caller](const HttpRequest &request) {
            HttpReply reply;
            const auto me = caller(request, std::nullopt, &reply);
            if (!me)
                return reply;
            bool ok = false;
            const qint64 chatId = request.param(QStringLiteral("id")).toLongLong(&ok);
            if (!ok || chatId <= 0)
                return validationError(QStringLiteral("path"), QStringLiteral("chat_id"),
                                       QStringLiteral("value is not a valid integer"),
                                       QStringLiteral("type_error.integer"));
            const auto intQuery = [&request](const QString &name, int fallback, int low,
                                             int high) -> std::optional<int> {
                if (!request.raw().query().hasQueryItem(name))
                    return fallback; // present but empty (`page=`) is no number
                const QString text = request.query(name);
                bool valid = false;
                const int value = text.toInt(&valid);
                if (!valid || value < low || value > high)
                    return std::nullopt;
                return value;
            };
            const auto page = intQuery(QStringLiteral("page"), 1, 1, 1'000'000);
            if (!page)
                return validationError(QStringLiteral("query"), QStringLiteral("page"),
                                       QStringLiteral("ensure this value is at least 1"));
            const auto pageSize =
                intQuery(QStringLiteral("page_size"), defaultPageSize, 1, maxPageSize);
            if (!pageSize)
                return validationError(
                    QStringLiteral("query"), QStringLiteral("page_size"),
                    QStringLiteral("ensure this value is between 1 and %1").arg(maxPageSize));
            const auto history = m_chat.historyNewestFirst(viewerOf(*me), chatId,
                                                           (*page - 1) * *pageSize, *pageSize);
            if (!history)
                return request.error(
                    history.error().code == ErrorCode::Forbidden ? 403 : 404,
                    history.error().message); // the domain's one access rule and its words
            const qint64 total = history->total;
            const QList<Message> &messages = history->messages;
            const QList<ReadReceipt> &receipts = history->receipts;
            // Written directly: a QJsonObject per message cost more than the queries.
            Presenter presenter(m_chat);
            http::JsonWriter out(1024 + 700 * messages.size());
            out.beginObject().key("has_more").value(qint64(*page) * *pageSize < total);
            out.key("messages").beginArray();
            for (const Message &m : messages)
                presenter.writeMessage(out, m, receipts);
            out.endArray();
            out.key("page").value(*page).key("page_size").value(*pageSize);
            out.key("total").value(total).endObject();
            return HttpReply{200, out.take(), "application/json", {}};
        });

    // ---- uploads
    m_http.route(Method::Post, QStringLiteral("/api/v1/chat/upload"),
                 [this, caller](const HttpRequest &request) {
                     HttpReply reply;
                     const auto me = caller(request, std::nullopt, &reply);
                     if (!me)
                         return reply;
                     return upload(request, *me);
                 });
    m_http.route(Method::Get, QStringLiteral("/uploads/chat/{name}"),
                 [this, caller](const HttpRequest &request) {
                     // Images in <img> cannot send headers: ?token= works as well as the bearer
                     // header.
                     HttpReply reply;
                     const auto me = caller(request, std::nullopt, &reply,
                                            request.query(QStringLiteral("token")));
                     if (!me)
                         return reply;
                     const QString name = request.param(QStringLiteral("name"));
                     const auto upload = m_chat.upload(name);
                     if (!upload || upload->siteId != me->siteId || !maySeeUpload(*me, *upload))
                         return request.error(404, QStringLiteral("Not found."));
                     const bool thumbnail = name == upload->thumbnailName;
                     QFile file(QDir(m_uploadsDir).filePath(name));
                     if (m_uploadsDir.isEmpty() || !file.open(QIODevice::ReadOnly))
                         return request.error(404, QStringLiteral("Not found."));
                     const QByteArray mime =
                         thumbnail ? QByteArray("image/png") : upload->mimeType.toLatin1();
                     HttpReply out{200, file.readAll(), mime, {}};
                     const bool inlineOk = mime.startsWith("image/") || mime.startsWith("audio/");
                     out.headers = {{"X-Content-Type-Options", "nosniff"},
                                    {"Content-Security-Policy", "default-src 'none'; sandbox"},
                                    {"Cache-Control", "private, max-age=3600"},
                                    {"Content-Disposition", inlineOk ? "inline" : "attachment"}};
                     return out;
                 });

    // ---- documentation: the Swagger UI lives at /api/docs/
    for (const QString &path : {QStringLiteral("/docs"), QStringLiteral("/docs/")}) {
        m_http.route(Method::Get, path, [](const HttpRequest &) {
            HttpReply reply{307, {}, "text/plain", {{"Location", "/api/docs/"}}};
            return reply;
        });
    }
}

HttpReply V1Api::upload(const HttpRequest &request, const Account &me)
{
    if (m_uploadsDir.isEmpty())
        return request.error(503, QStringLiteral("Uploads are not configured."));
    const auto parts =
        uploads::parseMultipart(request.header("content-type"), request.raw().body());
    if (!parts)
        return validationError(QStringLiteral("body"), QStringLiteral("file"),
                               QStringLiteral("expected a multipart/form-data body"));
    const uploads::FormPart *file = nullptr;
    for (const auto &part : *parts) {
        if (part.name == "file") {
            file = &part;
            break;
        }
    }
    if (!file)
        return missing(QStringLiteral("file"));
    if (m_dailyUploadBytes > 0 && file->data.size() <= m_maxUploadBytes) {
        // Counted from the uploads table, so the quota holds across restarts and instances.
        const QDateTime now = QDateTime::currentDateTimeUtc();
        const QDateTime midnight(now.date(), QTime(0, 0), Qt::UTC);
        const auto used = m_chat.uploadedBytesSince(me.actor(), midnight);
        if (!used)
            return request.error(503, QStringLiteral("The file could not be stored."));
        if (*used + file->data.size() > m_dailyUploadBytes) {
            const auto mib = [](qint64 bytes) {
                return QString::number(bytes / double(1 << 20), 'f', 1);
            };
            HttpReply refusal = request.error(
                429, QStringLiteral("Daily upload limit reached: an account may upload %1 MiB a "
                                    "day (UTC) and has uploaded %2 MiB today; this file is %3 "
                                    "MiB. Try again after midnight UTC.")
                         .arg(mib(m_dailyUploadBytes), mib(*used), mib(file->data.size())));
            refusal.headers.append(
                http::Header("Retry-After", QByteArray::number(now.secsTo(midnight.addDays(1)))));
            return refusal;
        }
    }
    const uploads::StoredUpload stored = uploads::storeUpload(
        m_chat, m_uploadsDir, m_maxUploadBytes, me.siteId, me.actor(), file->fileName, file->data);
    switch (stored.error) {
    case uploads::StoreError::None:
        break;
    case uploads::StoreError::TooLarge:
        return request.error(
            413, QStringLiteral("The file is larger than %1 bytes.").arg(m_maxUploadBytes));
    case uploads::StoreError::Empty:
        return validationError(QStringLiteral("body"), QStringLiteral("file"),
                               QStringLiteral("the file is empty"));
    case uploads::StoreError::UnsupportedType:
        return request.error(415, QStringLiteral("Unsupported file type: images (JPEG, PNG, "
                                                 "GIF, WebP), audio and PDF are accepted."));
    case uploads::StoreError::Undecodable:
        return validationError(QStringLiteral("body"), QStringLiteral("file"),
                               QStringLiteral("the image cannot be decoded"));
    case uploads::StoreError::Storage:
        return request.error(503, QStringLiteral("The file could not be stored."));
    }
    const Upload &upload = stored.upload;
    return HttpReply::json(
        201, QJsonObject{{"file_url", uploadPrefix + upload.storedName},
                         {"file_name", upload.originalName},
                         {"file_type", upload.mimeType},
                         {"file_size", upload.size},
                         {"thumbnail_url", upload.thumbnailName.isEmpty()
                                               ? QJsonValue(QJsonValue::Null)
                                               : QJsonValue(uploadPrefix + upload.thumbnailName)}});
}

} // namespace lobby::api::v1
