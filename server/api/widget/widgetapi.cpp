#include "api/widget/widgetapi.h"

#include "api/errorreply.h"

#include "auth/crypto.h"
#include "chat/chatservice.h"
#include "http/ssestream.h"
#include "realtime/hub.h"

#include <QJsonArray>
#include <QTimer>

namespace lobby::api::widget {

using namespace lobby::chat;
using namespace lobby::http;
using Method = QHttpServerRequest::Method;

namespace {

// A website visitor reads its own session's conversation (the domain's access rule).
Viewer viewerOf(const WidgetChat &chat)
{
    return {chat.conversation.siteId, {ActorKind::Visitor, chat.visitor.id}};
}

constexpr int defaultHistoryLimit = 100;
constexpr int maxHistoryLimit = 500;
// Messages per page of an events stream's catch-up: at most 20 x 60 KB (10,000 characters, all
// escaped) waits for a slow client, well under the stream's output cap.
constexpr int catchUpPageSize = 20;

HttpReply success(int status, const QJsonValue &data, const QString &message)
{
    return HttpReply::json(status, {{"success", true}, {"data", data}, {"message", message}});
}

HttpReply failure(int status, const QString &message)
{
    return HttpReply::error(ApiFamily::Widget, status, message);
}

HttpReply failure(const Error &error)
{
    return errorReply(ApiFamily::Widget, error,
                      QStringLiteral("The message could not be stored; please retry."));
}

QJsonObject visitorJson(const Visitor &visitor)
{
    return {{"id", visitor.publicId},
            {"created_at", http::isoTimeMs(visitor.createdAt)},
            {"last_seen_at", http::isoTimeMs(visitor.lastSeenAt)},
            {"metadata", visitor.metadata}};
}

QJsonObject sessionJson(const WidgetSession &session, const Visitor &visitor)
{
    return {{"id", session.publicId},
            {"visitor", QJsonObject{{"id", visitor.publicId},
                                    {"created_at", http::isoTimeMs(visitor.createdAt)},
                                    {"last_seen_at", http::isoTimeMs(visitor.lastSeenAt)}}},
            {"external_user_id", session.externalUserId.isEmpty()
                                     ? QJsonValue(QJsonValue::Null)
                                     : QJsonValue(session.externalUserId)},
            {"created_at", http::isoTimeMs(session.createdAt)},
            {"expires_at", http::isoTimeMs(session.expiresAt)},
            {"is_active", session.active && session.expiresAt > QDateTime::currentDateTimeUtc()},
            {"metadata", session.metadata}};
}

// A string field of the body: absent or empty is `missing`, another JSON type is an error.
std::optional<QString> stringField(const QJsonObject &body, const char *name, bool required,
                                   HttpReply *error)
{
    const QJsonValue value = body.value(QLatin1String(name));
    if (value.isUndefined() || value.isNull() ||
        (value.isString() && value.toString().trimmed().isEmpty())) {
        if (required) {
            *error = failure(400, QStringLiteral("%1 is required.").arg(QLatin1String(name)));
            return std::nullopt;
        }
        return QString();
    }
    if (!value.isString()) {
        *error = failure(400, QStringLiteral("%1 must be a string.").arg(QLatin1String(name)));
        return std::nullopt;
    }
    return value.toString();
}

std::optional<QJsonObject> metadataField(const QJsonObject &body, HttpReply *error)
{
    const QJsonValue value = body.value(QLatin1String("metadata"));
    if (value.isUndefined())
        return QJsonObject{};
    if (!value.isObject()) { // null too: the document says an object
        *error = failure(400, QStringLiteral("metadata must be a JSON object."));
        return std::nullopt;
    }
    return value.toObject();
}

// A non-negative integer, `fallback` when `text` is empty.
std::optional<qint64> countParameter(const QString &text, qint64 fallback)
{
    if (text.isEmpty())
        return fallback;
    bool ok = false;
    const qint64 value = text.toLongLong(&ok);
    return ok && value >= 0 ? std::optional<qint64>(value) : std::nullopt;
}

// The same of a query parameter, `fallback` only when absent: `limit=` is no number.
std::optional<qint64> countParameter(const HttpRequest &request, const QString &name,
                                     qint64 fallback)
{
    if (!request.raw().query().hasQueryItem(name))
        return fallback;
    const QString text = request.query(name);
    return text.isEmpty() ? std::nullopt : countParameter(text, fallback);
}

QString roleOf(const Actor &sender)
{
    switch (sender.kind) {
    case ActorKind::Visitor:
        return QStringLiteral("user");
    case ActorKind::Assistant:
        return QStringLiteral("assistant");
    case ActorKind::System:
        return QStringLiteral("system");
    default:
        return QStringLiteral("staff");
    }
}

QString sessionTopic(qint64 widgetSessionId)
{
    return QStringLiteral("widget-session:%1").arg(widgetSessionId);
}

} // namespace

// A chat/stream response that handed the conversation to staff and waits for their reply.
class HandoffWait : public QObject
{
public:
    HandoffWait(SseStream *stream, int waitMs, const QJsonObject &ids)
        : QObject(stream), m_stream(stream), m_ids(ids)
    {
        m_timer.setSingleShot(true);
        m_timer.start(waitMs);
    }

