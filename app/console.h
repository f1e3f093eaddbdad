#pragma once

#include <QString>

#include <memory>

class QQmlApplicationEngine;
class QSystemTrayIcon;
class QQuickWindow;

namespace lobby::ui {
class StallMonitor;
}

namespace lobby::app {

class Core;
class ConsoleController;
class RequestsController;

// The staff console: QML views over models fed by batched domain events from the core thread,
// a tray icon with the unread total, and notifications for new guest messages.
class Console
{
public:
    Console(Core &core, const QString &serverUrl);
    ~Console();

    bool show(QString *error);
    // Renders the console signed in as the demo admin with a conversation open, saves it as a
    // PNG and quits the application (exit code 0, or 1 when it could not).
    void takeScreenshot(const QString &path);

    ConsoleController &controller() { return *m_controller; }

private:
    void updateTray(int unread);
    // LOBBY_SIGN_IN=EMAIL:PASSWORD: signs in as the sign-in form would, then opens the newest
    // conversation; says so on stdout (for scripts such as bench/console/run.sh).
    void signInFromEnvironment(const QString &value);

    Core &m_core;
    std::unique_ptr<ConsoleController> m_controller;
    std::unique_ptr<RequestsController> m_requests;
    std::unique_ptr<QQmlApplicationEngine> m_engine;
    std::unique_ptr<QSystemTrayIcon> m_tray;
    QQuickWindow *m_window = nullptr;
    // LOBBY_STALL_REPORT=FILE: the GUI thread's stalls and the models' updates, written at exit.
    std::unique_ptr<ui::StallMonitor> m_stalls;
    QString m_stallReport;
};

// How guests' phones and websites reach a server listening on `serverUrl`: a wildcard address
// is replaced by this machine's first LAN address.
QString publicUrlFor(const QString &serverUrl);

} // namespace lobby::app
