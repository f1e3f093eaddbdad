#include "api/pages/demopage.h"

#include "chat/chatservice.h"
#include "http/httpserver.h"

#include <QFile>

namespace lobby::api::pages {

namespace {

QByteArray page(const QString &title, const QString &body)
{
    QFile templateFile(QStringLiteral(":/web/demo/index.html"));
    templateFile.open(QIODevice::ReadOnly);
    QString html = QString::fromUtf8(templateFile.readAll());
    html.replace(QLatin1String("{{title}}"), title.toHtmlEscaped());
    html.replace(QLatin1String("{{body}}"), body);
    return html.toUtf8();
}

} // namespace

void registerDemoPage(http::HttpServer &server, chat::ChatService &chat,
                      const DemoPageConfig &config)
{
    server.route(
        QHttpServerRequest::Method::Get, QStringLiteral("/demo/"),
        [&chat, config](const http::HttpRequest &) {
            const auto site = chat.site(config.siteId);
            QString body;
            QString title = QStringLiteral("Lobby demo");
            if (!site || config.apiKey.isEmpty()) {
                body = QStringLiteral(
                    "<main><h1>No site yet</h1><p>Create one with <code>lobby admin "
                    "site --slug my-hotel --name \"My Hotel\"</code> and restart Lobby, "
                    "or start it with <code>--demo</code> on a new data folder.</p></main>");
            } else {
                title = site->name;
                QString rooms;
                for (const chat::Room &room : chat.roomsOfSite(site->id)) {
                    const QString href =
                        QStringLiteral("/chat/%1/messages/room/%2/validate-chat-pin")
                            .arg(site->slug, room.number);
                    rooms += QStringLiteral("<li><a data-testid=\"room-link\" "
                                            "href=\"%1\">Room %2</a></li>")
                                 .arg(href.toHtmlEscaped(), room.number.toHtmlEscaped());
                }
                body =
                    QStringLiteral("<header class=\"hero\"><h1>%1</h1><p>Rest, explore and let "
                                   "us take care of the rest. Questions? Use the chat button.</p>"
                                   "</header><main><section><h2>Guest rooms</h2><p>Each room has "
                                   "a QR code that opens its private chat with the front desk:"
                                   "</p><ul class=\"rooms\">%2</ul></section></main>"
                                   "<script src=\"/widget.js\" data-api-key=\"%3\"></script>")
                        .arg(site->name.toHtmlEscaped(),
                             rooms.isEmpty() ? QStringLiteral("<li>No rooms yet</li>") : rooms,
                             config.apiKey.toHtmlEscaped());
            }
            http::HttpReply reply{200, page(title, body), "text/html; charset=utf-8", {}};
            reply.headers = {{"X-Content-Type-Options", "nosniff"},
                             {"Cache-Control", "no-store"},
                             {"Content-Security-Policy",
                              "default-src 'self'; script-src 'self'; style-src 'self'; "
                              "img-src 'self' data:; connect-src 'self'; object-src 'none'; "
                              "base-uri 'none'; frame-ancestors 'self'"}};
            return reply;
        });
}

} // namespace lobby::api::pages
