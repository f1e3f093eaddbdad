#pragma once

#include "chat/requests.h"

#include <QJsonObject>

namespace lobby::api {

// A guest request as the guest and the app v1 families send it: one shape for both.
QJsonObject requestJson(const chat::ServiceRequest &request);
QJsonObject requestCategoryJson(const chat::RequestCategory &category);

} // namespace lobby::api
