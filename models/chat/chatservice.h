#pragma once

#include "chat/domainevent.h"
#include "chat/entities.h"
#include "chat/requests.h"

#include "chat/replies.h"
#include "chat/result.h"
#include "chat/sitesettings.h"

#include <QDeadlineTimer>
#include <QHash>
#include <QJsonObject>
#include <QObject>
#include <QSet>
#include <QTimer>

#include <functional>

namespace lobby::store {
class Store;
}

namespace lobby::chat {

// What a sender puts into a message; the service adds id, sender and time.
struct MessageDraft
{
    MessageType type = MessageType::Text;
    QString content;
    QString mediaUrl;
    qint64 replyToId = 0;
    QString entityType;
    QString entityId;
    QString clientId; // idempotency key: a retry with the same one returns the first message
};

struct PostedMessage
{
    Message message;
    Conversation conversation;
    bool duplicate = false; // true when clientId matched an earlier message: nothing was emitted
    // The site's away message, posted after a guest's or visitor's message while the desk is
    // closed (once per conversation per closed period; see chatservice_hours.cpp).
    std::optional<Message> away;
};

// Where a lockout scope stands: locked until when, after how many failures.
struct LockoutState
{
    bool locked = false;
    int failures = 0;
    qint64 retryAfterSeconds = 0;
};

struct LockoutPolicy
{
    int maxFailures = 5;
    int windowSeconds = 15 * 60;
    int lockSeconds = 15 * 60;
};

struct WidgetChat
{
    WidgetSession session;
    Visitor visitor;
    Conversation conversation; // id 0 until the session's first chat message
};

struct NewConversation
{
    qint64 siteId = 0;
    ConversationKind kind = ConversationKind::App;
    QString title;
    qint64 roomId = 0;
    qint64 handlerAccountId = 0;
    QList<Actor> participants;
};

// What the console shows of one conversation's history (see ChatService::messagePage).
struct MessagePage
{
    qint64 conversationId = 0;
    qint64 beforeId = 0;     // what was asked for: 0 is the newest page
    QList<Message> messages; // oldest first
    bool hasMore = false;    // older messages exist
    QList<Participant> participants;
    QHash<QString, QString> senderNames; // "kind:id" -> display name
    QHash<qint64, Message> quoted;       // messages replied to, by id
};

// What the console's settings show of a site (chatservice_console.cpp).
struct ConsoleSettings
{
    QList<Room> rooms;
    QList<ApiKey> apiKeys;
    QList<Account> staff;
    QList<FaqEntry> faq;
};

// A staff account signed in to the console, with its site.
struct ConsoleSession
{
    Account account;
    Site site;
};

struct ConsolePresence
{
    QHash<qint64, QList<Actor>> counterparts; // conversation id -> guests, visitors, customers
    QList<Actor> online;
};

struct ParticipantInfo
{
    Participant participant;
    QString name;
    bool online = false;
};

struct ConversationDetails
{
    Conversation conversation;
    QString roomNumber;      // room conversations
    QString handlerName;     // empty when unassigned
    QJsonObject visitorInfo; // widget conversations: the visitor's metadata
    QString visitorId;       // public id of the visitor
    QDateTime guestSessionExpiresAt;
    QDateTime guestSessionEndedAt; // set once the room was checked out
    QList<ParticipantInfo> participants;
};

QString actorKey(const Actor &actor);

// Who is reading: everything an adapter reads goes through ChatService with one of these, so
// the access rule is applied in one place. Staff see every conversation of their site;
// anyone else only the conversations they take part in.
struct Viewer
{
    qint64 siteId = 0;
    Actor actor;
};

// Whose words a display name is in: each API family's spec names people its own way.
enum class NameFamily
{
    Console, // the staff console
    V1,      // the v1 app API: "Deleted account" for a gone account, "System" for Lobby
    Guest,   // hotel guests' page: staff by name, guests as "Room 205", else "Hotel"
    Widget,  // the website widget: staff by name, nobody else is named (empty)
};

// One row of a chat list (ChatService::chatList).
struct ChatListEntry
{
    Conversation conversation;
    QList<QPair<Participant, qint64>> participants; // with each one's unread count
    qint64 unreadCount = 0;                         // the viewer's
    qint64 totalMessages = 0;
    QDateTime lastMessageAt; // invalid before the first message
};

// A page of history, newest first (ChatService::historyNewestFirst).
struct HistoryPage
{
    Conversation conversation;
    QList<Message> messages;     // newest first
    qint64 total = 0;            // messages in the conversation
    QList<ReadReceipt> receipts; // what matters for the page's messages
};

// ---- Guest family (hotel rooms): results of the operations in chatservice_guest.cpp.

// A guest session that has just started, and the room conversation it belongs to.
struct GuestSessionStart
{
    GuestSession session;
    Conversation conversation;
    bool newConversation = false; // the stay's first session opened the conversation
};

// What a check-out changed.
struct CheckOut
{
    Room room;
    QList<Conversation> archived; // the room's conversations that were open (now resolved)
    bool sessionsEnded = false;
    int endedSessions = 0; // guest sessions that were still running
};

// What the next shift must know (ChatService::handover).
struct Handover
{
    QList<Conversation> inHand;        // open and pending, the longest waiting first
    QList<Conversation> snoozesEnding; // snoozes that end within the next 12 hours, soonest first
    QList<Note> notes;                 // written since the time asked for, oldest first
};

// The one writer. Every state change goes through here: it is persisted first, then announced
// by exactly one `event`. Lives in the core thread with the store it was given.
class ChatService : public QObject
{
    Q_OBJECT

public:
    static constexpr int maxMessageLength = 10000;
    static constexpr int previewLength = 120;

