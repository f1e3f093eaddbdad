// Guest requests in the hotel guest family: a stay's requests (guest session token), a place's
// QR code page (no PIN, rate limited per address), and `request-updated` on the room channel.
#include "api/errorreply.h"
#include "api/guest/guestapi.h"
#include "api/requestjson.h"
#include "chat/chatservice.h"
#include "lobbyserver.h"

#include <QFile>
#include <QJsonArray>

namespace lobby::api::guest {

using namespace lobby::chat;
using http::HttpReply;
using http::HttpRequest;
using Method = QHttpServerRequest::Method;

namespace {

HttpReply detail(int status, const QString &message)
{
    return HttpReply::error(http::ApiFamily::Guest, status, message);
}

HttpReply fromError(const Error &error)
{
    return errorReply(http::ApiFamily::Guest, error,
                      QStringLiteral("The request could not be stored; try again."));
}

// {"category", "details"} of a new request, both strings; the 400 in `reply` otherwise.
std::optional<std::pair<QString, QString>> requestFields(const HttpRequest &request,
                                                         HttpReply *reply)
{
    const auto body = request.jsonObject(reply);
    if (!body)
        return std::nullopt;
    const QJsonValue category = body->value(QStringLiteral("category"));
    const QJsonValue details = body->value(QStringLiteral("details"));
    if (!category.isString() || category.toString().isEmpty()) {
        *reply = detail(400, QStringLiteral("category is required."));
        return std::nullopt;
    }
    if (!details.isString() || details.toString().trimmed().isEmpty()) {
        *reply = detail(400, QStringLiteral("details must say what you need."));
        return std::nullopt;
    }
    if (details.toString().trimmed().size() > ChatService::maxRequestDetailsLength) {
        *reply = detail(400, QStringLiteral("details are at most %1 characters.")
                                 .arg(ChatService::maxRequestDetailsLength));
        return std::nullopt;
    }
    return std::pair{category.toString(), details.toString()};
}

QJsonArray categoriesJson(const QList<RequestCategory> &categories)
{
    QJsonArray out;
    for (const RequestCategory &category : categories)
        out.append(QJsonObject{{"name", category.name}, {"label", category.label}});
    return out;
}

// The place page's security headers: the guest page's (only this server's scripts and styles).
constexpr auto contentSecurityPolicy =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'self'";

} // namespace

void GuestApi::registerRequestRoutes()
{
    http::HttpServer &http = m_server.http();
    auto bind = [this](HttpReply (GuestApi::*handler)(const HttpRequest &)) {
        return [this, handler](const HttpRequest &request) { return (this->*handler)(request); };
    };
    http.route(Method::Get, QStringLiteral("/api/chat/guest-session/{token}/request-categories/"),
               bind(&GuestApi::requestCategories));
    http.route(Method::Get, QStringLiteral("/api/chat/guest-session/{token}/requests/"),
               bind(&GuestApi::stayRequests));
    http.route(Method::Post, QStringLiteral("/api/chat/guest-session/{token}/requests/"),
               bind(&GuestApi::createStayRequest));
    http.route(Method::Get, QStringLiteral("/chat/place/{token}"), bind(&GuestApi::placePage));
    http.route(Method::Get, QStringLiteral("/api/chat/place/{token}/"), bind(&GuestApi::placeInfo));
    http.route(Method::Post, QStringLiteral("/api/chat/place/{token}/requests/"),
               bind(&GuestApi::createPlaceRequest));
}

HttpReply GuestApi::requestCategories(const HttpRequest &request)
{
    QString why;
    const auto guest = guestByToken(request.param(QStringLiteral("token")), &why);
    if (!guest)
        return detail(404, why);
    return HttpReply::json(200, categoriesJson(m_chat.requestCategories(guest->site.id)));
}

HttpReply GuestApi::stayRequests(const HttpRequest &request)
{
    QString why;
    const auto guest = guestByToken(request.param(QStringLiteral("token")), &why);
    if (!guest)
        return detail(404, why);
    const auto requests =
        m_chat.requestsForGuest(ChatService::guestActor(guest->session), guest->conversation.id);
    if (!requests)
        return fromError(requests.error());
    QJsonArray out;
    for (const ServiceRequest &r : requests.value())
        out.append(requestJson(r));
    return HttpReply::json(200, out);
}

HttpReply GuestApi::createStayRequest(const HttpRequest &request)
{
    QString why;
    const auto guest = guestByToken(request.param(QStringLiteral("token")), &why);
    if (!guest)
        return detail(404, why);
    HttpReply reply;
    const auto fields = requestFields(request, &reply);
    if (!fields)
        return reply;
    const auto made =
        m_chat.createRequest({guest->conversation.id, ChatService::guestActor(guest->session),
                              fields->first, fields->second, 0});
    if (!made)
        return fromError(made.error());
    return HttpReply::json(201, requestJson(made.value()));
}

HttpReply GuestApi::placePage(const HttpRequest &request)
{
    const auto place = m_chat.placeByToken(request.param(QStringLiteral("token")));
    QFile file(QStringLiteral(":/web/guest/place.html"));
    file.open(QIODevice::ReadOnly);
    QString html = QString::fromUtf8(file.readAll());
    html.replace(QLatin1String("{{place}}"),
                 place ? place->name.toHtmlEscaped() : QStringLiteral("Unknown place"));
    http::HttpReply reply{place ? 200 : 404, html.toUtf8(), "text/html; charset=utf-8", {}};
    reply.headers = {{"X-Content-Type-Options", "nosniff"},
                     {"Cache-Control", "no-store"},
                     {"Referrer-Policy", "no-referrer"},
                     {"Content-Security-Policy", contentSecurityPolicy}};
    return reply;
}

HttpReply GuestApi::placeInfo(const HttpRequest &request)
{
    const auto place = m_chat.placeByToken(request.param(QStringLiteral("token")));
    if (!place)
        return detail(404, QStringLiteral("This code does not belong to a place of the hotel."));
    return HttpReply::json(
        200, QJsonObject{{"place", place->name},
                         {"categories", categoriesJson(m_chat.requestCategories(place->siteId))}});
}

HttpReply GuestApi::createPlaceRequest(const HttpRequest &request)
{
    // Anyone who can read the poster can post: the limit is per address, before any work.
    const int retryAfter = m_placeRequests.take(request.raw().remoteAddress(), m_clock.elapsed());
    if (retryAfter) {
        HttpReply refusal = detail(429, QStringLiteral("Too many requests from here. Please "
                                                       "retry in %1 s, or ask at the front desk.")
                                            .arg(retryAfter));
        refusal.headers.append({"Retry-After", QByteArray::number(retryAfter)});
        return refusal;
    }
    if (!m_chat.placeByToken(request.param(QStringLiteral("token"))))
        return detail(404, QStringLiteral("This code does not belong to a place of the hotel."));
    HttpReply reply;
    const auto fields = requestFields(request, &reply);
    if (!fields)
        return reply;
    const auto made = m_chat.createPlaceRequest(request.param(QStringLiteral("token")),
                                                fields->first, fields->second);
    if (!made)
        return fromError(made.error());
    return HttpReply::json(201, requestJson(made.value()));
}

void GuestApi::onRequestEvent(const DomainEvent &event)
{
    // A stay's guests see every change of their room's requests on its private channel.
    const auto target = roomTarget(event.conversation);
    if (!target || !target->current)
        return;
    publishToRoom(*target, event.conversationId, QStringLiteral("request-updated"),
                  http::compactJson(requestJson(event.request)));
}

} // namespace lobby::api::guest
