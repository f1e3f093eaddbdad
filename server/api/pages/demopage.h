#pragma once

#include <QString>

namespace lobby::chat {
class ChatService;
}
namespace lobby::http {
class HttpServer;
}

namespace lobby::api::pages {

// The demo site's widget key, kept by Lobby itself (see app/demo.cpp).
struct DemoPageConfig
{
    qint64 siteId = 0;
    QString apiKey;
};

// GET /demo/: a small hotel website that embeds the widget with Lobby's own demo key and links
// each room's guest page. Without a site it says how to create one.
void registerDemoPage(http::HttpServer &server, chat::ChatService &chat,
                      const DemoPageConfig &config);

} // namespace lobby::api::pages