    explicit ChatService(store::Store &store, QObject *parent = nullptr);

    // Provisioning: secrets arrive already hashed (see server/auth).
    Result<Site> createSite(const QString &slug, const QString &name, SiteKind kind);
    Result<Account> createAccount(Account account);
    Result<Room> createRoom(qint64 siteId, const QString &number, const QString &pinHash);
    Result<ApiKey> createApiKey(qint64 siteId, const QString &label, const QString &prefix,
                                const QString &keyHash);
    Result<FaqEntry> addFaqEntry(qint64 siteId, const QString &question, const QString &answer);

    // Conversations
    Result<Conversation> openConversation(const NewConversation &request);
    Result<PostedMessage> postMessage(qint64 conversationId, const Actor &sender,
                                      const MessageDraft &draft);
    // Moves the reader's last-read pointer forward to messageId (never back).
    Result<qint64> markRead(qint64 conversationId, const Actor &reader, qint64 messageId);
    Result<bool> setTyping(qint64 conversationId, const Actor &actor, bool typing);
    Result<Participant> join(qint64 conversationId, const Actor &actor);
    Result<bool> leave(qint64 conversationId, const Actor &actor);
    Result<Conversation> assignHandler(qint64 conversationId, qint64 staffAccountId);
    Result<Conversation> setArchived(qint64 conversationId, bool archived);

    // Presence: an actor is online while it has at least one open connection.
    void connectionOpened(qint64 siteId, const Actor &actor);
    void connectionClosed(qint64 siteId, const Actor &actor);
    bool isOnline(const Actor &actor) const;

    // ---- Several instances on one PostgreSQL (clusterbridge.cpp relays between them)
    // Announces a change another instance stored (already re-read from the database) to this
    // instance's subscribers, marked remote; nothing is written.
    void publishRemote(DomainEvent event);
    // The same for a change someone else committed, known only by its kind and ids (another
    // instance's NOTIFY, another process's write to the SQLite file): re-reads the conversation
    // (and the message) from the database and announces the event with them. False when they
    // are gone.
    bool publishStored(DomainEvent event);
    // Presence seen on another instance: the actor counts as online here while any instance
    // has a connection of theirs. PresenceChanged is emitted when that overall state changes.
    void remotePresence(const QString &instance, qint64 siteId, const Actor &actor, bool online);
    // An adapter's own per-instance state for the other instances (the Pusher server's
    // subscriptions, members, triggers): sendClusterNote emits clusterNoteOut, which the
    // ClusterBridge carries (nobody listens without one); the bridge hands what arrives to
    // receiveClusterNote and tells of instances joining and leaving. Nothing is written.
    void sendClusterNote(const QJsonObject &note) { Q_EMIT clusterNoteOut(note); }
    void receiveClusterNote(const QString &instance, const QJsonObject &note)
    {
        Q_EMIT clusterNote(instance, note);
    }
    void instanceJoined(const QString &instance) { Q_EMIT clusterInstanceJoined(instance); }
    void instanceLeft(const QString &instance) { Q_EMIT clusterInstanceLeft(instance); }

