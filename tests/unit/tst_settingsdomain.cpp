// Settings edits in the domain: staff accounts and FAQ entries change only through an admin of
// the same site.
#include "testsupport.h"

#include <QTest>

using namespace lobby::chat;
using lobby::test::TestDatabase;

class TestSettingsDomain : public QObject
{
    Q_OBJECT

    struct Fixture
    {
        TestDatabase db;
        Site site = db.site();
        Site otherSite = db.site(QStringLiteral("other-hotel"));
        Account admin = lobby::test::createAccount(db.chat(), {.siteId = site.id,
                                                               .kind = AccountKind::Staff,
                                                               .role = StaffRole::Admin,
                                                               .email = "admin@test.example"});
        Account desk = db.staff(site.id, QStringLiteral("desk@test.example"));
        Account otherAdmin =
            lobby::test::createAccount(db.chat(), {.siteId = otherSite.id,
                                                   .kind = AccountKind::Staff,
                                                   .role = StaffRole::Admin,
                                                   .email = "admin@other.example"});
        FaqEntry faq =
            db.chat()
                .addFaqEntry(site.id, QStringLiteral("Breakfast?"), QStringLiteral("7 to 10"))
                .value();

        ChatService::StaffChange change(const QString &name, const QString &email,
                                        bool isAdmin = false)
        {
            return {name, email, QStringLiteral("Receptionist"), isAdmin, {}};
        }
    };

private Q_SLOTS:
    void anAdminEditsAStaffAccount()
    {
        Fixture f;
        const QString oldHash = f.desk.passwordHash;
        const auto edited = f.db.chat().updateStaffAccount(
            f.admin.id, f.desk.id, f.change(" Mary Desk ", "Mary@Test.Example", true));
        QVERIFY2(edited, qPrintable(edited.error().message));
        const auto stored = f.db.store().accountById(f.desk.id);
        QCOMPARE(stored->name, QStringLiteral("Mary Desk"));
        QCOMPARE(stored->email, QStringLiteral("mary@test.example"));
        QCOMPARE(stored->jobTitle, QStringLiteral("Receptionist"));
        QCOMPARE(stored->role, StaffRole::Admin);
        QCOMPARE(stored->passwordHash, oldHash); // no new password: the old one stays

        auto withPassword = f.change("Mary Desk", "mary@test.example");
        withPassword.passwordHash = QStringLiteral("new-hash");
        QVERIFY(f.db.chat().updateStaffAccount(f.admin.id, f.desk.id, withPassword));
        QCOMPARE(f.db.store().accountById(f.desk.id)->passwordHash, QStringLiteral("new-hash"));
    }

    void staffEditsAreRefusedWithAReason()
    {
        Fixture f;
        auto &chat = f.db.chat();
        const auto byStaff =
            chat.updateStaffAccount(f.desk.id, f.admin.id, f.change("X", "x@test.example"));
        QCOMPARE(byStaff.error().code, ErrorCode::Forbidden);
        const auto noName = chat.updateStaffAccount(f.admin.id, f.desk.id, f.change(" ", "a@b.cd"));
        QCOMPARE(noName.error().code, ErrorCode::Invalid);
        const auto badEmail = chat.updateStaffAccount(f.admin.id, f.desk.id, f.change("D", "nope"));
        QCOMPARE(badEmail.error().code, ErrorCode::Invalid);
        const auto taken =
            chat.updateStaffAccount(f.admin.id, f.desk.id, f.change("D", "admin@other.example"));
        QCOMPARE(taken.error().code, ErrorCode::Conflict);
        const auto selfDemotion =
            chat.updateStaffAccount(f.admin.id, f.admin.id, f.change("A", "admin@test.example"));
        QCOMPARE(selfDemotion.error().code, ErrorCode::Invalid);
        QCOMPARE(f.db.store().accountById(f.admin.id)->role, StaffRole::Admin);
        QCOMPARE(f.db.store().accountById(f.desk.id)->email, QStringLiteral("desk@test.example"));
    }

    void anotherSitesAdminSeesNothing()
    {
        Fixture f;
        auto &chat = f.db.chat();
        QCOMPARE(chat.updateStaffAccount(f.otherAdmin.id, f.desk.id, f.change("X", "x@y.zz"))
                     .error()
                     .code,
                 ErrorCode::NotFound);
        QCOMPARE(chat.removeStaffAccount(f.otherAdmin.id, f.desk.id).error().code,
                 ErrorCode::NotFound);
        QCOMPARE(chat.updateFaqEntry(f.otherAdmin.id, f.faq.id, "Q", "A").error().code,
                 ErrorCode::NotFound);
        QCOMPARE(chat.removeFaqEntryAsAdmin(f.otherAdmin.id, f.faq.id).error().code,
                 ErrorCode::NotFound);
        QVERIFY(f.db.store().accountById(f.desk.id));
        QCOMPARE(f.db.store().faqOfSite(f.site.id).size(), 1);
        QCOMPARE(f.db.store().faqOfSite(f.site.id).first().question, QStringLiteral("Breakfast?"));
    }

    void removingStaffFreesTheirConversations()
    {
        Fixture f;
        NewConversation request;
        request.siteId = f.site.id;
        request.kind = ConversationKind::Room;
        request.title = QStringLiteral("Room 101");
        const auto conversation = f.db.chat().openConversation(request);
        QVERIFY(f.db.chat().assignHandler(conversation->id, f.desk.id));

        QCOMPARE(f.db.chat().removeStaffAccount(f.desk.id, f.admin.id).error().code,
                 ErrorCode::Forbidden);
        QCOMPARE(f.db.chat().removeStaffAccount(f.admin.id, f.admin.id).error().code,
                 ErrorCode::Invalid);
        QVERIFY(f.db.chat().removeStaffAccount(f.admin.id, f.desk.id));
        QVERIFY(!f.db.store().accountById(f.desk.id));
        QCOMPARE(f.db.store().conversationById(conversation->id)->handlerAccountId, 0);
        QCOMPARE(f.db.chat().removeStaffAccount(f.admin.id, f.desk.id).error().code,
                 ErrorCode::NotFound);
    }

    void anAdminEditsAndRemovesFaqEntries()
    {
        Fixture f;
        auto &chat = f.db.chat();
        QCOMPARE(chat.updateFaqEntry(f.desk.id, f.faq.id, "Q", "A").error().code,
                 ErrorCode::Forbidden);
        QCOMPARE(chat.updateFaqEntry(f.admin.id, f.faq.id, "Q", " ").error().code,
                 ErrorCode::Invalid);
        const auto edited = chat.updateFaqEntry(f.admin.id, f.faq.id, " Breakfast times? ", "7-11");
        QVERIFY(edited);
        const QList<FaqEntry> stored = f.db.store().faqOfSite(f.site.id);
        QCOMPARE(stored.size(), 1);
        QCOMPARE(stored.first().question, QStringLiteral("Breakfast times?"));
        QCOMPARE(stored.first().answer, QStringLiteral("7-11"));

        QCOMPARE(chat.removeFaqEntryAsAdmin(f.desk.id, f.faq.id).error().code,
                 ErrorCode::Forbidden);
        QVERIFY(chat.removeFaqEntryAsAdmin(f.admin.id, f.faq.id));
        QVERIFY(f.db.store().faqOfSite(f.site.id).isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestSettingsDomain)
#include "tst_settingsdomain.moc"
