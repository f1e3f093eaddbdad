#include "api/widget/assistant.h"

#include <QTest>

using namespace lobby::api::widget;
using lobby::chat::FaqEntry;

// A site's FAQ of `size` entries: "Is breakfast included?" first, then common hotel questions,
// then generated ones (topics x question forms), all distinct.
QList<FaqEntry> faqOfSize(int size)
{
    QList<QPair<QString, QString>> pairs = {
        {"Is breakfast included?", "Yes, breakfast is included in every room rate."},
        {"Is there parking at the hotel?", "Yes, free parking is available behind the hotel."},
        {"When is check-out?", "Check-out is at 11:00. Late check-out can be arranged."},
        {"What is the Wi-Fi password?", "The password is printed on your key card holder."},
        {"What are the spa opening hours?", "The spa and pool are open from 8:00 to 21:00."},
        {"Can I order room service?", "Room service runs from 7:00 to 23:00; dial 9."},
    };
    const QStringList topics = {"gym",
                                "sauna",
                                "tennis court",
                                "bicycle hire",
                                "laundry",
                                "minibar",
                                "airport shuttle",
                                "babysitting",
                                "ironing board",
                                "hair dryer",
                                "safe",
                                "rooftop bar",
                                "library",
                                "games room",
                                "cinema",
                                "golf course",
                                "kayak rental",
                                "ski storage",
                                "luggage room",
                                "chapel",
                                "business centre",
                                "printer",
                                "kids club",
                                "playground",
                                "barbecue",
                                "hot tub",
                                "steam room",
                                "yoga class",
                                "massage",
                                "hairdresser",
                                "gift shop",
                                "pharmacy",
                                "currency exchange",
                                "car hire",
                                "taxi rank",
                                "garden",
                                "terrace",
                                "wine cellar",
                                "bakery",
                                "boat trip"};
    const QStringList forms = {
        "Where is the %1?", "Is the %1 free for guests?", "What are the %1 opening times?",
        "Do I need to book the %1 in advance?", "Is the %1 suitable for children?"};
    const QStringList answers = {"The %1 is on the ground floor, next to the lifts.",
                                 "The %1 costs nothing extra for hotel guests.",
                                 "The %1 opens at 9:00 and closes at 18:00.",
                                 "Yes, reserve the %1 at reception a day ahead.",
                                 "The %1 welcomes families with young ones."};
    for (int form = 0; form < forms.size(); ++form) {
        for (const QString &topic : topics)
            pairs.append({forms[form].arg(topic), answers[form].arg(topic)});
    }
    QList<FaqEntry> entries;
    for (int i = 0; i < size; ++i)
        entries.append({i + 1, 1, pairs.at(i).first, pairs.at(i).second, {}});
    return entries;
}

class TestAssistant : public QObject
{
    Q_OBJECT

    const QList<FaqEntry> faq = {
        {1, 1, "What time is breakfast served?", "Breakfast is served from 7:00 to 10:30.", {}},
        {2, 1, "When is check-out?", "Check-out is at 11:00; late check-out on request.", {}},
        {3, 1, "Is there parking at the hotel?", "Free parking is behind the hotel.", {}},
        {4, 1, "What are the spa opening hours?", "The spa and pool open 8:00 to 21:00.", {}},
        {5, 1, "What is the Wi-Fi password?", "The Wi-Fi password is on your key card.", {}},
    };

private Q_SLOTS:
    void answersFromTheBestMatchingEntry_data()
    {
        QTest::addColumn<QString>("question");
        QTest::addColumn<qint64>("faqId");
        QTest::newRow("breakfast") << QStringLiteral("when do you serve breakfast?") << qint64(1);
        QTest::newRow("check-out") << QStringLiteral("When do I check out?") << qint64(2);
        QTest::newRow("stemmed") << QStringLiteral("Where can I park? Any parking?") << qint64(3);
        QTest::newRow("pool") << QStringLiteral("Is the pool open in the evening?") << qint64(4);
        QTest::newRow("wifi") << QStringLiteral("wifi password please") << qint64(5);
    }

    void answersFromTheBestMatchingEntry()
    {
        QFETCH(QString, question);
        QFETCH(qint64, faqId);
        const AssistantReply reply = FaqAssistant(faq).reply(question);
        QCOMPARE(reply.kind, AssistantReply::Kind::Answer);
        QCOMPARE(reply.faqId, faqId);
        QCOMPARE(reply.text, faq.at(int(faqId - 1)).answer);
    }

    void handsOffWhenNothingMatchesWell_data()
    {
        QTest::addColumn<QString>("question");
        QTest::newRow("unrelated")
            << QStringLiteral("Can you recommend a good restaurant in town?");
        QTest::newRow("request") << QStringLiteral("I need extra towels in room 205");
        QTest::newRow("only stop words") << QStringLiteral("what is it");
        QTest::newRow("empty") << QStringLiteral("");
    }

    void handsOffWhenNothingMatchesWell()
    {
        QFETCH(QString, question);
        const AssistantReply reply = FaqAssistant(faq).reply(question);
        QCOMPARE(reply.kind, AssistantReply::Kind::Handoff);
        QVERIFY(reply.text.isEmpty());
    }