    // Lockouts (PIN attempts per room and per address, logins): counters live in the database
    // so that they hold across restarts and instances.
    LockoutState lockoutState(const QString &scope);
    LockoutState recordAuthFailure(const QString &scope, const LockoutPolicy &policy);
    void clearAuthFailures(const QString &scope);

    // Typing stops by itself when a client goes quiet for this long.
    void setTypingTimeout(int milliseconds) { m_typingTimeoutMs = milliseconds; }

    // Family-specific operations are declared below, one block per family, and implemented in
    // chatservice_<family>.cpp.

    // -- widget (website visitors), chatservice_widget.cpp
    static constexpr int maxMetadataBytes = 4096;
    Result<Visitor> createVisitor(const QJsonObject &metadata);
    // Records visitor activity (last_seen_at); NotFound for an unknown visitor.
    Result<Visitor> touchVisitor(const QString &publicId);
    Result<WidgetSession> createWidgetSession(const QString &visitorPublicId,
                                              const QString &externalUserId,
                                              const QJsonObject &metadata, int lifetimeSeconds);
    // The conversation behind a widget session, for a chat message sent with `siteId`'s API
    // key. The first message binds the session to the site and opens its conversation.
    Result<WidgetChat> openWidgetChat(const QString &sessionPublicId,
                                      const QString &visitorPublicId, qint64 siteId);
    // For the visitor-authenticated reads: the session, if it is this visitor's.
    Result<WidgetChat> widgetChatForVisitor(const QString &sessionPublicId,
                                            const QString &visitorPublicId);

    // ---- The staff console (chatservice_console.cpp). Secrets arrive hashed (see server/auth).
    Result<Room> setRoomPin(qint64 siteId, qint64 roomId, const QString &pinHash);
    Result<ApiKey> revokeApiKey(qint64 siteId, qint64 keyId);
    Result<bool> removeFaqEntry(qint64 siteId, qint64 entryId);
    // ---- Settings: editing staff and FAQ entries (chatservice_settings.cpp). `adminId` is the
    // signed-in staff account: it must be an admin, and only its own site's records change.
    // A staff change; an empty passwordHash keeps the password.
    struct StaffChange
    {
        QString name;
        QString email;
        QString jobTitle;
        bool admin = false;
        QString passwordHash;
    };
    Result<Account> updateStaffAccount(qint64 adminId, qint64 accountId, const StaffChange &change);
    // The account can no longer sign in; conversations it handled go back to nobody. An admin
    // cannot remove their own account, so a site always keeps one.
    Result<bool> removeStaffAccount(qint64 adminId, qint64 accountId);
    Result<FaqEntry> updateFaqEntry(qint64 adminId, qint64 entryId, const QString &question,
                                    const QString &answer);
    Result<bool> removeFaqEntryAsAdmin(qint64 adminId, qint64 entryId);
    // A page of history, oldest first: the newest `limit` messages below beforeId (0: newest).
    MessagePage messagePage(qint64 conversationId, qint64 beforeId, int limit);
    // Ids of the site's conversations whose title or messages contain `text`.
    QList<qint64> searchConversations(qint64 siteId, const QString &text);
    // Who is who in a conversation, for the console's details pane.
    std::optional<ConversationDetails> conversationDetails(qint64 siteId, qint64 conversationId);
    // The console's reads (its adapter never reads the store itself): a site's settings lists,
    // the staff account the console signs in as, the people a conversation is with.
    ConsoleSettings consoleSettings(qint64 siteId);
    std::optional<ConsoleSession> consoleSession(qint64 staffAccountId);
    std::optional<ConsoleSession> consoleSessionByEmail(const QString &email);
    // Whether `conversationId` is one of the site's (what the console may page through).
    bool isConversationOfSite(qint64 conversationId, qint64 siteId);
    // The guests, visitors and customers in each conversation, and which of them are online.
    ConsolePresence consolePresence(const QList<qint64> &conversationIds);
    // The one rule for naming a person, used by the console and the APIs: staff and customers
    // by their account's name; a guest by room and device of the stay ("Room 205 · Guest 2");
    // a website visitor by the name or email the website passed in its metadata, else by the
    // start of its id ("Visitor 3F7A2C"); "Assistant" and "Lobby" for automatic messages.
    QString displayName(const Actor &actor);

