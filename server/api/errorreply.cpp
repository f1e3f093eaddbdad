#include "api/errorreply.h"

namespace lobby::api {

http::HttpReply errorReply(http::ApiFamily family, const chat::Error &error,
                           const QString &storageMessage)
{
    using chat::ErrorCode;
    switch (error.code) {
    case ErrorCode::NotFound:
        return http::HttpReply::error(family, 404, error.message);
    case ErrorCode::Forbidden:
        return http::HttpReply::error(family, 403, error.message);
    case ErrorCode::Expired:
        return http::HttpReply::error(family, 410, error.message);
    case ErrorCode::Conflict:
        return http::HttpReply::error(family, 409, error.message);
    case ErrorCode::Storage:
        return http::HttpReply::error(family, 503, storageMessage);
    case ErrorCode::Invalid:
    case ErrorCode::None:
        break;
    }
    return http::HttpReply::error(family, 400, error.message);
}

} // namespace lobby::api
