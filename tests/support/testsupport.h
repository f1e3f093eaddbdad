#pragma once

#include "chat/chatservice.h"
#include "store/database.h"
#include "store/store.h"

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QTcpSocket>
#include <QTemporaryDir>

#include <memory>

namespace lobby::test {

// The PostgreSQL server the tests run against, from LOBBY_TEST_DATABASE (a postgresql:// URL,
// or the path of a file holding one, as tests/postgres.cmake writes it); empty: SQLite.
QString testServerUrl();

// An empty database for one test: SQLite in a temporary folder, or, with LOBBY_TEST_DATABASE,
// a fresh schema on that PostgreSQL server (search_path set through the URL), dropped again
// by the destructor. folder() is a temporary folder either way (uploads, secrets).
class ScratchDatabase
{
public:
    ScratchDatabase();
    ~ScratchDatabase();
    ScratchDatabase(const ScratchDatabase &) = delete;
    ScratchDatabase &operator=(const ScratchDatabase &) = delete;

    QString folder() const { return m_dir.path(); }
    bool isPostgres() const { return !m_schema.isEmpty(); }
    // The URL of the schema (postgresql://...?options=-csearch_path%3D...), empty for SQLite.
    QString url() const { return m_url; }
    store::DatabaseConfig config() const;

private:
    QTemporaryDir m_dir;
    QString m_schema;
    QString m_url;
};

// A migrated database (see ScratchDatabase), with a store and a ChatService over it.
// Creates `draft` through ChatService, its name taken from the email and a placeholder password
// hash when they are empty (tests that log in pass a real hash); stops the run when it fails.
chat::Account createAccount(chat::ChatService &chat, chat::Account draft);

class TestDatabase
{
public:
    TestDatabase();
    ~TestDatabase();

    QString folder() const { return m_scratch.folder(); }
    const ScratchDatabase &scratch() const { return m_scratch; }
    store::Database &database() { return *m_database; }
    store::Store &store() { return *m_store; }
    chat::ChatService &chat() { return *m_chat; }

    // Provisioning shortcuts; they QVERIFY-free fail loudly with qFatal on error.
    chat::Site site(const QString &slug = QStringLiteral("hotel-test"));
    chat::Account staff(qint64 siteId, const QString &email);
    chat::Account customer(qint64 siteId, const QString &email, const QString &phone);

private:
    ScratchDatabase m_scratch;
    std::unique_ptr<store::Database> m_database;
    std::unique_ptr<store::Store> m_store;
    std::unique_ptr<chat::ChatService> m_chat;
};

struct HttpResult
{
    int status = 0;
    QList<QPair<QByteArray, QByteArray>> headers; // names lower-case
    QByteArray body;

    QByteArray header(const QByteArray &name) const;
    QJsonObject json() const;
};

// Reads one HTTP response from a socket (skipping "100 Continue"), processing events meanwhile.
HttpResult readResponse(QTcpSocket &socket, int timeoutMs = 5000);

// Sends raw bytes to 127.0.0.1:port and reads one HTTP response.
HttpResult rawExchange(quint16 port, const QByteArray &request, int timeoutMs = 5000);

// A plain request with optional JSON body and headers.
HttpResult request(quint16 port, const QByteArray &method, const QByteArray &path,
                   const QByteArray &body = {},
                   const QList<QPair<QByteArray, QByteArray>> &headers = {});

} // namespace lobby::test