    // ---- Accounts family (app v1 REST/WebSocket + direct chat), chatservice_accounts.cpp
    // Opens a conversation and posts its first message as `sender` (when the draft has text).
    // The draft is checked before anything is stored, so a refused message leaves no
    // conversation behind.
    Result<PostedMessage> openConversationWithMessage(const NewConversation &request,
                                                      const Actor &sender,
                                                      const MessageDraft &draft);
    // The one `direct` conversation of two accounts of the same site, created on first use.
    Result<Conversation> openDirectConversation(const Account &a, const Account &b);
    // Records an uploaded file (already written to disk by the adapter). Not a conversation
    // change, so no event: the message that later carries it is.
    Result<Upload> recordUpload(Upload upload);

    // ---- Guest family (hotel rooms, chatservice_guest.cpp)
    // The guest actor of a session is {ActorKind::Guest, session id}.
    static Actor guestActor(const GuestSession &session) { return {ActorKind::Guest, session.id}; }
    // Starts a guest session in a room (the PIN was checked by the caller; the token arrives
    // hashed). The session joins the room's open conversation, or opens one: one conversation per
    // stay, shared by every device of the stay, until check-out archives it.
    Result<GuestSessionStart> startGuestSession(qint64 roomId, const QString &tokenHash,
                                                const QDateTime &expiresAt);
    // Check-out: the room gets a new PIN, its guest sessions end and its open conversations are
    // archived (one ConversationUpdated each), so the next guest starts from nothing.
    Result<CheckOut> checkOutRoom(qint64 roomId, const QString &newPinHash);

    // ---- Reads used by every family (chatservice_reads.cpp). Adapters never open the store.
    QList<ConversationSummary> conversationSummaries(qint64 siteId, const Actor &viewer);
    // The one access rule. NotFound for an id that does not exist or belongs to another site
    // (another tenant's conversations do not exist for this viewer); Forbidden for one of the
    // viewer's site that the viewer may not see (not staff, not a participant).
    Result<Conversation> conversationFor(const Viewer &viewer, qint64 conversationId);
    // History after the access rule: oldest first above afterId, or a newest-first page with
    // read receipts.
    Result<QList<Message>> history(const Viewer &viewer, qint64 conversationId, qint64 afterId,
                                   int limit);
    Result<HistoryPage> historyNewestFirst(const Viewer &viewer, qint64 conversationId, int offset,
                                           int limit);
    // What the viewer may see, newest activity first, with participants, unread counts and the
    // last message's time: a fixed number of grouped statements, whatever the list's length.
    QList<ChatListEntry> chatList(const Viewer &viewer, std::optional<bool> archived = {});
    // The same row for one conversation the viewer was already given (one just opened).
    ChatListEntry chatListEntry(const Viewer &viewer, const Conversation &conversation);
    // The viewer's own participation (none for staff who never joined), after the access rule.
    std::optional<Participant> participation(const Viewer &viewer, qint64 conversationId);
    Result<QList<Participant>> participants(const Viewer &viewer, qint64 conversationId);
    // The one unread rule (see store::Store::unreadCount): what the viewer's side did not send
    // after the viewer's last-read pointer.
    qint64 unreadCount(const Viewer &viewer, qint64 conversationId);
    // The display-name policy in each family's words (the table is in chatservice_reads.cpp);
    // NameFamily::Console is displayName(actor).
    QString displayName(const Actor &actor, NameFamily family);

