#pragma once

#include "api/widget/assistant.h"
#include "chat/domainevent.h"
#include "http/httpserver.h"
#include "http/ratelimiter.h"

#include <QElapsedTimer>
#include <QHash>
#include <QObject>
#include <QPointer>

namespace lobby::chat {
class ChatService;
}
namespace lobby::realtime {
class Hub;
}
namespace lobby::http {
class SseStream;
}

namespace lobby::api::widget {

struct WidgetConfig
{
    int sessionLifetimeSeconds = 24 * 60 * 60;
    int handoffWaitMs = 60 * 1000; // how long a stream waits for staff after a handoff
    int chunkIntervalMs = 40;      // between streamed pieces of a reply
    AssistantThresholds thresholds;
    // Visitors and sessions one client address may create (together): twice this at once, then
    // this many a minute; past that 429 with Retry-After. 0: no limit.
    int creationsPerMinute = 30;
    QString holdingMessage = QStringLiteral(
        "Thanks for your message! I have passed it to our team, and someone will reply here "
        "as soon as possible.");
};

class HandoffWait;
class VisitorPresence;

// The widget family (/api/chats/...): visitors, sessions, the assistant's answers (plain and
// streamed as Server-Sent Events), the hand-off to staff, and the visitor's own history and
// live event stream. Errors use {"success": false, "message": ...}.
class WidgetApi : public QObject
{
    Q_OBJECT

public:
    WidgetApi(http::HttpServer &http, chat::ChatService &chat, realtime::Hub &hub,
              WidgetConfig config = {});
    ~WidgetApi() override;

private:
    struct Turn; // one visitor message and what the assistant makes of it

    http::HttpReply createVisitor(const http::HttpRequest &request);
    http::HttpReply validateVisitor(const http::HttpRequest &request);
    http::HttpReply createSession(const http::HttpRequest &request);
    http::HttpReply siteInfo(const http::HttpRequest &request);
    http::HttpReply chatReply(const http::HttpRequest &request);
    void chatStream(const http::HttpRequest &request, QHttpServerResponder &&responder);
    http::HttpReply history(const http::HttpRequest &request);
    void events(const http::HttpRequest &request, QHttpServerResponder &&responder);

    // The site of the request's API key (X-API-Key or Bearer), or a 401 in `error`.
    std::optional<chat::ApiKey> apiKeyOf(const http::HttpRequest &request, http::HttpReply *error);
    // A 429 when the client's address has created too many visitors and sessions lately.
    std::optional<http::HttpReply> refuseTooManyCreations(const http::HttpRequest &request);
    std::optional<Turn> takeTurn(const http::HttpRequest &request, http::HttpReply *error);
    chat::Message postAssistant(const Turn &turn, const QString &text, bool *ok);
    // Streams `text` a few words per event; every event carries `each`, the last also `last`.
    void streamText(http::SseStream *stream, const QString &text, const QJsonObject &last,
                    const QJsonObject &each = {});
    // The visitor counts as online while `stream` is open, from when the session has a site
    // (a session gets one with its first message).
    void markOnlineWhileOpen(http::SseStream *stream, const chat::Visitor &visitor,
                             const chat::WidgetSession &session);
    void onEvent(const chat::DomainEvent &event);
    QJsonObject messageJson(const chat::Message &message);
    // The site's FAQ index, built again only when the FAQ changed (Store::faqVersion).
    const FaqAssistant &assistantFor(qint64 siteId);

    http::HttpServer &m_http;
    chat::ChatService &m_chat;
    realtime::Hub &m_hub;
    WidgetConfig m_config;
    QMultiHash<qint64, QPointer<HandoffWait>> m_handoffs; // by conversation id
    QMultiHash<qint64, VisitorPresence *> m_awaitingSite; // by widget session id
    struct CachedAssistant
    {
        QPair<qint64, qint64> version;
        std::shared_ptr<const FaqAssistant> assistant;
    };
    QHash<qint64, CachedAssistant> m_assistants; // by site id
    http::AddressRateLimiter m_creations;
    QElapsedTimer m_clock;            // for m_creations
    qint64 m_publishingMessageId = 0; // while a message event is published to events streams
};

} // namespace lobby::api::widget