    SseStream *stream() const { return m_stream; }
    // session_id and message_id (the visitor's question): the last event carries them.
    const QJsonObject &ids() const { return m_ids; }
    QTimer &timer() { return m_timer; }
    bool settled = false; // a reply or the timeout has been streamed

private:
    SseStream *m_stream;
    QJsonObject m_ids;
    QTimer m_timer;
};

// A visitor's presence held by one open stream: online from when its session has a site until
// the stream ends.
class VisitorPresence : public QObject
{
public:
    VisitorPresence(SseStream *stream, ChatService &chat, const Actor &visitor)
        : QObject(stream), m_chat(&chat), m_visitor(visitor)
    {}
    ~VisitorPresence() override
    {
        if (m_siteId && m_chat)
            m_chat->connectionClosed(m_siteId, m_visitor);
    }
    void goOnline(qint64 siteId)
    {
        if (m_siteId || !siteId || !m_chat)
            return;
        m_siteId = siteId;
        m_chat->connectionOpened(siteId, m_visitor);
    }

private:
    QPointer<ChatService> m_chat;
    Actor m_visitor;
    qint64 m_siteId = 0;
};

struct WidgetApi::Turn
{
    WidgetChat chat;
    Message visitorMessage;
    AssistantReply reply;
    std::optional<Message> earlierAnswer; // a retried message (same client id) is answered once
};

WidgetApi::WidgetApi(HttpServer &http, ChatService &chat, realtime::Hub &hub, WidgetConfig config)
    : m_http(http), m_chat(chat), m_hub(hub), m_config(std::move(config)),
      m_creations(m_config.creationsPerMinute, 2 * m_config.creationsPerMinute)
{
    m_clock.start();
    http.route(Method::Post, QStringLiteral("/api/chats/visitors/"),
               [this](const HttpRequest &r) { return createVisitor(r); });
    http.route(Method::Get, QStringLiteral("/api/chats/visitors/{id}/validate/"),
               [this](const HttpRequest &r) { return validateVisitor(r); });
    http.route(Method::Post, QStringLiteral("/api/chats/sessions/"),
               [this](const HttpRequest &r) { return createSession(r); });
    http.route(Method::Get, QStringLiteral("/api/chats/site/"),
               [this](const HttpRequest &r) { return siteInfo(r); });
    http.route(Method::Post, QStringLiteral("/api/chats/messages/chat/"),
               [this](const HttpRequest &r) { return chatReply(r); });
    http.streamRoute(Method::Post, QStringLiteral("/api/chats/messages/chat/stream/"),
                     [this](const HttpRequest &r, QHttpServerResponder &&responder) {
                         chatStream(r, std::move(responder));
                     });
    http.route(Method::Get, QStringLiteral("/api/chats/sessions/{id}/messages/"),
               [this](const HttpRequest &r) { return history(r); });
    http.streamRoute(Method::Get, QStringLiteral("/api/chats/sessions/{id}/events/"),
                     [this](const HttpRequest &r, QHttpServerResponder &&responder) {
                         events(r, std::move(responder));
                     });
    connect(&m_chat, &ChatService::event, this, &WidgetApi::onEvent);
}

WidgetApi::~WidgetApi() = default;

std::optional<HttpReply> WidgetApi::refuseTooManyCreations(const HttpRequest &request)
{
    const int retryAfter = m_creations.take(request.raw().remoteAddress(), m_clock.elapsed());
    if (!retryAfter)
        return std::nullopt;
    HttpReply refusal = failure(
        429, QStringLiteral("Too many visitors and sessions created from this address: at most "
                            "%1 a minute. Please retry in %2 s.")
                 .arg(m_config.creationsPerMinute)
                 .arg(retryAfter));
    refusal.headers.append(http::Header("Retry-After", QByteArray::number(retryAfter)));
    return refusal;
}

HttpReply WidgetApi::createVisitor(const HttpRequest &request)
{
    if (auto refusal = refuseTooManyCreations(request))
        return *refusal;
    HttpReply error;
    const auto body = request.jsonObject(&error);
    if (!body)
        return error;
    const auto metadata = metadataField(*body, &error);
    if (!metadata)
        return error;
    const auto visitor = m_chat.createVisitor(*metadata);
    if (!visitor)
        return failure(visitor.error());
    return success(201, visitorJson(visitor.value()),
                   QStringLiteral("Visitor created successfully. Use this visitor_id to create "
                                  "sessions and send chat messages."));
}

HttpReply WidgetApi::validateVisitor(const HttpRequest &request)
{
    const auto visitor = m_chat.touchVisitor(request.param(QStringLiteral("id")));
    if (!visitor)
        return failure(visitor.error());
    return success(200, visitorJson(visitor.value()), QStringLiteral("Visitor ID is valid"));
}

HttpReply WidgetApi::createSession(const HttpRequest &request)
{
    if (auto refusal = refuseTooManyCreations(request))
        return *refusal;
    HttpReply error;
    const auto body = request.jsonObject(&error);
    if (!body)
        return error;
    const auto visitorId = stringField(*body, "visitor_id", true, &error);
    const auto externalUserId =
        visitorId ? stringField(*body, "external_user_id", false, &error) : std::nullopt;
    const auto metadata = externalUserId ? metadataField(*body, &error) : std::nullopt;
    if (!metadata)
        return error;
    const auto session = m_chat.createWidgetSession(*visitorId, *externalUserId, *metadata,
                                                    m_config.sessionLifetimeSeconds);
    if (!session) // an unknown visitor is a bad request here (400), as the guide shows
        return session.error().code == ErrorCode::NotFound ? failure(400, session.error().message)
                                                           : failure(session.error());
    const auto visitor = m_chat.visitor(session->visitorId);
    return success(201, sessionJson(session.value(), *visitor),
                   QStringLiteral("Created successfully"));
}

std::optional<ApiKey> WidgetApi::apiKeyOf(const HttpRequest &request, HttpReply *error)
{
    QString key = QString::fromLatin1(request.header("x-api-key").trimmed());
    if (key.isEmpty())
        key = request.bearerToken();
    if (key.isEmpty()) {
        *error = failure(401, QStringLiteral("API key required: send it in the X-API-Key header "
                                             "or as Authorization: Bearer <key>."));
        return std::nullopt;
    }
    const auto apiKey = m_chat.apiKeyByHash(auth::sha256Hex(key.toUtf8()));
    if (!apiKey || apiKey->revokedAt.isValid()) {
        *error = failure(401, QStringLiteral("Invalid API key."));
        return std::nullopt;
    }
    return apiKey;
}

HttpReply WidgetApi::siteInfo(const HttpRequest &request)
{
    HttpReply error;
    const auto apiKey = apiKeyOf(request, &error);
    if (!apiKey)
        return error;
    const auto site = m_chat.site(apiKey->siteId);
    if (!site)
        return failure(401, QStringLiteral("Invalid API key."));
    const QString about =
        site->kind == SiteKind::Salon ? QStringLiteral("your visit") : QStringLiteral("your stay");
    return success(200,
                   QJsonObject{{"name", site->name},
                               {"greeting", QStringLiteral("Welcome to %1! Ask me anything about "
                                                           "%2, or tell me what you need and I "
                                                           "will pass it to our team.")
                                                .arg(site->name, about)},
                               {"assistant_name", QStringLiteral("Assistant")}},
                   QStringLiteral("Site retrieved"));
}

std::optional<WidgetApi::Turn> WidgetApi::takeTurn(const HttpRequest &request, HttpReply *error)
{
    const auto apiKey = apiKeyOf(request, error);
    if (!apiKey)
        return std::nullopt;
    const auto body = request.jsonObject(error);
    if (!body)
        return std::nullopt;
    const auto text = stringField(*body, "message", true, error);
    const auto sessionId = text ? stringField(*body, "session_id", true, error) : std::nullopt;
    const auto visitorId = sessionId ? stringField(*body, "visitor_id", true, error) : std::nullopt;
    const auto clientId =
        visitorId ? stringField(*body, "client_message_id", false, error) : std::nullopt;
    if (!clientId)
        return std::nullopt;
    if (text->size() > ChatService::maxMessageLength) {
        *error = failure(
            400,
            QStringLiteral("message is at most %1 characters.").arg(ChatService::maxMessageLength));
        return std::nullopt;
    }
    auto chat = m_chat.openWidgetChat(*sessionId, *visitorId, apiKey->siteId);
    if (!chat) {
        *error = failure(chat.error());
        return std::nullopt;
    }
    MessageDraft draft;
    draft.content = *text;
    draft.clientId = *clientId;
    const auto posted =
        m_chat.postMessage(chat->conversation.id, {ActorKind::Visitor, chat->visitor.id}, draft);
    if (!posted) {
        *error = failure(posted.error());
        return std::nullopt;
    }
    Turn turn{chat.value(), posted->message, {}, std::nullopt};
    if (posted->duplicate) {
        const auto later20 =
            m_chat.history(viewerOf(chat.value()), chat->conversation.id, posted->message.id, 20);
        for (const Message &later : later20 ? later20.value() : QList<Message>()) {
            if (later.sender.kind == ActorKind::Assistant) {
                turn.earlierAnswer = later;
                break;
            }
        }
    }
    turn.reply = assistantFor(apiKey->siteId).reply(*text);
    return turn;
}

const FaqAssistant &WidgetApi::assistantFor(qint64 siteId)
{
    // One cheap query instead of reading and indexing every entry per message. The version is
    // read each time, so entries added or removed by the console, `lobby admin` or another
    // instance count from the next message on.
    const QPair<qint64, qint64> version = m_chat.faqVersion(siteId);
    CachedAssistant &cached = m_assistants[siteId];
    if (!cached.assistant || cached.version != version || version.first < 0) {
        cached.assistant =
            std::make_shared<const FaqAssistant>(m_chat.faqOfSite(siteId), m_config.thresholds);
        cached.version = version;
    }
    return *cached.assistant;
}

Message WidgetApi::postAssistant(const Turn &turn, const QString &text, bool *ok)
{
    if (turn.earlierAnswer) {
        *ok = true;
        return *turn.earlierAnswer;
    }
    MessageDraft draft;
    draft.content = text;
    const auto posted =
        m_chat.postMessage(turn.chat.conversation.id, {ActorKind::Assistant, 0}, draft);
    *ok = bool(posted);
    return posted ? posted->message : Message{};
}

HttpReply WidgetApi::chatReply(const HttpRequest &request)
{
    // The whole turn (the visitor seen, the message, the answer) is one durable commit, not
    // three: the commits were most of a turn's cost (bench/RESULTS.md, benchmark 4).
    HttpReply reply;
    const bool committed = m_chat.inOneCommit([&] {
        const auto turn = takeTurn(request, &reply);
        if (!turn)
            return false;
        // The plain endpoint never waits for staff: a hand-off answers with the holding message.
        const bool handoff = turn->reply.kind == AssistantReply::Kind::Handoff;
        bool stored = false;
        const Message answer =
            postAssistant(*turn, handoff ? m_config.holdingMessage : turn->reply.text, &stored);
        if (!stored)
            return false;
        QJsonObject data{{"response", answer.content},
                         {"session_id", turn->chat.session.publicId},
                         {"message_id", QString::number(turn->visitorMessage.id)},
                         {"response_id", QString::number(answer.id)}};
        if (handoff)
            data[QStringLiteral("handoff")] = true;
        reply = success(200, data, QStringLiteral("Response generated"));
        return true;
    });
    if (!committed && reply.status == 200)
        return failure(503, QStringLiteral("The answer could not be stored; please retry."));
    return reply;
}

void WidgetApi::streamText(SseStream *stream, const QString &text, const QJsonObject &last,
                           const QJsonObject &each)
{
    const QStringList pieces = FaqAssistant::chunks(text);
    auto *timer = new QTimer(stream);
    timer->setInterval(m_config.chunkIntervalMs);
    auto next = std::make_shared<int>(0); // shared by the first call and the timer's copy
    auto sendNext = [stream, timer, pieces, last, each, next] {
        const bool done = *next + 1 >= pieces.size();
        QJsonObject event = each;
        event.insert(QStringLiteral("chunk"), pieces.value(*next));
        event.insert(QStringLiteral("done"), done);
        if (done) {
            for (auto it = last.begin(); it != last.end(); ++it)
                event.insert(it.key(), it.value());
        }
        stream->send(http::compactJson(event));
        ++*next;
        if (done) {
            timer->stop();
            stream->finish();
            stream->deleteLater();
        }
    };
    connect(timer, &QTimer::timeout, stream, sendNext);
    sendNext();
    if (pieces.size() > 1)
        timer->start();
}

void WidgetApi::chatStream(const HttpRequest &request, QHttpServerResponder &&responder)
{
    HttpReply error;
    const auto turn = takeTurn(request, &error);
    if (!turn) {
        m_http.writeReply(responder, request.raw(), error);
        return;
    }
    auto *stream =
        new SseStream(std::move(responder), m_http.corsHeaders(request.raw(), ApiFamily::Widget));
    connect(stream, &SseStream::closed, stream, &QObject::deleteLater);
    markOnlineWhileOpen(stream, turn->chat.visitor, turn->chat.session);
    const QJsonObject ids{{"session_id", turn->chat.session.publicId},
                          {"message_id", QString::number(turn->visitorMessage.id)}};

    if (turn->reply.kind != AssistantReply::Kind::Handoff || turn->earlierAnswer) {
        bool stored = false;
        const Message answer = postAssistant(*turn, turn->reply.text, &stored);
        QJsonObject last = ids;
        last[QStringLiteral("response_id")] = QString::number(answer.id);
        streamText(stream, stored ? answer.content : m_config.holdingMessage, last);
        return;
    }

    // Hand-off: say so, relay staff typing, stream the first staff reply, or time out politely.
    QJsonObject notice = ids;
    notice[QStringLiteral("chunk")] = QString();
    notice[QStringLiteral("done")] = false;
    notice[QStringLiteral("handoff")] = true;
    stream->send(http::compactJson(notice));
    const qint64 conversationId = turn->chat.conversation.id;
    m_handoffs.remove(conversationId, QPointer<HandoffWait>()); // streams whose client left
    auto *wait = new HandoffWait(stream, m_config.handoffWaitMs, ids);
    m_handoffs.insert(conversationId, wait);
    const Turn copy = *turn;
    connect(&wait->timer(), &QTimer::timeout, wait, [this, wait, copy, ids, conversationId] {
        if (wait->settled)
            return;
        wait->settled = true;
        m_handoffs.remove(conversationId, wait);
        bool stored = false;
        const Message holding = postAssistant(copy, m_config.holdingMessage, &stored);
        QJsonObject last = ids;
        last[QStringLiteral("handoff")] = true;
        if (stored)
            last[QStringLiteral("response_id")] = QString::number(holding.id);
        streamText(wait->stream(), m_config.holdingMessage, last);
    });
}

HttpReply WidgetApi::history(const HttpRequest &request)
{
    const auto chat = m_chat.widgetChatForVisitor(request.param(QStringLiteral("id")),
                                                  request.query(QStringLiteral("visitor_id")));
    if (!chat)
        return failure(chat.error());
    const auto after = countParameter(request, QStringLiteral("after"), 0);
    const auto limit = countParameter(request, QStringLiteral("limit"), defaultHistoryLimit);
    if (!after || !limit || *limit < 1 || *limit > maxHistoryLimit)
        return failure(400, QStringLiteral("after must be a message id (0 or more) and limit a "
                                           "number from 1 to %1.")
                                .arg(maxHistoryLimit));
    m_chat.touchVisitor(chat->visitor.publicId);
    QJsonArray messages;
    bool hasMore = false;
    if (chat->conversation.id) {
        const auto read =
            m_chat.history(viewerOf(chat.value()), chat->conversation.id, *after, int(*limit) + 1);
        if (!read)
            return failure(read.error());
        QList<Message> page = read.value();
        hasMore = page.size() > *limit;
        if (hasMore)
            page.removeLast();
        for (const Message &message : std::as_const(page))
            messages.append(messageJson(message));
    }
    return success(200,
                   QJsonObject{{"session_id", chat->session.publicId},
                               {"messages", messages},
                               {"has_more", hasMore}},
                   QStringLiteral("Messages retrieved"));
}

void WidgetApi::events(const HttpRequest &request, QHttpServerResponder &&responder)
{
    const auto chat = m_chat.widgetChatForVisitor(request.param(QStringLiteral("id")),
                                                  request.query(QStringLiteral("visitor_id")));
    QString afterText = request.query(QStringLiteral("after"));
    if (afterText.isEmpty()) // EventSource resumes with the last id it saw
        afterText = QString::fromLatin1(request.header("last-event-id"));
    const auto after = countParameter(afterText, 0);
    if (!chat || !after) {
        m_http.writeReply(responder, request.raw(),
                          !chat ? failure(chat.error())
                                : failure(400, QStringLiteral("after must be a message id.")));
        return;
    }
    auto *stream =
        new SseStream(std::move(responder), m_http.corsHeaders(request.raw(), ApiFamily::Widget));
    connect(stream, &SseStream::closed, stream, &QObject::deleteLater);
    // Every message after `after`, page by page as the client reads (a stream that stopped at
    // one page would go live past the rest, and the client's Last-Event-ID would skip them for
    // good), then live. The subscription starts now, but live messages wait for the catch-up to
    // reach them: it reads them from the store, so none falls between, none is sent twice, and
    // a client that does not read holds at most a page.
    const auto caughtUpTo = std::make_shared<qint64>(*after);
    if (const qint64 conversationId = chat->conversation.id) {
        stream->feed([this, stream, conversationId, caughtUpTo, viewer = viewerOf(chat.value())] {
            const auto read = m_chat.history(viewer, conversationId, *caughtUpTo, catchUpPageSize);
            const QList<Message> page = read ? read.value() : QList<Message>();
            for (const Message &message : page)
                stream->send(
                    http::compactJson({{"type", "message"}, {"message", messageJson(message)}}),
                    QByteArray::number(message.id));
            if (!page.isEmpty())
                *caughtUpTo = page.constLast().id;
            return page.size() == catchUpPageSize;
        });
    }
    m_hub.subscribe(sessionTopic(chat->session.id), stream,
                    [this, stream, caughtUpTo](const QByteArray &event) {
                        if (m_publishingMessageId &&
                            (stream->isFeeding() || m_publishingMessageId <= *caughtUpTo))
                            return;
                        stream->sendEncoded(event);
                    });
    markOnlineWhileOpen(stream, chat->visitor, chat->session);
}

void WidgetApi::markOnlineWhileOpen(SseStream *stream, const Visitor &visitor,
                                    const WidgetSession &session)
{
    auto *presence = new VisitorPresence(stream, m_chat, {ActorKind::Visitor, visitor.id});
    if (session.siteId) {
        presence->goOnline(session.siteId);
        return;
    }
    // No site yet: the widget listens before its first message, which binds one.
    m_awaitingSite.insert(session.id, presence);
    connect(presence, &QObject::destroyed, this,
            [this, id = session.id, presence] { m_awaitingSite.remove(id, presence); });
}

QJsonObject WidgetApi::messageJson(const Message &message)
{
    QJsonObject json{{"id", QString::number(message.id)},
                     {"role", roleOf(message.sender)},
                     {"type", wireName(message.type)},
                     {"content", message.content},
                     {"created_at", http::isoTimeMs(message.createdAt)}};
    if (!message.mediaUrl.isEmpty())
        json[QStringLiteral("media_url")] = message.mediaUrl;
    if (message.sender.kind == ActorKind::Staff) {
        if (m_chat.account(message.sender.id)) // a gone account is not named
            json[QStringLiteral("sender_name")] =
                m_chat.displayName(message.sender, NameFamily::Widget);
    }
    return json;
}

void WidgetApi::onEvent(const DomainEvent &event)
{
    if (event.conversation.kind != ConversationKind::Widget || !event.conversation.widgetSessionId)
        return;
    if (event.kind == DomainEvent::Kind::ConversationCreated) {
        // The session's first message bound it to a site (here or on another instance).
        const qint64 session = event.conversation.widgetSessionId;
        for (VisitorPresence *presence : m_awaitingSite.values(session))
            presence->goOnline(event.conversation.siteId);
        m_awaitingSite.remove(session);
        return;
    }
    const bool fromStaff = event.actor.kind == ActorKind::Staff;
    if (event.kind == DomainEvent::Kind::MessagePosted) {
        // Encoded once for every open events stream of this session.
        m_publishingMessageId = event.message.id;
        m_hub.publish(
            sessionTopic(event.conversation.widgetSessionId),
            SseStream::encode(
                http::compactJson({{"type", "message"}, {"message", messageJson(event.message)}}),
                QByteArray::number(event.message.id)));
        m_publishingMessageId = 0;
        if (!fromStaff)
            return;
        // The first staff reply ends every stream waiting in this conversation.
        const auto waits = m_handoffs.values(event.conversationId);
        m_handoffs.remove(event.conversationId);
        for (const QPointer<HandoffWait> &wait : waits) {
            if (!wait || wait->settled)
                continue;
            wait->settled = true;
            wait->timer().stop();
            // Every piece says it is staff's; the last also carries the ids, as every stream's.
            QJsonObject from{{"from", "staff"}};
            if (m_chat.account(event.actor.id))
                from[QStringLiteral("staff_name")] =
                    m_chat.displayName(event.actor, NameFamily::Widget);
            QJsonObject last = wait->ids();
            last[QStringLiteral("response_id")] = QString::number(event.message.id);
            streamText(wait->stream(), event.message.content, last, from);
        }
    } else if (event.kind == DomainEvent::Kind::Typing && fromStaff) {
        const QJsonObject typing{{"type", "typing"}, {"role", "staff"}, {"typing", event.flag}};
        m_hub.publish(sessionTopic(event.conversation.widgetSessionId),
                      SseStream::encode(http::compactJson(typing)));
        const QByteArray relay =
            http::compactJson({{"chunk", QString()}, {"done", false}, {"typing", event.flag}});
        for (const QPointer<HandoffWait> &wait : m_handoffs.values(event.conversationId)) {
            if (wait && !wait->settled)
                wait->stream()->send(relay);
        }
    }
}

} // namespace lobby::api::widget
