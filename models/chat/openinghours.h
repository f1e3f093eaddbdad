#pragma once

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QTimeZone>

#include <optional>

namespace lobby::chat {

// When a site's desk is open: intervals per weekday, and dates whose hours differ (a holiday, a
// closed day). Times are wall-clock times in the site's time zone. An interval that closes at or
// before its opening time runs past midnight ("18:00-02:00"); "24:00" is the end of the day.
// As JSON: {"mon": ["07:00-12:00", "14:00-22:00"], ..., "sun": [],
//           "exceptions": {"2026-12-25": [], "2026-12-31": ["07:00-18:00"]}}
// A weekday that is missing or empty is closed. Hours that are not set at all mean always open.
class OpeningHours
{
public:
    static constexpr int maxIntervalsPerDay = 4;
    static constexpr int maxExceptions = 366;

    // Nullopt (and *error says why) for hours that are not in the shape above.
    static std::optional<OpeningHours> fromJson(const QJsonObject &json, QString *error);
    QJsonObject toJson() const;

    bool isSet() const { return m_set; }
    bool isOpen(const QDateTime &at, const QTimeZone &zone) const;
    // The start of the next open period after `at` (when closed at `at`); invalid when the desk
    // does not open within the next two weeks. Identifies the closed period `at` falls in.
    QDateTime nextOpening(const QDateTime &at, const QTimeZone &zone) const;

    // "We're back at 7:00 tomorrow." / "today" / "on Monday" / "on 24 December"; seen from `now`.
    static QString backSentence(const QDateTime &now, const QDateTime &opening,
                                const QTimeZone &zone);
    // The short form for a header: "Back at 7:00" (today or tomorrow), "Back on Monday at 7:00".
    static QString backShort(const QDateTime &now, const QDateTime &opening, const QTimeZone &zone);

private:
    struct Interval
    {
        int openMinute = 0;  // minutes after midnight
        int closeMinute = 0; // 1440 is midnight at the end of the day; <= openMinute: next day
    };
    QList<Interval> intervalsOn(const QDate &date) const;
    // The open periods (UTC milliseconds, merged where they touch) around `at`.
    QList<QPair<qint64, qint64>> periodsAround(const QDateTime &at, const QTimeZone &zone) const;

    bool m_set = false;
    QList<Interval> m_weekly[7]; // Monday first
    QMap<QDate, QList<Interval>> m_exceptions;
};

} // namespace lobby::chat
