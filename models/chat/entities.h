#pragma once

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QMetaType>
#include <QString>

#include <optional>

// The domain's entities, shared by every API family. Ids are database ids; public ids (UUIDs of
// visitors and widget sessions) are kept beside them. Times are UTC.
namespace lobby::chat {

enum class SiteKind
{
    Hotel,
    Salon
};
enum class AccountKind
{
    Staff,
    Customer
};
enum class StaffRole
{
    Admin,
    Staff
};

// Who takes part in a conversation or sends a message.
enum class ActorKind
{
    Staff,
    Customer,
    Guest,
    Visitor,
    Assistant,
    System
};

// Which family a conversation came from; decides its icon and title in the console.
enum class ConversationKind
{
    Room,
    Widget,
    App,
    Direct
};

// Where a conversation stands in the front desk's workflow.
enum class ConversationStatus
{
    Open,     // needs an answer
    Pending,  // waiting on the guest
    Snoozed,  // put aside until snoozedUntil
    Resolved, // done
};

enum class MessageType
{
    Text,
    Image,
    Voice,
    File,
    System
};

QString wireName(SiteKind kind);
QString wireName(AccountKind kind);
QString wireName(StaffRole role);
QString wireName(ActorKind kind);
QString wireName(ConversationKind kind);
QString wireName(MessageType type);
QString wireName(ConversationStatus status);
std::optional<ConversationStatus> conversationStatusFromString(const QString &text);
std::optional<SiteKind> siteKindFromString(const QString &text);
std::optional<AccountKind> accountKindFromString(const QString &text);
std::optional<StaffRole> staffRoleFromString(const QString &text);
std::optional<ActorKind> actorKindFromString(const QString &text);
std::optional<ConversationKind> conversationKindFromString(const QString &text);
std::optional<MessageType> messageTypeFromString(const QString &text);

// Contact details of accounts: one rule for every way an account is made or signed in to.
// A phone number is E.164-like: an optional leading '+' and 6 to 15 digits; spaces, dashes,
// dots and parentheses between them are allowed and dropped ("+1 (555) 010-0" -> "+15550100").
// Empty when `text` is not a phone number.
QString normalizedPhone(const QString &text);
// An email address: one '@' between a local part (no spaces or control characters) and a
// domain of letters, digits and dashes in dot-separated labels, 254 characters at most.
bool isValidEmail(const QString &text);

struct Actor
{
    ActorKind kind = ActorKind::System;
    qint64 id = 0;

    friend bool operator==(const Actor &, const Actor &) = default;
    bool isAccount() const { return kind == ActorKind::Staff || kind == ActorKind::Customer; }
};

struct Site
{
    qint64 id = 0;
    QString slug;
    QString name;
    SiteKind kind = SiteKind::Hotel;
    QDateTime createdAt;
};

struct Account
{
    qint64 id = 0;
    qint64 siteId = 0;
    AccountKind kind = AccountKind::Staff;
    StaffRole role = StaffRole::Staff; // meaningful for staff only
    QString email;                     // stored lower-case
    QString phone;
    QString name;
    QString jobTitle; // shown to guests, e.g. "Receptionist"
    QString profileImage;
    QString passwordHash;
    QDateTime createdAt;

