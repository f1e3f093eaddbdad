#include "chat/openinghours.h"

#include <QJsonArray>
#include <QLocale>
#include <QRegularExpression>

#include <algorithm>

namespace lobby::chat {

namespace {

const char *const dayKeys[7] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};

QString minuteText(int minute)
{
    return QStringLiteral("%1:%2")
        .arg(minute / 60, 2, 10, QLatin1Char('0'))
        .arg(minute % 60, 2, 10, QLatin1Char('0'));
}

// Wall-clock minute `minute` (0..1440) of `date` in `zone`.
QDateTime at(const QDate &date, int minute, const QTimeZone &zone)
{
    if (minute >= 24 * 60)
        return QDateTime(date.addDays(1), QTime(0, 0), zone);
    return QDateTime(date, QTime(minute / 60, minute % 60), zone);
}

QString dayPhrase(const QDate &today, const QDate &day)
{
    const qint64 days = today.daysTo(day);
    const QLocale english(QLocale::English);
    if (days <= 0)
        return QStringLiteral("today");
    if (days == 1)
        return QStringLiteral("tomorrow");
    if (days < 7)
        return QStringLiteral("on ") + english.dayName(day.dayOfWeek());
    return QStringLiteral("on ") + english.toString(day, QStringLiteral("d MMMM"));
}

} // namespace

std::optional<OpeningHours> OpeningHours::fromJson(const QJsonObject &json, QString *error)
{
    static const QRegularExpression interval(
        QStringLiteral(R"(^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$)"));
    const auto parseDay = [&](const QJsonValue &value, const QString &where, QList<Interval> *out) {
        if (!value.isArray()) {
            *error = QStringLiteral("%1: a list of \"HH:MM-HH:MM\" intervals").arg(where);
            return false;
        }
        const QJsonArray list = value.toArray();
        if (list.size() > maxIntervalsPerDay) {
            *error =
                QStringLiteral("%1: at most %2 intervals a day").arg(where).arg(maxIntervalsPerDay);
            return false;
        }
        for (const QJsonValue &item : list) {
            const auto match = interval.match(item.toString());
            const int open = match.captured(1).toInt() * 60 + match.captured(2).toInt();
            const int close = match.captured(3).toInt() * 60 + match.captured(4).toInt();
            if (!match.hasMatch() || match.captured(2).toInt() > 59 ||
                match.captured(4).toInt() > 59 || open >= 24 * 60 || close > 24 * 60 ||
                open == close) {
                *error = QStringLiteral("%1: \"%2\" is not an interval like \"07:00-22:00\"")
                             .arg(where, item.toString().left(40));
                return false;
            }
            *out << Interval{open, close};
        }
        return true;
    };

    OpeningHours hours;
    for (auto it = json.begin(); it != json.end(); ++it) {
        const QString key = it.key();
        const auto day = std::find_if(std::begin(dayKeys), std::end(dayKeys),
                                      [&](const char *k) { return key == QLatin1String(k); });
        if (day != std::end(dayKeys)) {
            if (!parseDay(it.value(), key, &hours.m_weekly[day - std::begin(dayKeys)]))
                return std::nullopt;
        } else if (key == u"exceptions") {
            if (!it.value().isObject()) {
                *error = QStringLiteral("exceptions: an object of \"YYYY-MM-DD\": [intervals]");
                return std::nullopt;
            }
            const QJsonObject exceptions = it.value().toObject();
            if (exceptions.size() > maxExceptions) {
                *error = QStringLiteral("exceptions: at most %1 dates").arg(maxExceptions);
                return std::nullopt;
            }
            for (auto e = exceptions.begin(); e != exceptions.end(); ++e) {
                const QDate date = QDate::fromString(e.key(), Qt::ISODate);
                if (!date.isValid()) {
                    *error = QStringLiteral("exceptions: \"%1\" is not a date like 2026-12-25")
                                 .arg(e.key().left(40));
                    return std::nullopt;
                }
                if (!parseDay(e.value(), e.key(), &hours.m_exceptions[date]))
                    return std::nullopt;
            }
        } else {
            *error = QStringLiteral("hours: unknown key \"%1\" (mon..sun, exceptions)")
                         .arg(key.left(40));
            return std::nullopt;
        }
        hours.m_set = true;
    }
    return hours;
}

