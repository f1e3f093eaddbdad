#include "store/migrations.h"

#include <QDateTime>
#include <QSqlError>
#include <QSqlQuery>

namespace lobby::store {
namespace {

// Portable DDL: {{id}} is the one construct the two dialects spell differently. Times are
// milliseconds since the epoch (UTC) in BIGINT columns, booleans are 0/1 INTEGERs.
const char *const version1[] = {
    R"(CREATE TABLE sites (
        id {{id}},
        slug TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL,
        kind TEXT NOT NULL,
        created_at BIGINT NOT NULL))",
    R"(CREATE TABLE accounts (
        id {{id}},
        site_id BIGINT NOT NULL REFERENCES sites(id),
        kind TEXT NOT NULL,
        role TEXT NOT NULL,
        email TEXT UNIQUE,
        phone TEXT UNIQUE,
        name TEXT NOT NULL,
        job_title TEXT NOT NULL DEFAULT '',
        profile_image TEXT NOT NULL DEFAULT '',
        password_hash TEXT NOT NULL,
        created_at BIGINT NOT NULL))",
    R"(CREATE TABLE rooms (
        id {{id}},
        site_id BIGINT NOT NULL REFERENCES sites(id),
        number TEXT NOT NULL,
        pin_hash TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        UNIQUE (site_id, number)))",
    R"(CREATE TABLE visitors (
        id {{id}},
        public_id TEXT NOT NULL UNIQUE,
        created_at BIGINT NOT NULL,
        last_seen_at BIGINT NOT NULL,
        metadata TEXT NOT NULL DEFAULT '{}'))",
    R"(CREATE TABLE conversations (
        id {{id}},
        site_id BIGINT NOT NULL REFERENCES sites(id),
        kind TEXT NOT NULL,
        title TEXT NOT NULL,
        room_id BIGINT REFERENCES rooms(id),
        handler_account_id BIGINT REFERENCES accounts(id),
        archived INTEGER NOT NULL DEFAULT 0,
        last_message_id BIGINT NOT NULL DEFAULT 0,
        last_message_preview TEXT NOT NULL DEFAULT '',
        created_at BIGINT NOT NULL,
        last_activity_at BIGINT NOT NULL))",
    "CREATE INDEX conversations_by_site ON conversations (site_id, last_activity_at)",
    R"(CREATE TABLE widget_sessions (
        id {{id}},
        public_id TEXT NOT NULL UNIQUE,
        visitor_id BIGINT NOT NULL REFERENCES visitors(id),
        site_id BIGINT REFERENCES sites(id),
        conversation_id BIGINT REFERENCES conversations(id),
        external_user_id TEXT,
        created_at BIGINT NOT NULL,
        expires_at BIGINT NOT NULL,
        is_active INTEGER NOT NULL DEFAULT 1,
        metadata TEXT NOT NULL DEFAULT '{}'))",
    "CREATE INDEX widget_sessions_by_visitor ON widget_sessions (visitor_id)",
    R"(CREATE TABLE guest_sessions (
        id {{id}},
        site_id BIGINT NOT NULL REFERENCES sites(id),
        room_id BIGINT NOT NULL REFERENCES rooms(id),
        conversation_id BIGINT NOT NULL REFERENCES conversations(id),
        token_hash TEXT NOT NULL UNIQUE,
        created_at BIGINT NOT NULL,
        expires_at BIGINT NOT NULL,
        ended_at BIGINT))",
    R"(CREATE TABLE participants (
        conversation_id BIGINT NOT NULL REFERENCES conversations(id),
        actor_kind TEXT NOT NULL,
        actor_id BIGINT NOT NULL,
        joined_at BIGINT NOT NULL,
        last_read_message_id BIGINT NOT NULL DEFAULT 0,
        is_active INTEGER NOT NULL DEFAULT 1,
        PRIMARY KEY (conversation_id, actor_kind, actor_id)))",
    "CREATE INDEX participants_by_actor ON participants (actor_kind, actor_id)",
    R"(CREATE TABLE messages (
        id {{id}},
        conversation_id BIGINT NOT NULL REFERENCES conversations(id),
        sender_kind TEXT NOT NULL,
        sender_id BIGINT NOT NULL,
        type TEXT NOT NULL,
        content TEXT NOT NULL,
        media_url TEXT NOT NULL DEFAULT '',
        reply_to_id BIGINT NOT NULL DEFAULT 0,
        entity_type TEXT NOT NULL DEFAULT '',
        entity_id TEXT NOT NULL DEFAULT '',
        client_id TEXT,
        created_at BIGINT NOT NULL,
        edited_at BIGINT,
        deleted INTEGER NOT NULL DEFAULT 0))",
    "CREATE INDEX messages_by_conversation ON messages (conversation_id, id)",
    // NULL client ids never collide, so only messages that carry one are deduplicated.
    R"(CREATE UNIQUE INDEX messages_by_client_id
        ON messages (conversation_id, sender_kind, sender_id, client_id))",
    // Each advance of a reader's last-read pointer: read receipts and their times derive from it.
    R"(CREATE TABLE read_receipts (
        conversation_id BIGINT NOT NULL REFERENCES conversations(id),
        reader_kind TEXT NOT NULL,
        reader_id BIGINT NOT NULL,
        up_to_message_id BIGINT NOT NULL,
        read_at BIGINT NOT NULL,
        PRIMARY KEY (conversation_id, reader_kind, reader_id, up_to_message_id)))",
    R"(CREATE TABLE api_keys (
        id {{id}},
        site_id BIGINT NOT NULL REFERENCES sites(id),
        label TEXT NOT NULL,
        prefix TEXT NOT NULL,
        key_hash TEXT NOT NULL UNIQUE,
        created_at BIGINT NOT NULL,
        revoked_at BIGINT))",
    R"(CREATE TABLE faq_entries (
        id {{id}},
        site_id BIGINT NOT NULL REFERENCES sites(id),
        question TEXT NOT NULL,
        answer TEXT NOT NULL,
        created_at BIGINT NOT NULL))",
    R"(CREATE TABLE uploads (
        id {{id}},
        site_id BIGINT NOT NULL REFERENCES sites(id),
        owner_kind TEXT NOT NULL,
        owner_id BIGINT NOT NULL,
        stored_name TEXT NOT NULL UNIQUE,
        original_name TEXT NOT NULL,
        mime_type TEXT NOT NULL,
        size BIGINT NOT NULL,
        thumbnail_name TEXT,
        created_at BIGINT NOT NULL))",
};

