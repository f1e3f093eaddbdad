#include "testsupport.h"

#include <QJsonArray>
#include <QSignalSpy>
#include <QTest>
#include <QTimeZone>

using namespace lobby;
using namespace lobby::chat;

namespace {

const QTimeZone newYork("America/New_York");

// Wall-clock time in New York (UTC-4 in July), as the UTC instant the clock reports.
QDateTime local(int month, int day, int hour, int minute = 0)
{
    return QDateTime(QDate(2026, month, day), QTime(hour, minute), newYork).toUTC();
}

QJsonObject dailyHours(const QString &interval)
{
    QJsonObject hours;
    for (const char *day : {"mon", "tue", "wed", "thu", "fri", "sat", "sun"})
        hours.insert(QLatin1String(day), QJsonArray{interval});
    return hours;
}

OpeningHours parsed(const QJsonObject &json)
{
    QString error;
    const auto hours = OpeningHours::fromJson(json, &error);
    if (!hours)
        qFatal("hours refused: %s", qPrintable(error));
    return *hours;
}

} // namespace

// Business hours and away messages, against a fake clock: when the desk is open, what a guest
// or visitor is told while it is closed, once per conversation per closed period.
class TestHours : public QObject
{
    Q_OBJECT

    std::unique_ptr<test::TestDatabase> m_db;
    Site m_site;
    QDateTime m_now; // the fake clock
    Account m_night;

    Result<PostedMessage> post(qint64 conversationId, const Actor &sender, const QString &text)
    {
        MessageDraft draft;
        draft.content = text;
        return m_db->chat().postMessage(conversationId, sender, draft);
    }

    // A website visitor's conversation on the site.
    QPair<qint64, Actor> visitorChat()
    {
        const auto visitor = m_db->chat().createVisitor(QJsonObject());
        const auto session =
            m_db->chat().createWidgetSession(visitor->publicId, QString(), QJsonObject(), 3600);
        const auto chat =
            m_db->chat().openWidgetChat(session->publicId, visitor->publicId, m_site.id);
        if (!chat)
            qFatal("no widget chat");
        return {chat->conversation.id, Actor{ActorKind::Visitor, visitor->id}};
    }

private Q_SLOTS:
    void init()
    {
        m_db = std::make_unique<test::TestDatabase>();
        m_site = m_db->site();
        m_night = m_db->staff(m_site.id, QStringLiteral("night@example.com"));
        m_db->chat().setClock([this] { return m_now; });
        QVERIFY(m_db->chat().updateSiteSettings(
            m_site.id, QJsonObject{{"time_zone", "America/New_York"},
                                   {"hours", dailyHours(QStringLiteral("07:00-23:00"))}}));
    }
    void cleanup() { m_db.reset(); }

    void openAndClosedByTheSitesClock()
    {
        const OpeningHours hours = parsed(dailyHours(QStringLiteral("07:00-23:00")));
        QVERIFY(hours.isOpen(local(7, 15, 7, 0), newYork));
        QVERIFY(hours.isOpen(local(7, 15, 22, 59), newYork));
        QVERIFY(!hours.isOpen(local(7, 15, 23, 0), newYork));
        QVERIFY(!hours.isOpen(local(7, 15, 6, 59), newYork));
        QCOMPARE(hours.nextOpening(local(7, 15, 23, 30), newYork), local(7, 16, 7));
        QCOMPARE(hours.nextOpening(local(7, 16, 2, 0), newYork), local(7, 16, 7));
        // Not set at all: always open.
        QVERIFY(OpeningHours().isOpen(local(7, 15, 3), newYork));
    }

    void intervalsPastMidnightClosedDaysAndExceptions()
    {
        QJsonObject json{{"fri", QJsonArray{"18:00-02:00"}},
                         {"sat", QJsonArray{"10:00-24:00"}},
                         {"exceptions", QJsonObject{{"2026-07-18", QJsonArray{}}}}};
        const OpeningHours hours = parsed(json);
        QVERIFY(hours.isOpen(local(7, 17, 23), newYork));     // Friday night
        QVERIFY(hours.isOpen(local(7, 18, 1, 30), newYork));  // past midnight, into Saturday
        QVERIFY(!hours.isOpen(local(7, 18, 12), newYork));    // that Saturday is an exception
        QVERIFY(hours.isOpen(local(7, 25, 23, 59), newYork)); // an ordinary Saturday, to 24:00
        QVERIFY(!hours.isOpen(local(7, 15, 12), newYork));    // Wednesday: not listed, closed
        // Closed Saturday (exception), Sunday to Thursday: back on Friday 18:00.
        QCOMPARE(hours.nextOpening(local(7, 18, 12), newYork), local(7, 24, 18));
        QCOMPARE(OpeningHours::backSentence(local(7, 18, 12), local(7, 24, 18), newYork),
                 QStringLiteral("We're back at 18:00 on Friday."));
        QCOMPARE(OpeningHours::backShort(local(7, 18, 12), local(7, 24, 18), newYork),
                 QStringLiteral("Back on Friday at 18:00"));
        // The same hours read back as they were written.
        QCOMPARE(parsed(hours.toJson()).toJson(), hours.toJson());
    }

