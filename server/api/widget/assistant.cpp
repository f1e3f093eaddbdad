#include "api/widget/assistant.h"

#include <QRegularExpression>
#include <QSet>

#include <cmath>

namespace lobby::api::widget {

namespace {

constexpr double k1 = 1.2;
constexpr double b = 0.75;

const QSet<QString> &stopWords()
{
    static const QSet<QString> words = {
        "a",      "an",   "and",   "are",   "as",    "at",   "be",   "but",   "by",    "can",
        "could",  "do",   "does",  "for",   "from",  "get",  "have", "how",   "i",     "if",
        "in",     "is",   "it",    "its",   "me",    "my",   "of",   "on",    "or",    "our",
        "please", "so",   "that",  "the",   "there", "this", "to",   "us",    "was",   "we",
        "what",   "when", "where", "which", "who",   "will", "with", "would", "you",   "your",
        "any",    "am",   "tell",  "know",  "want",  "need", "much", "many",  "about", "some"};
    return words;
}

const QSet<QString> &greetingWords()
{
    static const QSet<QString> words = {"hello",   "hi",        "hey",     "hiya",
                                        "morning", "afternoon", "evening", "good",
                                        "there",   "thanks",    "thank",   "you"};
    return words;
}

// Folds plural and verb endings so "parking" finds "park" and "towels" finds "towel".
QString stem(QString word)
{
    for (const char *suffix : {"ing", "ies", "es", "ed", "s"}) {
        const QLatin1String ending(suffix);
        if (word.size() - ending.size() >= 3 && word.endsWith(ending)) {
            word.chop(ending.size());
            if (ending == QLatin1String("ies"))
                word += QLatin1Char('y');
            return word;
        }
    }
    return word;
}

QStringList words(const QString &text)
{
    static const QRegularExpression nonWord(QStringLiteral("[^\\p{L}\\p{N}]+"));
    return text.toLower().split(nonWord, Qt::SkipEmptyParts);
}

} // namespace

QStringList FaqAssistant::terms(const QString &text)
{
    QStringList result;
    for (const QString &word : words(text)) {
        if (!stopWords().contains(word))
            result << stem(word);
    }
    return result;
}

QStringList FaqAssistant::chunks(const QString &text, int wordsPerChunk)
{
    static const QRegularExpression wordWithSpace(QStringLiteral("\\S+\\s*"));
    QStringList pieces;
    QString current;
    int count = 0;
    auto it = wordWithSpace.globalMatch(text);
    while (it.hasNext()) {
        current += it.next().captured();
        if (++count == wordsPerChunk) {
            pieces << current;
            current.clear();
            count = 0;
        }
    }
    if (!current.isEmpty())
        pieces << current;
    return pieces;
}

FaqAssistant::FaqAssistant(const QList<chat::FaqEntry> &entries, AssistantThresholds thresholds)
    : m_thresholds(thresholds)
{
    qint64 totalLength = 0;
    for (const chat::FaqEntry &entry : entries) {
        Document document{entry.id, entry.answer, {}, 0};
        const QStringList questionTerms = terms(entry.question);
        // The question says what an entry is about: it counts twice.
        for (const QStringList &part : {questionTerms, questionTerms, terms(entry.answer)}) {
            for (const QString &term : part)
                ++document.termCounts[term];
            document.length += int(part.size());
        }
        for (auto it = document.termCounts.cbegin(); it != document.termCounts.cend(); ++it)
            ++m_documentFrequency[it.key()];
        totalLength += document.length;
        m_documents << document;
    }
    if (!m_documents.isEmpty())
        m_averageLength = double(totalLength) / double(m_documents.size());
}

AssistantReply FaqAssistant::reply(const QString &message) const
{
    const QStringList allWords = words(message);
    if (!allWords.isEmpty() &&
        std::all_of(allWords.cbegin(), allWords.cend(),
                    [](const QString &w) {
                        return greetingWords().contains(w) || stopWords().contains(w);
                    }) &&
        std::any_of(allWords.cbegin(), allWords.cend(),
                    [](const QString &w) { return greetingWords().contains(w); })) {
        return {AssistantReply::Kind::Greeting,
                QStringLiteral("Hello! Ask me anything about your stay, or tell me what you need "
                               "and I will pass it to our team."),
                0, 0, 0};
    }
    const QStringList query = terms(message);
    const QSet<QString> queryTerms(query.cbegin(), query.cend());
    if (queryTerms.isEmpty() || m_documents.isEmpty())
        return {};

    const double n = double(m_documents.size());
    const Document *best = nullptr;
    double bestScore = 0;
    for (const Document &document : m_documents) {
        double score = 0;
        for (const QString &term : queryTerms) {
            const int tf = document.termCounts.value(term);
            if (!tf)
                continue;
            const double df = m_documentFrequency.value(term);
            const double idf = std::log(1.0 + (n - df + 0.5) / (df + 0.5));
            const double norm = k1 * (1 - b + b * document.length / m_averageLength);
            score += idf * (tf * (k1 + 1)) / (tf + norm);
        }
        if (score > bestScore) {
            bestScore = score;
            best = &document;
        }
    }
    if (!best)
        return {};
    const double matched =
        std::count_if(queryTerms.cbegin(), queryTerms.cend(),
                      [best](const QString &t) { return best->termCounts.contains(t); });
    const double coverage = matched / double(queryTerms.size());
    AssistantReply reply{AssistantReply::Kind::Handoff, {}, best->id, bestScore, coverage};
    if (bestScore >= m_thresholds.minScore && coverage >= m_thresholds.minCoverage) {
        reply.kind = AssistantReply::Kind::Answer;
        reply.text = best->answer;
    }
    return reply;
}

} // namespace lobby::api::widget