QJsonObject OpeningHours::toJson() const
{
    if (!m_set)
        return {};
    const auto dayJson = [](const QList<Interval> &intervals) {
        QJsonArray list;
        for (const Interval &i : intervals)
            list << minuteText(i.openMinute) + u'-' + minuteText(i.closeMinute);
        return list;
    };
    QJsonObject json;
    for (int day = 0; day < 7; ++day)
        json.insert(QLatin1String(dayKeys[day]), dayJson(m_weekly[day]));
    QJsonObject exceptions;
    for (auto it = m_exceptions.begin(); it != m_exceptions.end(); ++it)
        exceptions.insert(it.key().toString(Qt::ISODate), dayJson(it.value()));
    json.insert(QStringLiteral("exceptions"), exceptions);
    return json;
}

QList<OpeningHours::Interval> OpeningHours::intervalsOn(const QDate &date) const
{
    const auto exception = m_exceptions.constFind(date);
    if (exception != m_exceptions.constEnd())
        return exception.value();
    return m_weekly[date.dayOfWeek() - 1];
}

QList<QPair<qint64, qint64>> OpeningHours::periodsAround(const QDateTime &when,
                                                         const QTimeZone &zone) const
{
    const QDate today = when.toTimeZone(zone).date();
    QList<QPair<qint64, qint64>> periods;
    for (int offset = -1; offset <= 14; ++offset) {
        const QDate date = today.addDays(offset);
        for (const Interval &i : intervalsOn(date)) {
            const QDateTime open = at(date, i.openMinute, zone);
            const QDateTime close = i.closeMinute > i.openMinute
                                        ? at(date, i.closeMinute, zone)
                                        : at(date.addDays(1), i.closeMinute, zone);
            periods.append({open.toMSecsSinceEpoch(), close.toMSecsSinceEpoch()});
        }
    }
    std::sort(periods.begin(), periods.end());
    QList<QPair<qint64, qint64>> merged;
    for (const auto &period : std::as_const(periods)) {
        if (!merged.isEmpty() && period.first <= merged.last().second)
            merged.last().second = std::max(merged.last().second, period.second);
        else
            merged << period;
    }
    return merged;
}

bool OpeningHours::isOpen(const QDateTime &when, const QTimeZone &zone) const
{
    if (!m_set)
        return true;
    const qint64 t = when.toMSecsSinceEpoch();
    const auto periods = periodsAround(when, zone);
    return std::any_of(periods.begin(), periods.end(),
                       [t](const auto &p) { return p.first <= t && t < p.second; });
}

QDateTime OpeningHours::nextOpening(const QDateTime &when, const QTimeZone &zone) const
{
    const qint64 t = when.toMSecsSinceEpoch();
    for (const auto &period : periodsAround(when, zone)) {
        if (period.first > t)
            return QDateTime::fromMSecsSinceEpoch(period.first, Qt::UTC);
    }
    return {};
}

QString OpeningHours::backSentence(const QDateTime &now, const QDateTime &opening,
                                   const QTimeZone &zone)
{
    if (!opening.isValid())
        return QStringLiteral("We'll reply as soon as we're back.");
    const QDateTime local = opening.toTimeZone(zone);
    return QStringLiteral("We're back at %1 %2.")
        .arg(local.toString(QStringLiteral("H:mm")),
             dayPhrase(now.toTimeZone(zone).date(), local.date()));
}

QString OpeningHours::backShort(const QDateTime &now, const QDateTime &opening,
                                const QTimeZone &zone)
{
    if (!opening.isValid())
        return QStringLiteral("Closed");
    const QDateTime local = opening.toTimeZone(zone);
    const QString time = local.toString(QStringLiteral("H:mm"));
    if (now.toTimeZone(zone).date().daysTo(local.date()) <= 1)
        return QStringLiteral("Back at %1").arg(time);
    return QStringLiteral("Back %1 at %2")
        .arg(dayPhrase(now.toTimeZone(zone).date(), local.date()), time);
}

} // namespace lobby::chat
