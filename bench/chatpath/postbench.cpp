// postbench: what storing a message costs in the domain and the store, without the network: N
// posts through ChatService::postMessage (one durable commit each) and through queueMessage +
// flushQueue (group commit) in batches of 1, 10 and 50, on a fresh SQLite file with Lobby's
// durability (WAL, synchronous=FULL). Prints wall and CPU time per message and the commits.
//
//   build-rel/bench/postbench [N=2000] [DIR=/tmp]
#include "chat/chatservice.h"
#include "store/database.h"
#include "store/migrations.h"
#include "store/store.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QTemporaryDir>

#include <cstdio>
#include <ctime>

using namespace lobby;
using namespace lobby::chat;

namespace {

double cpuSeconds()
{
    timespec t{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return double(t.tv_sec) + double(t.tv_nsec) / 1e9;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const int n = argc > 1 ? std::max(50, std::atoi(argv[1])) : 2000;
    QTemporaryDir dir((argc > 2 ? QString::fromLocal8Bit(argv[2]) : QStringLiteral("/tmp")) +
                      QStringLiteral("/postbench-XXXXXX"));
    store::DatabaseConfig config;
    config.sqlitePath = dir.filePath(QStringLiteral("postbench.sqlite3"));
    store::Database database(QStringLiteral("postbench"));
    QString error;
    store::Migrator migrator(database);
    if (!database.open(config, &error) || !migrator.migrate(&error)) {
        std::fprintf(stderr, "postbench: %s\n", qPrintable(error));
        return 1;
    }
    store::Store store(database);
    ChatService chat(store);
    const Site site =
        chat.createSite(QStringLiteral("bench"), QStringLiteral("Bench"), SiteKind::Hotel).value();
    Account account;
    account.siteId = site.id;
    account.kind = AccountKind::Customer;
    account.email = QStringLiteral("customer@bench.example");
    account.name = QStringLiteral("Customer");
    account.passwordHash = QStringLiteral("-");
    const Account customer = chat.createAccount(account).value();
    NewConversation request;
    request.siteId = site.id;
    request.title = QStringLiteral("Bench");
    request.participants = {customer.actor()};
    const Conversation conversation = chat.openConversation(request).value();
    MessageDraft draft;
    draft.content = QStringLiteral("A message of an ordinary length, like most of them are.");

    int failures = 0;
    auto measure = [&](const char *what, int batch) {
        const qint64 commitsBefore = store.commitCount();
        const double cpuBefore = cpuSeconds();
        QElapsedTimer wall;
        wall.start();
        for (int i = 0; i < n; i += std::max(1, batch)) {
            if (!batch) {
                failures += !chat.postMessage(conversation.id, customer.actor(), draft);
                continue;
            }
            for (int j = 0; j < batch; ++j)
                chat.queueMessage(conversation.id, customer.actor(), draft,
                                  [&](const Result<PostedMessage> &r) { failures += !r; });
            chat.flushQueue();
        }
        std::printf("%-30s %8.1f us wall, %7.1f us CPU per message, %lld commits\n", what,
                    double(wall.nsecsElapsed()) / 1e3 / n, (cpuSeconds() - cpuBefore) * 1e6 / n,
                    store.commitCount() - commitsBefore);
    };
    std::printf("%d messages per line, SQLite WAL synchronous=FULL in %s\n", n,
                qPrintable(dir.path()));
    measure("postMessage (commit each)", 0);
    measure("group commit, batches of 1", 1);
    measure("group commit, batches of 10", 10);
    measure("group commit, batches of 50", 50);
    return failures ? 1 : 0;
}
