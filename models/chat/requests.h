#pragma once

#include "chat/entities.h"

#include <QDateTime>
#include <QList>
#include <QMetaType>
#include <QString>

#include <optional>

// Guest requests (towels, repairs, room service, a taxi): what a guest or a receptionist asks
// the hotel to do, tracked from open to done. Shared by every API family and the console.
namespace lobby::chat {

// open -> in_progress -> done, or cancelled; done and cancelled are final.
enum class RequestStatus
{
    Open,
    InProgress,
    Done,
    Cancelled
};

QString wireName(RequestStatus status);
std::optional<RequestStatus> requestStatusFromString(const QString &text);
// Whether a request in `from` may move to `to` (staying where it is always may).
bool isAllowedTransition(RequestStatus from, RequestStatus to);
bool isFinal(RequestStatus status);

// A kind of request a site takes. `department` names the group of staff that is told of new
// ones (staff accounts carry an optional department of the same name); the console turns a
// request amber and red once it has been open that many minutes.
struct RequestCategory
{
    qint64 id = 0;
    qint64 siteId = 0;
    QString name;  // wire name: lower-case letters, digits and underscores ("room_service")
    QString label; // what people read ("Room service")
    QString department;
    int amberMinutes = 15;
    int redMinutes = 30;
    int position = 0; // order on the guest page and in Settings
};

// A public spot of the hotel (pool, spa, lobby) with a printed QR code: anyone there may ask for
// something without a room PIN. The token is printed on a public poster, so it identifies the
// place rather than guarding a secret: it is stored as is, so the code can be printed again.
struct Place
{
    qint64 id = 0;
    qint64 siteId = 0;
    QString name;
    QString token;
    QDateTime createdAt;
};

struct ServiceRequest
{
    qint64 id = 0;
    qint64 siteId = 0;
    qint64 conversationId = 0;
    qint64 roomId = 0;  // 0 for a place's requests
    qint64 placeId = 0; // 0 for a room's requests
    QString category;
    QString details;
    RequestStatus status = RequestStatus::Open;
    QString department;
    qint64 assigneeId = 0; // staff account, 0 when nobody took it
    Actor createdBy;       // a guest, a staff member, or System for a place's requests
    qint64 messageId = 0;  // the message it was made from, 0 when none
    QDateTime createdAt;
    QDateTime updatedAt;
    QDateTime doneAt; // set when it became done or cancelled

    // Filled in by the domain for readers (not stored with the request).
    QString roomNumber;
    QString placeName;
    QString categoryLabel;
    QString assigneeName; // ChatService::displayName of the assignee
};

// What a guest or staff member asks for in a conversation.
struct NewRequest
{
    qint64 conversationId = 0;
    Actor createdBy;
    QString category;
    QString details;
    qint64 messageId = 0;
};

// What staff change on a request; unset fields stay as they are.
struct RequestChange
{
    std::optional<RequestStatus> status;
    std::optional<qint64> assigneeId; // 0 unassigns
    std::optional<QString> department;
};

struct RequestFilter
{
    std::optional<RequestStatus> status;
    QString category;
    QString department;
    int limit = 500;
};

} // namespace lobby::chat

Q_DECLARE_METATYPE(lobby::chat::ServiceRequest)
