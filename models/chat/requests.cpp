#include "chat/requests.h"

namespace lobby::chat {

QString wireName(RequestStatus status)
{
    switch (status) {
    case RequestStatus::Open:
        return QStringLiteral("open");
    case RequestStatus::InProgress:
        return QStringLiteral("in_progress");
    case RequestStatus::Done:
        return QStringLiteral("done");
    case RequestStatus::Cancelled:
        return QStringLiteral("cancelled");
    }
    return QStringLiteral("open");
}

std::optional<RequestStatus> requestStatusFromString(const QString &text)
{
    for (RequestStatus status : {RequestStatus::Open, RequestStatus::InProgress,
                                 RequestStatus::Done, RequestStatus::Cancelled}) {
        if (text == wireName(status))
            return status;
    }
    return std::nullopt;
}

bool isFinal(RequestStatus status)
{
    return status == RequestStatus::Done || status == RequestStatus::Cancelled;
}

bool isAllowedTransition(RequestStatus from, RequestStatus to)
{
    if (from == to)
        return true;
    // A request taken by mistake may go back to open; a finished one stays finished.
    return !isFinal(from);
}

} // namespace lobby::chat