    Actor actor() const
    {
        return {kind == AccountKind::Staff ? ActorKind::Staff : ActorKind::Customer, id};
    }
};

struct Room
{
    qint64 id = 0;
    qint64 siteId = 0;
    QString number;
    QString pinHash;
    QDateTime createdAt;
};

struct GuestSession
{
    qint64 id = 0;
    qint64 siteId = 0;
    qint64 roomId = 0;
    qint64 conversationId = 0;
    QDateTime createdAt;
    QDateTime expiresAt;
    QDateTime endedAt;
};

struct Visitor
{
    qint64 id = 0;
    QString publicId; // UUID
    QDateTime createdAt;
    QDateTime lastSeenAt;
    QJsonObject metadata;
};

struct WidgetSession
{
    qint64 id = 0;
    QString publicId; // UUID
    qint64 visitorId = 0;
    qint64 siteId = 0;         // bound on the first chat message (the API key names the site)
    qint64 conversationId = 0; // created with the first chat message
    QString externalUserId;
    QDateTime createdAt;
    QDateTime expiresAt;
    bool active = true;
    QJsonObject metadata;
};

struct ApiKey
{
    qint64 id = 0;
    qint64 siteId = 0;
    QString label;
    QString prefix; // the first characters of the key, to recognise it in lists
    QString keyHash;
    QDateTime createdAt;
    QDateTime revokedAt;
};

// Where a site's Pusher webhooks go (an http:// or https:// URL).
struct Webhook
{
    qint64 siteId = 0;
    QString siteSlug;
    QString url;
    QDateTime createdAt;
};

// One signed webhook batch in the outbox, waiting for its receiver to answer 2xx.
struct WebhookDelivery
{
    qint64 id = 0;
    qint64 siteId = 0;
    QString url; // the site's current webhook
    QByteArray body;
    int attempts = 0;
    QDateTime createdAt;
    QDateTime nextAttemptAt;
};

// How a site's webhook outbox stands, for staff to see whether delivery works. Batches go out
// oldest first, so the oldest one's failures are the ones that hold the rest back.
struct WebhookOutboxStatus
{
    int waitingBatches = 0;
    int failedAttempts = 0;  // of the oldest waiting batch
    QString lastError;       // why its last attempt failed; empty before any failure
    QDateTime waitingSince;  // when the oldest waiting batch was made
    QDateTime nextAttemptAt; // when it is tried (again)
};

struct FaqEntry
{
    qint64 id = 0;
    qint64 siteId = 0;
    QString question;
    QString answer;
    QDateTime createdAt;
};

// A file sent with a message (app v1 uploads): stored under a generated name in the data folder.
struct Upload
{
    qint64 id = 0;
    qint64 siteId = 0;
    Actor owner;
    QString storedName;   // generated, never the client's
    QString originalName; // sanitised, for display only
    QString mimeType;     // sniffed from the content
    qint64 size = 0;
    QString thumbnailName; // empty when there is no thumbnail
    QDateTime createdAt;
};

struct Conversation
{
    qint64 id = 0;
    qint64 siteId = 0;
    ConversationKind kind = ConversationKind::App;
    QString title;
    qint64 roomId = 0;
    qint64 widgetSessionId = 0;
    qint64 handlerAccountId = 0; // the staff member handling it, 0 when unassigned
    bool archived = false;
    qint64 lastMessageId = 0;
    QString lastMessagePreview;
    QDateTime createdAt;
    QDateTime lastActivityAt;
    ConversationStatus status = ConversationStatus::Open;
    QDateTime snoozedUntil; // set while snoozed
    // The oldest guest/visitor/customer message not yet answered by staff; invalid when none.
    QDateTime waitingSince;
};

struct Participant
{
    qint64 conversationId = 0;
    Actor actor;
    QDateTime joinedAt;
    qint64 lastReadMessageId = 0;
    bool active = true;
};

struct Message
{
    qint64 id = 0;
    qint64 conversationId = 0;
    Actor sender;
    MessageType type = MessageType::Text;
    QString content;
    QString mediaUrl;
    qint64 replyToId = 0;
    QString entityType; // appointment, product, pack: a reference the app understands
    QString entityId;
    QString clientId; // the sender's idempotency key, may be empty
    QDateTime createdAt;
    QDateTime editedAt;
    bool deleted = false;
};

// A private note: written by staff in a conversation, shown only to staff. Notes live apart
// from messages, so no family that reads messages can ever deliver one to a guest.
struct Note
{
    qint64 id = 0;
    qint64 conversationId = 0;
    qint64 authorId = 0; // a staff account
    QString content;
    QList<qint64> mentions; // staff account ids
    QDateTime createdAt;
};

// What the console's inbox shows for one conversation.
// One advance of a reader's last-read pointer.
struct ReadReceipt
{
    Actor reader;
    qint64 upToMessageId = 0;
    QDateTime readAt;
};

struct ConversationSummary
{
    Conversation conversation;
    qint64 unreadCount = 0;
};

} // namespace lobby::chat

Q_DECLARE_METATYPE(lobby::chat::ConversationSummary)
