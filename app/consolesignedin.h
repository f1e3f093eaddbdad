#pragma once

#include <QString>

namespace lobby::app {

// Who is signed in to the console (id 0: nobody), shared by its controllers.
struct ConsoleSignedIn
{
    qint64 id = 0;
    qint64 siteId = 0;
    QString name;
    QString email;
    QString jobTitle;
    bool admin = false;
    QString siteName;
    QString siteSlug;
};

} // namespace lobby::app