    // Look-ups by key, for authentication and routing (no conversation content).
    std::optional<Site> site(qint64 id);
    std::optional<Site> siteBySlug(const QString &slug);
    QList<Site> sites();
    std::optional<Account> account(qint64 id);
    std::optional<Account> accountByEmail(const QString &email);
    std::optional<Account> accountByPhone(const QString &phone);
    QList<Account> accountsOfSite(qint64 siteId, AccountKind kind);
    std::optional<Room> room(qint64 id);
    std::optional<Room> roomByNumber(qint64 siteId, const QString &number);
    QList<Room> roomsOfSite(qint64 siteId);
    // The room's open conversations, newest first.
    QList<Conversation> openRoomConversations(qint64 roomId);
    std::optional<GuestSession> guestSessionByTokenHash(const QString &tokenHash);
    std::optional<GuestSession> guestSession(qint64 id);
    std::optional<Visitor> visitor(qint64 id);
    std::optional<ApiKey> apiKeyByHash(const QString &keyHash);
    QList<FaqEntry> faqOfSite(qint64 siteId);
    QPair<qint64, qint64> faqVersion(qint64 siteId); // see store::Store::faqVersion
    // Uploads, by stored or thumbnail name; bytes the actor uploaded since `since`.
    std::optional<Upload> upload(const QString &fileName);
    std::optional<qint64> uploadedBytesSince(const Actor &owner, const QDateTime &since);
    // Whether the viewer may fetch an upload: its owner, or one who may see a conversation
    // with a message carrying it.
    bool maySeeUpload(const Viewer &viewer, const Upload &upload, const QString &mediaUrl);

    // ---- Guest requests (chatservice_requests.cpp). Every change is stored, then announced as
    // one RequestUpdated event; staff act only on requests of their own site (another site's do
    // not exist for them), guests only on those of their own stay's conversation.
    static constexpr int maxRequestDetailsLength = 1000;
    // The categories a new site starts with (migration 8 gave existing sites the same).
    static QList<RequestCategory> defaultRequestCategories();
    QList<RequestCategory> requestCategories(qint64 siteId);
    // Adds the category, or changes the one of that name.
    Result<RequestCategory> saveRequestCategory(qint64 siteId, const RequestCategory &category);
    Result<bool> removeRequestCategory(qint64 siteId, const QString &name);
    // A request in a conversation, by a guest of its stay or by staff of its site (made from
    // one of its messages when messageId is set).
    Result<ServiceRequest> createRequest(const NewRequest &request);
    // A request from a place's QR code page: it goes into the place's open conversation.
    Result<ServiceRequest> createPlaceRequest(const QString &placeToken, const QString &category,
                                              const QString &details);
    // Staff change status, assignee or department. Taking a request (in_progress) without
    // naming an assignee assigns `staff`; done and cancelled post a system line to its
    // conversation that every family delivers like any message.
    Result<ServiceRequest> updateRequest(qint64 siteId, const Actor &staff, qint64 requestId,
                                         const RequestChange &change);
    Result<ServiceRequest> requestForStaff(qint64 siteId, const Actor &staff, qint64 requestId);
    Result<QList<ServiceRequest>> requestsForStaff(qint64 siteId, const Actor &staff,
                                                   const RequestFilter &filter);
    // The requests of a stay (a guest's conversation), newest first.
    Result<QList<ServiceRequest>> requestsForGuest(const Actor &guest, qint64 conversationId);
    // Who is told of a new request of a department: the site's staff of that department, or all
    // of the site's staff when the request has none or nobody belongs to it.
    QList<qint64> staffToTell(qint64 siteId, const QString &department);
    Result<bool> setStaffDepartment(qint64 siteId, qint64 accountId, const QString &department);
    QString staffDepartment(qint64 accountId);
    std::optional<Account> staffAccountByEmail(qint64 siteId, const QString &email);
    // Places with a QR code (token generated by the caller, see server/auth).
    Result<Place> addPlace(qint64 siteId, const QString &name, const QString &token);
    Result<bool> removePlace(qint64 siteId, qint64 placeId);
    QList<Place> places(qint64 siteId);
    std::optional<Place> placeByToken(const QString &token);
    // ---- The front desk's workflow (chatservice_workflow.cpp). Staff only: a conversation of
    // another site is NotFound, anyone but staff of its site Forbidden.
    static constexpr int maxNoteLength = 10000;
    static constexpr int maxMentions = 50;
    // Sets open / pending / snoozed (until a future time) / resolved; one StatusChanged when it
    // changed. A guest's, visitor's or customer's next message sets it back to open, and a
    // snooze ends by itself at its time (also when it passed while Lobby was not running).
    Result<Conversation> setStatus(qint64 siteId, const Actor &by, qint64 conversationId,
                                   ConversationStatus status, const QDateTime &snoozedUntil = {});
    // A private note, shown only to staff; `mentions` are staff of the conversation's site.
    Result<Note> addNote(qint64 siteId, const Actor &by, qint64 conversationId,
                         const QString &content, const QList<qint64> &mentions);
    Result<QList<Note>> notes(qint64 siteId, const Actor &by, qint64 conversationId);
    // The notes that mention the staff member, newest first.
    QList<Note> mentionsOf(const Actor &staff, int limit = 200);
    // For the shift handover: staff of the site only (Forbidden otherwise).
    static constexpr int handoverSnoozeHours = 12;
    Result<Handover> handover(qint64 siteId, const Actor &by, const QDateTime &notesSince);
    // Ends the snoozes that are due (each one StatusChanged) and waits for the next one.
    void endDueSnoozes();

