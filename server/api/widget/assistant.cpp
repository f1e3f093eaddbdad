#include "api/widget/assistant.h"

#include <QRegularExpression>

#include <cmath>

namespace lobby::api::widget {

namespace {

const QSet<QString> &stopWords()
{
    static const QSet<QString> words = {
        "a",      "an",    "and",   "are",   "as",    "at",     "be",   "but",   "by",    "can",
        "could",  "do",    "does",  "for",   "from",  "get",    "have", "how",   "i",     "if",
        "in",     "is",    "it",    "its",   "me",    "my",     "of",   "on",    "or",    "our",
        "please", "so",    "that",  "the",   "there", "this",   "to",   "us",    "was",   "we",
        "what",   "when",  "where", "which", "who",   "will",   "with", "would", "you",   "your",
        "any",    "am",    "tell",  "know",  "want",  "need",   "much", "many",  "about", "some",
        "find",   "hello", "hi",    "hey",   "hiya",  "thanks", "thank"};
    return words;
}

const QSet<QString> &greetingWords()
{
    static const QSet<QString> words = {"hello",   "hi",        "hey",     "hiya",
                                        "morning", "afternoon", "evening", "good",
                                        "there",   "thanks",    "thank",   "you"};
    return words;
}

// Folds plural and verb endings so "parking" finds "park", "served" finds "serve" and "times"
// finds "time".
QString stem(QString word)
{
    for (const char *suffix : {"ing", "ies", "es", "ed", "s", "e"}) {
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

// "Wi-Fi" and "check-out" are also written "wifi" and "checkout".
QStringList hyphenatedJoined(const QString &text)
{
    static const QRegularExpression hyphenated(
        QStringLiteral("[\\p{L}\\p{N}]+(?:-[\\p{L}\\p{N}]+)+"));
    QStringList joined;
    auto it = hyphenated.globalMatch(text.toLower());
    while (it.hasNext())
        joined << it.next().captured().remove(QLatin1Char('-'));
    return joined;
}

} // namespace

QStringList FaqAssistant::terms(const QString &text)
{
    QStringList result;
    for (const QString &word : words(text) + hyphenatedJoined(text)) {
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
    for (const chat::FaqEntry &entry : entries) {
        const QStringList question = terms(entry.question);
        const QStringList answer = terms(entry.answer);
        Document document{
            entry.id, entry.answer, QSet<QString>(question.cbegin(), question.cend()), {}};
        document.allTerms = document.questionTerms;
        document.allTerms.unite(QSet<QString>(answer.cbegin(), answer.cend()));
        for (const QString &term : std::as_const(document.allTerms))
            ++m_documentFrequency[term];
        m_documents << document;
    }
}

double FaqAssistant::weight(const QString &term) const
{
    // BM25's inverse document frequency; a term no entry has counts as if one entry had it.
    const double n = double(m_documents.size());
    const double df = std::max(1, m_documentFrequency.value(term));
    return std::log(1.0 + (n - df + 0.5) / (df + 0.5));
}

double FaqAssistant::weightOf(const QSet<QString> &terms) const
{
    double sum = 0;
    for (const QString &term : terms)
        sum += weight(term);
    return sum;
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
        AssistantReply greeting;
        greeting.kind = AssistantReply::Kind::Greeting;
        greeting.text = QStringLiteral("Hello! Ask me anything about your stay, or tell me what "
                                       "you need and I will pass it to our team.");
        return greeting;
    }
    const QStringList query = terms(message);
    const QSet<QString> queryTerms(query.cbegin(), query.cend());
    if (queryTerms.isEmpty() || m_documents.isEmpty())
        return {};

    const double queryWeight = weightOf(queryTerms);
    AssistantReply best;
    double secondScore = 0;
    for (const Document &document : m_documents) {
        const double questionWeight = weightOf(document.questionTerms);
        double inEntry = 0;
        double inQuestion = 0;
        for (const QString &term : queryTerms) {
            if (document.allTerms.contains(term))
                inEntry += weight(term);
            if (document.questionTerms.contains(term))
                inQuestion += weight(term);
        }
        const double coverage = inEntry / queryWeight;
        const double entryCoverage = questionWeight > 0 ? inQuestion / questionWeight : 0;
        const double score = (coverage + entryCoverage) / 2;
        if (score > best.score) {
            secondScore = best.score;
            best.faqId = document.id;
            best.text = document.answer;
            best.score = score;
            best.coverage = coverage;
            best.entryCoverage = entryCoverage;
        } else if (score > secondScore) {
            secondScore = score;
        }
    }
    const bool confident = best.faqId && best.coverage >= m_thresholds.minCoverage &&
                           best.entryCoverage >= m_thresholds.minEntryCoverage &&
                           best.score - secondScore >= m_thresholds.minLead;
    if (confident)
        best.kind = AssistantReply::Kind::Answer;
    else
        best.text.clear();
    return best;
}

} // namespace lobby::api::widget
