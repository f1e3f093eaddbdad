#include "testsupport.h"

#include <QTest>

using namespace lobby;
using namespace lobby::chat;

// Canned replies: filling their variables, the "/" list's matching, the library per site.
class TestReplies : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void fillsKnownVariables()
    {
        const FilledReply filled = fillReplyVariables(
            QStringLiteral("Hi {{guest.name}}, the Wi-Fi of {{ hotel }} is {{wifi}}."),
            {{QStringLiteral("guest.name"), QStringLiteral("Aoife")},
             {QStringLiteral("hotel"), QStringLiteral("Hotel Killarney")},
             {QStringLiteral("wifi"), QStringLiteral("lakeview42")}});
        QCOMPARE(filled.text,
                 QStringLiteral("Hi Aoife, the Wi-Fi of Hotel Killarney is lakeview42."));
        QVERIFY(filled.unfilled.isEmpty());
    }

    void leavesAPlaceholderToSelectWhereAValueIsMissing()
    {
        const FilledReply filled =
            fillReplyVariables(QStringLiteral("Room {{room}}: check-out is at {{checkout_time}}."),
                               {{QStringLiteral("room"), QStringLiteral("205")},
                                {QStringLiteral("checkout_time"), QStringLiteral("  ")}});
        QCOMPARE(filled.text, QStringLiteral("Room 205: check-out is at check-out time."));
        QCOMPARE(filled.unfilled.size(), 1);
        const TextRange range = filled.unfilled.first();
        QCOMPARE(filled.text.mid(range.start, range.length), QStringLiteral("check-out time"));
        QCOMPARE(range.variable, QStringLiteral("checkout_time"));
        QVERIFY(!filled.text.contains(u'{'));
    }

    void rangesCountUtf16LikeQml()
    {
        // An emoji is two UTF-16 units: the range must still land on the placeholder.
        const FilledReply filled = fillReplyVariables(
            QStringLiteral("\U0001F600 {{guest.name}} and {{unknown_thing}}"), {});
        QCOMPARE(filled.unfilled.size(), 2);
        for (const TextRange &range : filled.unfilled)
            QVERIFY(!filled.text.mid(range.start, range.length).contains(u'{'));
        QCOMPARE(filled.text.mid(filled.unfilled[0].start, filled.unfilled[0].length),
                 QStringLiteral("guest name"));
        QCOMPARE(filled.text.mid(filled.unfilled[1].start, filled.unfilled[1].length),
                 QStringLiteral("unknown_thing"));
    }

    void textWithoutVariablesIsUnchanged()
    {
        const QString text = QStringLiteral("A { brace } and {{ not closed");
        QCOMPARE(fillReplyVariables(text, {}).text, text);
    }

    void slashListMatchesEveryWordTitlesFirst()
    {
        const QList<CannedReply> replies = {
            {1,
             1,
             QStringLiteral("Stay"),
             QStringLiteral("Wi-Fi"),
             QStringLiteral("The password is {{wifi}}."),
             {},
             {}},
            {2,
             1,
             QStringLiteral("Food"),
             QStringLiteral("Breakfast hours"),
             QStringLiteral("Breakfast is served 7-10, Wi-Fi works there too."),
             {},
             {}},
            {3,
             1,
             QStringLiteral("General"),
             QStringLiteral("Hello"),
             QStringLiteral("Hello! How can I help?"),
             {},
             {}},
        };
        const auto ids = [](const QList<CannedReply> &list) {
            QList<qint64> out;
            for (const CannedReply &r : list)
                out << r.id;
            return out;
        };
        QCOMPARE(ids(matchCannedReplies(replies, QString())), (QList<qint64>{1, 2, 3}));
        QCOMPARE(ids(matchCannedReplies(replies, QStringLiteral("wi-fi"))), (QList<qint64>{1, 2}));
        QCOMPARE(ids(matchCannedReplies(replies, QStringLiteral("served wi"))), (QList<qint64>{2}));
        QCOMPARE(ids(matchCannedReplies(replies, QStringLiteral("food"))), (QList<qint64>{2}));
        QCOMPARE(ids(matchCannedReplies(replies, QStringLiteral("nothing like it"))),
                 QList<qint64>{});
    }

    void aNewSiteStartsWithTheStarterPhrases()
    {
        test::TestDatabase db;
        const Site site = db.site();
        QCOMPARE(db.chat().cannedReplies(site.id).size(), starterCannedReplies().size());
    }

    void theLibraryIsPerSite()
    {
        test::TestDatabase db;
        const Site a = db.site(QStringLiteral("hotel-a"));
        const Site b = db.site(QStringLiteral("hotel-b"));
        const auto added = db.chat().addCannedReply(
            a.id, {QString(), QStringLiteral(" Wi-Fi "), QStringLiteral("It is {{wifi}}.")});
        QVERIFY(added);
        QCOMPARE(added->category, QStringLiteral("General"));
        QCOMPARE(added->title, QStringLiteral("Wi-Fi"));
        // Another site's reply does not exist for this one.
        QCOMPARE(db.chat()
                     .updateCannedReply(b.id, added->id, {{}, QStringLiteral("x"), {}})
                     .error()
                     .code,
                 ErrorCode::NotFound);
        QCOMPARE(db.chat().removeCannedReply(b.id, added->id).error().code, ErrorCode::NotFound);
        const auto changed = db.chat().updateCannedReply(
            a.id, added->id, {QStringLiteral("Stay"), std::nullopt, std::nullopt});
        QVERIFY(changed);
        QCOMPARE(changed->category, QStringLiteral("Stay"));
        QCOMPARE(changed->body, QStringLiteral("It is {{wifi}}."));
        QVERIFY(db.chat().removeCannedReply(a.id, added->id));
        QCOMPARE(db.chat().cannedReplies(a.id).size(), starterCannedReplies().size());
    }

    void refusesEmptyAndOversizedReplies_data()
    {
        QTest::addColumn<QString>("title");
        QTest::addColumn<QString>("body");
        QTest::newRow("no title") << QStringLiteral("  ") << QStringLiteral("text");
        QTest::newRow("no text") << QStringLiteral("Title") << QString();
        QTest::newRow("long title") << QString(201, u'x') << QStringLiteral("text");
        QTest::newRow("long text")
            << QStringLiteral("Title") << QString(ChatService::maxMessageLength + 1, u'x');
    }
    void refusesEmptyAndOversizedReplies()
    {
        QFETCH(QString, title);
        QFETCH(QString, body);
        test::TestDatabase db;
        const Site site = db.site();
        QCOMPARE(db.chat().addCannedReply(site.id, {QString(), title, body}).error().code,
                 ErrorCode::Invalid);
    }

    void aSiteKeepsABoundedLibrary()
    {
        test::TestDatabase db;
        const Site site = db.site();
        QVERIFY(db.chat().inOneCommit([&] {
            for (qsizetype i = db.chat().cannedReplies(site.id).size();
                 i < ChatService::maxCannedReplies; ++i) {
                if (!db.chat().addCannedReply(
                        site.id, {QString(), QStringLiteral("R"), QStringLiteral("text")}))
                    return false;
            }
            return true;
        }));
        QCOMPARE(db.chat()
                     .addCannedReply(site.id, {QString(), QStringLiteral("R"), QStringLiteral("t")})
                     .error()
                     .code,
                 ErrorCode::Conflict);
    }

    void variablesComeFromTheConversationTheSiteAndTheStaff()
    {
        test::TestDatabase db;
        const Site site = db.site();
        const Account maria = db.staff(site.id, QStringLiteral("maria@example.com"));
        QVERIFY(db.chat().updateSiteSettings(
            site.id, QJsonObject{{"wifi", "lakeview42"}, {"checkout_time", "11:00"}}));
        const Room room =
            db.chat().createRoom(site.id, QStringLiteral("205"), QStringLiteral("pin")).value();
        const auto stay = db.chat().startGuestSession(room.id, QStringLiteral("h"),
                                                      QDateTime::currentDateTimeUtc().addDays(1));
        QVERIFY(stay);
        const QHash<QString, QString> values =
            db.chat().replyVariableValues(site.id, stay->conversation.id, maria.actor());
        QCOMPARE(values.value(QStringLiteral("room")), QStringLiteral("205"));
        QCOMPARE(values.value(QStringLiteral("wifi")), QStringLiteral("lakeview42"));
        QCOMPARE(values.value(QStringLiteral("checkout_time")), QStringLiteral("11:00"));
        QCOMPARE(values.value(QStringLiteral("staff.name")), maria.name);
        QCOMPARE(values.value(QStringLiteral("hotel")), site.name);
        QVERIFY(values.value(QStringLiteral("guest.name")).isEmpty()); // a room guest is nameless

        // A website visitor's name comes from what the website passed.
        const auto visitor = db.chat().createVisitor(QJsonObject{{"name", "Aoife Byrne"}});
        QVERIFY(visitor);
        const auto session =
            db.chat().createWidgetSession(visitor->publicId, QString(), QJsonObject(), 3600);
        const auto chat = db.chat().openWidgetChat(session->publicId, visitor->publicId, site.id);
        QVERIFY(chat);
        QCOMPARE(db.chat()
                     .replyVariableValues(site.id, chat->conversation.id, maria.actor())
                     .value(QStringLiteral("guest.name")),
                 QStringLiteral("Aoife Byrne"));
        // Another site's conversation tells nothing about its people.
        const Site other = db.site(QStringLiteral("hotel-other"));
        QVERIFY(db.chat()
                    .replyVariableValues(other.id, chat->conversation.id, maria.actor())
                    .value(QStringLiteral("guest.name"))
                    .isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestReplies)
#include "tst_replies.moc"
