#include "store/database.h"
#include "store/migrations.h"

#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

using namespace lobby::store;

class TestMigrations : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    int m_connections = 0;

    std::unique_ptr<Database> open()
    {
        auto database = std::make_unique<Database>(QStringLiteral("m%1").arg(++m_connections));
        DatabaseConfig config;
        config.sqlitePath =
            m_dir.filePath(QStringLiteral("db-%1.sqlite3").arg(QTest::currentTestFunction()));
        QString error;
        if (!database->open(config, &error))
            qFatal("%s", qPrintable(error));
        return database;
    }

    static QStringList tables(Database &database) { return database.handle().tables(); }

private Q_SLOTS:
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
        QSqlQuery query(database->handle());
        QVERIFY(query.exec(QStringLiteral("PRAGMA journal_mode")) && query.next());
        QCOMPARE(query.value(0).toString(), QStringLiteral("wal"));
        QVERIFY(query.exec(QStringLiteral("PRAGMA foreign_keys")) && query.next());
        QCOMPARE(query.value(0).toInt(), 1);
    }
};

QTEST_GUILESS_MAIN(TestMigrations)
#include "tst_migrations.moc"
