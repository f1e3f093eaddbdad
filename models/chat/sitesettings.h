#pragma once

#include "chat/openinghours.h"

#include <QDateTime>
#include <QHash>
#include <QString>

namespace lobby::chat {

// What a receptionist sets for a site beyond its name: the texts the chat widget and the guest
// page show, the values canned replies fill in, and when the desk is open. Stored as named
// values with the site (ChatService::updateSiteSettings checks each one).
struct SiteSettings
{
    QString displayName;  // the widget's and guest page's name; empty: the site's name
    QString greeting;     // the widget's first bubble and the guest page's welcome; empty: default
    QString awayMessage;  // posted when someone writes while the desk is closed; empty: default
    QString wifi;         // {{wifi}}
    QString checkoutTime; // {{checkout_time}}, e.g. "11:00"
    QString timeZone;     // IANA name ("Europe/Dublin"); empty: UTC
    OpeningHours hours;
    // Room guests who write while closed go to this staff member instead of the away message
    // (a hotel's night desk); 0: nobody.
    qint64 nightDeskAccountId = 0;

    QTimeZone zone() const
    {
        const QTimeZone named(timeZone.toUtf8());
        return named.isValid() ? named : QTimeZone::utc();
    }
};

// Whether the desk is open now, and when it opens again.
struct DeskStatus
{
    bool hoursSet = false;
    bool open = true;
    QDateTime reopensAt;  // while closed; invalid when not within two weeks
    QString backShort;    // "Back at 7:00" while closed, empty while open
    QString backSentence; // "We're back at 7:00 tomorrow." while closed
};

} // namespace lobby::chat
