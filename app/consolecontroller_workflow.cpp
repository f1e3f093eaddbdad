// The console's side of the front desk's workflow: status and snooze, private notes with
// @mentions and the Mentions list, and checking a room out with its new PIN card.
#include "auth/passwords.h"
#include "chat/chatservice.h"
#include "consolecontroller.h"
#include "core.h"
#include "qrcode.h"

#include <QDir>
#include <QRandomGenerator>
#include <QStandardPaths>

namespace lobby::app {

using namespace lobby::chat;

namespace {

QVariantMap noteMap(const Note &note, const QString &authorName, const QString &chatTitle)
{
    QVariantList mentions;
    for (const qint64 id : note.mentions)
        mentions << id;
    return {{QStringLiteral("id"), note.id},
            {QStringLiteral("chatId"), note.conversationId},
            {QStringLiteral("chatTitle"), chatTitle},
            {QStringLiteral("authorId"), note.authorId},
            {QStringLiteral("authorName"), authorName},
            {QStringLiteral("content"), note.content},
            {QStringLiteral("mentions"), mentions},
            {QStringLiteral("createdAt"), note.createdAt}};
}

// A snooze "at check-out" ends at the site's check-out time (Settings → Hours & texts), 11:00
// when the site has none.
constexpr int defaultCheckOutHour = 11;

} // namespace

QDateTime ConsoleController::snoozeTime(const QString &preset, const QDateTime &from) const
{
    const QDateTime now = from.isValid() ? from.toLocalTime() : QDateTime::currentDateTime();
    const auto at = [&now](int daysAhead, int hour) {
        return QDateTime(now.date().addDays(daysAhead), QTime(hour, 0));
    };
    if (preset == u"hour")
        return now.addSecs(3600);
    if (preset == u"tonight") // 19:00, or in two hours once the evening has begun
        return now.time().hour() < 17 ? at(0, 19) : now.addSecs(2 * 3600);
    if (preset == u"morning")
        return at(1, 8);
    if (preset == u"checkout") {
        QTime checkOut = QTime::fromString(
            m_replies->siteSettings().value(QStringLiteral("checkout_time")).toString(),
            QStringLiteral("H:mm"));
        if (!checkOut.isValid())
            checkOut = QTime(defaultCheckOutHour, 0);
        const QDateTime today(now.date(), checkOut);
        return now < today ? today : today.addDays(1);
    }
    return {};
}

void ConsoleController::setStatus(const QString &status, const QDateTime &snoozedUntil)
{
    if (!signedIn() || !m_current)
        return;
    const auto wanted = conversationStatusFromString(status);
    if (!wanted)
        return report({ErrorCode::Invalid, tr("unknown status %1").arg(status)});
    const qint64 conversationId = m_current;
    const qint64 siteId = m_staff.siteId;
    const Actor me{ActorKind::Staff, m_staff.id};
    m_tasks
        .run([conversationId, siteId, me, wanted, snoozedUntil](CoreRuntime &runtime) {
            const auto result =
                runtime.chat().setStatus(siteId, me, conversationId, *wanted, snoozedUntil.toUTC());
            return result ? Error{} : result.error();
        })
        .then([this](const Error &error) { report(error); });
}

void ConsoleController::addNote(const QString &text, const QVariantList &mentions)
{
    if (!signedIn() || !m_current)
        return;
    QList<qint64> ids;
    for (const QVariant &id : mentions)
        ids << id.toLongLong();
    // Names typed as "@Maria" count as mentions too, so the picker is a help, not a must.
    for (const QVariant &entry : std::as_const(m_staffDirectory)) {
        const QVariantMap person = entry.toMap();
        const qint64 id = person.value(QStringLiteral("id")).toLongLong();
        if (!ids.contains(id) &&
            text.contains(u'@' + person.value(QStringLiteral("name")).toString(),
                          Qt::CaseInsensitive))
            ids << id;
    }
    const qint64 conversationId = m_current;
    const qint64 siteId = m_staff.siteId;
    const Actor me{ActorKind::Staff, m_staff.id};
    m_tasks
        .run([conversationId, siteId, me, text, ids](CoreRuntime &runtime) {
            const auto note = runtime.chat().addNote(siteId, me, conversationId, text, ids);
            return note ? Error{} : note.error();
        })
        .then([this](const Error &error) { report(error); });
}

QVariantList ConsoleController::staffMatching(const QString &prefix) const
{
    QVariantList matches;
    for (const QVariant &entry : std::as_const(m_staffDirectory)) {
        const QVariantMap person = entry.toMap();
        if (person.value(QStringLiteral("id")).toLongLong() == m_staff.id)
            continue;
        if (person.value(QStringLiteral("name")).toString().startsWith(prefix, Qt::CaseInsensitive))
            matches << person;
    }
    return matches;
}

void ConsoleController::markMentionsSeen()
{
    if (m_unseenMentions == 0)
        return;
    m_unseenMentions = 0;
    Q_EMIT mentionsChanged();
}

void ConsoleController::refreshWorkflow()
{
    if (!signedIn())
        return;
    const qint64 conversationId = m_current;
    const qint64 siteId = m_staff.siteId;
    const Actor me{ActorKind::Staff, m_staff.id};
    struct Workflow
    {
        QVariantList notes, mentions, directory;
    };
    m_tasks
        .run([conversationId, siteId, me](CoreRuntime &runtime) {
            ChatService &chat = runtime.chat();
            Workflow result;
            const auto name = [&chat](qint64 staffId) {
                return chat.displayName({ActorKind::Staff, staffId});
            };
            if (conversationId) {
                if (const auto found = chat.notes(siteId, me, conversationId)) {
                    for (const Note &note : found.value())
                        result.notes << noteMap(note, name(note.authorId), {});
                }
            }
            for (const Note &note : chat.mentionsOf(me, 100)) {
                const auto details = chat.conversationDetails(siteId, note.conversationId);
                result.mentions << noteMap(note, name(note.authorId),
                                           details ? details->conversation.title : QString());
            }
            for (const Account &account : chat.consoleSettings(siteId).staff)
                result.directory << QVariantMap{{QStringLiteral("id"), account.id},
                                                {QStringLiteral("name"), name(account.id)}};
            return result;
        })
        .then([this, conversationId](const Workflow &result) {
            if (conversationId == m_current) {
                m_notes = result.notes;
                Q_EMIT notesChanged();
            }
            m_mentions = result.mentions;
            m_staffDirectory = result.directory;
            Q_EMIT mentionsChanged();
        });
}

void ConsoleController::onWorkflowEvent(const DomainEvent &event)
{
    if (event.kind != DomainEvent::Kind::NoteAdded)
        return;
    if (event.note.mentions.contains(m_staff.id) && event.note.authorId != m_staff.id)
        ++m_unseenMentions;
    if (event.conversationId == m_current || event.note.mentions.contains(m_staff.id))
        refreshWorkflow();
}

void ConsoleController::checkOutCurrentRoom(const QString &roomNumber)
{
    if (!signedIn())
        return;
    const qint64 siteId = m_staff.siteId;
    // Four random digits for the next guest.
    const QString pin = QStringLiteral("%1").arg(QRandomGenerator::system()->bounded(10000), 4, 10,
                                                 QLatin1Char('0'));
    m_tasks
        .run([siteId, roomNumber, pin](CoreRuntime &runtime) -> Result<CheckOut> {
            ChatService &chat = runtime.chat();
            const QList<Room> rooms = chat.consoleSettings(siteId).rooms;
            const auto room = std::find_if(rooms.cbegin(), rooms.cend(),
                                           [&](const Room &r) { return r.number == roomNumber; });
            if (room == rooms.cend())
                return Error{ErrorCode::NotFound, tr("There is no room %1.").arg(roomNumber)};
            return chat.checkOutRoom(room->id, auth::hashPassword(pin));
        })
        .then([this, roomNumber, pin](const Result<CheckOut> &result) {
            if (!result)
                return report(result.error());
            Q_EMIT checkedOut(roomNumber, pin, result->endedSessions);
        });
}

QString ConsoleController::printPinCard(const QString &roomNumber, const QString &pin)
{
    QString folder = QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation);
    if (folder.isEmpty() || !QDir().mkpath(folder))
        folder = QDir::tempPath();
    const QString path = QDir(folder).filePath(
        QStringLiteral("lobby-room-%1-pin.pdf").arg(QString(roomNumber).replace(u'/', u'-')));
    QString error;
    if (!writePinCard(path, m_staff.siteName, roomNumber, pin, m_settings->guestPageUrl(roomNumber),
                      &error)) {
        Q_EMIT notice(error, true);
        return {};
    }
    Q_EMIT notice(tr("Saved %1 for printing.").arg(path), false);
    return path;
}

} // namespace lobby::app
