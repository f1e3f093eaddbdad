#pragma once

#include <QDateTime>
#include <QHash>
#include <QList>
#include <QString>

#include <optional>

// Canned replies: a site's library of ready-made answers that staff insert into the composer,
// with variables ({{guest.name}}, {{room}}, ...) filled in from the conversation and the site.
namespace lobby::chat {

struct CannedReply
{
    qint64 id = 0;
    qint64 siteId = 0;
    QString category;
    QString title;
    QString body; // may contain {{variables}}
    QDateTime createdAt;
    QDateTime updatedAt;
};

// What a change sets; a field left empty stays as it is.
struct CannedReplyChange
{
    std::optional<QString> category;
    std::optional<QString> title;
    std::optional<QString> body;
};

// A stretch of text, in UTF-16 code units as QString and QML count them.
struct TextRange
{
    int start = 0;
    int length = 0;
    QString variable; // the variable whose placeholder this is
    friend bool operator==(const TextRange &, const TextRange &) = default;
};

// A reply body with its variables filled in. A variable without a value is replaced by a short
// readable placeholder ("guest name") and its range listed, so the composer selects it for staff
// to type over: braces are never sent.
struct FilledReply
{
    QString text;
    QList<TextRange> unfilled;
};

// The variables staff can use, with the placeholder shown when one has no value.
struct ReplyVariable
{
    const char *name;
    const char *placeholder;
};
const QList<ReplyVariable> &replyVariables();

// The phrases a new site's library starts with (all fields set).
const QList<CannedReplyChange> &starterCannedReplies();

// Fills `{{name}}` (spaces inside the braces allowed) from `values`; an empty or missing value,
// and a name that is not a variable, leave a placeholder in `unfilled`.
FilledReply fillReplyVariables(const QString &body, const QHash<QString, QString> &values);

// The replies that match what staff typed after "/": every word of `query` must appear in the
// title, category or body (case-insensitive); title matches first, then the library's order.
QList<CannedReply> matchCannedReplies(const QList<CannedReply> &replies, const QString &query);

} // namespace lobby::chat
