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

// A migrated SQLite database in a temporary folder, with a store and a ChatService over it.
class TestDatabase
{
public:
    TestDatabase();
    ~TestDatabase();

    QString folder() const { return m_dir.path(); }
    store::Database &database() { return *m_database; }
    store::Store &store() { return *m_store; }
    chat::ChatService &chat() { return *m_chat; }

    // Provisioning shortcuts; they QVERIFY-free fail loudly with qFatal on error.
    chat::Site site(const QString &slug = QStringLiteral("hotel-test"));
    chat::Account staff(qint64 siteId, const QString &email);
    chat::Account customer(qint64 siteId, const QString &email, const QString &phone);

private:
    QTemporaryDir m_dir;
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
