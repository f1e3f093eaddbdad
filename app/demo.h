#pragma once

#include "api/pages/demopage.h"

#include <QStringList>

namespace lobby::chat {
class ChatService;
}

namespace lobby::app {

struct DataFolder;

// The demo hotel's fixed sign-ins; README.md lists the same.
namespace demo {
inline constexpr const char *siteSlug = "hotel-killarney";
inline constexpr const char *adminEmail = "admin@lobby.demo";
inline constexpr const char *adminPassword = "lobby-admin";
inline constexpr const char *staffEmail = "maria@lobby.demo";
inline constexpr const char *staffPassword = "lobby-staff";
inline constexpr const char *customerEmail = "alex@lobby.demo";
inline constexpr const char *customerPhone = "+15550100";
inline constexpr const char *customerPassword = "lobby-customer";
} // namespace demo

// Creates the demo hotel (site, staff, a customer, rooms with PINs, FAQ, an API key and a first
// conversation) when the data folder has no site yet. Returns the lines to print: the
// credentials; in a folder where the demo was made earlier, only the sign-ins and PINs that
// still work (and the /demo/ page's key); else why nothing was added. Empty only on failure,
// with `error` set.
QStringList ensureDemoData(chat::ChatService &chat, const DataFolder &data, QString *error);

// The widget key the /demo/ page embeds: DATA/demo-api-key, made for the first site when it is
// missing or no longer valid, so the demo page works on any data folder. Empty without a site.
api::pages::DemoPageConfig ensureDemoPageKey(chat::ChatService &chat, const DataFolder &data,
                                             QString *error);

} // namespace lobby::app