    // ---- Pusher webhooks (chatservice_webhooks.cpp): one http(s) target per site and a
    // durable outbox, so a receiver that is down gets every batch once it answers again.
    static constexpr int maxWebhookUrlLength = 2000;
    Result<Webhook> setWebhook(qint64 siteId, const QString &url);
    // Also drops the site's undelivered batches.
    Result<bool> removeWebhook(qint64 siteId);
    QList<Webhook> webhooks();
    std::optional<Webhook> webhookOfSite(qint64 siteId);
    Result<WebhookOutboxStatus> webhookOutboxStatus(qint64 siteId);
    // Undelivered batches kept per site; enqueueing beyond drops the oldest (logged).
    static constexpr int maxWebhookBacklog = 1000;
    Result<qint64> enqueueWebhook(qint64 siteId, const QByteArray &body);
    QList<WebhookDelivery> dueWebhookDeliveries(int limit);
    // Takes a due batch for `leaseSeconds` (another instance skips it meanwhile); false when
    // another instance took it first.
    bool claimWebhookDelivery(const WebhookDelivery &delivery, int leaseSeconds);
    bool webhookDelivered(qint64 deliveryId);
    bool webhookFailed(const WebhookDelivery &delivery, const QDateTime &nextAttempt,
                       const QString &error);

    // ---- Canned replies (chatservice_replies.cpp): a library per site, shared by its staff.
    static constexpr int maxCannedReplies = 500;
    QList<CannedReply> cannedReplies(qint64 siteId);
    // The site's FAQ, oldest first (searched with the canned replies for a suggested answer).
    QList<FaqEntry> faqEntries(qint64 siteId);
    Result<CannedReply> addCannedReply(qint64 siteId, const CannedReplyChange &reply);
    Result<CannedReply> updateCannedReply(qint64 siteId, qint64 replyId,
                                          const CannedReplyChange &change);
    Result<bool> removeCannedReply(qint64 siteId, qint64 replyId);
    // What the reply variables stand for in one of the site's conversations, written by
    // `staff` (conversationId 0: only the site's and the staff member's).
    QHash<QString, QString> replyVariableValues(qint64 siteId, qint64 conversationId,
                                                const Actor &staff);

    // ---- Site settings and business hours (chatservice_hours.cpp)
    static constexpr int maxSettingLength = 2000;
    SiteSettings siteSettings(qint64 siteId);
    // Sets the named settings of `changes` (wire names: display_name, greeting, away_message,
    // wifi, checkout_time, time_zone, hours, night_desk_account_id); each is checked first and
    // nothing is stored when one is refused.
    Result<SiteSettings> updateSiteSettings(qint64 siteId, const QJsonObject &changes);
    static QJsonObject settingsJson(const SiteSettings &settings);
    // The texts the widget and the guest page show, with the defaults filled in.
    QString displayNameOfSite(const Site &site, const SiteSettings &settings) const;
    QString greetingOfSite(const Site &site, const SiteSettings &settings) const;
    DeskStatus deskStatus(qint64 siteId);
    // The time business hours are judged by; tests set a fake clock.
    void setClock(std::function<QDateTime()> clock) { m_clock = std::move(clock); }
    QDateTime clockTime() const;

