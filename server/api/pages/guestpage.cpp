#include "api/pages/guestpage.h"

#include "chat/chatservice.h"
#include "http/httpserver.h"

#include <QFile>

namespace lobby::api::pages {

namespace {

// Only this server's scripts and styles; talk to this server (REST and the Pusher socket) only.
// Staff photos (profile_image) may be any https image.
constexpr auto contentSecurityPolicy =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: https:; "
    "connect-src 'self' ws: wss:; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'self'";

http::HttpReply htmlReply(int status, const QString &title, const QString &hotelSlug,
                          const QString &hotelName, const QString &room)
{
    QFile templateFile(QStringLiteral(":/web/guest/index.html"));
    templateFile.open(QIODevice::ReadOnly);
    QString html = QString::fromUtf8(templateFile.readAll());
    html.replace(QLatin1String("{{title}}"), title.toHtmlEscaped());
    html.replace(QLatin1String("{{hotel_slug}}"), hotelSlug.toHtmlEscaped());
    html.replace(QLatin1String("{{hotel_name}}"), hotelName.toHtmlEscaped());
    html.replace(QLatin1String("{{room}}"), room.toHtmlEscaped());
    http::HttpReply reply{status, html.toUtf8(), "text/html; charset=utf-8", {}};
    reply.headers = {{"X-Content-Type-Options", "nosniff"},
                     {"Cache-Control", "no-store"},
                     {"Referrer-Policy", "no-referrer"},
                     {"Content-Security-Policy", contentSecurityPolicy}};
    return reply;
}

} // namespace

void registerGuestPage(http::HttpServer &server, chat::ChatService &chat)
{
    server.route(QHttpServerRequest::Method::Get,
                 QStringLiteral("/chat/{hotel_slug}/messages/room/{room}/validate-chat-pin"),
                 [&chat](const http::HttpRequest &request) {
                     const auto site = chat.siteBySlug(request.param(QStringLiteral("hotel_slug")));
                     const auto room =
                         site ? chat.roomByNumber(site->id, request.param(QStringLiteral("room")))
                              : std::nullopt;
                     if (!site || !room) {
                         // The page says so itself; it has no room to log in to.
                         return htmlReply(404, QStringLiteral("Room not found"), QString(),
                                          QString(), QString());
                     }
                     return htmlReply(200,
                                      QStringLiteral("Room %1 · %2").arg(room->number, site->name),
                                      site->slug, site->name, room->number);
                 });
}

} // namespace lobby::api::pages
