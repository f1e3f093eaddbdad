#include "screenshotscene.h"

#include "chat/chatservice.h"
#include "demo.h"
#include "store/store.h"

namespace lobby::app {

using namespace lobby::chat;

void addScreenshotScene(ChatService &chat)
{
    const auto site = chat.store().siteBySlug(QLatin1String(demo::siteSlug));
    if (!site || chat.store().conversationsOfSite(site->id).size() > 1)
        return;
    const auto admin = chat.store().accountByEmail(QLatin1String(demo::adminEmail));
    const auto maria = chat.store().accountByEmail(QLatin1String(demo::staffEmail));
    if (!admin || !maria)
        return;

    auto open = [&](ConversationKind kind, const QString &title, const QString &room,
                    const Actor &other) -> qint64 {
        NewConversation request;
        request.siteId = site->id;
        request.kind = kind;
        request.title = title;
        if (const auto r = chat.store().roomByNumber(site->id, room))
            request.roomId = r->id;
        request.participants = {other};
        const auto conversation = chat.openConversation(request);
        return conversation ? conversation->id : 0;
    };
    auto say = [&](qint64 conversationId, const Actor &sender, const char *text,
                   qint64 replyTo = 0) -> qint64 {
        MessageDraft draft;
        draft.content = QString::fromUtf8(text);
        draft.replyToId = replyTo;
        const auto posted = chat.postMessage(conversationId, sender, draft);
        return posted ? posted->message.id : 0;
    };

    const Actor guest102{ActorKind::Guest, 102};
    const qint64 room102 =
        open(ConversationKind::Room, QStringLiteral("Room 102"), QStringLiteral("102"), guest102);
    say(room102, guest102, "What time is check-out on Sunday?");
    say(room102, {ActorKind::Assistant, 0},
        "Check-out is at 11:00. Late check-out until 13:00 can be arranged at the front desk.");

    const Actor visitor{ActorKind::Visitor, 1};
    const qint64 website = open(ConversationKind::Widget, QString(), QString(), visitor);
    say(website, visitor, "Hello, do you have a double room free this Saturday night?");

    const Actor guest205{ActorKind::Guest, 205};
    const qint64 room205 =
        open(ConversationKind::Room, QStringLiteral("Room 205"), QStringLiteral("205"), guest205);
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
    // No presence here: dots turn green only for clients really connected to this server.
}

} // namespace lobby::app