    void backTodayTomorrowAndNever()
    {
        QCOMPARE(OpeningHours::backSentence(local(7, 15, 23, 30), local(7, 16, 7), newYork),
                 QStringLiteral("We're back at 7:00 tomorrow."));
        QCOMPARE(OpeningHours::backSentence(local(7, 16, 2), local(7, 16, 7), newYork),
                 QStringLiteral("We're back at 7:00 today."));
        QCOMPARE(OpeningHours::backShort(local(7, 15, 23, 30), local(7, 16, 7), newYork),
                 QStringLiteral("Back at 7:00"));
        QCOMPARE(OpeningHours::backSentence(local(7, 16, 2), QDateTime(), newYork),
                 QStringLiteral("We'll reply as soon as we're back."));
    }

    void refusesHoursThatAreNotHours_data()
    {
        QTest::addColumn<QJsonObject>("hours");
        QTest::newRow("not a list") << QJsonObject{{"mon", "07:00-22:00"}};
        QTest::newRow("bad time") << QJsonObject{{"mon", QJsonArray{"7-22"}}};
        QTest::newRow("minute 60") << QJsonObject{{"mon", QJsonArray{"07:60-22:00"}}};
        QTest::newRow("hour 25") << QJsonObject{{"mon", QJsonArray{"07:00-25:00"}}};
        QTest::newRow("empty interval") << QJsonObject{{"mon", QJsonArray{"07:00-07:00"}}};
        QTest::newRow("unknown day") << QJsonObject{{"monday", QJsonArray{}}};
        QTest::newRow("bad date") << QJsonObject{
            {"exceptions", QJsonObject{{"2026-13-01", QJsonArray{}}}}};
        QTest::newRow("too many intervals")
            << QJsonObject{{"mon", QJsonArray{"01:00-02:00", "03:00-04:00", "05:00-06:00",
                                              "07:00-08:00", "09:00-10:00"}}};
    }
    void refusesHoursThatAreNotHours()
    {
        QFETCH(QJsonObject, hours);
        const auto result = m_db->chat().updateSiteSettings(m_site.id, {{"hours", hours}});
        QCOMPARE(result.error().code, ErrorCode::Invalid);
        QVERIFY(!result.error().message.isEmpty());
        // Nothing changed.
        QVERIFY(m_db->chat().siteSettings(m_site.id).hours.isSet());
    }

    void refusesOtherBadSettings_data()
    {
        QTest::addColumn<QJsonObject>("changes");
        QTest::newRow("time zone") << QJsonObject{{"time_zone", "Mars/Olympus"}};
        QTest::newRow("unknown") << QJsonObject{{"colour", "red"}};
        QTest::newRow("not text") << QJsonObject{{"greeting", 3}};
        QTest::newRow("too long") << QJsonObject{
            {"away_message", QString(ChatService::maxSettingLength + 1, u'x')}};
        QTest::newRow("night desk nobody") << QJsonObject{{"night_desk_account_id", 9999}};
        // One bad change refuses the whole update.
        QTest::newRow("good and bad") << QJsonObject{{"wifi", "changed"}, {"time_zone", "x/y"}};
    }
    void refusesOtherBadSettings()
    {
        QFETCH(QJsonObject, changes);
        QCOMPARE(m_db->chat().updateSiteSettings(m_site.id, changes).error().code,
                 ErrorCode::Invalid);
        QVERIFY(m_db->chat().siteSettings(m_site.id).wifi.isEmpty());
    }

    void aNightDeskMustBeStaffOfTheSite()
    {
        const Site other = m_db->site(QStringLiteral("hotel-other"));
        const Account elsewhere = m_db->staff(other.id, QStringLiteral("else@example.com"));
        QCOMPARE(m_db->chat()
                     .updateSiteSettings(m_site.id, {{"night_desk_account_id", elsewhere.id}})
                     .error()
                     .code,
                 ErrorCode::Invalid);
        QVERIFY(
            m_db->chat().updateSiteSettings(m_site.id, {{"night_desk_account_id", m_night.id}}));
        QCOMPARE(m_db->chat().siteSettings(m_site.id).nightDeskAccountId, m_night.id);
    }

