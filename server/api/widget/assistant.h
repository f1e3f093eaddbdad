#pragma once

#include "chat/entities.h"

#include <QHash>
#include <QSet>
#include <QStringList>

namespace lobby::api::widget {

struct AssistantReply
{
    enum class Kind
    {
        Answer,   // a confident FAQ answer
        Greeting, // the message only said hello
        Handoff,  // nothing confident: a person should answer
    };
    Kind kind = Kind::Handoff;
    QString text;             // empty for a handoff
    qint64 faqId = 0;         // the entry answered from (for a handoff: the closest one)
    double score = 0;         // that entry's match, 0..1: the mean of the two coverages
    double coverage = 0;      // weighted share of the message's terms the entry contains
    double entryCoverage = 0; // weighted share of the entry's question terms the message contains
};

// Each is a share from 0 to 1, so the decision means the same on a site of 1 or 1,000 entries.
struct AssistantThresholds
{
    double minCoverage = 0.51;     // of the message's terms, found in the entry: more than half
    double minEntryCoverage = 0.3; // of the entry's question terms, found in the message
    double minLead = 0.1;          // the best match ahead of the next entry's: not ambiguous
};

// Answers from a site's FAQ entries by term coverage in both directions, after lower-casing,
// dropping stop words and a light suffix stemming. Terms are weighted by inverse document
// frequency, so words most entries share ("hotel", "room") count less than the words that tell
// entries apart; a word no entry has weighs as much as the rarest known one. An answer is given
// when the best entry contains enough of the message, the message says enough of the entry's
// question, and no other entry matches nearly as well; otherwise the conversation goes to staff.
class FaqAssistant
{
public:
    explicit FaqAssistant(const QList<chat::FaqEntry> &entries,
                          AssistantThresholds thresholds = {});

    AssistantReply reply(const QString &message) const;

    static QStringList terms(const QString &text);
    // Splits a reply into the pieces streamed one event each (a few words, spaces kept).
    static QStringList chunks(const QString &text, int wordsPerChunk = 3);

private:
    struct Document
    {
        qint64 id;
        QString answer;
        QSet<QString> questionTerms;
        QSet<QString> allTerms; // question and answer
    };

    double weight(const QString &term) const;
    double weightOf(const QSet<QString> &terms) const;

    QList<Document> m_documents;
    QHash<QString, int> m_documentFrequency;
    AssistantThresholds m_thresholds;
};

} // namespace lobby::api::widget