    // Whether an answer is given must not depend on how many entries the site has: the same
    // questions get the same decisions with 1, 2, 6 and 200 entries.
    void decidesTheSameWhateverTheSiteSize_data()
    {
        QTest::addColumn<int>("size");
        QTest::addColumn<QString>("question");
        QTest::addColumn<QString>("answeredFrom"); // the entry's question; empty: hand-off
        const QList<QPair<QString, QString>> asked = {
            {"Is breakfast included?", "Is breakfast included?"},
            {"is breakfast included in the price", "Is breakfast included?"},
            {"Does the room rate include breakfast?", "Is breakfast included?"},
            {"Is there parking at the hotel?", "Is there parking at the hotel?"},
            {"can I park my car at the hotel", "Is there parking at the hotel?"},
            {"When is check-out?", "When is check-out?"},
            {"what time do I have to check out", "When is check-out?"},
            {"What is the Wi-Fi password?", "What is the Wi-Fi password?"},
            {"wifi password please", "What is the Wi-Fi password?"},
            {"When does the spa open?", "What are the spa opening hours?"},
            {"room service menu, can I order food to my room?", "Can I order room service?"},
            {"Where is the gym?", "Where is the gym?"},
            {"where can I find the gym", "Where is the gym?"},
            {"Is the sauna free for guests?", "Is the sauna free for guests?"},
            {"is the sauna free for hotel guests", "Is the sauna free for guests?"},
            {"Do I need to book the massage in advance?",
             "Do I need to book the massage in advance?"},
            {"Can you recommend a florist near the hotel?", ""},
            {"My flight is delayed, can you hold my room?", ""},
            {"I lost my passport", ""},
            {"Do you sell concert tickets?", ""},
            {"Is there a dentist in town?", ""},
            {"what is the weather tomorrow", ""},
        };
        for (const int size : {1, 2, 6, 200}) {
            const QList<FaqEntry> entries = faqOfSize(size);
            QSet<QString> distinct;
            for (const FaqEntry &e : entries)
                distinct.insert(e.question);
            QCOMPARE(distinct.size(), size);
            for (const auto &[question, entry] : asked) {
                const bool present =
                    entry.isEmpty() ||
                    std::any_of(entries.cbegin(), entries.cend(),
                                [&](const FaqEntry &e) { return e.question == entry; });
                if (!present) // the entry is not on this site: the question must be handed off
                    QTest::addRow("%d entries, %s (absent)", size, qPrintable(question))
                        << size << question << QString();
                else
                    QTest::addRow("%d entries, %s", size, qPrintable(question))
                        << size << question << entry;
            }
        }
    }

    void decidesTheSameWhateverTheSiteSize()
    {
        QFETCH(int, size);
        QFETCH(QString, question);
        QFETCH(QString, answeredFrom);
        const QList<FaqEntry> entries = faqOfSize(size);
        const AssistantReply reply = FaqAssistant(entries).reply(question);
        if (answeredFrom.isEmpty()) {
            QCOMPARE(reply.kind, AssistantReply::Kind::Handoff);
            return;
        }
        QCOMPARE(reply.kind, AssistantReply::Kind::Answer);
        QCOMPARE(entries.at(int(reply.faqId - 1)).question, answeredFrom);
    }

    void greetsAGreeting()
    {
        QCOMPARE(FaqAssistant(faq).reply(QStringLiteral("Hello there!")).kind,
                 AssistantReply::Kind::Greeting);
        QCOMPARE(FaqAssistant(faq).reply(QStringLiteral("hi, breakfast?")).kind,
                 AssistantReply::Kind::Answer);
    }

    void aSiteWithoutFaqHandsEverythingOff()
    {
        QCOMPARE(FaqAssistant({}).reply(QStringLiteral("breakfast?")).kind,
                 AssistantReply::Kind::Handoff);
    }

    void thresholdsDecide()
    {
        const AssistantReply loose =
            FaqAssistant(faq, {0.1, 0.1, 0}).reply(QStringLiteral("breakfast restaurant town"));
        QCOMPARE(loose.kind, AssistantReply::Kind::Answer);
        const AssistantReply strict =
            FaqAssistant(faq, {1.0, 1.0, 0}).reply(QStringLiteral("breakfast"));
        QCOMPARE(strict.kind, AssistantReply::Kind::Handoff);
        QCOMPARE(strict.faqId, 1);
    }

    // Two entries that the message matches equally well: guessing would answer the wrong one.
    void anAmbiguousMessageGoesToStaff()
    {
        const QList<FaqEntry> twins = {
            {1, 1, "What are the spa opening hours?", "The spa opens at 8:00.", {}},
            {2, 1, "What are the pool opening hours?", "The pool opens at 7:00.", {}},
        };
        QCOMPARE(FaqAssistant(twins).reply(QStringLiteral("opening hours?")).kind,
                 AssistantReply::Kind::Handoff);
        QCOMPARE(FaqAssistant(twins).reply(QStringLiteral("pool opening hours?")).faqId, 2);
    }

    void chunksKeepEveryCharacter()
    {
        const QString text = QStringLiteral("Breakfast is served  from 7:00 to 10:30.\nEnjoy!");
        const QStringList pieces = FaqAssistant::chunks(text, 3);
        QVERIFY(pieces.size() > 2);
        QCOMPARE(pieces.join(QString()), text);
        QCOMPARE(FaqAssistant::chunks(QString()), QStringList());
    }
};

QTEST_GUILESS_MAIN(TestAssistant)
#include "tst_assistant.moc"
