#include "chat/entities.h"

#include <array>
#include <utility>

namespace lobby::chat {
namespace {

// One table per enum keeps the wire/storage names in a single place.
template <typename Enum, std::size_t N>
using NameTable = std::array<std::pair<Enum, const char *>, N>;

constexpr NameTable<SiteKind, 2> siteKinds{
    {{SiteKind::Hotel, "hotel"}, {SiteKind::Salon, "salon"}}};
constexpr NameTable<AccountKind, 2> accountKinds{
    {{AccountKind::Staff, "staff"}, {AccountKind::Customer, "customer"}}};
constexpr NameTable<StaffRole, 2> staffRoles{
    {{StaffRole::Admin, "admin"}, {StaffRole::Staff, "staff"}}};
constexpr NameTable<ActorKind, 6> actorKinds{{{ActorKind::Staff, "staff"},
                                              {ActorKind::Customer, "customer"},
                                              {ActorKind::Guest, "guest"},
                                              {ActorKind::Visitor, "visitor"},
                                              {ActorKind::Assistant, "assistant"},
                                              {ActorKind::System, "system"}}};
constexpr NameTable<ConversationKind, 4> conversationKinds{{{ConversationKind::Room, "room"},
                                                            {ConversationKind::Widget, "widget"},
                                                            {ConversationKind::App, "app"},
                                                            {ConversationKind::Direct, "direct"}}};
constexpr NameTable<MessageType, 5> messageTypes{{{MessageType::Text, "text"},
                                                  {MessageType::Image, "image"},
                                                  {MessageType::Voice, "voice"},
                                                  {MessageType::File, "file"},
                                                  {MessageType::System, "system"}}};

constexpr NameTable<ConversationStatus, 4> conversationStatuses{
    {{ConversationStatus::Open, "open"},
     {ConversationStatus::Pending, "pending"},
     {ConversationStatus::Snoozed, "snoozed"},
     {ConversationStatus::Resolved, "resolved"}}};

template <typename Enum, std::size_t N> QString nameOf(const NameTable<Enum, N> &table, Enum value)
{
    for (const auto &[candidate, name] : table) {
        if (candidate == value)
            return QString::fromLatin1(name);
    }
    return {};
}

template <typename Enum, std::size_t N>
std::optional<Enum> valueOf(const NameTable<Enum, N> &table, const QString &text)
{
    for (const auto &[candidate, name] : table) {
        if (text == QLatin1String(name))
            return candidate;
    }
    return std::nullopt;
}

} // namespace

QString wireName(SiteKind kind)
{
    return nameOf(siteKinds, kind);
}
QString wireName(AccountKind kind)
{
    return nameOf(accountKinds, kind);
}
QString wireName(StaffRole role)
{
    return nameOf(staffRoles, role);
}
QString wireName(ActorKind kind)
{
    return nameOf(actorKinds, kind);
}
QString wireName(ConversationKind kind)
{
    return nameOf(conversationKinds, kind);
}
QString wireName(MessageType type)
{
    return nameOf(messageTypes, type);
}

QString wireName(ConversationStatus status)
{
    return nameOf(conversationStatuses, status);
}
std::optional<ConversationStatus> conversationStatusFromString(const QString &text)
{
    return valueOf(conversationStatuses, text);
}

std::optional<SiteKind> siteKindFromString(const QString &text)
{
    return valueOf(siteKinds, text);
}
std::optional<AccountKind> accountKindFromString(const QString &text)
{
    return valueOf(accountKinds, text);
}
std::optional<StaffRole> staffRoleFromString(const QString &text)
{
    return valueOf(staffRoles, text);
}
std::optional<ActorKind> actorKindFromString(const QString &text)
{
    return valueOf(actorKinds, text);
}
std::optional<ConversationKind> conversationKindFromString(const QString &text)
{
    return valueOf(conversationKinds, text);
}
std::optional<MessageType> messageTypeFromString(const QString &text)
{
    return valueOf(messageTypes, text);
}

QString normalizedPhone(const QString &text)
{
    const QString trimmed = text.trimmed();
    QString normalized;
    for (qsizetype i = 0; i < trimmed.size(); ++i) {
        const QChar c = trimmed.at(i);
        if (c == u'+' && i == 0)
            normalized += c;
        else if (c >= u'0' && c <= u'9')
            normalized += c;
        else if (c != u' ' && c != u'-' && c != u'.' && c != u'(' && c != u')')
            return {};
    }
    const qsizetype digits = normalized.size() - (normalized.startsWith(u'+') ? 1 : 0);
    return digits >= 6 && digits <= 15 ? normalized : QString();
}

bool isValidEmail(const QString &text)
{
    const qsizetype at = text.indexOf(u'@');
    if (text.size() > 254 || at <= 0 || at > 64 || text.indexOf(u'@', at + 1) >= 0)
        return false;
    for (qsizetype i = 0; i < at; ++i) {
        if (text.at(i).isSpace() || text.at(i).category() == QChar::Other_Control)
            return false;
    }
    const QStringList labels = text.mid(at + 1).split(u'.');
    for (const QString &label : labels) {
        if (label.isEmpty() || label.size() > 63 || label.startsWith(u'-') || label.endsWith(u'-'))
            return false;
        for (const QChar c : label) {
            if (!c.isLetterOrNumber() && c != u'-')
                return false;
        }
    }
    return true;
}

} // namespace lobby::chat