// Failure counters behind PIN lockouts and login slow-downs. In the database rather than in
// memory so that they hold across restarts and across instances sharing one PostgreSQL.
const char *const version2[] = {
    R"(CREATE TABLE auth_failures (
        scope TEXT NOT NULL PRIMARY KEY,
        failures INTEGER NOT NULL,
        window_started_at BIGINT NOT NULL,
        locked_until BIGINT NOT NULL DEFAULT 0))",
};

// Every read of a conversation finds its widget session (CONVERSATION_COLUMNS in rows.h):
// without this index that walked all widget sessions (EXPLAIN QUERY PLAN: "SEARCH w" by rowid),
// 4.5 ms per posted message with 100,000 sessions instead of 50 us (bench/chatpath).
const char *const version3[] = {
    "CREATE INDEX widget_sessions_by_conversation ON widget_sessions (conversation_id)",
};

// Who may see an uploaded file (every image load of the app API) asks which conversations carry
// it: without this, a scan of every message (bench/history, 1,000,000 messages). Only messages
// with media are indexed; the query repeats the condition so that SQLite uses the index.
const char *const version4[] = {
    "CREATE INDEX messages_by_media_url ON messages (media_url) WHERE media_url <> ''",
};

// The daily upload quota sums an account's uploads since midnight on every upload: without this
// index, a scan of every site's uploads.
const char *const version5[] = {
    "CREATE INDEX uploads_by_owner ON uploads (owner_kind, owner_id, created_at)",
};

