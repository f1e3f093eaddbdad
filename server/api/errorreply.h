#pragma once

#include "chat/result.h"
#include "http/httptypes.h"

namespace lobby::api {

// A domain error as the family's HTTP answer: NotFound 404, Forbidden 403, Expired 410,
// Conflict 409, Invalid 400, Storage 503 with `storageMessage` (the store's own text says
// nothing a client can act on).
http::HttpReply errorReply(http::ApiFamily family, const chat::Error &error,
                           const QString &storageMessage);

} // namespace lobby::api
