#pragma once

namespace lobby::chat {
class ChatService;
}

namespace lobby::app {

// A few lively conversations (two rooms, a website visitor) added to a *new* demo hotel for
// `--screenshot`, so the picture shows what a front-desk day looks like. Does nothing when the
// demo site has more than its first conversation.
void addScreenshotScene(chat::ChatService &chat);

} // namespace lobby::app