// Pusher webhooks: one target per site, and a durable outbox of signed batches still to be
// delivered (the receiver's URL is read at delivery time, so a corrected URL gets the backlog).
const char *const version6[] = {
    R"(CREATE TABLE webhooks (
        site_id BIGINT NOT NULL PRIMARY KEY REFERENCES sites(id),
        url TEXT NOT NULL,
        created_at BIGINT NOT NULL))",
    R"(CREATE TABLE webhook_outbox (
        id {{id}},
        site_id BIGINT NOT NULL REFERENCES sites(id),
        body TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        created_at BIGINT NOT NULL,
        next_attempt_at BIGINT NOT NULL,
        last_error TEXT NOT NULL DEFAULT ''))",
    "CREATE INDEX webhook_outbox_due ON webhook_outbox (next_attempt_at)",
    // Each site's head (MIN(id) per site) and the per-site backlog cap, without a full scan.
    "CREATE INDEX webhook_outbox_site ON webhook_outbox (site_id, id)",
};

// Several instances on PostgreSQL: a note too long for NOTIFY's 8000 bytes (a Pusher event of
// up to 10 KB) travels as a row that the NOTIFY names; rows are dropped after a minute.
const char *const version7[] = {
    R"(CREATE TABLE cluster_notes (
        id {{id}},
        payload TEXT NOT NULL,
        created_at BIGINT NOT NULL))",
};

// Guest requests: per-site categories (seeded with the defaults for every site, as
// ChatService::createSite does for new ones), places with a QR code, an optional department per
// staff account, the requests themselves, and which conversation belongs to which place.
const char *const version8[] = {
    R"(CREATE TABLE request_categories (
        id {{id}},
        site_id BIGINT NOT NULL REFERENCES sites(id),
        name TEXT NOT NULL,
        label TEXT NOT NULL,
        department TEXT NOT NULL DEFAULT '',
        amber_minutes INTEGER NOT NULL,
        red_minutes INTEGER NOT NULL,
        position INTEGER NOT NULL,
        UNIQUE (site_id, name)))",
    "INSERT INTO request_categories (site_id, name, label, department, amber_minutes, "
    "red_minutes, position) SELECT id, 'housekeeping', 'Housekeeping', 'Housekeeping', 20, 45, 1 "
    "FROM sites",
    "INSERT INTO request_categories (site_id, name, label, department, amber_minutes, "
    "red_minutes, position) SELECT id, 'maintenance', 'Maintenance', 'Maintenance', 30, 90, 2 FROM "
    "sites",
    "INSERT INTO request_categories (site_id, name, label, department, amber_minutes, "
    "red_minutes, position) SELECT id, 'room_service', 'Room service', 'Kitchen', 20, 40, 3 FROM "
    "sites",
    "INSERT INTO request_categories (site_id, name, label, department, amber_minutes, "
    "red_minutes, position) SELECT id, 'front_desk', 'Front desk', 'Front desk', 10, 30, 4 FROM "
    "sites",
    "INSERT INTO request_categories (site_id, name, label, department, amber_minutes, "
    "red_minutes, position) SELECT id, 'transport', 'Transport', 'Front desk', 10, 20, 5 FROM "
    "sites",
    "INSERT INTO request_categories (site_id, name, label, department, amber_minutes, "
    "red_minutes, position) SELECT id, 'other', 'Other', '', 15, 45, 6 FROM sites",
    R"(CREATE TABLE places (
        id {{id}},
        site_id BIGINT NOT NULL REFERENCES sites(id),
        name TEXT NOT NULL,
        token TEXT NOT NULL UNIQUE,
        created_at BIGINT NOT NULL,
        UNIQUE (site_id, name)))",
    R"(CREATE TABLE place_conversations (
        conversation_id BIGINT NOT NULL PRIMARY KEY REFERENCES conversations(id),
        place_id BIGINT NOT NULL REFERENCES places(id)))",
    "CREATE INDEX place_conversations_by_place ON place_conversations (place_id)",
    R"(CREATE TABLE staff_departments (
        account_id BIGINT NOT NULL PRIMARY KEY REFERENCES accounts(id),
        department TEXT NOT NULL))",
    R"(CREATE TABLE service_requests (
        id {{id}},
        site_id BIGINT NOT NULL REFERENCES sites(id),
        conversation_id BIGINT NOT NULL REFERENCES conversations(id),
        room_id BIGINT REFERENCES rooms(id),
        place_id BIGINT REFERENCES places(id),
        category TEXT NOT NULL,
        details TEXT NOT NULL,
        status TEXT NOT NULL,
        department TEXT NOT NULL DEFAULT '',
        assignee_id BIGINT REFERENCES accounts(id),
        created_by_kind TEXT NOT NULL,
        created_by_id BIGINT NOT NULL,
        message_id BIGINT REFERENCES messages(id),
        created_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL,
        done_at BIGINT))",
    "CREATE INDEX service_requests_by_site ON service_requests (site_id, status, created_at)",
    "CREATE INDEX service_requests_by_conversation ON service_requests (conversation_id, id)",
};

