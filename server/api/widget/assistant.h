#pragma once

#include "chat/entities.h"

#include <QHash>
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
    QString text;        // empty for a handoff
    qint64 faqId = 0;    // the entry answered from
    double score = 0;    // BM25 score of that entry
    double coverage = 0; // share of the question's terms the entry contains
};

struct AssistantThresholds
{
    double minScore = 1.0;
    double minCoverage = 0.5;
};

// Answers from a site's FAQ entries with Okapi BM25 over each entry's question (counted twice)
// and answer, after lower-casing, dropping stop words and a light suffix stemming. An answer is
// given only when the best entry scores at least `minScore` and contains at least `minCoverage`
// of the question's terms; otherwise the conversation goes to staff.
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
        QHash<QString, int> termCounts;
        int length;
    };

    QList<Document> m_documents;
    QHash<QString, int> m_documentFrequency;
    double m_averageLength = 0;
    AssistantThresholds m_thresholds;
};

} // namespace lobby::api::widget
