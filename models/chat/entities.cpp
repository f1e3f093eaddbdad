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

} // namespace lobby::chat
