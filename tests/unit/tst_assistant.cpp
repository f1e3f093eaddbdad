#include "api/widget/assistant.h"

#include <QTest>

using namespace lobby::api::widget;
using lobby::chat::FaqEntry;

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
            FaqAssistant(faq, {0.1, 0.1}).reply(QStringLiteral("breakfast restaurant town"));
        QCOMPARE(loose.kind, AssistantReply::Kind::Answer);
        const AssistantReply strict =
            FaqAssistant(faq, {50.0, 1.0}).reply(QStringLiteral("breakfast"));
        QCOMPARE(strict.kind, AssistantReply::Kind::Handoff);
        QCOMPARE(strict.faqId, 1);
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
