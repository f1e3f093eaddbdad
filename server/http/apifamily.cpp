#include "http/apifamily.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace lobby::http {

ApiFamily familyForPath(const QString &path)
{
    if (path.startsWith(u"/api/chats/"))
        return ApiFamily::Widget;
    if (path.startsWith(u"/api/v1/"))
        return ApiFamily::V1;
    if (path.startsWith(u"/api/chat/") || path.startsWith(u"/apps/") || path.startsWith(u"/app/") ||
        path.startsWith(u"/pusher/"))
        return ApiFamily::Guest;
    if (path.startsWith(u"/api/auth/") || path.startsWith(u"/ws/"))
        return ApiFamily::Direct;
    return ApiFamily::Plain;
}

QByteArray errorBody(ApiFamily family, const QString &message)
{
    const QJsonObject body = family == ApiFamily::Widget
                                 ? QJsonObject{{"success", false}, {"message", message}}
                                 : QJsonObject{{"detail", message}};
    return QJsonDocument(body).toJson(QJsonDocument::Compact);
}

bool familyAllowsCors(ApiFamily family)
{
    return family == ApiFamily::Widget || family == ApiFamily::Guest;
}

const char *familyName(ApiFamily family)
{
    switch (family) {
    case ApiFamily::Widget:
        return "widget";
    case ApiFamily::V1:
        return "v1";
    case ApiFamily::Guest:
        return "guest";
    case ApiFamily::Direct:
        return "direct";
    case ApiFamily::Plain:
        return "plain";
    }
    return "plain";
}

} // namespace lobby::http
