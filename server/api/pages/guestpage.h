#pragma once

namespace lobby::chat {
class ChatService;
}
namespace lobby::http {
class HttpServer;
}

namespace lobby::api::pages {

// GET /chat/{hotel_slug}/messages/room/{room}/validate-chat-pin: the guest page behind a room's
// QR code (resources/web/guest/index.html with /static/guest/guest.js and guest.css). PIN entry
// and chat happen on this one URL; unknown hotels and rooms get a plain 404 page.
void registerGuestPage(http::HttpServer &server, chat::ChatService &chat);

} // namespace lobby::api::pages
