#include "admin.h"
#include "console.h"
#include "core.h"
#include "options.h"
#include "unixsignals.h"

#include <QApplication>
#include <QQmlExtensionPlugin>
#include <QTextStream>
#include <QUrl>

Q_IMPORT_QML_PLUGIN(Lobby_ConsolePlugin)
Q_IMPORT_QML_PLUGIN(Lobby_BackendPlugin)

namespace {

void describeApplication()
{
    QCoreApplication::setApplicationName(QStringLiteral("lobby"));
    QCoreApplication::setApplicationVersion(QStringLiteral(LOBBY_VERSION));
}

bool hasDisplay()
{
    return !qEnvironmentVariableIsEmpty("DISPLAY") ||
           !qEnvironmentVariableIsEmpty("WAYLAND_DISPLAY") ||
           !qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM");
}

} // namespace

int main(int argc, char *argv[])
{
    using namespace lobby::app;
    if (argc > 1 && qstrcmp(argv[1], "admin") == 0) {
        QCoreApplication app(argc, argv);
        describeApplication();
        return runAdmin(app.arguments());
    }

    // The command line first: --help, --version and mistakes are answered before anything
    // (a display connection, the data folder) is started.
    describeApplication();
    QStringList arguments;
    for (int i = 0; i < argc; ++i)
        arguments << QString::fromLocal8Bit(argv[i]);
    Options options;
    int exitCode = 0;
    if (!parseOptions(arguments, &options, &exitCode))
        return exitCode;

    bool headless = options.headless;
    QTextStream out(stdout);
    if (!headless && !hasDisplay()) {
        out << "No display found: running --headless (the server without the console).\n";
        headless = true;
    }
    if (headless) // no desktop to integrate with: the main thread needs no glib either
        qputenv("QT_NO_GLIB", "1");
    std::unique_ptr<QCoreApplication> app = headless
                                                ? std::make_unique<QCoreApplication>(argc, argv)
                                                : std::make_unique<QApplication>(argc, argv);

    if (headless && !options.screenshot.isEmpty()) {
        QTextStream(stderr)
            << "lobby: --screenshot needs the console (try QT_QPA_PLATFORM=offscreen)\n";
        return 2;
    }

    // Before anything is announced: a signal that arrives later is handled by the event loop.
    UnixSignalWatcher signalWatcher;
    QObject::connect(&signalWatcher, &UnixSignalWatcher::terminationRequested, app.get(),
                     [&app] { app->quit(); });

    CoreConfig config;
    config.data.root = options.dataDir;
    config.data.databaseUrl = options.databaseUrl;
    config.host = options.host;
    config.port = options.port;
    config.demo = options.demo;
    config.handoffWaitSeconds = options.handoffWaitSeconds;
    config.guestSessionDays = options.guestSessionDays;
    config.widgetCreationsPerMinute = options.widgetCreationsPerMinute;
    config.uploadQuotaMib = options.uploadQuotaMib;
    config.limits.maxConnectionsPerAddress = options.maxConnectionsPerAddress;
    Core core;
    QString error;
    if (!core.start(config, &error)) {
        QTextStream(stderr) << "lobby: " << error << "\n";
        return 1;
    }
    quint16 port = 0;
    QStringList demoLines;
    core.runBlocking([&](CoreRuntime &runtime) {
        port = runtime.port();
        demoLines = runtime.demoCredentials();
    });
    const QString url = QStringLiteral("http://%1:%2").arg(options.hostText).arg(port);
    out << "Lobby listening on " << url << "\n";
    out << "Data folder: " << options.dataDir << "\n";
    if (const QUrl database(config.data.effectiveDatabaseUrl()); !database.isEmpty())
        out << "Database: " << database.toDisplayString(QUrl::RemovePassword | QUrl::RemoveQuery)
            << "\n";
    for (const QString &line : std::as_const(demoLines))
        out << line << "\n";
    out.flush();

    std::unique_ptr<Console> console;
    if (!headless) {
        console = std::make_unique<Console>(core, url);
        if (!console->show(&error)) {
            QTextStream(stderr) << "lobby: " << error << "\n";
            return 1;
        }
        if (!options.screenshot.isEmpty())
            console->takeScreenshot(options.screenshot);
    }
    const int result = app->exec();
    console.reset();
    core.stop();
    out << "Lobby stopped.\n";
    return result;
}
