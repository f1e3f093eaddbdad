#include "chat/replies.h"

#include <QRegularExpression>

#include <algorithm>

namespace lobby::chat {

const QList<ReplyVariable> &replyVariables()
{
    static const QList<ReplyVariable> variables = {
        {"guest.name", "guest name"}, {"room", "room number"},
        {"staff.name", "your name"},  {"hotel", "hotel name"},
        {"wifi", "Wi-Fi password"},   {"checkout_time", "check-out time"},
    };
    return variables;
}

const QList<CannedReplyChange> &starterCannedReplies()
{
    // The same four phrases as migration 9 gives the sites that existed before the library.
    static const QList<CannedReplyChange> starters = {
        {QStringLiteral("General"), QStringLiteral("Hello"),
         QStringLiteral("Hello! How can I help you today?")},
        {QStringLiteral("General"), QStringLiteral("One moment"),
         QStringLiteral("One moment please, I'll check that for you.")},
        {QStringLiteral("General"), QStringLiteral("Anything else"),
         QStringLiteral("Done! Is there anything else I can do for you?")},
        {QStringLiteral("General"), QStringLiteral("Thanks"),
         QStringLiteral("You're welcome, enjoy your stay!")},
    };
    return starters;
}

FilledReply fillReplyVariables(const QString &body, const QHash<QString, QString> &values)
{
    static const QRegularExpression variable(QStringLiteral(R"(\{\{\s*([A-Za-z_.]+)\s*\}\})"));
    FilledReply filled;
    qsizetype copied = 0;
    for (auto it = variable.globalMatch(body); it.hasNext();) {
        const QRegularExpressionMatch match = it.next();
        filled.text += QStringView(body).mid(copied, match.capturedStart() - copied);
        copied = match.capturedEnd();
        const QString name = match.captured(1);
        const QString value = values.value(name).trimmed();
        if (!value.isEmpty()) {
            filled.text += value;
            continue;
        }
        QString placeholder = name;
        for (const ReplyVariable &known : replyVariables()) {
            if (name == QLatin1String(known.name))
                placeholder = QString::fromLatin1(known.placeholder);
        }
        filled.unfilled << TextRange{int(filled.text.size()), int(placeholder.size()), name};
        filled.text += placeholder;
    }
    filled.text += QStringView(body).mid(copied);
    return filled;
}

QList<CannedReply> matchCannedReplies(const QList<CannedReply> &replies, const QString &query)
{
    const QStringList words = query.simplified().split(u' ', Qt::SkipEmptyParts);
    QList<CannedReply> inTitle, elsewhere;
    for (const CannedReply &reply : replies) {
        const QString all = reply.title + u' ' + reply.category + u' ' + reply.body;
        const bool matches = std::all_of(words.begin(), words.end(), [&](const QString &word) {
            return all.contains(word, Qt::CaseInsensitive);
        });
        if (!matches)
            continue;
        const bool titled = std::all_of(words.begin(), words.end(), [&](const QString &word) {
            return reply.title.contains(word, Qt::CaseInsensitive);
        });
        (titled ? inTitle : elsewhere) << reply;
    }
    return inTitle + elsewhere;
}

} // namespace lobby::chat