    void deskStatusSaysWhenItOpens()
    {
        m_now = local(7, 15, 12);
        QVERIFY(m_db->chat().deskStatus(m_site.id).open);
        QVERIFY(m_db->chat().deskStatus(m_site.id).backShort.isEmpty());
        m_now = local(7, 15, 23, 30);
        const DeskStatus closed = m_db->chat().deskStatus(m_site.id);
        QVERIFY(closed.hoursSet);
        QVERIFY(!closed.open);
        QCOMPARE(closed.reopensAt, local(7, 16, 7));
        QCOMPARE(closed.backShort, QStringLiteral("Back at 7:00"));
    }

    void noAwayMessageWhileOpen()
    {
        m_now = local(7, 15, 12);
        const auto [conversationId, visitor] = visitorChat();
        const auto posted = post(conversationId, visitor, QStringLiteral("Hello?"));
        QVERIFY(posted);
        QVERIFY(!posted->away);
    }

    void awayMessageOncePerConversationPerClosedPeriod()
    {
        QVERIFY(m_db->chat().updateSiteSettings(m_site.id,
                                                {{"away_message", "Thanks! The desk is closed."}}));
        m_now = local(7, 15, 23, 30);
        const auto [conversationId, visitor] = visitorChat();
        QSignalSpy events(&m_db->chat(), &ChatService::event);
        const auto first = post(conversationId, visitor, QStringLiteral("Is the bar open?"));
        QVERIFY(first);
        QVERIFY(first->away);
        QCOMPARE(first->away->content,
                 QStringLiteral("Thanks! The desk is closed. We're back at 7:00 tomorrow."));
        QCOMPARE(first->away->sender.kind, ActorKind::Assistant);
        // A real message: stored after the visitor's, announced to every family.
        QVERIFY(first->away->id > first->message.id);
        QCOMPARE(events.size(), 2);
        QCOMPARE(events.at(1).at(0).value<DomainEvent>().message.id, first->away->id);

        // Later the same night: told already.
        m_now = local(7, 16, 2);
        const auto second = post(conversationId, visitor, QStringLiteral("Anyone?"));
        QVERIFY(second);
        QVERIFY(!second->away);

        // The desk opened and closed again: a new closed period, told again.
        m_now = local(7, 16, 23, 15);
        const auto third = post(conversationId, visitor, QStringLiteral("Back again"));
        QVERIFY(third->away);
        QCOMPARE(m_db->store().messageCount(conversationId), qint64(5));

        // Another conversation in the same period is told for itself.
        const auto [otherId, otherVisitor] = visitorChat();
        QVERIFY(post(otherId, otherVisitor, QStringLiteral("Hi"))->away);
    }

    void staffMessagesDoNotTriggerIt()
    {
        m_now = local(7, 15, 23, 30);
        const auto [conversationId, visitor] = visitorChat();
        Q_UNUSED(visitor)
        const auto posted = post(conversationId, m_night.actor(), QStringLiteral("Late reply"));
        QVERIFY(posted);
        QVERIFY(!posted->away);
    }

    void roomGuestsGoToTheNightDeskInstead()
    {
        const Room room = m_db->chat()
                              .createRoom(m_site.id, QStringLiteral("205"), QStringLiteral("pin"))
                              .value();
        const auto stay = m_db->chat().startGuestSession(
            room.id, QStringLiteral("h"), QDateTime::currentDateTimeUtc().addDays(7));
        QVERIFY(stay);
        const Actor guest = ChatService::guestActor(stay->session);
        m_now = local(7, 15, 23, 30);

        // Without a night desk, the away message.
        QVERIFY(post(stay->conversation.id, guest, QStringLiteral("Towels please"))->away);

        // With one, the next closed period's message goes to the night desk, silently.
        QVERIFY(
            m_db->chat().updateSiteSettings(m_site.id, {{"night_desk_account_id", m_night.id}}));
        m_now = local(7, 16, 23, 30);
        const auto routed = post(stay->conversation.id, guest, QStringLiteral("More towels"));
        QVERIFY(routed);
        QVERIFY(!routed->away);
        QCOMPARE(m_db->store().conversationById(stay->conversation.id)->handlerAccountId,
                 m_night.id);

        // Website visitors still get the away message: the night desk is for the house.
        const auto [conversationId, visitor] = visitorChat();
        QVERIFY(post(conversationId, visitor, QStringLiteral("Rooms free?"))->away);
    }
};

QTEST_GUILESS_MAIN(TestHours)
#include "tst_hours.moc"
