#include "screenshotscene.h"

#include "auth/crypto.h"
#include "chat/chatservice.h"
#include "demo.h"

namespace lobby::app {

using namespace lobby::chat;

void addScreenshotScene(ChatService &chat)
{
    const auto site = chat.siteBySlug(QLatin1String(demo::siteSlug));
    if (!site || chat.conversationSummaries(site->id, {}).size() > 1)
        return;
    const auto admin = chat.accountByEmail(QLatin1String(demo::adminEmail));
    const auto maria = chat.accountByEmail(QLatin1String(demo::staffEmail));
    if (!admin || !maria)
        return;

    // Real stays and a real visitor, as the guest page and the widget would start them; nobody
    // holds their tokens, so no one can write through them. Presence and typing are left to
    // clients really connected.
    const QDateTime stayEnds = QDateTime::currentDateTimeUtc().addDays(7);
    auto stay = [&](const QString &number) -> std::optional<GuestSessionStart> {
        const auto room = chat.roomByNumber(site->id, number);
        if (!room)
            return std::nullopt;
        const auto started = chat.startGuestSession(
            room->id, auth::sha256Hex(auth::randomToken().toUtf8()), stayEnds);
        return started ? std::optional(started.value()) : std::nullopt;
    };
    auto say = [&](qint64 conversationId, const Actor &sender, const char *text,
                   qint64 replyTo = 0) -> qint64 {
        MessageDraft draft;
        draft.content = QString::fromUtf8(text);
        draft.replyToId = replyTo;
        const auto posted = chat.postMessage(conversationId, sender, draft);
        return posted ? posted->message.id : 0;
    };

    const auto stay102 = stay(QStringLiteral("102"));
    const auto stay205 = stay(QStringLiteral("205"));
    const auto visitor = chat.createVisitor({{"name", "Emma Walsh"}});
    if (!stay102 || !stay205 || !visitor)
        return;
    const auto visit = chat.createWidgetSession(visitor->publicId, QString(), {}, 24 * 3600);
    if (!visit)
        return;
    const auto website = chat.openWidgetChat(visit->publicId, visitor->publicId, site->id);
    if (!website)
        return;
    const Actor guest102 = ChatService::guestActor(stay102->session);
    const qint64 room102 = stay102->conversation.id;
    say(room102, guest102, "What time is check-out on Sunday?");
    say(room102, {ActorKind::Assistant, 0},
        "Check-out is at 11:00. Late check-out until 13:00 can be arranged at the front desk.");

    say(website->conversation.id, {ActorKind::Visitor, visitor->id},
        "Hello, do you have a double room free this Saturday night?");

    const Actor guest205 = ChatService::guestActor(stay205->session);
    const qint64 room205 = stay205->conversation.id;
    say(room205, guest205,
        "Hi! We just arrived. Could we get two extra pillows and a kettle, please?");
    say(room205, admin->actor(),
        "Welcome to Hotel Killarney! Of course, housekeeping will bring them up in 15 minutes.");
    const qint64 question = say(room205, guest205,
                                "Lovely, thank you. Is the spa open tomorrow "
                                "morning? We'd like to swim before breakfast.");
    const qint64 answer = say(room205, admin->actor(),
                              "Yes! The spa and pool open at 8:00, towels are at the spa desk. "
                              "Breakfast is served in the Garden Room until 10:30.",
                              question);
    chat.markRead(room205, guest205, answer);
    say(room205, guest205, "Perfect, see you at breakfast then.");
}

} // namespace lobby::app