// Canned replies (a site's library of ready-made answers), site settings (named values: texts,
// hours, the night desk) and away notices (a conversation is told once per closed period; the
// period is named by the time the desk reopens). Existing sites start with the phrases the
// console offered before there was a library (new sites get them from ChatService::createSite).
const char *const version9[] = {
    R"(CREATE TABLE canned_replies (
        id {{id}},
        site_id BIGINT NOT NULL REFERENCES sites(id),
        category TEXT NOT NULL DEFAULT '',
        title TEXT NOT NULL,
        body TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL))",
    "CREATE INDEX canned_replies_by_site ON canned_replies (site_id)",
    R"(CREATE TABLE site_settings (
        site_id BIGINT NOT NULL REFERENCES sites(id),
        name TEXT NOT NULL,
        value TEXT NOT NULL,
        PRIMARY KEY (site_id, name)))",
    R"(CREATE TABLE away_notices (
        conversation_id BIGINT NOT NULL REFERENCES conversations(id),
        period BIGINT NOT NULL,
        created_at BIGINT NOT NULL,
        PRIMARY KEY (conversation_id, period)))",
    R"(INSERT INTO canned_replies (site_id, category, title, body, created_at, updated_at)
        SELECT id, 'General', 'Hello', 'Hello! How can I help you today?', created_at, created_at
        FROM sites)",
    R"(INSERT INTO canned_replies (site_id, category, title, body, created_at, updated_at)
        SELECT id, 'General', 'One moment', 'One moment please, I''ll check that for you.',
        created_at, created_at FROM sites)",
    R"(INSERT INTO canned_replies (site_id, category, title, body, created_at, updated_at)
        SELECT id, 'General', 'Anything else', 'Done! Is there anything else I can do for you?',
        created_at, created_at FROM sites)",
    R"(INSERT INTO canned_replies (site_id, category, title, body, created_at, updated_at)
        SELECT id, 'General', 'Thanks', 'You''re welcome, enjoy your stay!', created_at,
        created_at FROM sites)",
};

// The front desk's workflow: a status per conversation (with its snooze and how long the guest
// has been waiting), and private notes kept apart from messages with the staff they mention.
const char *const version10[] = {
    "ALTER TABLE conversations ADD COLUMN status TEXT NOT NULL DEFAULT 'open'",
    "ALTER TABLE conversations ADD COLUMN snoozed_until BIGINT",
    "ALTER TABLE conversations ADD COLUMN waiting_since BIGINT",
    "CREATE INDEX conversations_snoozed ON conversations (status, snoozed_until)",
    R"(CREATE TABLE notes (
        id {{id}},
        conversation_id BIGINT NOT NULL REFERENCES conversations(id),
        author_id BIGINT NOT NULL REFERENCES accounts(id),
        content TEXT NOT NULL,
        created_at BIGINT NOT NULL))",
    "CREATE INDEX notes_by_conversation ON notes (conversation_id, id)",
    "CREATE INDEX notes_by_time ON notes (created_at)",
    R"(CREATE TABLE note_mentions (
        note_id BIGINT NOT NULL REFERENCES notes(id),
        account_id BIGINT NOT NULL REFERENCES accounts(id),
        PRIMARY KEY (note_id, account_id)))",
    "CREATE INDEX note_mentions_by_account ON note_mentions (account_id, note_id)",
};

