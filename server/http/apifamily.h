#pragma once

#include <QByteArray>
#include <QString>

namespace lobby::http {

// The four API families share one port; each keeps the error shape its clients parse.
enum class ApiFamily
{
    Widget, // /api/chats/...    {"success": false, "message": "..."}
    V1,     // /api/v1/...       FastAPI: {"detail": "..."}
    Guest,  // /api/chat/..., /apps/..., /app/...  DRF: {"detail": "..."}
    Direct, // /api/auth/..., /ws/chat/...          DRF: {"detail": "..."}
    Plain,  // everything else (/healthz, pages)    {"detail": "..."}
};

ApiFamily familyForPath(const QString &path);

// "widget", "v1", "guest", "direct" or "plain": the family in metrics and log lines.
const char *familyName(ApiFamily family);

// The JSON body of an error in the family's shape.
QByteArray errorBody(ApiFamily family, const QString &message);

// Whether browsers on other origins may call this family (the widget and the guest page run on
// the hotel's website or a phone, not on Lobby's own origin).
bool familyAllowsCors(ApiFamily family);

} // namespace lobby::http
