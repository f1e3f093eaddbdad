#include "store/database.h"
#include "store/migrations.h"
#include "testsupport.h"

#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

using namespace lobby::store;

class TestMigrations : public QObject
{
    Q_OBJECT

    // One empty database per test function (SQLite, or a PostgreSQL schema with
    // LOBBY_TEST_DATABASE), kept until the next one starts.
    std::unique_ptr<lobby::test::ScratchDatabase> m_scratch;
    int m_connections = 0;

    std::unique_ptr<Database> open()
    {
        m_scratch = std::make_unique<lobby::test::ScratchDatabase>();
        return connect();
    }

    // Another connection to the current test's database.
    std::unique_ptr<Database> connect()
    {
        auto database = std::make_unique<Database>(QStringLiteral("m%1").arg(++m_connections));
        QString error;
        if (!database->open(m_scratch->config(), &error))
            qFatal("%s", qPrintable(error));
        return database;
    }

    // The tables of this database (QPSQL's tables() lists every schema's).
    static QStringList tables(Database &database)
    {
        if (database.dialect() == Dialect::Sqlite)
            return database.handle().tables();
        QSqlQuery query(database.handle());
        if (!query.exec(QStringLiteral("SELECT table_name FROM information_schema.tables "
                                       "WHERE table_schema = current_schema()")))
            qFatal("tables: %s", qPrintable(query.lastError().text()));
        QStringList names;
        while (query.next())
            names << query.value(0).toString();
        return names;
    }

private Q_SLOTS:
    void cleanup() { m_scratch.reset(); }

    void freshDatabaseGetsEveryVersion()
    {
        auto database = open();
        Migrator migrator(*database);
        QString error;
        QCOMPARE(migrator.currentVersion(&error), 0);
        QVERIFY2(migrator.migrate(&error), qPrintable(error));
        QCOMPARE(migrator.currentVersion(&error), Migrator::latestVersion());
        const QStringList names = tables(*database);
        for (const char *table :
             {"sites", "accounts", "rooms", "guest_sessions", "visitors", "widget_sessions",
              "conversations", "participants", "messages", "read_receipts", "api_keys",
              "faq_entries", "uploads", "auth_failures"})
            QVERIFY2(names.contains(QLatin1String(table)), table);
    }

    void migratingTwiceChangesNothing()
    {
        auto database = open();
        Migrator migrator(*database);
        QString error;
        QVERIFY(migrator.migrate(&error));
        QVERIFY2(migrator.migrate(&error), qPrintable(error));
        QSqlQuery query(database->handle());
        QVERIFY(query.exec(QStringLiteral("SELECT COUNT(*) FROM schema_migrations")));
        QVERIFY(query.next());
        QCOMPARE(query.value(0).toInt(), Migrator::latestVersion());
    }

    void olderDatabaseUpgradesInPlaceKeepingItsData()
    {
        auto database = open();
        Migrator migrator(*database);
        QString error;
        QVERIFY(migrator.migrate(&error, 1));
        QCOMPARE(migrator.currentVersion(&error), 1);
        QVERIFY(!tables(*database).contains(QStringLiteral("auth_failures")));
        QSqlQuery query(database->handle());
        QVERIFY(query.exec(QStringLiteral("INSERT INTO sites (slug, name, kind, created_at) VALUES "
                                          "('old', 'Old Inn', 'hotel', 1)")));

        QVERIFY2(migrator.migrate(&error), qPrintable(error));
        QCOMPARE(migrator.currentVersion(&error), Migrator::latestVersion());
        QVERIFY(tables(*database).contains(QStringLiteral("auth_failures")));
        QVERIFY(query.exec(QStringLiteral("SELECT name FROM sites WHERE slug = 'old'")));
        QVERIFY(query.next());
        QCOMPARE(query.value(0).toString(), QStringLiteral("Old Inn"));
    }

    void newerDatabaseIsRefused()
    {
        auto database = open();
        Migrator migrator(*database);
        QString error;
        QVERIFY(migrator.migrate(&error));
        QSqlQuery query(database->handle());
        QVERIFY(query.exec(
            QStringLiteral("INSERT INTO schema_migrations (version, applied_at) VALUES (999, 0)")));
        QVERIFY(!migrator.migrate(&error));
        QVERIFY2(error.contains(QStringLiteral("newer")), qPrintable(error));
        QVERIFY(error.contains(QStringLiteral("999")));
    }

    void failedMigrationLeavesNoHalfSchema()
    {
        auto database = open();
        Migrator migrator(*database);
        QString error;
        // A table in the way of version 2 makes it fail; version 1 stays complete.
        QVERIFY(migrator.migrate(&error, 1));
        QSqlQuery query(database->handle());
        QVERIFY(query.exec(QStringLiteral("CREATE TABLE auth_failures (x INTEGER)")));
        QVERIFY(!migrator.migrate(&error));
        QVERIFY(error.contains(QStringLiteral("migration 2")));
        QCOMPARE(migrator.currentVersion(&error), 1);
    }

    void sqliteRunsInWalModeWithForeignKeys()
    {
        auto database = open();
        if (database->dialect() != Dialect::Sqlite)
            QSKIP("SQLite only");
        QSqlQuery query(database->handle());
        QVERIFY(query.exec(QStringLiteral("PRAGMA journal_mode")) && query.next());
        QCOMPARE(query.value(0).toString(), QStringLiteral("wal"));
        QVERIFY(query.exec(QStringLiteral("PRAGMA foreign_keys")) && query.next());
        QCOMPARE(query.value(0).toInt(), 1);
    }
};

QTEST_GUILESS_MAIN(TestMigrations)
#include "tst_migrations.moc"