struct Migration
{
    const char *const *begin;
    const char *const *end;
};

const Migration migrations[] = {
    {std::begin(version1), std::end(version1)}, {std::begin(version2), std::end(version2)},
    {std::begin(version3), std::end(version3)}, {std::begin(version4), std::end(version4)},
    {std::begin(version5), std::end(version5)}, {std::begin(version6), std::end(version6)},
    {std::begin(version7), std::end(version7)}, {std::begin(version8), std::end(version8)},
    {std::begin(version9), std::end(version9)}, {std::begin(version10), std::end(version10)},
};

// pg_advisory_lock key of the migrations ("LOBBYMIG" would not fit; any constant does).
constexpr qint64 migrationLockKey = 0x4c6f6262794d; // "LobbyM"

} // namespace

Migrator::Migrator(Database &database) : m_database(database) {}

int Migrator::latestVersion()
{
    return int(std::size(migrations));
}

QStringList Migrator::statementsFor(int version) const
{
    const QString id = m_database.dialect() == Dialect::Postgres
                           ? QStringLiteral("BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY")
                           : QStringLiteral("INTEGER PRIMARY KEY AUTOINCREMENT");
    QStringList statements;
    const Migration &migration = migrations[version - 1];
    for (auto it = migration.begin; it != migration.end; ++it)
        statements << QString::fromUtf8(*it).replace(QLatin1String("{{id}}"), id);
    return statements;
}

int Migrator::currentVersion(QString *error) const
{
    QSqlQuery query(m_database.handle());
    if (!query.exec(QStringLiteral("CREATE TABLE IF NOT EXISTS schema_migrations ("
                                   "version INTEGER NOT NULL PRIMARY KEY, "
                                   "applied_at BIGINT NOT NULL)"))) {
        *error = query.lastError().text();
        return -1;
    }
    if (!query.exec(QStringLiteral("SELECT COALESCE(MAX(version), 0) FROM schema_migrations")) ||
        !query.next()) {
        *error = query.lastError().text();
        return -1;
    }
    return query.value(0).toInt();
}

bool Migrator::migrate(QString *error, int targetVersion)
{
    // Instances that start together on one PostgreSQL migrate one after the other: the first
    // applies the new versions, the others then find nothing to do.
    if (m_database.dialect() != Dialect::Postgres)
        return migrateLocked(error, targetVersion);
    QSqlQuery lock(m_database.handle());
    if (!lock.exec(QStringLiteral("SELECT pg_advisory_lock(%1)").arg(migrationLockKey))) {
        *error = lock.lastError().text();
        return false;
    }
    const bool migrated = migrateLocked(error, targetVersion);
    lock.exec(QStringLiteral("SELECT pg_advisory_unlock(%1)").arg(migrationLockKey));
    return migrated;
}

bool Migrator::migrateLocked(QString *error, int targetVersion)
{
    const int current = currentVersion(error);
    if (current < 0)
        return false;
    if (current > latestVersion()) {
        *error = QStringLiteral("this database has schema version %1, newer than this Lobby "
                                "understands (%2); run a newer Lobby or use another data folder")
                     .arg(current)
                     .arg(latestVersion());
        return false;
    }
    QSqlDatabase db = m_database.handle();
    for (int version = current + 1; version <= targetVersion; ++version) {
        if (!db.transaction()) {
            *error = db.lastError().text();
            return false;
        }
        QSqlQuery query(db);
        QStringList statements = statementsFor(version);
        statements << QStringLiteral("INSERT INTO schema_migrations (version, applied_at) "
                                     "VALUES (%1, %2)")
                          .arg(version)
                          .arg(QDateTime::currentMSecsSinceEpoch());
        for (const QString &statement : std::as_const(statements)) {
            if (!query.exec(statement)) {
                *error = QStringLiteral("migration %1 failed: %2")
                             .arg(version)
                             .arg(query.lastError().text());
                db.rollback();
                return false;
            }
        }
        if (!db.commit()) {
            *error = db.lastError().text();
            db.rollback();
            return false;
        }
    }
    return true;
}

} // namespace lobby::store
