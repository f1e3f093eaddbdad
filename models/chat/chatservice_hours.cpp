// Site settings and business hours: the texts guests see, and the away message or night desk
// while the desk is closed.
#include "chat/chatservice.h"

#include "store/store.h"

#include <QJsonDocument>
#include <QTimeZone>

namespace lobby::chat {

namespace {

const char *const textSettings[] = {"display_name", "greeting", "away_message", "wifi",
                                    "checkout_time"};

QString *textField(SiteSettings &settings, const QString &name)
{
    if (name == u"display_name")
        return &settings.displayName;
    if (name == u"greeting")
        return &settings.greeting;
    if (name == u"away_message")
        return &settings.awayMessage;
    if (name == u"wifi")
        return &settings.wifi;
    if (name == u"checkout_time")
        return &settings.checkoutTime;
    return nullptr;
}

const QString defaultAwayMessage =
    QStringLiteral("Thanks for your message! Our desk is closed right now.");

} // namespace

QDateTime ChatService::clockTime() const
{
    return m_clock ? m_clock().toUTC() : QDateTime::currentDateTimeUtc();
}

SiteSettings ChatService::siteSettings(qint64 siteId)
{
    SiteSettings settings;
    const QHash<QString, QString> values =
        m_store.siteSettingValues(siteId).value_or(QHash<QString, QString>());
    for (auto it = values.begin(); it != values.end(); ++it) {
        if (QString *field = textField(settings, it.key()))
            *field = it.value();
    }
    settings.timeZone = values.value(QStringLiteral("time_zone"));
    settings.nightDeskAccountId =
        values.value(QStringLiteral("night_desk_account_id")).toLongLong();
    QString ignored; // stored hours were checked when they were set
    settings.hours =
        OpeningHours::fromJson(
            QJsonDocument::fromJson(values.value(QStringLiteral("hours")).toUtf8()).object(),
            &ignored)
            .value_or(OpeningHours());
    return settings;
}

QJsonObject ChatService::settingsJson(const SiteSettings &settings)
{
    SiteSettings copy = settings;
    QJsonObject json;
    for (const char *name : textSettings)
        json.insert(QLatin1String(name), *textField(copy, QLatin1String(name)));
    json.insert(QStringLiteral("time_zone"), settings.timeZone);
    json.insert(QStringLiteral("hours"), settings.hours.toJson());
    json.insert(QStringLiteral("night_desk_account_id"), settings.nightDeskAccountId);
    return json;
}

Result<SiteSettings> ChatService::updateSiteSettings(qint64 siteId, const QJsonObject &changes)
{
    if (!m_store.siteById(siteId))
        return notFound(QStringLiteral("no such site"));
    SiteSettings settings = siteSettings(siteId);
    QList<QPair<QString, QString>> stored; // name, value: written once everything is checked
    for (auto it = changes.begin(); it != changes.end(); ++it) {
        const QString name = it.key();
        const QJsonValue value = it.value();
        if (QString *field = textField(settings, name)) {
            if (!value.isString())
                return invalid(QStringLiteral("%1 is a text").arg(name));
            if (value.toString().size() > maxSettingLength)
                return invalid(
                    QStringLiteral("%1 is at most %2 characters").arg(name).arg(maxSettingLength));
            *field = value.toString().trimmed();
            stored.append({name, *field});
        } else if (name == u"time_zone") {
            const QString zone = value.toString().trimmed();
            if (!value.isString() ||
                (!zone.isEmpty() && !QTimeZone::isTimeZoneIdAvailable(zone.toUtf8())))
                return invalid(QStringLiteral("time_zone is an IANA time zone such as "
                                              "\"Europe/Dublin\" (empty: UTC)"));
            settings.timeZone = zone;
            stored.append({name, zone});
        } else if (name == u"hours") {
            if (!value.isObject() && !value.isNull())
                return invalid(QStringLiteral("hours is an object like {\"mon\": "
                                              "[\"07:00-22:00\"], \"exceptions\": {}} (or null: "
                                              "always open)"));
            QString error;
            const auto hours = OpeningHours::fromJson(value.toObject(), &error);
            if (!hours)
                return invalid(error);
            settings.hours = *hours;
            stored.append(
                {name,
                 QString::fromUtf8(QJsonDocument(hours->toJson()).toJson(QJsonDocument::Compact))});
        } else if (name == u"night_desk_account_id") {
            const qint64 id = value.toInteger(-1);
            const auto account = id > 0 ? m_store.accountById(id) : std::nullopt;
            if (id < 0 || (id > 0 && (!account || account->kind != AccountKind::Staff ||
                                      account->siteId != siteId)))
                return invalid(QStringLiteral("night_desk_account_id is a staff member of this "
                                              "site (0: no night desk)"));
            settings.nightDeskAccountId = id;
            stored.append({name, QString::number(id)});
        } else {
            return invalid(QStringLiteral("unknown setting \"%1\"").arg(name.left(60)));
        }
    }
    store::Transaction transaction(m_store);
    for (const auto &[name, value] : std::as_const(stored)) {
        if (!m_store.setSiteSettingValue(siteId, name, value))
            return storageFailure();
    }
    if (!transaction.commit())
        return storageFailure();
    return settings;
}

QString ChatService::displayNameOfSite(const Site &site, const SiteSettings &settings) const
{
    return settings.displayName.isEmpty() ? site.name : settings.displayName;
}

QString ChatService::greetingOfSite(const Site &site, const SiteSettings &settings) const
{
    if (!settings.greeting.isEmpty())
        return settings.greeting;
    const QString about =
        site.kind == SiteKind::Salon ? QStringLiteral("your visit") : QStringLiteral("your stay");
    return QStringLiteral("Welcome to %1! Ask me anything about %2, or tell me what you need and "
                          "I will pass it to our team.")
        .arg(displayNameOfSite(site, settings), about);
}

DeskStatus ChatService::deskStatus(qint64 siteId)
{
    const SiteSettings settings = siteSettings(siteId);
    DeskStatus status;
    status.hoursSet = settings.hours.isSet();
    const QDateTime now = clockTime();
    const QTimeZone zone = settings.zone();
    status.open = settings.hours.isOpen(now, zone);
    if (!status.open) {
        status.reopensAt = settings.hours.nextOpening(now, zone);
        status.backShort = OpeningHours::backShort(now, status.reopensAt, zone);
        status.backSentence = OpeningHours::backSentence(now, status.reopensAt, zone);
    }
    return status;
}

std::optional<Message> ChatService::answerWhileClosed(const Conversation &conversation)
{
    const SiteSettings settings = siteSettings(conversation.siteId);
    const QDateTime now = clockTime();
    const QTimeZone zone = settings.zone();
    if (settings.hours.isOpen(now, zone))
        return std::nullopt;
    const QDateTime reopens = settings.hours.nextOpening(now, zone);
    const qint64 period = reopens.isValid() ? reopens.toMSecsSinceEpoch() : 0;
    const bool nightDesk =
        conversation.kind == ConversationKind::Room && settings.nightDeskAccountId != 0;

    std::optional<Message> away;
    inOneCommit([&] {
        const auto first = m_store.recordAwayNotice(conversation.id, period, now);
        if (!first)
            return false;
        if (!*first)
            return true; // told already in this closed period
        if (nightDesk)   // a person is there after all: the night desk answers instead
            return bool(assignHandler(conversation.id, settings.nightDeskAccountId));
        MessageDraft draft;
        draft.content =
            (settings.awayMessage.isEmpty() ? defaultAwayMessage : settings.awayMessage) + u' ' +
            OpeningHours::backSentence(now, reopens, zone);
        const auto posted = postMessage(conversation.id, {ActorKind::Assistant, 0}, draft);
        if (posted)
            away = posted->message;
        return bool(posted);
    });
    return away;
}

} // namespace lobby::chat