    // ---- Group commit (chatservice_batch.cpp): durable before acknowledged, one commit for many.
    // Posts like postMessage(), but together with every other message queued before control
    // returns to the event loop: one transaction and one durable commit for all of them (each
    // post in its own savepoint, so a refused one is undone alone). Only after that commit are
    // their events emitted and `done` called, post by post in queue order; when the commit fails
    // nothing is emitted and every post of the batch gets a storage error. For adapters that
    // answer asynchronously (WebSocket frames); request handlers that answer with the stored
    // message use postMessage(), which commits at once.
    using PostDone = std::function<void(const Result<PostedMessage> &)>;
    void queueMessage(qint64 conversationId, const Actor &sender, const MessageDraft &draft,
                      PostDone done);
    // Stores what is queued. A zero-timer calls it once the current event-loop turn is over;
    // call it directly to finish the queue before shutting down.
    void flushQueue();
    qsizetype queuedCount() const { return m_queue.size(); }
    // Runs `work` (any ChatService writes) as one transaction with one durable commit at the
    // end; the events of its changes are emitted only after that commit. `work` returns false
    // to undo everything it did; so does a failed commit. Returns whether it was committed.
    // Inside another such scope or a batch, it is a savepoint of the outer one.
    bool inOneCommit(const std::function<bool()> &work);

Q_SIGNALS:
    void event(const lobby::chat::DomainEvent &event);
    // This instance's first connection of an actor opened, or its last one closed (what other
    // instances need to know; PresenceChanged events tell the overall state).
    void localPresenceChanged(qint64 siteId, const lobby::chat::Actor &actor, bool online);
    void clusterNoteOut(const QJsonObject &note);
    void clusterNote(const QString &instance, const QJsonObject &note);
    // Another instance said hello (it starts, or listens again: it wants everyone's state), or
    // said goodbye or stopped answering.
    void clusterInstanceJoined(const QString &instance);
    void clusterInstanceLeft(const QString &instance);

private:
    void emitEvent(DomainEvent::Kind kind, const Conversation &conversation,
                   const Actor &actor = {}, qint64 messageId = 0, bool flag = false);
    // Emits the event now, or after the batch being stored commits (see flushQueue()).
    void announce(const DomainEvent &event);
    // Runs `action` now, or after the batch being stored commits (dropped when it fails).
    void afterCommit(std::function<void()> action);
    Error storageFailure() const;
    Result<Account> staffOfSite(qint64 siteId, const Actor &staff);
    ServiceRequest withNames(ServiceRequest request);
    void announceRequest(const ServiceRequest &request, const Conversation &conversation,
                         const Actor &actor, bool created);

    void expireTyping();
    // After a guest's or visitor's message: the away message or the night desk, while closed.
    std::optional<Message> answerWhileClosed(const Conversation &conversation);
    // Workflow rules of a posted message (chatservice_workflow.cpp): a guest's, visitor's or
    // customer's message reopens the conversation and starts its waiting time, staff's answer
    // ends it. Returns whether the status changed.
    bool applyPostToWorkflow(Conversation &conversation, const Actor &sender, const QDateTime &at);
    Result<Conversation> staffConversation(qint64 siteId, const Actor &by, qint64 conversationId);
    void scheduleSnoozeEnd();

    store::Store &m_store;
    int m_messagesInCommit = 0; // stored by the commit in progress (metrics' batch size)
    std::function<QDateTime()> m_clock;
    QHash<QPair<int, qint64>, int> m_openConnections;
    QHash<QPair<int, qint64>, QSet<QString>> m_remoteOnline; // actor -> instances with connections
    QHash<QPair<int, qint64>, QString> m_labels;             // guests' and visitors' display names
    QHash<qint64, QString> m_guestRoomLabels; // guest session id -> "Room 205" (NameFamily::Guest)
    struct TypingKey
    {
        qint64 conversationId;
        int actorKind;
        qint64 actorId;
        friend bool operator==(const TypingKey &, const TypingKey &) = default;
        friend size_t qHash(const TypingKey &key, size_t seed = 0)
        {
            return qHashMulti(seed, key.conversationId, key.actorKind, key.actorId);
        }
    };
    QHash<TypingKey, QDeadlineTimer> m_typing;
    QTimer m_typingSweep;
    int m_typingTimeoutMs = 8000;
    QTimer m_snoozeTimer;

    struct QueuedPost
    {
        qint64 conversationId = 0;
        Actor sender;
        MessageDraft draft;
        PostDone done;
    };
    QList<QueuedPost> m_queue;
    QTimer m_flushTimer;
    QList<std::function<void()>> *m_pendingActions = nullptr; // set while a batch is stored
};

} // namespace lobby::chat

Q_DECLARE_METATYPE(lobby::chat::MessagePage)
Q_DECLARE_METATYPE(lobby::chat::ConversationDetails)
